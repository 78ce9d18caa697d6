"""What a person types for the calendar: ``9:00`` as well as ``09:00``; a time with a zone in
it, or a ``TZ`` that names no zone, refused in one line saying the form that works (a time
with an offset was a TypeError traceback; ``TZ=UTC+3`` was passed over for the machine's zone
without a word). The files are the owner's only (0600)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heavylegs.cli.report as report_cli
from heavylegs.cli.main import app
from heavylegs.store import Store
from tests.reports.conftest import NOW


@pytest.fixture
def full_store(calm_store: Store) -> Store:
    """A calendar is made for a routine plan with a diary that raises nothing: level ankles."""
    return calm_store


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_cli, "now", lambda: NOW)


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


def test_an_hour_without_its_leading_zero_is_the_same_hour(
    full_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    texts = []
    for start in ("08:00", "8:00", " 8:00 "):
        out = tmp_path / "plan.ics"
        result = run(
            "calendar", "--out", str(out), "--start", start, "--end", "16:00", "--db", sqlite_url
        )
        assert result.exit_code == 0, result.stderr
        texts.append(out.read_bytes())
    assert texts[0] == texts[1] == texts[2]
    assert b"BYHOUR=9,10,11,12,13,14,15;" in texts[0]


@pytest.mark.parametrize(
    ("start", "hint"),
    [
        ("09:00+03:00", "set TZ"),
        ("09:00Z", "set TZ"),
        ("9:00 UTC+3", "set TZ"),
        ("0900", "H:MM or HH:MM"),
        ("09:00:30", "H:MM or HH:MM"),
        ("25:00", "H:MM or HH:MM"),
        ("9:60", "H:MM or HH:MM"),
        ("", "give a time of day"),
    ],
)
def test_a_start_that_is_not_a_time_of_day_is_one_line_naming_it(
    full_store: Store, sqlite_url: str, tmp_path: Path, start: str, hint: str
) -> None:
    out = tmp_path / "plan.ics"
    result = run("calendar", "--out", str(out), "--start", start, "--db", sqlite_url)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: start: ") and hint in line
    assert not out.exists()


@pytest.mark.parametrize("tz", ["UTC+3", "GMT-2", "Mars/Olympus"])
def test_a_tz_that_names_no_zone_is_refused_saying_the_form(
    full_store: Store, sqlite_url: str, tmp_path: Path, tz: str
) -> None:
    out = tmp_path / "plan.ics"
    result = run("calendar", "--out", str(out), "--db", sqlite_url, env={"TZ": tz})
    assert result.exit_code == 2, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: TZ: {tz!r} is not a time zone") and "Etc/GMT-3" in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("tz", "zone"),
    [("Etc/GMT-3", "Etc/GMT-3"), (":Europe/Paris", "Europe/Paris"),
     ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo")],
)  # fmt: skip
def test_a_tz_from_the_zone_database_is_the_calendars_zone(
    full_store: Store, sqlite_url: str, tmp_path: Path, tz: str, zone: str
) -> None:
    out = tmp_path / "plan.ics"
    result = run("calendar", "--out", str(out), "--db", sqlite_url, env={"TZ": tz})
    assert result.exit_code == 0, result.stderr
    assert f"X-WR-TIMEZONE:{zone}" in out.read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["calendar"],
        ["report"],
        ["export"],
        ["export", "--format", "fhir"],
    ],
)
def test_files_of_health_data_are_the_owners_only(
    full_store: Store, sqlite_url: str, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out.file"
    out.write_bytes(b"an older file, readable by all")
    out.chmod(0o644)
    result = run(*args, "--out", str(out), "--db", sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_link_left_under_the_old_temporary_name_is_not_written_through(
    full_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    """The temporary file had a fixed name (``.out.ics.tmp``): a link someone left there was
    followed, and the plan written into the file it pointed to."""
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (tmp_path / ".plan.ics.tmp").symlink_to(victim)
    result = run("calendar", "--out", str(tmp_path / "plan.ics"), "--db", sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "mine"
    assert (tmp_path / "plan.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
