"""Driver errors as the store's own: busy (retry shortly), full, read-only, or unusable, each a
:class:`~heavylegs.store.errors.StoreError` whose message names the database (never a password,
never an SQL value) and says what to do.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from heavylegs.store.errors import StoreError


class DatabaseBusy(StoreError):
    """Another program holds the write lock longer than the busy timeout: try again shortly."""

    retry_after_s = 2


class DatabaseFull(StoreError):
    """The disk (or the database's quota) is full: nothing of the failed transaction was kept."""


class DatabaseReadOnly(StoreError):
    """The database (or its folder) cannot be written by this user."""


_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_FULL = 13
_SQLITE_READONLY = 8
_PG_BUSY = {"55P03", "40P01", "40001", "57014"}
_PG_READONLY = {"25006", "42501"}


def store_error(engine: Engine, exc: DBAPIError) -> StoreError:
    """The :class:`StoreError` for a driver error: busy, full, read-only, or unusable."""
    orig = exc.orig
    name = engine.url.render_as_string(hide_password=True)
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    state = str(getattr(orig, "sqlstate", "") or "")
    text_ = str(orig).lower() if orig is not None else ""
    if primary in _SQLITE_BUSY or state in _PG_BUSY or "database is locked" in text_:
        return DatabaseBusy(
            f"the database {name} is busy (another program is writing to it); try again shortly"
        )
    if primary == _SQLITE_FULL or state.startswith("53") or "disk is full" in text_:
        return DatabaseFull(f"the database {name} cannot grow: the disk is full; nothing was kept")
    if primary == _SQLITE_READONLY or state in _PG_READONLY or "readonly" in text_:
        folder = _unwritable_folder(engine)
        if folder is not None:
            return DatabaseReadOnly(
                f"the database {name} cannot be written: this user may not write in its folder"
                f" {folder} (SQLite keeps a journal next to the file); nothing was kept"
            )
        return DatabaseReadOnly(f"the database {name} is read-only for this user; nothing was kept")
    return StoreError(_unreachable(engine, exc))


def _unreachable(engine: Engine, exc: DBAPIError) -> str:
    first = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    return f"cannot use the database {engine.url.render_as_string(hide_password=True)}: {first}"


def _unwritable_folder(engine: Engine) -> str | None:
    """The folder of a SQLite file this user may write but not its folder (the file's mode was
    blamed, and changing it did not help), else ``None``."""
    import os
    from pathlib import Path

    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    if os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK):
        return str(path.parent)
    return None
