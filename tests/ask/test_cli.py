"""``heavylegs ask``: the JSON contract, the readable rendering, and bad questions (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from heavylegs.cli.ask import register
from heavylegs.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """A fresh app with only the ask command, as the lead's main app registers it."""
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps Typer in multi-command mode, like main
        """Placeholder."""

    return app


def invoke(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["ask", *args], env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def test_json_contract(app: typer.Typer, kb: KnowledgeBase) -> None:
    code, out, err = invoke(app, "Do compression socks help?", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"answers", "triage_hint"}
    assert 1 <= len(data["answers"]) <= 5
    for answer in data["answers"]:
        assert {"id", "title", "text", "covers", "sources", "score"} <= set(answer)
        assert answer["score"] > 0
        entry = kb.entry(answer["id"])
        assert entry is not None and entry.text == answer["text"]  # verbatim, never generated
        assert answer["covers"] == list(entry.covers)
        assert answer["sources"] == list(entry.sources) and set(answer["sources"]) <= set(
            kb.sources
        )
    scores = [a["score"] for a in data["answers"]]
    assert scores == sorted(scores, reverse=True)
    assert data["triage_hint"] is None


def test_json_triage_hint(app: typer.Typer) -> None:
    code, out, _ = invoke(app, "my calf is swollen, hot and red after a flight", "--json")
    assert code == 0
    hint = json.loads(out)["triage_hint"]
    assert hint["level"] in ("urgent", "emergency")
    assert hint["message"]


def test_readable_output_puts_the_hint_first_then_answers_with_sources(app: typer.Typer) -> None:
    code, out, _ = invoke(app, "Should I walk if I think I have a blood clot?")
    assert code == 0
    assert out.index("URGENT") < out.index("1. ")
    assert "Sources:" in out and "https://www.nhs.uk/" in out
    assert "not a diagnosis" in out


def test_readable_output_without_a_hint(app: typer.Typer) -> None:
    code, out, _ = invoke(app, "What is the 10% rule?")
    assert code == 0
    assert "URGENT" not in out and "EMERGENCY" not in out
    assert "10 % rule" in out and "Caution:" in out


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_question_exit_2_message_on_stderr(app: typer.Typer, question: str) -> None:
    code, out, err = invoke(app, question, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: question: ") and err.count("\n") == 1


def test_no_match_says_so(app: typer.Typer) -> None:
    code, out, _ = invoke(app, "what is it?")
    assert code == 0 and "No answer in the knowledge base matches" in out
    code, out, _ = invoke(app, "what is it?", "--json")
    assert json.loads(out) == {"answers": [], "triage_hint": None}


def test_the_installed_command_answers(tmp_path: object) -> None:
    """A real process through the lead's main app (which registers this face)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "heavylegs.cli.main",
            "ask",
            "Is walking good for heavy legs?",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answers"][0]["id"] == "faq-walking-helps"
    empty = subprocess.run(
        [sys.executable, "-m", "heavylegs.cli.main", "ask", ""],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert empty.returncode == 2 and empty.stdout == "" and "question" in empty.stderr
