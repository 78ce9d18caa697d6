"""The schema: migrations create exactly what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from heavylegs.store import HEAD_REVISION, Store, StoreError, open_store
from heavylegs.store.engine import current_revision, make_engine, migrate
from heavylegs.store.models import Base

NOW_TZ = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


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
    migrate(store.engine, "base", down=True)
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


def _at_0005(url: str) -> None:
    """A database at revision 0005 (before accounts) holding one person's data of every kind."""
    from sqlalchemy import MetaData

    engine = make_engine(url)
    when = datetime(2026, 11, 20, 8, 0)
    migrate(engine, "0005")
    try:
        with engine.begin() as conn:
            t = MetaData()
            t.reflect(conn)
            doc = {"about": {"age": 47}}
            conn.execute(t.tables["profile"].insert(), [{"id": 1, "about": doc["about"], "history": {},
                         "lifestyle": {}, "running": {}, "updated_at": when}])  # fmt: skip
            conn.execute(t.tables["personal_profile"].insert(), [{"id": 1, "age": 47,
                         "updated_at": when}])  # fmt: skip
            conn.execute(t.tables["assessments"].insert(), [{"id": 1, "at": when,
                         "knowledge_version": "kb", "triage_level": "routine",
                         "answers": doc, "output": {"triage": {"level": "routine"}}}])  # fmt: skip
            conn.execute(t.tables["diary_entries"].insert(), [
                {"id": i, "day": date(2026, 11, i), "part": "evening", "heaviness": i,
                 "created_at": when, "updated_at": when} for i in (1, 2, 3)])  # fmt: skip
            conn.execute(t.tables["guided_sessions"].insert(), [{"id": 1, "routine": "evening",
                         "started_at": when, "ended_at": when, "outcome": "done"}])  # fmt: skip
            conn.execute(t.tables["measures_done"].insert(), [{"id": 1, "measure": "ankle_pumps",
                         "day": date(2026, 11, 3), "reps": 20, "source": "session",
                         "session_id": 1}])  # fmt: skip
            conn.execute(t.tables["activities"].insert(), [{"id": 1, "sport": "running",
                         "start_utc": when, "source_sha256": "ab" * 32}])  # fmt: skip
            conn.execute(t.tables["activity_files"].insert(), [{"id": 1, "sha256": "ab" * 32,
                         "activity_id": 1, "name": "run.fit", "format": "fit",
                         "imported_at": when}])  # fmt: skip
            conn.execute(t.tables["activity_details"].insert(), [{"activity_id": 1,
                         "hr_seconds": [[150, 60.0]], "samples": 0, "stream": ""}])  # fmt: skip
            if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
                for name in OLD_COUNTS:
                    if name != "activity_details":
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', "
                                          f"'id'), (SELECT MAX(id) FROM {name}))"))  # fmt: skip
    finally:
        engine.dispose()


OLD_COUNTS = {
    "profile": 1, "personal_profile": 1, "assessments": 1, "diary_entries": 3,
    "guided_sessions": 1, "measures_done": 1, "activities": 1, "activity_files": 1,
    "activity_details": 1,
}  # fmt: skip


def test_a_database_from_before_accounts_goes_to_account_one(db_url: str) -> None:
    from heavylegs.store import get_profile
    from heavylegs.store.accounts import Account, Role, create_invite, list_accounts, sign_up
    from heavylegs.store.backup import row_counts
    from heavylegs.store.person import load_profile
    from heavylegs.training import repository

    _at_0005(db_url)
    store = open_store(db_url)  # migrates to the head
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        assert list_accounts(store) == [Account(1, "local@localhost", Role.ADMIN)]
        with store.engine.connect() as conn:
            for table, count in OLD_COUNTS.items():
                owners = conn.execute(text(f"SELECT owner_id FROM {table}")).scalars().all()
                assert owners == [1] * count, table  # nothing lost (no cascade), all account 1's
        with store.session() as s:
            assert row_counts(s) == OLD_COUNTS
            assert get_profile(s)["about"] == {"age": 47}
            assert load_profile(s).age == 47
            assert [r["id"] for r in repository.contract_rows(s)] == [1]
        # the first admin claims the data; a second person may have the same file and day
        code = create_invite(store, "admin@clinic.example", Role.ADMIN, NOW_TZ)
        assert sign_up(store, code, "admin@clinic.example", "long password 1", NOW_TZ).id == 1
        code = create_invite(store, "b@clinic.example", Role.PERSON, NOW_TZ)
        b = store.for_owner(sign_up(store, code, "b@clinic.example", "long password 2", NOW_TZ).id)
        with b.session() as s:
            s.execute(
                repository.ACTIVITIES.insert(),
                {"sport": "running", "start_utc": NOW_TZ, "source_sha256": "ab" * 32},
            )
            assert len(repository.contract_rows(s)) == 1
        with store.session() as s:
            assert row_counts(s) == OLD_COUNTS
    finally:
        store.close()


def test_downgrading_0006_keeps_account_ones_rows(db_url: str) -> None:
    _at_0005(db_url)
    open_store(db_url).close()
    engine = make_engine(db_url)
    try:
        migrate(engine, "0005", down=True)
        with engine.connect() as conn:
            assert "accounts" not in inspect(conn).get_table_names()
            for table, count in OLD_COUNTS.items():
                n = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                assert n == count, table
    finally:
        engine.dispose()
