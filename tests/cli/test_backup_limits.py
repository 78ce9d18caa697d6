"""import-backup applies the limits of typing the diary by hand (``log``, ``done``), naming each
bad value by its place in the file: a 100,000-character note, heaviness 99 or a day in 2090
restored (the store checks only types and broad dates) and then filled or broke the diary,
insights and reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.cli.test_diary_cli import app, call, db, ok
from tests.store.databases import sqlite_url

__all__ = ["app", "db", "sqlite_url"]


@pytest.fixture
def backup(app: typer.Typer, db: str, tmp_path: Path) -> dict[str, Any]:
    ok(app, "log", "--date", "2026-11-20", "--part", "evening", "--heaviness", "4", "--note", "ok")
    ok(app, "done", "ankle_pumps", "--reps", "20", "--date", "2026-11-20", "--at", "21:00")
    out = tmp_path / "good.json"
    ok(app, "export", "--out", str(out))
    document: dict[str, Any] = json.loads(out.read_text())
    document["tables"]["guided_sessions"] = [
        {
            "id": 1,
            "routine": "desk",
            "started_at": "2026-11-20T09:00:00+00:00",
            "ended_at": "2026-11-20T09:05:00+00:00",
            "outcome": "completed",
        }
    ]
    return document


def restore(app: typer.Typer, tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    return call(app, "import-backup", str(path), "--db", str(tmp_path / "fresh.sqlite3"))


def test_an_untouched_backup_restores(
    app: typer.Typer, tmp_path: Path, backup: dict[str, Any]
) -> None:
    result = restore(app, tmp_path, backup)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("table", "column", "value", "problem"),
    [
        ("diary_entries", "note", "x" * 100_000, "note: string should have at most 2000"),
        ("diary_entries", "heaviness", 99, "heaviness: must be between 0 and 10 (got 99)"),
        ("diary_entries", "day", "2090-01-01", "day: must not be after tomorrow"),
        ("diary_entries", "ankle_left_cm", -3.0, "ankle_left_cm: must be between 5 and 80"),
        ("diary_entries", "part", "noon", "part: must be one of"),
        ("measures_done", "reps", 10**9, "reps: must be between 1 and 10000"),
        ("measures_done", "minutes", 0.0, "minutes: must be more than 0"),
        ("measures_done", "day", "2090-01-01", "day: must not be after tomorrow"),
        ("measures_done", "at", "2090-01-01T10:00:00+00:00", "at: must be between 1900-01-01"),
        ("measures_done", "measure", "Ankle Pumps!", "measure: must be a lowercase id"),
        ("guided_sessions", "outcome", "won", "outcome: must be 'completed' or 'stopped'"),
        (
            "guided_sessions",
            "ended_at",
            "2026-01-01T00:00:00+00:00",
            "ended_at: must not be before",
        ),
        ("guided_sessions", "ended_at", "2027-06-01T00:00:00+00:00", "ended_at: must not be after"),
    ],
)
def test_a_value_log_or_done_would_refuse_is_refused_by_its_place(
    app: typer.Typer,
    tmp_path: Path,
    backup: dict[str, Any],
    table: str,
    column: str,
    value: object,
    problem: str,
) -> None:
    backup["tables"][table][0][column] = value
    result = restore(app, tmp_path, backup)
    assert result.exit_code == 1, (result.stdout, result.stderr)  # as any refused backup
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: tables.{table}[0].{problem}"), line
    assert not (tmp_path / "fresh.sqlite3").exists()


def test_ctrl_c_during_the_restore_says_nothing_was_restored(
    app: typer.Typer, tmp_path: Path, backup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It ended in silence, exit 130: had anything been restored?"""
    import heavylegs.store

    def interrupted(session: Any, document: Any) -> None:
        from heavylegs.store.backup import import_backup

        import_backup(session, document)
        raise KeyboardInterrupt  # after the rows were written, before the commit

    monkeypatch.setattr(heavylegs.store, "import_backup", interrupted)
    result = restore(app, tmp_path, backup)
    assert result.exit_code == 130, (result.stdout, result.stderr)
    assert result.stderr == "Stopped — nothing was restored.\n" and result.stdout == ""
    assert not (tmp_path / "fresh.sqlite3").exists()
