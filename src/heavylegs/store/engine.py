"""Open a database from a URL and bring its schema to the newest revision.

Why it looks like this:

* SQLite is the default because health data should stay on the person's machine. It runs in WAL
  mode (readers never block the writer; ``synchronous = NORMAL``, durable at checkpoints), with
  foreign keys on, and every transaction starts with
  ``BEGIN IMMEDIATE``: a writer takes the write lock up front and waits for it (busy timeout)
  instead of failing half-way when another process wrote first. That is what keeps concurrent
  ``heavylegs log`` runs from losing entries. A session opened with :attr:`Access.READ` starts
  with a plain ``BEGIN`` instead and cannot write (``PRAGMA query_only``): under WAL it reads a
  snapshot without the write lock, so a view never waits behind an import or another writer.
* Any other SQLAlchemy URL works; PostgreSQL is tested. ``postgresql://`` means the psycopg 3
  driver, which is what the test extra installs.
* Migrations run on open (Alembic, shipped in the package). A quick look at ``alembic_version``
  skips Alembic entirely when the schema is current, so opening costs a single query.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from heavylegs.store.driver_errors import DatabaseBusy as DatabaseBusy
from heavylegs.store.driver_errors import DatabaseFull as DatabaseFull
from heavylegs.store.driver_errors import DatabaseReadOnly as DatabaseReadOnly
from heavylegs.store.driver_errors import store_error as store_error
from heavylegs.store.errors import StoreError as StoreError
from heavylegs.store.owners import LOCAL_ACCOUNT_ID as LOCAL_ACCOUNT_ID
from heavylegs.store.owners import OWNER_KEY, OwnedSession

HEAD_REVISION = "0007"
"""The newest migration; a test checks it against the migration scripts."""

DB_ENV = "HEAVYLEGS_DB"
SQLITE_BUSY_TIMEOUT_MS = 30_000
BUSY_ENV = "HEAVYLEGS_BUSY_TIMEOUT_MS"
_PG_MIGRATION_LOCK = 0x6865_6176  # "heav": serialises concurrent first opens on PostgreSQL


def _env_ms(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


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


class Access(enum.Enum):
    """What a session may do: why a read says so (:meth:`Store.session`)."""

    WRITE = "write"
    """Reads and writes; on SQLite it holds the write lock from its start (``BEGIN IMMEDIATE``)."""
    READ = "read"
    """Reads only; on SQLite it never takes or waits for the write lock, and a write fails."""


_ACCESS_OPTION = "heavylegs_access"
_READ_OPTIONS = {_ACCESS_OPTION: Access.READ, "postgresql_readonly": True}
"""PostgreSQL's readers never wait for writers anyway; there a read session is ``READ ONLY``
(reset when the connection goes back to the pool) so that a write in it fails there too."""


@dataclass
class Store:
    """An open database: an engine plus a transactional session factory, scoped to an owner.

    ``owner`` is the account whose personal data the sessions read and write
    (:mod:`heavylegs.store.owners`); ``None`` for the server's unscoped store, which can only do
    accounts work (a statement on personal data raises :class:`~heavylegs.store.owners.Unscoped`).
    """

    engine: Engine
    _factory: sessionmaker[Session] = field(repr=False)
    owner: int | None = LOCAL_ACCOUNT_ID

    @property
    def url(self) -> str:
        """The URL with any password hidden, fit for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def for_owner(self, account_id: int | None) -> Store:
        """The same database (engine, pool) scoped to ``account_id``: cheap, one per request.

        Do not close it: closing disposes the shared engine (close the store that was opened).
        """
        return Store(self.engine, self._factory, account_id)

    @contextmanager
    def session(self, access: Access = Access.WRITE) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        The session carries :attr:`owner`. A database that is busy, full, read-only or gone
        raises the matching :class:`StoreError` (one line, no SQL and no values), wherever in
        the block it happened. ``access=Access.READ`` for a block that only reads: on SQLite
        it then neither waits for nor blocks a writer, and any write in it fails
        (:class:`DatabaseReadOnly`) rather than take the lock half-way.
        """
        options = _READ_OPTIONS if access is Access.READ else None
        try:
            with (
                self._factory(info={OWNER_KEY: self.owner}, execution_options=options) as session,
                session.begin(),
            ):
                yield session
        except (OperationalError, InterfaceError, InternalError) as exc:
            raise store_error(self.engine, exc) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_LOCAL: Any = object()


def open_store(
    url: str | None = None,
    *,
    migrate: bool = True,
    busy_timeout_ms: int | None = None,
    owner: int | None = _LOCAL,
) -> Store:
    """Open (and create if needed) the database at ``url`` (default: :func:`default_url`).

    ``busy_timeout_ms``: how long a transaction waits for another writer before
    :class:`DatabaseBusy` (the web app waits less than a command: a request should get a quick
    503 rather than hang); unset, ``$HEAVYLEGS_BUSY_TIMEOUT_MS`` or 30 s.
    ``owner``: the account the store is scoped to; by default the single person of the local
    app (:data:`LOCAL_ACCOUNT_ID`); ``None`` for the server's unscoped store (accounts only).
    """
    if busy_timeout_ms is None:
        busy_timeout_ms = _env_ms(BUSY_ENV, SQLITE_BUSY_TIMEOUT_MS)
    engine = make_engine(url or default_url(), busy_timeout_ms=busy_timeout_ms)
    try:
        if migrate:
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=OwnedSession, expire_on_commit=False
    )
    return Store(engine, factory, LOCAL_ACCOUNT_ID if owner is _LOCAL else owner)


def make_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine with the SQLite pragmas and locking described in the module docstring.

    ``hide_parameters``: a failed statement's values (a diary note, answers) never reach an
    error message or a log. Text is stored without NUL characters (PostgreSQL refuses them), see
    :func:`strip_nul`.
    """
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise StoreError(f"--db: not a database URL: {url!r} ({exc})") from None
    kwargs: dict[str, Any] = {
        "hide_parameters": True,
        "json_serializer": _json_without_nul,
    }
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            _private_file(parsed.database, uri=bool(parsed.query.get("uri")))
    try:
        engine = create_engine(parsed, **kwargs)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"--db {parsed.render_as_string(hide_password=True)}: the database driver is not "
            f"installed ({exc.name}); for PostgreSQL install 'psycopg[binary]'"
        ) from None
    event.listen(engine, "before_cursor_execute", _strip_nul_parameters, retval=True)
    if is_sqlite:
        timeout = max(0, int(busy_timeout_ms))

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            _sqlite_on_connect(dbapi_connection, timeout)

        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        event.listen(engine, "connect", _pg_on_connect(busy_timeout_ms))
    return engine


def _private_file(database: str, *, uri: bool) -> None:
    """Create a new SQLite file, and its folder, readable by their owner only: a diary of
    symptoms is health data, not for the other users of a shared machine (SQLite gives the
    ``-wal`` and ``-shm`` files the database's permissions). A ``file:`` URI (``uri=true``)
    names its file itself: nothing is made for it (its folder was made, as ``file:/…``, under
    the working folder)."""
    if uri or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with suppress(OSError):  # SQLite says what is wrong when it opens the file
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _json_without_nul(value: Any) -> str:
    """JSON text of ``value`` without NUL characters, walking the document only when its
    text holds one (JSON writes NUL as ``\\u0000``; a look at the text is far cheaper).

    Written by pydantic-core's encoder (already loaded with the models that make these
    documents): a stored assessment's JSON in a third of ``json.dumps``' time. Compact, UTF-8
    as it is; the same values when read back.
    """
    from pydantic_core import to_json

    text_ = to_json(value).decode()
    return to_json(strip_nul(value)).decode() if "\\u0000" in text_ else text_


def strip_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string in it (keys included)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_nul(v) for v in value]
    return value


def _strip_nul_parameters(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    """Plain text parameters without NUL characters (JSON goes through ``json_serializer``)."""

    def clean(params: Any) -> Any:
        if isinstance(params, dict):
            if any(isinstance(v, str) and "\x00" in v for v in params.values()):
                return {k: strip_nul(v) if isinstance(v, str) else v for k, v in params.items()}
            return params
        if isinstance(params, tuple | list) and any(
            isinstance(v, str) and "\x00" in v for v in params
        ):
            return type(params)(strip_nul(v) if isinstance(v, str) else v for v in params)
        return params

    if _many and isinstance(parameters, list):
        return statement, [clean(p) for p in parameters]
    return statement, clean(parameters)


def _pg_on_connect(busy_timeout_ms: int) -> Any:
    """PostgreSQL waits for a row lock at most ``busy_timeout_ms`` (then :class:`DatabaseBusy`)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if getattr(dbapi_connection, "autocommit", None) is None:
            return  # not psycopg 3: leave the server's defaults
        previous = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {max(0, int(busy_timeout_ms))}")
        finally:
            dbapi_connection.autocommit = previous

    return on_connect


def _sqlite_on_connect(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # Take transaction control away from the sqlite3 module; _sqlite_begin emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # Under WAL, NORMAL syncs at checkpoints, not at every commit: a power cut can lose the
        # last commits but never corrupts the file (SQLite's documentation); halves a write.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def may_write(session: Session) -> bool:
    """Whether ``session`` may write (it was not opened with :attr:`Access.READ`): for a
    view that keeps a cache of derived figures when it can and only computes them when not."""
    return session.execution_options.get(_ACCESS_OPTION) is not Access.READ


_QUERY_ONLY = "heavylegs_query_only"
"""Key in the pooled connection's ``info``: whether ``PRAGMA query_only`` is on for it."""


def _sqlite_begin(connection: Connection) -> None:
    """``BEGIN IMMEDIATE`` for a writing session, ``BEGIN`` with ``query_only`` for a reading one.

    The pragma is set on the pooled connection, so each begin sets it to what this transaction
    needs whenever it differs from what the connection's last one left (tracked in its
    ``info``, which lives as long as the connection): a writer never inherits a reader's
    ``query_only``, whatever ended the reader."""
    read = connection.get_execution_options().get(_ACCESS_OPTION) is Access.READ
    _query_only(connection.exec_driver_sql, connection.info, read)
    connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


def begin_raw_write(driver_connection: Any, info: dict[Any, Any]) -> None:
    """``BEGIN IMMEDIATE`` on a pooled SQLite connection used without SQLAlchemy's
    ``Connection`` (``info``: its pool record's), switching off a reader's ``query_only``
    first, as :func:`_sqlite_begin` does."""
    _query_only(driver_connection.execute, info, False)
    driver_connection.execute("BEGIN IMMEDIATE")


def _query_only(execute: Callable[[str], Any], info: dict[Any, Any], on: bool) -> None:
    """``PRAGMA query_only`` set to ``on`` when the connection's last transaction left it
    otherwise (``info``: the pooled connection's, where that is kept)."""
    if info.get(_QUERY_ONLY, False) != on:
        execute(f"PRAGMA query_only = {int(on)}")
        info[_QUERY_ONLY] = on


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, ``None`` for an empty database.

    Read as :attr:`Access.READ`: opening a current database never waits for a writer."""
    try:
        with engine.connect().execution_options(**_READ_OPTIONS) as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise store_error(engine, exc) from None
    return None if value is None else str(value)


def upgrade(engine: Engine) -> None:
    """Migrate to :data:`HEAD_REVISION`; a no-op (one query) when already there."""
    if current_revision(engine) == HEAD_REVISION:
        return
    migrate(engine, "head")


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with ``down``, downgrade) the schema to ``revision`` in one transaction.

    On SQLite with foreign keys off around it (:func:`_sqlite_foreign_keys_off`): the way every
    migration must run there, tests included.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", "heavylegs.store:migrations")
    try:
        with engine.connect() as conn, _sqlite_foreign_keys_off(conn), conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, revision)
            _check_foreign_keys(conn)
    except CommandError as exc:
        raise StoreError(
            f"{engine.url.render_as_string(hide_password=True)}: the database schema is not one "
            f"this heavylegs knows (written by a newer version?): {exc}"
        ) from None
    except DBAPIError as exc:
        raise store_error(engine, exc) from None


@contextmanager
def _sqlite_foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite's documented way to rebuild a table: foreign keys off around the transaction.

    Why: a batch migration copies a table, drops the old one and renames the copy; with foreign
    keys on, dropping a table that others reference (activities) would delete their rows by
    cascade. The pragma is a no-op inside a transaction, so it is set on the driver connection
    before SQLAlchemy begins; :func:`_check_foreign_keys` checks the result before commit.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise StoreError("the migration left rows whose parent row is missing; nothing was changed")
