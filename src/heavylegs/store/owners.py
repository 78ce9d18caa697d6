"""Whose rows: every table with personal data has an owner, and every session is scoped to one.

Why here, under every stage, and not in the views: one forgotten ``WHERE owner_id = …`` in a view
would show one person's diary to another. So the session does it, for every statement:

* A session carries its owner in ``session.info`` (:meth:`heavylegs.store.Store.session` puts it
  there; :meth:`~heavylegs.store.Store.for_owner` picks it).
* ORM statements get SQLAlchemy's documented ``with_loader_criteria`` on :class:`Owned`
  (selects, ``session.get``, ORM updates and deletes); new ORM objects get their ``owner_id``
  in ``before_flush``.
* Core statements on owned tables (the training repository and the diary write with Core for
  speed) go through :func:`scoped`: the owned tables in the statement's FROM list (joins
  included) are filtered by owner, an INSERT gets the owner as a value. A subquery that reads an
  owned table must filter it itself (``owner_filter``); one that does not raises
  :class:`Unscoped` instead of running.
* A statement touching an owned table in a session without an owner raises :class:`Unscoped`:
  the server's unscoped store can do accounts work and nothing else.

Raw SQL text (``text()``) is not inspected; the store uses it only for PostgreSQL sequences.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Delete, ForeignKey, Insert, Integer, Select, Table, Update
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    UOWTransaction,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import Alias, FromClause, Join

from heavylegs.store.errors import StoreError

LOCAL_ACCOUNT_ID = 1
"""The single-person app's account (migration 0006 gives it every row of an older database)."""

OWNER_KEY = "heavylegs_owner"
"""Where a session keeps its owner (``session.info``)."""

__all__ = ["LOCAL_ACCOUNT_ID", "OWNER_KEY", "Owned", "OwnedSession", "Unscoped", "owner_filter"]

OWNER_COLUMN = "owner_id"


class Unscoped(StoreError):
    """A statement on personal data without an owner (or with another owner's rows)."""


class Owned:
    """Mixin of every model holding personal data: the account the row belongs to."""

    owner_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )


def is_owned(table: Table) -> bool:
    """A table is owned when it has an ``owner_id`` column (only :class:`Owned` models do)."""
    return OWNER_COLUMN in table.c


def session_owner(session: Session) -> int:
    """The owner of ``session``; :class:`Unscoped` when it has none."""
    owner = session.info.get(OWNER_KEY)
    if owner is None:
        raise Unscoped(
            "personal data was read or written in a session without an owner "
            "(use store.for_owner(account_id))"
        )
    return int(owner)


def owner_filter(session: Session, table: FromClause) -> ColumnElement[bool]:
    """``table.owner_id = <the session's owner>``, for a subquery on an owned table."""
    return table.c[OWNER_COLUMN] == session_owner(session)


def _owned_in(from_: FromClause) -> Iterator[FromClause]:
    """The owned tables (or aliases of one) a FROM element reads at its own level."""
    if isinstance(from_, Join):
        yield from _owned_in(from_.left)
        yield from _owned_in(from_.right)
    else:
        base = from_.element if isinstance(from_, Alias) else from_
        if isinstance(base, Table) and is_owned(base):
            yield from_


def _filters_owner(where: ColumnElement[Any] | None, from_: FromClause) -> bool:
    """Whether ``where`` compares ``from_.owner_id`` to something (a subquery's own filter)."""
    if where is None:
        return False
    column = from_.c[OWNER_COLUMN]
    return any(element is column for element in visitors.iterate(where))


def _check_nested(statement: Any, top: Any) -> None:
    """Every SELECT nested in ``statement`` that reads an owned table filters it by owner."""
    for element in visitors.iterate(statement):
        if element is top or not isinstance(element, Select):
            continue
        for from_ in element.get_final_froms():
            for owned in _owned_in(from_):
                if not _filters_owner(element.whereclause, owned):
                    name = getattr(owned, "name", "?")
                    raise Unscoped(
                        f"a subquery reads {name} without an owner filter (use owner_filter)"
                    )


def _check_params(parameters: Any, owner: int) -> None:
    """Rows handed to an INSERT must not name another owner (they would override the value)."""
    rows = parameters if isinstance(parameters, list | tuple) else [parameters]
    for row in rows:
        if isinstance(row, dict) and row.get(OWNER_COLUMN, owner) != owner:
            raise Unscoped("a row of another owner was given to this owner's session")


def _touches_owned(statement: Any) -> bool:
    if isinstance(statement, Insert):
        return isinstance(statement.table, Table) and is_owned(statement.table)
    if isinstance(statement, Update | Delete):
        return isinstance(statement.table, Table) and is_owned(statement.table)
    if isinstance(statement, Select):
        return any(True for f in statement.get_final_froms() for _ in _owned_in(f)) or any(
            isinstance(e, Table) and is_owned(e) for e in visitors.iterate(statement)
        )
    return False


def scoped(statement: Any, owner: int, *, orm: bool) -> Any:
    """``statement`` restricted to ``owner``'s rows (see the module docstring)."""
    if isinstance(statement, Insert):
        return statement.values({OWNER_COLUMN: owner})
    _check_nested(statement, statement)
    if orm:
        return statement.options(
            with_loader_criteria(
                Owned,
                lambda cls: cls.owner_id == owner,
                include_aliases=True,
            )
        )
    if isinstance(statement, Select):
        for from_ in statement.get_final_froms():
            for owned in list(_owned_in(from_)):
                statement = statement.where(owned.c[OWNER_COLUMN] == owner)
        return statement
    if isinstance(statement, Update | Delete):
        return statement.where(statement.table.c[OWNER_COLUMN] == owner)
    return statement


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria of the statement that loaded the object apply
    statement = state.statement
    if not _touches_owned(statement):
        return
    owner = session_owner(state.session)
    if isinstance(statement, Insert) and state.parameters is not None:
        _check_params(state.parameters, owner)
    state.statement = scoped(statement, owner, orm=state.is_orm_statement)


def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, Owned)]
    if not new:
        return
    owner = session_owner(session)
    for obj in new:
        current = obj.__dict__.get(OWNER_COLUMN)
        if current is None:
            obj.owner_id = owner
        elif current != owner:
            raise Unscoped("an object of another owner was added to this owner's session")


class OwnedSession(Session):
    """The store's session class: carries the scoping events (registered once, below)."""


def _install() -> None:
    from sqlalchemy import event

    event.listen(OwnedSession, "do_orm_execute", _on_execute)
    event.listen(OwnedSession, "before_flush", _before_flush)


_install()
