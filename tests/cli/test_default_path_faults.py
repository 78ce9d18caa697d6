"""Faults found red-teaming the default (stored) path of the commands: each test fails without
its fix. Real SQLite files, the console script's own command group."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heavylegs.cli.diary as diary_cli
from heavylegs.cli.main import app
from heavylegs.cli.output import console

NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    monkeypatch.setattr(diary_cli, "now", lambda: NOW)
    monkeypatch.setattr(console(), "width", 100)
    path = tmp_path / "heavylegs.sqlite3"
    monkeypatch.setenv("HEAVYLEGS_DB", f"sqlite:///{path}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return path


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def _notes(path: Path) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT note FROM diary_entries ORDER BY day, part")]


# ------------------------------------------------------------------------------ blank notes


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_note_is_no_note_on_both_write_paths(db: Path, blank: str) -> None:
    """The first ``log`` creates the file (the store's path), the second finds it (the fast
    path without SQLAlchemy): neither keeps an empty note nor shows ``note “”``."""
    for day in ("2026-11-19", "2026-11-20"):
        out = ok("log", "--date", day, "--part", "morning", "--heaviness", "4", "--note", blank)
        assert "note" not in out, out
    assert _notes(db) == [None, None]


def test_a_blank_note_keeps_the_note_an_entry_has(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", "hot")
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "5", "--note", " ")
    assert _notes(db) == ["hot"]


def test_editing_an_entry_to_a_blank_note_clears_it(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", "hot")
    ok("edit", "entry", "1", "--note", "  ")
    (entry,) = json.loads(ok("diary", "--json"))["entries"]
    assert (entry["heaviness"], entry["note"]) == (6, None)
    assert _notes(db) == [None]


def test_a_note_with_text_is_kept_as_typed(db: Path) -> None:
    ok("log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "6", "--note", " hot ")
    assert _notes(db) == [" hot "]
