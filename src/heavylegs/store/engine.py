"""Open a database from a URL and bring its schema to the newest revision.

Why it looks like this:

* SQLite is the default because health data should stay on the person's machine. It runs in WAL
  mode (readers never block the writer), with foreign keys on, and every transaction starts with
  ``BEGIN IMMEDIATE``: a writer takes the write lock up front and waits for it (busy timeout)
  instead of failing half-way when another process wrote first. That is what keeps concurrent
  ``heavylegs log`` runs from losing entries.
* Any other SQLAlchemy URL works; PostgreSQL is tested. ``postgresql://`` means the psycopg 3
  driver, which is what the test extra installs.
* Migrations run on open (Alembic, shipped in the package). A quick look at ``alembic_version``
  skips Alembic entirely when the schema is current, so opening costs a single query.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

HEAD_REVISION = "0004"
"""The newest migration; a test checks it against the migration scripts."""

DB_ENV = "HEAVYLEGS_DB"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_PG_MIGRATION_LOCK = 0x6865_6176  # "heav": serialises concurrent first opens on PostgreSQL


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says what to do about it."""


def default_url() -> str:
    """``$HEAVYLEGS_DB``, else a SQLite file in the user data directory."""
    explicit = os.environ.get(DB_ENV)
    if explicit:
        return explicit
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('heavylegs')) / 'heavylegs.sqlite3'}"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use psycopg 3 (the driver we test with)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Store:
    """An open database: an engine plus a transactional session factory."""

    engine: Engine
    _factory: sessionmaker[Session] = field(repr=False)

    @property
    def url(self) -> str:
        """The URL with any password hidden, fit for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._factory.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and create if needed) the database at ``url`` (default: :func:`default_url`)."""
    engine = make_engine(url or default_url())
    try:
        if migrate:
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, sessionmaker(engine, expire_on_commit=False))


def make_engine(url: str) -> Engine:
    """An engine with the SQLite pragmas and locking described in the module docstring."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise StoreError(f"--db: not a database URL: {url!r} ({exc})") from None
    kwargs: dict[str, Any] = {}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, **kwargs)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"--db {parsed.render_as_string(hide_password=True)}: the database driver is not "
            f"installed ({exc.name}); for PostgreSQL install 'psycopg[binary]'"
        ) from None
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module; _sqlite_begin emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, ``None`` for an empty database."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise StoreError(_unreachable(engine, exc)) from None
    return None if value is None else str(value)


def upgrade(engine: Engine) -> None:
    """Migrate to :data:`HEAD_REVISION`; a no-op (one query) when already there."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", "heavylegs.store:migrations")
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except CommandError as exc:
        raise StoreError(
            f"{engine.url.render_as_string(hide_password=True)}: the database schema is not one "
            f"this heavylegs knows (written by a newer version?): {exc}"
        ) from None
    except DBAPIError as exc:
        raise StoreError(_unreachable(engine, exc)) from None


def _unreachable(engine: Engine, exc: DBAPIError) -> str:
    first = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    return f"cannot use the database {engine.url.render_as_string(hide_password=True)}: {first}"
