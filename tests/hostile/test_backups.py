"""Backups that would restore and then break ``export`` or ``training`` are refused up front."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from heavylegs.store import BackupError, export_backup, import_backup, open_store
from heavylegs.store.assessments import upsert_profile
from heavylegs.training.importer import import_paths
from tests.hostile import generators as gen

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def backup(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "run.gpx").write_bytes(gen.good_gpx())
    with open_store(f"sqlite:///{tmp_path / 'source.sqlite3'}") as store:
        assert import_paths(store, [tmp_path / "run.gpx"], now=NOW).imported == 1
        with store.session() as session:
            upsert_profile(session, {"about": {"age": 40}}, NOW)
        with store.session() as session:
            return export_backup(session)


TAMPERING = [
    ("activities", "distance_m", float("inf"), "finite"),
    ("activities", "avg_hr", float("nan"), "finite"),
    ("activities", "start_utc", "9999-01-01T00:00:00+00:00", "must be between"),
    ("activities", "start_utc", "0001-01-01T00:00:00+00:00", "must be between"),
    ("activities", "utc_offset_s", 2**70, "64 bits"),
    ("activity_details", "hr_seconds", "junk", "pairs"),
    ("activity_details", "hr_seconds", [[150, "x"]], "pairs"),
    ("profile", "about", {"age": {"nested": {"deeper": 1}}}, "a value or a list"),
    ("profile", "about", [1, 2], "object"),
    ("activity_files", "name", "run\x00.gpx", "NUL"),
]


@pytest.mark.parametrize(("table", "column", "value", "problem"), TAMPERING)
def test_tampered_backup_is_refused_naming_the_field(
    backup: dict[str, Any], tmp_path: Path, table: str, column: str, value: Any, problem: str
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'target.sqlite3'}") as store:
        with pytest.raises(BackupError) as info, store.session() as session:
            import_backup(session, gen.tampered(backup, table, column, value))
        assert any(
            p.startswith(f"tables.{table}[0].{column}: ") and problem in p
            for p in info.value.problems
        ), info.value.problems
        with store.session() as session:
            assert export_backup(session)["tables"]["activities"] == []  # nothing half-restored


def test_the_untampered_backup_restores(backup: dict[str, Any], tmp_path: Path) -> None:
    with (
        open_store(f"sqlite:///{tmp_path / 'target.sqlite3'}") as store,
        store.session() as session,
    ):
        counts = import_backup(session, backup)
    assert counts["activities"] == 1
