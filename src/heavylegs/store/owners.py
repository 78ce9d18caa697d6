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

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Delete,
    ForeignKey,
    Insert,
    Integer,
    Select,
    Table,
    Update,
    or_,
)
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    UOWTransaction,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause
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


def _level(statement: Any) -> tuple[list[FromClause], list[Select[Any]]]:
    """The owned tables (or aliases of one) ``statement`` reads at its own level, and the
    SELECTs nested in it (subqueries, which filter their own tables).

    A walk over the statement's parts, not :meth:`Select.get_final_froms`, which compiles the
    statement (a few milliseconds on every query).
    """
    owned: dict[int, FromClause] = {}
    nested: list[Select[Any]] = []
    stack = list(statement.get_children())
    while stack:
        element = stack.pop()
        if isinstance(element, Select):
            nested.append(element)
            continue
        base = element.element if isinstance(element, Alias) else element
        if isinstance(base, Table):
            if is_owned(base):
                owned.setdefault(id(element), element)
            continue
        if isinstance(element, ColumnClause) and element.table is not None:
            stack.append(element.table)
            continue
        stack.extend(element.get_children())
    return list(owned.values()), nested


def _outer_sides(statement: Any) -> set[int]:
    """The ids of the tables (or aliases) on the optional side of an outer join in ``statement``'s
    own FROM list: their ``owner_id`` is NULL where no row matched."""
    optional: set[int] = set()
    # ``select(...).outerjoin(...)`` keeps its joins as set-up tuples (target, on, from, flags)
    # until compiled; ``select_from(a.outerjoin(b))`` holds a Join. Both are read here.
    for target, _on, _from, flags in getattr(statement, "_setup_joins", ()):
        if flags.get("full"):
            return {id(t) for t in _level(statement)[0]}
        if flags.get("isouter"):
            optional.add(id(target))
    stack = list(statement.get_children())
    while stack:
        element = stack.pop()
        if isinstance(element, Select):
            continue  # a subquery filters its own tables
        if isinstance(element, Join):
            sides = [element.right, element.left] if element.full else [element.right]
            if element.isouter:
                while sides:
                    side = sides.pop()
                    if isinstance(side, Join):
                        sides.extend([side.left, side.right])
                    else:
                        optional.add(id(side))
        stack.extend(element.get_children())
    return optional


def _filters_owner(where: ColumnElement[Any] | None, from_: FromClause) -> bool:
    """Whether ``where`` compares ``from_.owner_id`` to something (a subquery's own filter)."""
    if where is None:
        return False
    column = from_.c[OWNER_COLUMN]
    return any(element is column for element in visitors.iterate(where))


def _check_nested(nested: list[Select[Any]]) -> None:
    """Every SELECT nested in a statement that reads an owned table filters it by owner."""
    while nested:
        select_ = nested.pop()
        owned, deeper = _level(select_)
        for table in owned:
            if not _filters_owner(select_.whereclause, table):
                name = getattr(table, "name", "?")
                raise Unscoped(
                    f"a subquery reads {name} without an owner filter (use owner_filter)"
                )
        nested.extend(deeper)


def _check_params(parameters: Any, owner: int) -> None:
    """Rows handed to an INSERT must not name another owner (they would override the value)."""
    rows = parameters if isinstance(parameters, list | tuple) else [parameters]
    for row in rows:
        if isinstance(row, dict) and row.get(OWNER_COLUMN, owner) != owner:
            raise Unscoped("a row of another owner was given to this owner's session")


def scoped(statement: Any, owner: int, *, orm: bool) -> Any:
    """``statement`` restricted to ``owner``'s rows (see the module docstring); the statement
    itself when it touches no owned table."""
    if isinstance(statement, Insert):
        if isinstance(statement.table, Table) and is_owned(statement.table):
            return statement.values({OWNER_COLUMN: owner})
        return statement
    if not isinstance(statement, Select | Update | Delete):
        return statement
    owned, nested = _level(statement)
    _check_nested(nested)
    if not owned:
        return statement
    if orm:
        return statement.options(
            with_loader_criteria(
                Owned,
                lambda cls: cls.owner_id == owner,
                include_aliases=True,
            )
        )
    optional = _outer_sides(statement) if isinstance(statement, Select) else set()
    for table in owned:
        column = table.c[OWNER_COLUMN]
        # On the optional side of an outer join, no match reads as NULL (owner_id is never NULL
        # in a stored row): keep those rows, or the outer join would become an inner one.
        condition = (
            or_(column == owner, column.is_(None)) if id(table) in optional else column == owner
        )
        statement = statement.where(condition)
    return statement


def _touches_owned(statement: Any) -> bool:
    """Whether ``statement`` reads or writes an owned table anywhere (subqueries included)."""
    if isinstance(statement, Insert | Update | Delete):
        table = statement.table
        if isinstance(table, Table) and is_owned(table):
            return True
        if isinstance(statement, Insert):
            return False
    if not isinstance(statement, Select | Update | Delete):
        return False
    owned, nested = _level(statement)
    while not owned and nested:
        owned, deeper = _level(nested.pop())
        nested.extend(deeper)
    return bool(owned)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria of the statement that loaded the object apply
    statement = state.statement
    owner = state.session.info.get(OWNER_KEY)
    if owner is None:
        if _touches_owned(statement):
            session_owner(state.session)  # raises Unscoped
        return
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
