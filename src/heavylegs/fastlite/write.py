"""Writing an assessment, a measure done and a diary entry to the local SQLite file, in one
transaction each, as the store writes them (the store is the oracle in the tests)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from heavylegs.fastlite.connect import (
    LOCAL_ACCOUNT_ID,
    PROFILE_SECTIONS,
    Busy,
    connect,
    is_busy,
    json_text,
    store_time,
    strip_nul,
)
from heavylegs.fastlite.read import ENTRY_FIELDS, diary_rows

T = TypeVar("T")


def _in_transaction(url: str, work: Callable[[sqlite3.Connection], T]) -> T | None:
    """``work`` in one ``BEGIN IMMEDIATE`` transaction on the local file: its result, or ``None``
    when the store must do it (not a file at a known revision, or any SQLite error: nothing was
    kept, and the store tries again and words what went wrong). Another program holding the
    write lock past the busy timeout raises :class:`Busy` instead: the store would only wait
    for the same lock as long again before saying so."""
    conn = connect(url)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise Busy(url) from None  # the store would wait out the same lock a second time
        return None
    finally:
        conn.close()
    return result


def _json(text: str) -> Any:
    import json  # here: ``log`` reads no JSON, and its import is a few ms of its start-up

    return json.loads(text)


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
    return _in_transaction(
        url, lambda conn: _write(conn, answers, output, knowledge_version, level, at)
    )


def _write(
    conn: sqlite3.Connection,
    answers: Mapping[str, Any],
    output: Mapping[str, Any],
    knowledge_version: str,
    level: str,
    at: datetime,
) -> int:
    stamp = store_time(at)
    cursor = conn.execute(
        "INSERT INTO assessments (owner_id, at, knowledge_version, triage_level, answers, output)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (
            LOCAL_ACCOUNT_ID,
            stamp,
            strip_nul(knowledge_version),
            strip_nul(level),
            json_text(dict(answers)),
            json_text(dict(output)),
        ),
    )
    new_id = int(cursor.fetchone()[0])
    row = conn.execute(
        "SELECT id, about, history, lifestyle, running FROM profile WHERE owner_id = ?"
        " ORDER BY id LIMIT 1",
        (LOCAL_ACCOUNT_ID,),
    ).fetchone()
    old = {} if row is None else dict(zip(PROFILE_SECTIONS, map(_json, row[1:]), strict=True))
    sections = _merge(old, answers)
    if row is not None and sections == old:
        return new_id  # nothing new: no write, as the store (``updated_at``: when it changed)
    merged = [json_text(fields) for fields in sections.values()]
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

    def work(conn: sqlite3.Connection) -> tuple[int, dict[str, Any] | None]:
        new_id = conn.execute(
            "INSERT INTO measures_done"
            " (owner_id, measure, day, at, minutes, reps, source, session_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, NULL) RETURNING id",
            (
                LOCAL_ACCOUNT_ID,
                strip_nul(measure),
                day.isoformat(),
                None if at is None else store_time(at),
                minutes,
                reps,
                strip_nul(source),
            ),
        ).fetchone()[0]
        latest = conn.execute(
            "SELECT output FROM assessments WHERE owner_id = ? ORDER BY at DESC, id DESC LIMIT 1",
            (LOCAL_ACCOUNT_ID,),
        ).fetchone()
        return int(new_id), None if latest is None else _json(latest[0])

    return _in_transaction(url, work)


def record_entry(
    url: str, day: date, part: str, values: Mapping[str, Any], now: datetime
) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]] | None:
    """The store's ``record_entry`` for an entry with a heaviness score (insert, or update the
    values given of the ``(day, part)`` entry), then the whole diary as :func:`read_diary` gives
    it, in one transaction: the entry's id and the rows; ``None`` when the store must do it."""
    names = sorted(values)
    if values.get("heaviness") is None or not set(names) <= set(ENTRY_FIELDS[2:-1]):
        return None
    stamp = store_time(now)
    params = [LOCAL_ACCOUNT_ID, day.isoformat(), part]
    params += [strip_nul(getattr(values[n], "value", values[n])) for n in names]
    columns = ", ".join(["owner_id", "day", "part", *names, "created_at", "updated_at"])
    keep = "".join(f"{n} = coalesce(excluded.{n}, diary_entries.{n}), " for n in names)

    def work(conn: sqlite3.Connection) -> tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        new_id = conn.execute(
            f"INSERT INTO diary_entries ({columns})"
            f" VALUES ({', '.join('?' * (len(names) + 5))})"
            " ON CONFLICT (owner_id, day, part) DO UPDATE SET"
            f" {keep}updated_at = excluded.updated_at RETURNING id",
            [*params, stamp, stamp],
        ).fetchone()[0]
        entries, measures = diary_rows(conn, None)
        return int(new_id), entries, measures

    return _in_transaction(url, work)
