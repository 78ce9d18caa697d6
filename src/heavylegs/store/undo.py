"""Rows taken out of the database, ready to be put back: what makes a delete or edit undoable.

A :class:`Snapshot` holds whole rows (ids included) of the tables a change touched, in the
order they must be inserted again (parents before children). Putting it back after a delete
restores exactly what was there; after an edit, the changed row is replaced by its old self.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from heavylegs.store.models import Base


@dataclass(frozen=True)
class Snapshot:
    """``rows`` by table name (insertion order = the order the tables were taken)."""

    what: str
    """What the snapshot is of, in plain words ("diary entry 2026-11-21 evening")."""
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())


def take(session: Session, table_name: str, column: str, value: object) -> list[dict[str, Any]]:
    """Every row of ``table_name`` whose ``column`` equals ``value``, as column -> value.

    The session's owner scopes the read, and the rows keep their ``owner_id``: putting them back
    in another person's session is refused (:class:`~heavylegs.store.owners.Unscoped`).
    """
    table = Base.metadata.tables[table_name]
    query = select(table).where(table.c[column] == value).order_by(*table.primary_key.columns)
    return [dict(row) for row in session.execute(query).mappings()]


def put_back(session: Session, snapshot: Snapshot) -> None:
    """Restore the snapshot's rows: a row with the same primary key is replaced by its old self.

    Deletes go children first, inserts parents first, in the caller's transaction.
    """
    tables = [(Base.metadata.tables[name], rows) for name, rows in snapshot.rows.items() if rows]
    for table, rows in reversed(tables):
        keys = list(table.primary_key.columns)
        for row in rows:
            session.execute(delete(table).where(*(key == row[key.name] for key in keys)))
    for table, rows in tables:
        session.execute(table.insert(), rows)
    session.flush()
