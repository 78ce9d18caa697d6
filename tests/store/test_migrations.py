"""The schema: migrations create exactly what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from heavylegs.store import HEAD_REVISION, Store, StoreError, open_store
from heavylegs.store.engine import current_revision, make_engine
from heavylegs.store.models import Base


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "heavylegs.store:migrations")
    return config


def test_head_revision_constant_matches_the_scripts() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == HEAD_REVISION


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_open_creates_every_table_at_head(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"} == tables
    assert current_revision(store.engine) == HEAD_REVISION


def test_reopening_is_a_no_op(db_url: str) -> None:
    open_store(db_url).close()
    again = open_store(db_url)
    assert current_revision(again.engine) == HEAD_REVISION
    again.close()


def test_downgrade_to_base_and_upgrade_again(store: Store) -> None:
    config = _config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store.close()
    reopened = open_store(store.engine.url.render_as_string(hide_password=False))
    assert current_revision(reopened.engine) == HEAD_REVISION
    reopened.close()


def test_a_newer_schema_is_refused_with_a_clear_message(db_url: str) -> None:
    open_store(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        open_store(db_url)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    store.close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent


def test_sqlite_file_and_folders_are_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "deep" / "er" / "diary.sqlite3"
    open_store(f"sqlite:///{target}").close()
    assert target.is_file()


def test_in_memory_sqlite_works() -> None:
    store = open_store("sqlite://")
    assert current_revision(store.engine) == HEAD_REVISION
    store.close()


def test_json_columns_are_jsonb_on_postgresql_and_json_elsewhere() -> None:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateTable

    table = Base.metadata.tables["profile"]
    assert "about JSONB NOT NULL" in str(CreateTable(table).compile(dialect=postgresql.dialect()))
    assert "about JSON NOT NULL" in str(CreateTable(table).compile(dialect=sqlite.dialect()))


def test_loading_the_store_does_not_load_the_postgresql_dialect() -> None:
    """Start-up of every SQLite command (issue 15): the dialect loads when PostgreSQL is used."""
    import subprocess
    import sys

    code = "import sys, heavylegs.store; print('sqlalchemy.dialects.postgresql' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
