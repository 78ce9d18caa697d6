"""Change or remove a diary entry or a measure done, keeping what was there for an undo.

Each function returns a :class:`~heavylegs.store.undo.Snapshot` of the rows before the change;
``heavylegs.store.undo.put_back`` restores them (the web app's "Undo"). Changes are validated by
the same models as new input, so an edit can never store what ``log`` or ``done`` would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from heavylegs.diary.validation import (
    ENTRY_VALUE_FIELDS,
    DiaryInputError,
    parse_entry,
    parse_measure_done,
)
from heavylegs.problems import Problems
from heavylegs.store.models import Base
from heavylegs.store.undo import Snapshot, take

_ENTRIES = Base.metadata.tables["diary_entries"]
_MEASURES = Base.metadata.tables["measures_done"]


class NotFound(Problems, LookupError):
    """No row with that id; ``problems`` names it (the CLI exits 1 with it, the web 404)."""

    def __init__(self, what: str, row_id: int) -> None:
        super().__init__([f"id: no {what} {row_id}"])
        self.what = what
        self.row_id = row_id


def row_by_id(session: Session, table_name: str, row_id: int) -> dict[str, Any] | None:
    """The row as stored (what an edit form starts from and a delete asks about), or ``None``;
    also ``None`` for an id no database column could hold."""
    rows = take(session, table_name, "id", row_id) if 0 < row_id < 2**31 else []
    return rows[0] if rows else None


def _one(session: Session, table_name: str, what: str, row_id: int) -> dict[str, Any]:
    row = row_by_id(session, table_name, row_id)
    if row is None:
        raise NotFound(what, row_id)
    return row


def entry_by_day(session: Session, day: dt.date, part: str) -> int | None:
    """The id of the entry for ``day`` and ``part``, or ``None``."""
    table = _ENTRIES
    found = session.execute(
        table.select().with_only_columns(table.c.id).where(table.c.day == day, table.c.part == part)
    ).scalar()
    return None if found is None else int(found)


def edit_entry(
    session: Session,
    entry_id: int,
    changes: Mapping[str, Any],
    *,
    clear: Collection[str] = (),
    today: dt.date,
    now: dt.datetime,
) -> Snapshot:
    """Change values of an entry (``date`` and ``part`` too); ``clear`` forgets fields.

    Raises :class:`NotFound` or :class:`DiaryInputError` (also when the new date and part are
    another entry's).
    """
    old = _one(session, "diary_entries", "diary entry", entry_id)
    bad = sorted(set(clear) - set(ENTRY_VALUE_FIELDS))
    if "heaviness" in clear:
        bad.insert(0, "heaviness")
    problems = [f"{name}: cannot be cleared" for name in bad]
    # Both at once: which was meant? (``--note x --clear note`` dropped the x unsaid)
    problems += [
        f"{name}: given and cleared at once; give a value or clear it"
        for name in dict.fromkeys(clear)
        if name in changes and name not in bad
    ]
    if problems:
        raise DiaryInputError(problems)
    merged = {name: old[name] for name in ENTRY_VALUE_FIELDS if old[name] is not None}
    merged.update({k: v for k, v in changes.items() if k not in ("date", "part")})
    for name in clear:
        merged.pop(name, None)
    data = {"date": changes.get("date", old["day"]), "part": changes.get("part", old["part"])}
    entry = parse_entry({**data, **merged}, today=today)
    values = {name: getattr(entry, name) for name in ENTRY_VALUE_FIELDS}
    try:
        with session.begin_nested():
            session.execute(
                update(_ENTRIES)
                .where(_ENTRIES.c.id == entry_id)
                .values(day=entry.date, part=entry.part.value, updated_at=now, **values)
            )
    except IntegrityError:
        raise DiaryInputError(
            [f"date: there is already a {entry.part.value} entry on {entry.date.isoformat()}"]
        ) from None
    return Snapshot(_entry_name(old), {"diary_entries": [old]})


def delete_entry(session: Session, entry_id: int) -> Snapshot:
    """Remove an entry; the snapshot puts it back."""
    old = _one(session, "diary_entries", "diary entry", entry_id)
    session.execute(_ENTRIES.delete().where(_ENTRIES.c.id == entry_id))
    return Snapshot(_entry_name(old), {"diary_entries": [old]})


def edit_measure(
    session: Session,
    measure_id: int,
    changes: Mapping[str, Any],
    *,
    today: dt.date,
    known: frozenset[str] | None = None,
) -> Snapshot:
    """Change a measure done: which measure, the day, minutes or reps (the other is cleared
    when one is given, as ``done`` records one of them)."""
    old = _one(session, "measures_done", "measure done", measure_id)
    data: dict[str, Any] = {"measure": old["measure"], "date": old["day"]}
    if old["minutes"] is not None:
        data["minutes"] = old["minutes"]
    if old["reps"] is not None:
        data["reps"] = old["reps"]
    if "minutes" in changes:
        data.pop("reps", None)
    if "reps" in changes:
        data.pop("minutes", None)
    data.update(changes)
    done = parse_measure_done(data, today=today, known=known)
    session.execute(
        update(_MEASURES)
        .where(_MEASURES.c.id == measure_id)
        .values(measure=done.measure, day=done.date, minutes=done.minutes, reps=done.reps)
    )
    return Snapshot(_measure_name(old), {"measures_done": [old]})


def delete_measure(session: Session, measure_id: int) -> Snapshot:
    """Remove a measure done; the snapshot puts it back."""
    old = _one(session, "measures_done", "measure done", measure_id)
    session.execute(_MEASURES.delete().where(_MEASURES.c.id == measure_id))
    return Snapshot(_measure_name(old), {"measures_done": [old]})


def _entry_name(row: Mapping[str, Any]) -> str:
    return f"diary entry {row['day'].isoformat()} {row['part']}"


def _measure_name(row: Mapping[str, Any]) -> str:
    return f"{row['measure']} on {row['day'].isoformat()}"
