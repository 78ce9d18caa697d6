"""``heavylegs assess``/``explain``/``sources`` as a person runs them: a real process for what
only a process shows (the entry point, stdin, exit codes, no terminal), the rest in process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

EXE = [sys.executable, "-m", "heavylegs.cli.main"]


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real ``heavylegs`` process."""
    return subprocess.run(
        [*EXE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
    )


@pytest.mark.parametrize("name", ["after-long-flight", "office-worker", "runner"])
def test_json_contract_on_the_spec_examples(heavylegs: Invoke, shared: Path, name: str) -> None:
    done = heavylegs(
        "assess", "--answers", str(shared / "spec" / "examples" / f"{name}.json"), "--json"
    )
    assert done.exit_code == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schema_version"] == 1
    assert set(out) >= {"triage", "causes", "plan", "see_a_doctor_if", "disclaimer"}
    assert out["triage"]["level"] in ("emergency", "urgent", "routine", "self_care")
    assert {"do", "avoid"} <= set(out["plan"])
    assert all({"id", "likelihood", "why", "sources"} <= set(c) for c in out["causes"])
    assert all({"id", "dose", "when", "why", "sources"} <= set(i) for i in out["plan"]["do"])
    assert all({"id", "why", "sources"} <= set(i) for i in out["plan"]["avoid"])


def test_answers_from_stdin(shared: Path) -> None:
    text = (shared / "spec" / "examples" / "after-long-flight.json").read_text()
    done = run("assess", "--answers", "-", "--json", stdin=text)
    assert done.returncode == 0
    assert json.loads(done.stdout)["triage"]["level"] == "urgent"


def test_bad_answers_exit_2_one_line_per_problem_nothing_on_stdout() -> None:
    bad = {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 12, "colour": "red"}}
    done = run("assess", "--answers", "-", "--json", stdin=json.dumps(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: symptoms.colour: is not a known field",
        "error: symptoms.heaviness: must be between 0 and 10",
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["--answers", "/no/such/file.json"], None, "--answers: no such file"),
        (["--answers", "/"], None, "--answers: is a folder"),
        (["--answers", "-"], "{not json", "(document): not valid JSON"),
        (["--answers", "-"], "[]", "(document): must be a JSON object"),
    ],
)
def test_unusable_input(
    heavylegs: Invoke, args: list[str], stdin: str | None, fragment: str
) -> None:
    done = heavylegs("assess", *args, "--json", input=stdin)
    assert done.exit_code == 2 and done.stdout == ""
    assert fragment in done.stderr


def test_readable_report_puts_the_triage_banner_first(heavylegs: Invoke, shared: Path) -> None:
    done = heavylegs(
        "assess", "--answers", str(shared / "spec" / "examples" / "after-long-flight.json")
    )
    assert done.exit_code == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert "URGENT" in lines[0]
    text = done.stdout
    assert text.index("What to do now") < text.index("What is likely behind it")
    assert "Avoid for now" in text and "information, not a diagnosis" in text


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("assess", "explain", "sources"):
        assert command in done.stdout


def test_explain_and_sources(heavylegs: Invoke) -> None:
    done = heavylegs("explain", "ankle_pumps")
    assert done.exit_code == 0 and "Sources" in done.stdout
    done = heavylegs("explain", "deep_vein_thrombosis", "--json")
    assert json.loads(done.stdout)["id"] == "deep_vein_thrombosis"
    done = heavylegs("explain", "ankle_pump")
    assert done.exit_code == 2 and "did you mean: ankle_pumps" in done.stderr and done.stdout == ""
    done = heavylegs("sources", "--json")
    ids = {s["id"] for s in json.loads(done.stdout)}
    assert {"seed-000", "seed-004", "nhs-dvt"} <= ids


def test_interactive_needs_a_terminal() -> None:
    done = run("assess", stdin="")
    assert done.returncode == 2 and "--answers" in done.stderr


def _stored(db: str) -> int:
    from sqlalchemy import text

    from heavylegs.store import latest_assessment, open_store

    with open_store(db) as store, store.session() as session:
        count = session.execute(text("select count(*) from assessments")).scalar_one()
        assert latest_assessment(session) is not None or count == 0
        return int(count)


def test_assessments_are_stored_for_the_diary(
    heavylegs: Invoke, shared: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    example = str(shared / "spec" / "examples" / "runner.json")
    assert heavylegs("assess", "--answers", example, "--json", "--db", db).exit_code == 0
    assert (
        heavylegs("assess", "--answers", example, "--json", env={"HEAVYLEGS_DB": db}).exit_code == 0
    )
    assert _stored(db) == 2
    assert (
        heavylegs("assess", "--answers", example, "--json", "--db", db, "--no-store").exit_code == 0
    )
    assert _stored(db) == 2


def test_an_unwritable_database_never_hides_the_result(
    heavylegs: Invoke, shared: Path, tmp_path: Path
) -> None:
    example = str(shared / "spec" / "examples" / "after-long-flight.json")
    (tmp_path / "a-file").write_text("not a folder")
    done = heavylegs(
        "assess", "--answers", example, "--json", "--db", f"sqlite:///{tmp_path}/a-file/x.db"
    )
    assert done.exit_code == 0
    assert json.loads(done.stdout)["triage"]["level"] == "urgent"
    assert "warning: assessment not stored" in done.stderr
