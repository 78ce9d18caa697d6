"""Fixtures: real databases (SQLite and PostgreSQL, from the store tests) and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.databases import db_url, pg_url, sqlite_url, store

__all__ = ["corpus", "db_url", "pg_url", "sqlite_url", "store"]


@pytest.fixture(scope="session")
def corpus(shared: Path) -> Path:
    """``shared/data/activities`` (FIT, GPX, TCX and corrupt files with SOURCES.md)."""
    folder = shared / "data" / "activities"
    if not (folder / "fit").is_dir():
        pytest.fail(f"activity corpus not found at {folder}; set HEAVYLEGS_SHARED")
    return folder
