"""The interactive questionnaire: skip logic, parsing, early emergency warning, --save."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from heavylegs.assessment.engine import assess
from heavylegs.assessment.questionnaire import QUESTIONS, Kind, set_answer, should_ask, to_schema
from heavylegs.assessment.validation import parse_answers
from heavylegs.cli.interview import CHECK_AFTER, parse_reply
from heavylegs.cli.main import app


def _encode(question: Any, value: Any) -> str:
    if value is None:
        return ""
    if question.kind is Kind.YES_NO:
        return "y" if value else "n"
    values = [v for v, _ in question.choices]
    if question.kind is Kind.CHOICE:
        return str(values.index(value) + 1)
    if question.kind is Kind.MULTI:
        return " ".join(str(values.index(v) + 1) for v in value) or "none"
    return str(value)


def script_for(wanted: dict[str, Any], continue_after_emergency: bool = False) -> tuple[str, int]:
    """The lines a person would type to give ``wanted``, following the real skip logic."""
    answers: dict[str, Any] = {}
    lines: list[str] = []
    asked = 0
    section = ""
    for question in QUESTIONS:
        if question.section != section:
            if section in CHECK_AFTER:
                level = assess(parse_answers(to_schema(answers))).triage.level.value
                if level == "emergency":
                    lines.append("y" if continue_after_emergency else "n")
                    if not continue_after_emergency:
                        return "\n".join(lines) + "\n", asked
            section = question.section
        if not should_ask(question, answers):
            continue
        asked += 1
        value = wanted.get(question.path)
        lines.append(_encode(question, value))
        set_answer(answers, question.path, value)
    return "\n".join(lines) + "\n", asked


def test_a_desk_worker_interview_and_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = {
        "about.age": 34,
        "about.sex": "male",
        "symptoms.legs": "both",
        "symptoms.heaviness": 3,
        "symptoms.when": ["after_sitting", "end_of_day"],
        "symptoms.swelling": "none",
        "lifestyle.work": "sitting",
        "lifestyle.hours_still_per_day": 9,
        "meta.runs": False,
    }
    typed, asked = script_for(wanted)
    monkeypatch.setenv("HEAVYLEGS_INTERACTIVE", "1")
    # a fresh database: a saved profile would pre-fill (and skip) the sex and age questions
    monkeypatch.setenv("HEAVYLEGS_DB", f"sqlite:///{tmp_path / 'heavylegs.sqlite3'}")
    saved = tmp_path / "answers.json"
    result = CliRunner().invoke(app, ["assess", "--save", str(saved)], input=typed)
    assert result.exit_code == 0, result.output
    data = json.loads(saved.read_text())
    assert data["symptoms"] == {
        "legs": "both",
        "heaviness": 3,
        "when": ["after_sitting", "end_of_day"],
        "swelling": "none",
    }
    assert "running" not in data and "meta" not in data
    assert "swelling_pits_when_pressed" not in json.dumps(data), (
        "no swelling: no swelling follow-ups"
    )
    assert "SELF-CARE" in result.output
    assert 40 < asked < len(QUESTIONS), "skip logic left out the runner questions"


def test_runner_questions_only_for_runners() -> None:
    base = {"symptoms.legs": "both", "about.sex": "male"}
    _, without = script_for({**base, "meta.runs": False})
    _, with_runs = script_for({**base, "meta.runs": True})
    assert with_runs - without == sum(1 for q in QUESTIONS if q.path.startswith("running."))


def test_an_emergency_is_shown_before_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = {
        "symptoms.legs": "left",
        "symptoms.onset": "sudden",
        "symptoms.sudden_cold_pale_or_blue_leg": True,
    }
    typed, asked = script_for(wanted)
    monkeypatch.setenv("HEAVYLEGS_INTERACTIVE", "1")
    result = CliRunner().invoke(app, ["assess"], input=typed)
    assert result.exit_code == 0, result.output
    assert result.output.count("EMERGENCY") >= 2, "shown during the questions and in the result"
    assert asked < 40


def test_stopping_assesses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEAVYLEGS_INTERACTIVE", "1")
    result = CliRunner().invoke(app, ["assess"], input="40\n")
    assert result.exit_code == 130
    assert "nothing was assessed" in result.output


@pytest.mark.parametrize(
    ("path", "reply", "value"),
    [
        ("symptoms.legs", "2", "left"),
        ("symptoms.legs", "right", "right"),
        ("symptoms.when", "1, 3 3", ["end_of_day", "after_sitting"]),
        ("symptoms.when", "none", []),
        ("symptoms.calf_tender_to_touch", "Y", True),
        ("symptoms.heaviness", "7", 7),
        ("lifestyle.water_liters_per_day", "1,5", 1.5),
        # numbers keep two decimals, as in the web wizard (assessment/replies.py says why)
        ("lifestyle.water_liters_per_day", "1.256", 1.26),
        ("symptoms.heaviness", "", None),
    ],
)
def test_replies_are_parsed(path: str, reply: str, value: Any) -> None:
    question = next(q for q in QUESTIONS if q.path == path)
    assert parse_reply(question, reply) == value


@pytest.mark.parametrize(
    ("path", "reply", "message"),
    [
        ("symptoms.legs", "7", "from 1 to 3"),
        ("symptoms.heaviness", "11", "between 0 and 10"),
        ("symptoms.heaviness", "4.5", "whole number"),
        ("symptoms.calf_tender_to_touch", "maybe", "y or n"),
        ("lifestyle.sleep_hours", "lots", "type a number"),
        ("lifestyle.sleep_hours", "nan", "type a number"),
        ("lifestyle.water_liters_per_day", "-inf", "type a number"),
        ("symptoms.heaviness", "NaN", "type a number"),
        ("symptoms.when", "none 2", "'none' or the numbers"),
    ],
)
def test_bad_replies_are_explained(path: str, reply: str, message: str) -> None:
    question = next(q for q in QUESTIONS if q.path == path)
    with pytest.raises(ValueError, match=message):
        parse_reply(question, reply)
