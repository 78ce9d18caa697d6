"""Reading the diary (and whether a database is empty) from the local SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from heavylegs.fastlite.connect import COLUMNS, LOCAL_ACCOUNT_ID, connect

ENTRY_FIELDS = (*COLUMNS["diary_entries"][2:-2], "id")
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
    conn = connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")
        read = diary_rows(conn, since, until)
        conn.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return read


def diary_rows(
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


def is_empty(url: str, tables: tuple[str, ...]) -> bool | None:
    """Whether every one of ``tables`` has no row at all (any owner): a command can then print
    its empty answer without importing the stages; ``None`` when the store must tell."""
    conn = connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")
        found = any(
            conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
            for table in tables
        )
        conn.execute("COMMIT")
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return not found
