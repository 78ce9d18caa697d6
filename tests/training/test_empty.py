"""``training --json`` on an empty database: the quick answer (no numpy, no SQLAlchemy) is the
full path's document, on the same command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.training as cli
from heavylegs import fastlite
from heavylegs.store import open_store
from heavylegs.training.empty import EMPTY_TABLES
from heavylegs.training.series import constants

NOW = dt.datetime(2026, 3, 20, 23, 30, 5, tzinfo=dt.UTC)

OPTIONS = [
    [],
    ["--weeks", "1"],
    ["--weeks", "52", "--since", "2025-01-01"],
    ["--hr-rest", "48"],
    ["--hr-max", "177", "--seed-load", "30"],
    ["--hr-rest", "55", "--hr-max", "181"],
]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(cli, "now", lambda: NOW)
    application = typer.Typer()
    cli.register(application)
    return application


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'heavylegs.sqlite3'}"
    open_store(url).close()  # at the current schema, no rows
    return url


def _training(app: typer.Typer, url: str, options: list[str]) -> object:
    result = CliRunner().invoke(app, ["training", "--json", "--db", url, *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("options", OPTIONS)
def test_empty_database_quick_answer_is_the_full_documents(
    app: typer.Typer, empty_db: str, options: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fastlite.is_empty(empty_db, EMPTY_TABLES) is True  # the quick path is taken
    quick = _training(app, empty_db, options)
    monkeypatch.setattr(cli, "_nothing_stored", lambda db: False)
    full = _training(app, empty_db, options)
    assert quick == full
    assert quick["constants"] == constants()  # type: ignore[index]


def test_a_row_in_any_read_table_leaves_it_to_the_store(empty_db: str) -> None:
    import sqlite3

    path = empty_db.removeprefix("sqlite:///")
    for table in EMPTY_TABLES:
        assert fastlite.is_empty(empty_db, (table,)) is True
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO diary_entries (owner_id, day, part, heaviness, created_at, updated_at)"
            " VALUES (1, '2026-03-01', 'evening', 4, '2026-03-01 20:00:00.000000',"
            " '2026-03-01 20:00:00.000000')"
        )
    assert fastlite.is_empty(empty_db, EMPTY_TABLES) is False
    assert fastlite.is_empty(empty_db, ("activities",)) is True
    assert fastlite.is_empty("sqlite:///:memory:", EMPTY_TABLES) is None
