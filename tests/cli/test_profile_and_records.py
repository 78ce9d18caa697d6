"""``heavylegs profile``, ``edit``, ``delete``, the avoid-list caution after ``done``, and an
import where nothing came in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heavylegs.cli.diary as diary_cli
from heavylegs.cli.main import app
from heavylegs.cli.output import console
from tests.conftest import REPO

NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    monkeypatch.setattr(diary_cli, "now", lambda: NOW)
    monkeypatch.setattr(console(), "width", 100)
    url = f"sqlite:///{tmp_path / 'heavylegs.sqlite3'}"
    monkeypatch.setenv("HEAVYLEGS_DB", url)
    return url


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


# --------------------------------------------------------------------------------- profile


def test_profile_is_saved_shown_changed_and_cleared(db: str) -> None:
    assert run("profile").exit_code == 1, "reading does not create a database"
    text = ok("profile", "--sex", "female", "--age", "44", "--resting-hr", "52",
              "--max-hr", "182", "--work-hours", "9:00-17:30", "--work-days", "mon-fri")  # fmt: skip
    assert "Profile saved." in text
    for line in ("age:                 44 years", "resting heart rate:  52 bpm",
                 "working hours:       09:00–17:30", "working days:        Mon–Fri"):  # fmt: skip
        assert line in text
    ok("profile", "--clear", "work_hours", "--age", "45")
    doc = json.loads(ok("profile", "--json"))
    assert doc == {"sex": "female", "age": 45, "resting_hr": 52, "max_hr": 182,
                   "work_start": None, "work_end": None, "work_days": [1, 2, 3, 4, 5]}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--age", "4"], "error: age: input should be greater than or equal to 12 (got '4')"),
        (["--resting-hr", "80", "--max-hr", "100"], "error: max_hr: must be well above the resting heart rate"),
        (["--work-hours", "17:00-09:00"], "error: work_end: must be after the start of the working day"),
        (["--work-hours", "nine"], "error: work_hours: give start-end, e.g. 09:00-17:30 (got 'nine')"),
        (["--work-days", "funday"], "error: work_days: days like mon-fri or mon,wed,fri (got 'funday')"),
        (["--clear", "shoe_size"], "error: shoe_size: not a profile field"),
        # an empty value was "forget it" (--work-hours - cleared both), Arabic-Indic digits a time
        (["--age", ""], "error: age: give a value, or --clear age to forget it"),
        (["--work-days", " "], "error: work_days: give a value, or --clear work_days to forget it"),
        (["--work-hours", ""], "error: work_hours: give a value, or --clear work_hours to forget it"),
        (["--work-hours", "٩:00-17:00"], "error: work_start: must be a time of day H:MM or HH:MM, e.g. 9:00 or 17:30 (got '٩:00')"),
    ],
)  # fmt: skip
def test_bad_profile_input_names_the_field(db: str, args: list[str], expected: str) -> None:
    result = run("profile", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [expected]


def test_training_takes_the_heart_rates_from_the_profile(db: str) -> None:
    ok("profile", "--resting-hr", "48", "--max-hr", "186")
    saved = json.loads(ok("training", "--json"))["heart_profile"]
    given = json.loads(ok("training", "--json", "--hr-rest", "60"))["heart_profile"]
    assert json.dumps(saved) != json.dumps(given)
    assert 48 in saved.values() and 186 in saved.values()
    assert 60 in given.values() and 186 in given.values()


def test_assess_prefills_sex_and_age_from_the_profile(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heavylegs.cli.assess import _profile_about

    assert _profile_about(db) == {}
    ok("profile", "--sex", "male", "--age", "61")
    assert _profile_about(db) == {"sex": "male", "age": 61}
    monkeypatch.setenv("HEAVYLEGS_INTERACTIVE", "1")
    result = run("assess", "--no-store", "--db", db.removeprefix("sqlite:///"), input="\n" * 3)
    assert "How old are you? 61 (from your profile)" in " ".join(result.stdout.split())
    assert "What is your sex? male (from your profile)" in " ".join(result.stdout.split())


# ------------------------------------------------------------------------ edit and delete


def test_edit_and_delete_a_diary_entry(db: str) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", "hot")
    assert "Changed the diary entry 2026-11-20 evening (id 1)." in ok(
        "edit", "entry", "2026-11-20", "--heaviness", "3", "--clear", "note"
    )
    (entry,) = json.loads(ok("diary", "--json"))["entries"]
    assert (entry["heaviness"], entry["note"]) == (3, None)
    ok("edit", "entry", "1", "--new-part", "morning")
    assert json.loads(ok("diary", "--json"))["entries"][0]["part"] == "morning"
    refused = run("edit", "entry", "1", "--heaviness", "12")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == ["error: heaviness: must be between 0 and 10 (got 12)"]
    assert run("delete", "entry", "1").exit_code == 2, "no terminal: --yes is needed"
    assert "Deleted diary entry 2026-11-20 morning." in ok("delete", "entry", "1", "--yes")
    assert json.loads(ok("diary", "--json"))["entries"] == []
    missing = run("delete", "entry", "1", "--yes")
    assert missing.exit_code == 1 and "no diary entry 1" in missing.stderr


def test_log_and_edit_entry_take_every_value_of_an_entry(db: str) -> None:
    """Both commands read their values by the diary stage's field names: every field has an
    option of that name on each (the web's edit page has them all too)."""
    import typer
    from typer.main import get_command

    from heavylegs.cli.records import edit_entry
    from heavylegs.diary.validation import ENTRY_VALUE_FIELDS

    for command in (diary_cli.log, edit_entry):
        one = typer.Typer()
        one.command()(command)
        names = {param.name for param in get_command(one).params}
        assert set(ENTRY_VALUE_FIELDS) <= names, (command.__name__, set(ENTRY_VALUE_FIELDS) - names)
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "4", "--sock-marks")
    ok("edit", "entry", "1", "--no-sock-marks", "--night-cramps", "--cramps", "2")
    (entry,) = json.loads(ok("diary", "--json"))["entries"]
    assert (entry["sock_marks"], entry["night_cramps"], entry["cramps"]) == (False, True, 2)
    assert entry["heaviness"] == 4


def test_moving_an_entry_onto_another_is_refused(db: str) -> None:
    ok("log", "--date", "2026-11-20", "--part", "morning", "--heaviness", "2")
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "5")
    both = run("edit", "entry", "2026-11-20", "--heaviness", "1")
    assert both.exit_code == 2 and "say which" in both.stderr
    clash = run("edit", "entry", "2026-11-20", "--part", "morning", "--new-part", "evening")
    assert clash.exit_code == 2
    assert clash.stderr.splitlines() == [
        "error: date: there is already a evening entry on 2026-11-20"
    ]
    assert [e["heaviness"] for e in json.loads(ok("diary", "--json"))["entries"]] == [2, 5]


def test_edit_and_delete_a_measure_done(db: str) -> None:
    ok("done", "legs_up_the_wall", "--minutes", "12")
    assert "Changed legs_up_the_wall on 2026-11-21 (id 1)." in ok(
        "edit", "measure", "1", "--reps", "10"
    )
    (done,) = json.loads(ok("diary", "--json"))["measures"]
    assert (done["minutes"], done["reps"]) == (None, 10)
    bad = run("edit", "measure", "1", "--measure", "ankle_pump")
    assert bad.exit_code == 2 and "did you mean ankle_pumps" in bad.stderr
    ok("delete", "measure", "1", "-y")
    assert json.loads(ok("diary", "--json"))["measures"] == []


def test_edit_and_delete_an_activity(db: str, shared: Path) -> None:
    fit = sorted((shared / "data" / "activities" / "fit").glob("*.fit"))[0]
    ok("import", str(fit))
    (row,) = json.loads(ok("activities", "--json"))
    ok("edit", "activity", str(row["id"]), "--title", "Park loop", "--rpe", "6")
    bad = run("edit", "activity", str(row["id"]), "--rpe", "11")
    assert bad.exit_code == 2 and "--rpe: must be between 0 and 10" in bad.stderr
    assert "Deleted activity" in ok("delete", "activity", str(row["id"]), "--yes")
    assert json.loads(ok("activities", "--json")) == []
    again = json.loads(ok("import", str(fit), "--json"))
    assert again["imported"] == 1, "a deleted activity's file can be imported again"
    assert run("delete", "activity", "999", "--yes").exit_code == 1


# ------------------------------------------------------------------ caution after done


def test_done_warns_when_the_plan_says_to_avoid_it(db: str, shared: Path) -> None:
    flight = shared / "spec" / "examples" / "after-long-flight.json"
    ok("assess", "--answers", str(flight), "--json")
    text = " ".join(ok("done", "walking", "--minutes", "20").split())
    assert "Recorded" in text
    assert "Careful: Your last assessment was URGENT, and its plan says to avoid" in text
    assert "clot" in text, "the reason is given"
    calm = " ".join(ok("done", "get_same_day_care").split())
    assert "Careful" not in calm


# ------------------------------------------------------------------------ import exit code


def test_import_of_nothing_but_a_refused_file_exits_1(db: str, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# not an activity\n")
    result = run("import", str(readme), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["imported"] == 0 and len(doc["skipped"]) == 1, "the JSON contract is kept"
    assert "nothing imported" in result.stderr


def test_the_calendar_takes_the_working_hours_from_the_profile(db: str) -> None:
    ok("assess", "--answers", str(REPO / "docs" / "examples" / "answers.json"), "--json")
    usual = ok("calendar", "--out", "-")
    assert "BYHOUR=10,11,12,13,14,15,16,17;" in usual, "09:00-17:30 without a profile"
    ok("profile", "--work-hours", "07:00-15:00")
    assert "BYHOUR=8,9,10,11,12,13,14;" in ok("calendar", "--out", "-")
    assert "BYHOUR=11;" in ok("calendar", "--out", "-", "--start", "10:00", "--end", "12:00")
