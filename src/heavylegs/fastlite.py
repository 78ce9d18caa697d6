"""The CLI's default database written with the standard library's ``sqlite3``, for start-up time.

Why: importing SQLAlchemy and the ORM costs ~15-20x a bare ``python -c pass`` on the 2-core
machine, more than the whole budget of a stored ``heavylegs assess`` (issue 15). The work is
small: an assessment is one INSERT and one profile row, ``done`` and ``log`` one INSERT,
``diary`` two SELECTs. So, for the one case that is nearly always the case (a local SQLite
file that already exists, at the newest schema revision, one this module was written for), it
is done here, in one transaction (``BEGIN IMMEDIATE`` for a write) with the store's pragmas.
In every other case (no file yet, another revision, another database, an unusual URL, any
SQLite error) the functions answer ``None`` and the caller takes the store
(:mod:`heavylegs.store`), which creates, migrates, and words any error as it always did.

The store stays the reference: ``tests/store/test_fastlite.py`` writes the same inputs through
both and compares every column of every row, and fails when the store's head revision or a
table's columns change without this module following (:data:`REVISIONS`, :data:`COLUMNS`).
Nothing here imports the store, so it sits beside it, not on it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REVISIONS = frozenset({"0006", "0007"})
"""Schema revisions whose tables written here are as :data:`COLUMNS` says (0007 adds an index
elsewhere). The database must also be at the newest migration the package ships: a database
the store has yet to migrate is the store's."""

MIGRATIONS = Path(__file__).parent / "store" / "migrations" / "versions"

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


def _busy_timeout_ms() -> int:
    text = os.environ.get(BUSY_ENV, "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else BUSY_TIMEOUT_MS


def _connect(url: str) -> sqlite3.Connection | None:
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


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip_nul(v) for v in value]
    return value


def _json(value: Any) -> str:
    """The text the store's JSON columns hold (pydantic-core's compact encoder, as the store's
    ``json_serializer``; without NUL characters)."""
    from pydantic_core import to_json

    text = to_json(value).decode()
    return to_json(_strip_nul(value)).decode() if "\\u0000" in text else text


def _time(at: datetime) -> str:
    """An aware time as the store keeps it: naive UTC, SQLAlchemy's SQLite text form."""
    if at.tzinfo is None:
        raise ValueError("datetimes given to the store must be time-zone aware")
    return at.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _merge(old: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """As the store's ``merge_profile``: fields present (not ``None``) replace old values."""
    merged: dict[str, dict[str, Any]] = {}
    for section in PROFILE_SECTIONS:
        fields = dict(old.get(section) or {})
        new = answers.get(section)
        if isinstance(new, Mapping):
            fields.update({k: v for k, v in new.items() if v is not None})
        merged[section] = fields
    return merged


def save_assessment(
    url: str,
    answers: Mapping[str, Any],
    output: Mapping[str, Any],
    knowledge_version: str,
    at: datetime,
) -> int | None:
    """The store's ``save_assessment`` (the assessment row, then the profile folded in) in one
    transaction; the new id, or ``None`` when the store must do it (nothing was written)."""
    level = output.get("triage", {}).get("level")
    if not isinstance(level, str):
        return None
    conn = _connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            new_id = _write(conn, answers, output, knowledge_version, level, at)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return None  # nothing kept: the store tries again and words what went wrong
    finally:
        conn.close()
    return new_id


def _write(
    conn: sqlite3.Connection,
    answers: Mapping[str, Any],
    output: Mapping[str, Any],
    knowledge_version: str,
    level: str,
    at: datetime,
) -> int:
    stamp = _time(at)
    cursor = conn.execute(
        "INSERT INTO assessments (owner_id, at, knowledge_version, triage_level, answers, output)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (
            LOCAL_ACCOUNT_ID,
            stamp,
            _strip_nul(knowledge_version),
            _strip_nul(level),
            _json(dict(answers)),
            _json(dict(output)),
        ),
    )
    new_id = int(cursor.fetchone()[0])
    row = conn.execute(
        "SELECT id, about, history, lifestyle, running FROM profile WHERE owner_id = ?"
        " ORDER BY id LIMIT 1",
        (LOCAL_ACCOUNT_ID,),
    ).fetchone()
    old = {} if row is None else dict(zip(PROFILE_SECTIONS, map(json.loads, row[1:]), strict=True))
    sections = _merge(old, answers)
    if row is not None and sections == old:
        return new_id  # nothing new: no write, as the store (``updated_at``: when it changed)
    merged = [_json(fields) for fields in sections.values()]
    if row is None:
        conn.execute(
            "INSERT INTO profile (owner_id, about, history, lifestyle, running, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (LOCAL_ACCOUNT_ID, *merged, stamp),
        )
    else:
        conn.execute(
            "UPDATE profile SET about = ?, history = ?, lifestyle = ?, running = ?,"
            " updated_at = ? WHERE id = ?",
            (*merged, stamp, row[0]),
        )
    return new_id


ENTRY_FIELDS = (
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
    "id",
)
"""The diary stage's ``EntryRow`` fields, in order (a test compares them)."""

MEASURE_FIELDS = ("measure", "day", "minutes", "reps", "at", "source", "id")
"""The diary stage's ``MeasureRow`` fields, in order (a test compares them)."""

_FLAGS = frozenset({"sock_marks", "night_cramps"})
_PART_ORDER = {"morning": 0, "evening": 1}


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _aware(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def read_diary(
    url: str, since: date | None = None, until: date | None = None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """The diary's entries and measures done from ``since`` to ``until`` (inclusive), as the
    values of ``EntryRow`` and ``MeasureRow`` in field order and in the store's order (entries
    by day, morning first; measures by day, then id); ``None`` when the store must read them."""
    conn = _connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")
        read = _diary(conn, since, until)
        conn.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return read


def _diary(
    conn: sqlite3.Connection, since: date | None, until: date | None = None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    where, args = "owner_id = ?", list[Any]([LOCAL_ACCOUNT_ID])
    if since is not None:
        where, args = f"{where} AND day >= ?", [*args, since.isoformat()]
    if until is not None:
        where, args = f"{where} AND day <= ?", [*args, until.isoformat()]
    entries = conn.execute(
        f"SELECT {', '.join(ENTRY_FIELDS)} FROM diary_entries WHERE {where}", args
    ).fetchall()
    measures = conn.execute(
        f"SELECT {', '.join(MEASURE_FIELDS)} FROM measures_done WHERE {where}", args
    ).fetchall()
    flags = [i for i, name in enumerate(ENTRY_FIELDS) if name in _FLAGS]
    rows = []
    for row in entries:
        values = list(row)
        values[0] = _day(values[0])
        for i in flags:
            values[i] = None if values[i] is None else bool(values[i])
        rows.append(tuple(values))
    rows.sort(key=lambda r: (r[0], _PART_ORDER.get(r[1], 2)))
    done = [(m[0], _day(m[1]), m[2], m[3], _aware(m[4]), m[5], m[6]) for m in measures]
    done.sort(key=lambda r: (r[1], r[6] or 0))
    return rows, done


def record_measure(
    url: str,
    measure: str,
    day: date,
    at: datetime | None,
    minutes: float | None,
    reps: int | None,
    source: str,
) -> tuple[int, dict[str, Any] | None] | None:
    """The store's ``record_measure`` then ``latest_assessment`` in one transaction: the new
    row's id and the newest assessment's output (``None`` if there is none); ``None`` when the
    store must do it (nothing was written)."""
    conn = _connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            new_id = conn.execute(
                "INSERT INTO measures_done"
                " (owner_id, measure, day, at, minutes, reps, source, session_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL) RETURNING id",
                (
                    LOCAL_ACCOUNT_ID,
                    _strip_nul(measure),
                    day.isoformat(),
                    None if at is None else _time(at),
                    minutes,
                    reps,
                    _strip_nul(source),
                ),
            ).fetchone()[0]
            latest = conn.execute(
                "SELECT output FROM assessments WHERE owner_id = ? ORDER BY at DESC, id DESC"
                " LIMIT 1",
                (LOCAL_ACCOUNT_ID,),
            ).fetchone()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return int(new_id), None if latest is None else json.loads(latest[0])


def record_entry(
    url: str, day: date, part: str, values: Mapping[str, Any], now: datetime
) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """The store's ``record_entry`` for an entry with a heaviness score (insert, or update the
    values given of the ``(day, part)`` entry), then the whole diary as :func:`read_diary` gives
    it, in one transaction: the entry's id and the rows; ``None`` when the store must do it."""
    names = sorted(values)
    if values.get("heaviness") is None or not set(names) <= set(ENTRY_FIELDS[2:-1]):
        return None
    conn = _connect(url)
    if conn is None:
        return None
    stamp = _time(now)
    params = [LOCAL_ACCOUNT_ID, day.isoformat(), part]
    params += [_strip_nul(getattr(values[n], "value", values[n])) for n in names]
    columns = ", ".join(["owner_id", "day", "part", *names, "created_at", "updated_at"])
    keep = "".join(f"{n} = coalesce(excluded.{n}, diary_entries.{n}), " for n in names)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            new_id = conn.execute(
                f"INSERT INTO diary_entries ({columns})"
                f" VALUES ({', '.join('?' * (len(names) + 5))})"
                " ON CONFLICT (owner_id, day, part) DO UPDATE SET"
                f" {keep}updated_at = excluded.updated_at RETURNING id",
                [*params, stamp, stamp],
            ).fetchone()[0]
            entries, measures = _diary(conn, None)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return int(new_id), entries, measures
