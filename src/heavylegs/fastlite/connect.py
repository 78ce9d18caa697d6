"""The connection to the local SQLite file at the head revision, and the store's text forms.

See :mod:`heavylegs.fastlite` for why and when (every other case answers ``None``)."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REVISIONS = frozenset({"0006", "0007"})
"""Schema revisions whose tables written here are as :data:`COLUMNS` says (0007 adds an index
elsewhere). The database must also be at the newest migration the package ships: a database
the store has yet to migrate is the store's."""

MIGRATIONS = Path(__file__).parent.parent / "store" / "migrations" / "versions"

LOCAL_ACCOUNT_ID = 1
"""The single person of the local app (the store's ``LOCAL_ACCOUNT_ID``)."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "assessments": (
        "id",
        "owner_id",
        "at",
        "knowledge_version",
        "triage_level",
        "answers",
        "output",
    ),
    "profile": ("id", "owner_id", "about", "history", "lifestyle", "running", "updated_at"),
    "diary_entries": (
        "id",
        "owner_id",
        "day",
        "part",
        "heaviness",
        "ankle_left_cm",
        "ankle_right_cm",
        "swelling",
        "sock_marks",
        "cramps",
        "night_cramps",
        "pain",
        "sleep_h",
        "water_l",
        "steps",
        "walk_min",
        "hours_still",
        "note",
        "created_at",
        "updated_at",
    ),
    "measures_done": (
        "id",
        "owner_id",
        "measure",
        "day",
        "at",
        "minutes",
        "reps",
        "source",
        "session_id",
    ),
}
"""Every column of the tables written here (a test compares them with the store's models)."""

PROFILE_SECTIONS = ("about", "history", "lifestyle", "running")
DB_ENV = "HEAVYLEGS_DB"
BUSY_ENV = "HEAVYLEGS_BUSY_TIMEOUT_MS"
BUSY_TIMEOUT_MS = 30_000
_PREFIX = "sqlite:///"


def default_url() -> str:
    """``$HEAVYLEGS_DB``, else the SQLite file in the user data folder (as the store's)."""
    explicit = os.environ.get(DB_ENV)
    if explicit:
        return explicit
    import platformdirs

    return f"{_PREFIX}{Path(platformdirs.user_data_dir('heavylegs')) / 'heavylegs.sqlite3'}"


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///FILE`` URL; ``None`` for anything else (other databases,
    in-memory SQLite, drivers, query options, escapes): those go through the store."""
    if not url.startswith(_PREFIX):
        return None
    name = url[len(_PREFIX) :]
    if not name or name == ":memory:" or any(c in name for c in "?#%\x00"):
        return None
    return Path(name).expanduser()


def head_revision() -> str | None:
    """The newest migration shipped (``rev_NNNN_*.py``), read from the folder without importing
    Alembic or the store; ``None`` if it cannot be read."""
    try:
        names = [p.name for p in MIGRATIONS.iterdir() if p.name.startswith("rev_")]
    except OSError:
        return None
    numbers = [n.split("_")[1] for n in names if n.endswith(".py") and n.count("_") >= 2]
    return max(numbers, default=None)


class Busy(Exception):
    """Another program holds the write lock of the file past the busy timeout (nothing was
    kept); ``str()`` is the store's words for its ``DatabaseBusy``."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"the database {url} is busy (another program is writing to it); try again shortly"
        )


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is SQLite's ``SQLITE_BUSY`` or ``SQLITE_LOCKED`` (as the store reads it)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    return primary in (5, 6) or "database is locked" in str(exc).lower()


def _busy_timeout_ms() -> int:
    text = os.environ.get(BUSY_ENV, "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else BUSY_TIMEOUT_MS


def connect(url: str) -> sqlite3.Connection | None:
    """An open connection at :data:`REVISION` with the store's pragmas, or ``None``."""
    path = sqlite_path(url)
    head = head_revision()
    if path is None or head not in REVISIONS or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return None
    try:
        conn.execute(f"PRAGMA busy_timeout = {max(0, _busy_timeout_ms())}")
        row = conn.execute(
            "SELECT version_num FROM alembic_version"
            " WHERE (SELECT count(*) FROM alembic_version) = 1"
        ).fetchone()
        if row is None or row[0] != head:
            conn.close()
            return None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_nul(v) for v in value]
    return value


def json_text(value: Any) -> str:
    """The text the store's JSON columns hold (pydantic-core's compact encoder, as the store's
    ``json_serializer``; without NUL characters)."""
    from pydantic_core import to_json

    text = to_json(value).decode()
    return to_json(strip_nul(value)).decode() if "\\u0000" in text else text


def store_time(at: datetime) -> str:
    """An aware time as the store keeps it: naive UTC, SQLAlchemy's SQLite text form."""
    if at.tzinfo is None:
        raise ValueError("datetimes given to the store must be time-zone aware")
    return at.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
