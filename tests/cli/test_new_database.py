"""A database a failed command created is removed again, but never one that holds data: a
second process that wrote into the new file meanwhile, or this command's own commits before a
later failure, or a file put back under the same name."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from heavylegs.cli.output import open_db
from heavylegs.diary.entries import record_entry
from heavylegs.diary.validation import parse_entry
from heavylegs.store import open_store

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def _entries(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM diary_entries").fetchone()
    return int(count)


def _log(url: str) -> None:
    other = open_store(url)
    with other.session() as session:
        entry = parse_entry(
            {"date": "2026-11-21", "part": "morning", "heaviness": 5}, today=NOW.date()
        )
        record_entry(session, entry, NOW)
    other.close()


def test_a_failed_command_leaves_no_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with pytest.raises(RuntimeError), open_db(str(path), creates=True):
        raise RuntimeError("refused")
    assert list(tmp_path.iterdir()) == []


def test_data_another_process_wrote_meanwhile_is_kept(tmp_path: Path) -> None:
    """Two first commands at once: both saw no file; one recorded an entry and the other
    failed (a lock, a bad value): the failing one removed the file and the entry with it."""
    path = tmp_path / "new.sqlite3"
    with pytest.raises(RuntimeError), open_db(str(path), creates=True):
        _log(f"sqlite:///{path}")
        raise RuntimeError("this command failed")
    assert path.exists() and _entries(path) == 1


def test_what_the_command_committed_before_failing_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with pytest.raises(KeyboardInterrupt), open_db(str(path), creates=True) as store:
        with store.session() as session:
            entry = parse_entry(
                {"date": "2026-11-21", "part": "evening", "heaviness": 3}, today=NOW.date()
            )
            record_entry(session, entry, NOW)
        raise KeyboardInterrupt  # Ctrl-C after the commit
    assert _entries(path) == 1


def test_a_file_put_under_the_name_meanwhile_is_not_removed(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with pytest.raises(RuntimeError), open_db(str(path), creates=True):
        moved = tmp_path / "moved.sqlite3"
        path.rename(moved)
        path.write_bytes(b"someone else's file")
        raise RuntimeError("refused")
    assert path.read_bytes() == b"someone else's file"
