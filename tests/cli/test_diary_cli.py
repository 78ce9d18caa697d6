"""The diary commands through Typer, on real SQLite files (and PostgreSQL where it runs)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.diary as cli
from heavylegs.store import open_store, record_assessment
from tests.store.databases import pg_url, sqlite_url

__all__ = ["pg_url", "sqlite_url"]  # fixtures used below

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)
TODAY = "2026-11-21"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(cli, "now", lambda: NOW)
    monkeypatch.setattr(cli._console(), "width", 160)
    application = typer.Typer()
    cli.register(application)
    return application


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HEAVYLEGS_DB", sqlite_url)
    return sqlite_url


def call(app: typer.Typer, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def ok(app: typer.Typer, *args: str, input: str | None = None) -> str:
    result = call(app, *args, input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def refused(app: typer.Typer, *args: str) -> list[str]:
    """Bad input: exit 2, nothing on stdout, one line per problem on stderr."""
    result = call(app, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    return str(result.stderr).splitlines()


def test_log_done_diary_insights(app: typer.Typer, db: str) -> None:
    first = ["--date", TODAY, "--part", "evening", "--heaviness", "6", "--note", "Spätschicht [/b]"]
    out = ok(app, "log", *first, "--ankle-left-cm", "23.4", "--ankle-right-cm", "23.6")
    assert "Logged 2026-11-21 evening" in out
    ok(app, "log", "--date", TODAY, "--part", "evening", "--cramps", "2", "--night-cramps")
    ok(app, "done", "ankle_pumps", "--reps", "20")
    ok(app, "done", "legs_up_the_wall", "--minutes", "12", "--date", "2026-11-20", "--at", "21:15")
    rows = json.loads(ok(app, "diary", "--json"))
    (entry,) = rows["entries"]
    assert (entry["heaviness"], entry["cramps"], entry["night_cramps"], entry["note"]) == (
        6,
        2,
        True,
        "Spätschicht [/b]",
    )
    assert [(m["measure"], m["reps"], m["minutes"], m["at"]) for m in rows["measures"]] == [
        ("legs_up_the_wall", None, 12.0, "2026-11-20T21:15:00+00:00"),
        ("ankle_pumps", 20, None, NOW.isoformat()),
    ]
    table = ok(app, "diary")
    assert "Spätschicht [/b]" in table and "ankle_pumps 20×" in table
    doc = json.loads(ok(app, "insights", "--json"))
    assert {"trend", "effects", "escalation", "summary"} <= set(doc)
    assert {(e["measure"], e["verdict"]) for e in doc["effects"]} == {
        ("ankle_pumps", "not_enough_data"),
        ("legs_up_the_wall", "not_enough_data"),
    }
    assert "not enough data yet" in ok(app, "insights")


def test_log_warns_at_once_when_one_leg_swells(app: typer.Typer, db: str) -> None:
    out = ok(app, "log", "--heaviness", "5", "--ankle-left-cm", "26.1", "--ankle-right-cm", "23.8")
    assert "URGENT" in out and "2.3 cm more than the right" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "--heaviness", "11"], ["error: heaviness: must be between 0 and 10 (got 11)"]),
        (
            ["log", "--heaviness", "4", "--ankle-left-cm", "-3"],
            ["error: ankle_left_cm: must be between 5 and 80 (got -3)"],
        ),
        (
            ["log", "--heaviness", "4", "--date", "2026-11-23"],
            ["error: date: must not be after tomorrow (2026-11-22)"],
        ),
        (
            ["log", "--heaviness", "11", "--ankle-right-cm", "-1", "--date", "2030-01-01"],
            [
                "error: date: must not be after tomorrow (2026-11-22)",
                "error: heaviness: must be between 0 and 10 (got 11)",
                "error: ankle_right_cm: must be between 5 and 80 (got -1)",
            ],
        ),
        (
            ["log", "--heaviness", "many"],
            ["error: heaviness: must be a whole number (got 'many')"],
        ),
        (
            ["log", "--part", "noon", "--heaviness", "3"],
            ["error: part: must be one of 'morning' or 'evening' (got 'noon')"],
        ),
        (["log"], ["error: (entry): give at least --heaviness, or use --interactive"]),
        (["log", "--ankle-left-cm", "23"], ["error: heaviness: required for a new entry"]),
        (  # an empty --date or --part was taken for "not given": logged today, by the clock
            ["log", "--heaviness", "3", "--date", "", "--part", ""],
            [
                "error: date: must be a date YYYY-MM-DD (got '')",
                "error: part: must be one of 'morning' or 'evening' (got '')",
            ],
        ),
        (
            ["done", "ankle_pumps", "--reps", "5", "--minutes", "3"],
            ["error: --minutes/--reps: give one of them, not both"],
        ),
        (
            ["done", "ankle_pump"],
            ["error: measure: unknown measure 'ankle_pump' (did you mean ankle_pumps?)"],
        ),
        (
            ["done", "walking", "--minutes", "-5"],
            ["error: minutes: must be more than 0 and at most 1440 (got -5)"],
        ),
        (
            ["done", "walking", "--date", "2026-11-30"],
            ["error: date: must not be after tomorrow (2026-11-22)"],
        ),
        (
            ["done", "walking", "--at", "25:00"],
            ["error: at: must be a time of day H:MM or HH:MM, e.g. 9:00 or 17:30 (got '25:00')"],
        ),
        (["insights", "--as-of", "soon"], ["error: as_of: must be a date YYYY-MM-DD (got 'soon')"]),
        (
            ["trends", "--plot", "chart.pdf"],
            ["error: --plot: the file must end in .png or .svg (got 'chart.pdf')"],
        ),
    ],
)
def test_invalid_input_is_refused_naming_the_field(
    app: typer.Typer, db: str, args: list[str], expected: list[str]
) -> None:
    assert refused(app, *args) == expected
    # nothing was written: not even an empty database file was created
    assert not Path(db.removeprefix("sqlite:///")).exists()


def test_interactive_log_asks_again_for_refused_values(app: typer.Typer, db: str) -> None:
    answers = (
        "\n".join(["12", "23.5", "", "left", "y", "", "", "", "7.5", "", "", "", "", "sore"]) + "\n"
    )
    answers += "7\n"  # heaviness asked again
    out = ok(app, "log", "-i", "--part", "morning", input=answers)
    assert "heaviness: must be between 0 and 10 (got 12)" in out
    (entry,) = json.loads(ok(app, "diary", "--json"))["entries"]
    fields = ("heaviness", "ankle_left_cm", "swelling", "sock_marks", "sleep_h", "note")
    assert [entry[f] for f in fields] == [7, 23.5, "left", True, 7.5, "sore"]


def _fill(url: str, days: int = 20) -> None:
    """``days`` days of entries with ankles, a measure every other day, straight to the store."""
    from heavylegs.diary.entries import record_entry, record_measure
    from heavylegs.diary.validation import MeasureDoneIn, parse_entry

    store = open_store(url)
    with store.session() as s:
        for back in range(days):
            d = NOW.date() - dt.timedelta(days=back)
            for part, h in (("morning", 2 + back % 3), ("evening", 4 + back % 4)):
                values = {"date": d, "part": part, "heaviness": h}
                if part == "evening":
                    values |= {"ankle_left_cm": 23 + back / 20, "ankle_right_cm": 23.3}
                record_entry(s, parse_entry(values, today=NOW.date()), NOW)
            if back % 2:
                record_measure(s, MeasureDoneIn(measure="legs_up_the_wall", date=d, minutes=10))
    store.close()


def test_export_import_export_via_the_cli(app: typer.Typer, db: str, tmp_path: Path) -> None:
    _fill(db, 6)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    ok(app, "export", "--out", str(first))
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert "Restored" in ok(app, "import-backup", str(first), "--db", fresh)
    ok(app, "export", "--out", str(second), "--db", fresh)
    assert first.read_bytes() == second.read_bytes()
    assert ok(app, "export", "--out", "-") == first.read_text()
    again = call(app, "import-backup", str(first), "--db", fresh)
    assert again.exit_code == 1 and again.stdout == ""
    assert "not empty" in again.stderr and "only restores into an empty database" in again.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert refused(app, "import-backup", str(broken))[0].startswith("error: file: not JSON")


def test_a_backup_with_assessments_heavylegs_could_not_have_written_is_refused(
    app: typer.Typer, db: str, tmp_path: Path
) -> None:
    """The reports and result pages read a restored assessment; garbage must not restore."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers
    from heavylegs.knowledge import load_knowledge

    answers = {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 4}}
    result = assess(parse_answers(answers), load_knowledge()).model_dump(mode="json")
    store = open_store(db)
    with store.session() as s:
        record_assessment(s, answers, result, result["knowledge_version"], NOW)
    store.close()
    good = tmp_path / "good.json"
    ok(app, "export", "--out", str(good))
    fresh = tmp_path / "fresh.sqlite3"
    assert "1 assessments" in ok(app, "import-backup", str(good), "--db", str(fresh))

    document = json.loads(good.read_text())
    document["tables"]["assessments"][0]["answers"] = {"garbage": 1}
    document["tables"]["assessments"][0]["output"] = {"triage": "x"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    other = tmp_path / "other.sqlite3"
    result_bad = call(app, "import-backup", str(bad), "--db", str(other))
    assert result_bad.exit_code == 1 and result_bad.stdout == ""
    lines = result_bad.stderr
    assert "tables.assessments[0].answers.garbage: is not a known field" in lines
    assert "tables.assessments[0].output.triage:" in lines
    assert "Traceback" not in lines
    assert not other.exists(), "refused before any database is made"


def test_trends_sparkline_and_plots(app: typer.Typer, db: str, tmp_path: Path) -> None:
    _fill(db, 20)
    out = ok(app, "trends", "--days", "20", "--plot", str(tmp_path / "t.png"))
    assert "Heaviness, last 20 days" in out
    day_line = next(line for line in out.splitlines() if line.strip().startswith("day"))
    assert len(day_line.split()[1]) == 20 and set(day_line.split()[1]) <= set("▁▂▃▄▅▆▇█·")
    assert (tmp_path / "t.png").stat().st_size > 20_000
    ok(app, "trends", "--plot", str(tmp_path / "t.svg"))
    assert "<svg" in (tmp_path / "t.svg").read_text()


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def test_session_yes_runs_without_waiting_and_records(
    app: typer.Typer, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    monkeypatch.setattr(cli, "monotonic", fake.monotonic)
    monkeypatch.setattr(cli, "sleep", fake.sleep)
    out = ok(app, "session", "evening", "--yes")
    assert "Session complete" in out
    assert "Tingling" in out  # the expected sensation, from the knowledge base
    measures = json.loads(ok(app, "diary", "--json"))["measures"]
    assert [(m["measure"], m["source"]) for m in measures] == [
        ("legs_up_the_wall", "session"),
        ("ankle_pumps", "session"),
    ]
    assert measures[0]["minutes"] == 12.0 and measures[1]["reps"] == 20
    assert fake.t > 720


def test_session_without_a_routine_uses_the_latest_plan(
    app: typer.Typer, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    monkeypatch.setattr(cli, "monotonic", fake.monotonic)
    monkeypatch.setattr(cli, "sleep", fake.sleep)
    assert "no assessment stored yet" in refused(app, "session", "--yes")[0]
    store = open_store(db)
    with store.session() as s:
        plan = {
            "do": [{"id": "calf_raises"}, {"id": "compression_stockings"}],
            "avoid": [{"id": "legs_up_the_wall", "why": "not now"}],
        }
        output = {"triage": {"level": "self_care", "headline": "ok"}, "plan": plan}
        record_assessment(s, {"schema_version": 1, "symptoms": {"legs": "both"}}, output, "kb", NOW)
    store.close()
    ok(app, "session", "--yes")
    measures = json.loads(ok(app, "diary", "--json"))["measures"]
    assert [(m["measure"], m["reps"]) for m in measures] == [("calf_raises", 24)]
    out = ok(app, "session", "evening", "--yes")
    assert "skipped legs_up_the_wall: your last assessment says to avoid it: not now" in out


def test_session_needs_a_terminal_or_yes(app: typer.Typer, db: str) -> None:
    assert refused(app, "session", "desk") == [
        "error: session: needs a terminal; use --yes to run without key presses"
    ]
    assert refused(app, "session", "yoga", "--yes")[0].startswith(
        "error: routine: 'yoga' is neither a routine"
    )


def test_ctrl_c_stops_a_real_session_and_keeps_what_was_done(sqlite_url: str) -> None:
    script = (
        "import typer\n"
        "from heavylegs.cli.diary import register\n"
        "app = typer.Typer()\n"
        "register(app)\n"
        "app()\n"
    )
    env = {**os.environ, "HEAVYLEGS_DB": sqlite_url}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "session", "ankle_pumps", "--yes", "--rep-seconds", "0.5"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "Ankle" not in proc.stdout.readline():
        pass
    time.sleep(2.2)  # about four reps
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Stopped early. Recorded: ankle_pumps" in out
    store = open_store(sqlite_url)
    from heavylegs.diary.entries import list_measures

    with store.session() as s:
        (done,) = list_measures(s)
    store.close()
    assert done.measure == "ankle_pumps" and done.source == "session"
    assert done.reps is not None and 1 <= done.reps < 20


def test_the_same_commands_on_postgresql(app: typer.Typer, pg_url: str, tmp_path: Path) -> None:
    ok(app, "log", "--db", pg_url, "--heaviness", "5", "--swelling", "both")
    ok(app, "done", "walking", "--minutes", "25", "--db", pg_url)
    doc = json.loads(ok(app, "insights", "--json", "--db", pg_url))
    assert doc["trend"]["days_logged"] == 1
    ok(app, "export", "--out", str(tmp_path / "pg.json"), "--db", pg_url)
    local = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    ok(app, "import-backup", str(tmp_path / "pg.json"), "--db", local)
    ok(app, "export", "--out", str(tmp_path / "copy.json"), "--db", local)
    assert (tmp_path / "pg.json").read_bytes() == (tmp_path / "copy.json").read_bytes()


def test_an_unusable_database_is_exit_1_with_a_message(app: typer.Typer, tmp_path: Path) -> None:
    result = call(app, "diary", "--db", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "error: cannot use the database postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
