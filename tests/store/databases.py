"""Database fixtures shared by the store, diary and CLI tests: real SQLite files and a real
PostgreSQL (``HEAVYLEGS_TEST_PG``, started by ``scripts/with-postgres.sh``). Each test gets a
fresh database: a new SQLite file, or a new PostgreSQL database dropped afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from heavylegs.store import Store, open_store

PG_ENV = "HEAVYLEGS_TEST_PG"
BACKENDS = ["sqlite", "postgresql"]
NO_PG = f"{PG_ENV} is not set: run through scripts/with-postgres.sh (make test) to test PostgreSQL"


@cache
def _pg_admin() -> Engine:
    return create_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A URL to an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'heavylegs.sqlite3'}"
        return
    yield from _fresh_pg()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to an empty PostgreSQL database (skips without one)."""
    yield from _fresh_pg()


@pytest.fixture
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'heavylegs.sqlite3'}"


def _fresh_pg() -> Iterator[str]:
    if not os.environ.get(PG_ENV):
        pytest.skip(NO_PG)
    name = f"hl_{uuid.uuid4().hex[:16]}"
    with _pg_admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)
    finally:
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open, migrated store on each backend."""
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def write_lock_held(path: Path) -> Iterator[Path]:
    """Another connection holds the SQLite file's write lock (as a long import would)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield path
    finally:
        holder.execute("ROLLBACK")
        holder.close()
