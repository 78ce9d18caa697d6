"""Everything in the database as one JSON document, and back.

The document is deterministic so a backup can be diffed and checked: tables by name, rows by id,
keys sorted, dates and times in ISO 8601 (times in UTC), ids kept. Restoring goes into an empty
database only, in one transaction: either the whole backup is in, or nothing is.

Both act on the session's owner (:mod:`heavylegs.store.owners`): a backup is one person's data,
restored into an account that has none yet (ids move past other people's, see ``_shift_ids``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Column, Date, Double, Integer, String, Table, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from heavylegs.problems import Problems
from heavylegs.safejson import INT64_MAX, INT64_MIN, check_depth
from heavylegs.store.engine import HEAD_REVISION
from heavylegs.store.models import Base, JsonDocument, UtcDateTime
from heavylegs.store.owners import OWNER_COLUMN, is_owned

FORMAT = "heavylegs-backup"
FORMAT_VERSION = 1


class BackupError(Problems, ValueError):
    """The backup cannot be restored; ``problems`` has one line per problem, naming the place."""


def _tables() -> list[Table]:
    """The tables of personal data (accounts, sessions and shares are not a person's backup)."""
    return [table for table in Base.metadata.sorted_tables if is_owned(table)]


def _columns(table: Table) -> list[Column[Any]]:
    """A backup's columns: the owner is the session's, never part of the document."""
    return [col for col in table.columns if col.name != OWNER_COLUMN]


def export_backup(session: Session) -> dict[str, Any]:
    """Every row of the session owner's data, as JSON-ready values."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        columns = _columns(table)
        tables[table.name] = [
            {col.name: _to_json(row[col.name], col.type) for col in columns} for row in rows
        ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": HEAD_REVISION,
        "tables": tables,
    }


def dumps_backup(document: Mapping[str, Any]) -> str:
    """The canonical text of a backup: the same data always gives the same bytes."""
    return (
        json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    )


def row_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one() for t in _tables()
    }


def import_backup(session: Session, document: object) -> dict[str, int]:
    """Restore ``document`` into the (empty) database of ``session``; rows restored per table.

    Raises :class:`BackupError` when the database already holds data or the document is not a
    backup this version can read. The caller's transaction makes the restore all-or-nothing.
    """
    tables = _check_header(document)
    existing = {name: n for name, n in row_counts(session).items() if n}
    if existing:
        listed = ", ".join(f"{n} {name}" for name, n in sorted(existing.items()))
        raise BackupError(
            [f"database: not empty ({listed}); import-backup only restores into an empty database"]
        )
    known = {t.name: t for t in _tables()}
    problems = [f"tables.{name}: unknown table" for name in sorted(set(tables) - set(known))]
    parsed: dict[str, list[dict[str, Any]]] = {}
    for name, table in known.items():
        if name not in tables:  # a cut-down file would restore without it and say nothing
            problems.append(f"tables.{name}: missing (an export lists every table, even empty)")
            continue
        rows = tables[name]
        if not isinstance(rows, list):
            problems.append(f"tables.{name}: must be a list of rows")
            continue
        parsed[name] = [
            _parse_row(table, row, f"tables.{name}[{i}]", problems) for i, row in enumerate(rows)
        ]
    if problems:
        raise BackupError(problems)
    _shift_ids(session, parsed)
    counts: dict[str, int] = {}
    for table in _tables():
        rows = parsed[table.name]
        if rows:
            try:
                session.execute(table.insert(), rows)
            except IntegrityError as exc:
                first = str(exc.orig).strip().splitlines()[0]
                raise BackupError([f"tables.{table.name}: rows conflict ({first})"]) from None
        counts[table.name] = len(rows)
    _reset_sequences(session)
    return counts


def _check_header(document: object) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise BackupError(["(document): must be a JSON object written by 'heavylegs export'"])
    problems = []
    if document.get("format") != FORMAT:
        problems.append(f"format: must be {FORMAT!r}")
    if document.get("format_version") != FORMAT_VERSION:
        problems.append(f"format_version: this heavylegs reads version {FORMAT_VERSION}")
    if document.get("schema_revision") != HEAD_REVISION:
        problems.append(
            f"schema_revision: backup has {document.get('schema_revision')!r}, "
            f"this heavylegs writes {HEAD_REVISION!r}"
        )
    tables = document.get("tables")
    if not isinstance(tables, Mapping):
        problems.append("tables: must be an object of table name -> rows")
    if problems:
        raise BackupError(problems)
    assert isinstance(tables, Mapping)
    return tables


def _parse_row(table: Table, row: object, where: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        problems.append(f"{where}: must be an object")
        return {}
    unknown = sorted(set(row) - {col.name for col in _columns(table)})
    problems.extend(f"{where}.{key}: unknown column" for key in unknown)
    out: dict[str, Any] = {}
    for col in _columns(table):
        value = row.get(col.name)
        if value is None:
            if not col.nullable:
                problems.append(f"{where}.{col.name}: required")
            out[col.name] = None
            continue
        try:
            out[col.name] = _checked(table.name, col.name, _from_json(value, col.type), col.type)
        except (TypeError, ValueError, OverflowError) as exc:
            problems.append(f"{where}.{col.name}: {exc}")
    return out


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
EARLIEST_ACTIVITY = datetime(1980, 1, 1, tzinfo=UTC)
"""The importer's own bounds (see ``training.sanity``): a restored activity obeys them too."""
PROFILE_SECTIONS = frozenset({"about", "history", "lifestyle", "running"})


def _checked(table: str, column: str, value: Any, kind: TypeEngine[Any]) -> Any:
    """Refuse values that would restore but break the app later (an export, the training page).

    Why here and not only in the faces: a backup is written outside heavylegs' control, and a
    row that restores must be one heavylegs itself could have written.
    """
    now = datetime.now(UTC)
    if isinstance(kind, UtcDateTime):
        earliest = EARLIEST_ACTIVITY if (table, column) == ("activities", "start_utc") else EARLIEST
        latest = now + (timedelta(days=1) if earliest is EARLIEST_ACTIVITY else timedelta(days=366))
        if not earliest <= value <= latest:
            raise ValueError(f"must be between {earliest.date()} and {latest.date()}")
    elif isinstance(kind, Date):
        if not EARLIEST.date() <= value <= (now + timedelta(days=366)).date():
            raise ValueError(f"must be between {EARLIEST.date()} and a year from now")
    elif isinstance(kind, Integer) and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("must fit in 64 bits")
    elif isinstance(kind, Double) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    elif isinstance(kind, String):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"at most {kind.length} characters")
    elif isinstance(kind, JsonDocument):
        _check_document(table, column, value)
    return value


def _check_document(table: str, column: str, value: Any) -> None:
    """The shapes heavylegs writes into its JSON columns."""
    check_depth(value)
    if table == "profile" and column in PROFILE_SECTIONS:
        if not isinstance(value, dict):
            raise TypeError("must be an object of answers")
        for key, item in value.items():
            flat = item if isinstance(item, list) else [item]
            if any(isinstance(v, dict | list) for v in flat):
                raise TypeError(f"{key}: must be a value or a list of values")
        return
    if column == "hr_seconds":
        if not isinstance(value, list) or not all(_hr_pair(pair) for pair in value):
            raise TypeError("must be a list of [bpm, seconds] pairs of finite numbers")
        return
    if not isinstance(value, dict | list):
        raise TypeError("must be a JSON object or list")
    _check_leaves(value)


def _hr_pair(pair: Any) -> bool:
    return (
        isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
        and 0 <= pair[0] <= 300
        and math.isfinite(pair[1])
        and 0 <= pair[1] <= 14 * 86400
    )


def _check_leaves(value: Any) -> None:
    """No infinite numbers, integers beyond 64 bits or NUL characters anywhere in a document."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if any("\x00" in k for k in item):
                raise ValueError("must not contain NUL characters")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("must not contain infinite numbers or NaN")
        elif isinstance(item, int) and not isinstance(item, bool):
            if not INT64_MIN <= item <= INT64_MAX:
                raise ValueError("holds an integer beyond 64 bits")
        elif isinstance(item, str) and "\x00" in item:
            raise ValueError("must not contain NUL characters")


def _to_json(value: Any, kind: TypeEngine[Any]) -> Any:
    if value is None:
        return None
    if isinstance(kind, UtcDateTime | Date):
        return value.isoformat()
    if isinstance(kind, Double):
        return float(value)
    return value


def _from_json(value: Any, kind: TypeEngine[Any]) -> Any:
    if isinstance(kind, UtcDateTime):
        parsed = datetime.fromisoformat(_need(value, str, "an ISO date-time"))
        if parsed.tzinfo is None:
            raise ValueError("date-time needs a UTC offset")
        return parsed
    if isinstance(kind, Date):
        return date.fromisoformat(_need(value, str, "an ISO date"))
    if isinstance(kind, Boolean):
        return _need(value, bool, "true or false")
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("must be an integer")
        return value
    if isinstance(kind, Double):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("must be a number")
        return float(value)
    if isinstance(kind, String):
        return _need(value, str, "a string")
    if isinstance(kind, JsonDocument):
        return value
    raise TypeError(f"unsupported column type {kind!r}")  # pragma: no cover - schema change


def _need(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"must be {what}")
    return value


def _shift_ids(session: Session, parsed: dict[str, list[dict[str, Any]]]) -> None:
    """Move the backup's ids past every id in use (other people's rows), references too.

    Ids are global while a backup holds one person's rows: restored into a database other people
    use, its ids would collide with theirs. Into a database with none, nothing moves (a restore
    gives back the very same document). The maxima are read over all owners, so with raw SQL.
    """
    offsets: dict[str, int] = {}
    for table in _tables():
        (pk,) = table.primary_key.columns
        if pk.foreign_keys or not isinstance(pk.type, Integer):
            continue
        highest = session.execute(text(f"SELECT MAX({pk.name}) FROM {table.name}")).scalar()
        offsets[table.name] = int(highest or 0)
    if not any(offsets.values()):
        return
    for table in _tables():
        shifts = {
            col.name: offsets.get(fk.column.table.name, 0)
            for col in _columns(table)
            for fk in col.foreign_keys
        }
        (pk,) = table.primary_key.columns
        shifts.setdefault(pk.name, offsets.get(table.name, 0))
        for row in parsed[table.name]:
            for name, offset in shifts.items():
                if offset and row.get(name) is not None:
                    row[name] += offset


def _reset_sequences(session: Session) -> None:
    """Restored ids were given explicitly; PostgreSQL's id sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        (pk,) = table.primary_key.columns
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                f"COALESCE(MAX({pk.name}), 0) + 1, false) FROM {table.name}"
            )
        )
