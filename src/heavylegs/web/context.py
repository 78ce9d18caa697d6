"""What every request handler needs: the knowledge base, the clock, the store and the owner.

The owner is explicit (see :mod:`heavylegs.web.records`) although the local app has one person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from heavylegs.knowledge.models import KnowledgeBase

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.store import Store

T = TypeVar("T")

Clock = Callable[[], dt.datetime]
"""Returns the current time, time-zone aware. Injected so tests can fix "now"."""

LOCAL_OWNER = "local"
"""The one person of the local app."""
ACCOUNT_OWNER = "account:"
"""Accounts mode: ``account:<id>``, whose store is scoped to that account
(:func:`heavylegs.web.auth.owner_key`)."""


def known_owner(owner: str) -> bool:
    """An owner the web hands out: the local person, or an account of accounts mode (whose
    store's sessions keep to that account's rows: :mod:`heavylegs.store.owners`)."""
    return owner == LOCAL_OWNER or owner.startswith(ACCOUNT_OWNER)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NoDatabase(RuntimeError):
    """The app runs without a database (``create_app(db_url=None)``): nothing can be kept."""


@dataclass
class WebContext:
    kb: KnowledgeBase
    clock: Clock
    store: Store | None
    secret: bytes
    owner: str = LOCAL_OWNER

    def now(self) -> dt.datetime:
        """The injected clock's time in the machine's local zone (diary days are local)."""
        value = self.clock()
        if value.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return value.astimezone()

    def today(self) -> dt.date:
        return self.now().date()

    @property
    def has_db(self) -> bool:
        return self.store is not None

    async def in_session(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in one transaction off the event loop, for ``async`` routes that
        write: on SQLite on the database's writer thread (:mod:`heavylegs.web.writer`), in
        arrival order; on PostgreSQL on a worker thread of the pool.

        Why: a database call inside an ``async`` route runs on the event loop, and while another
        program holds the SQLite write lock every request of the server would wait with it. And
        SQLite has one writer at a time: writes spread over the pool's threads only queue at its
        lock, in the busy handler, which polls, so under many writes at once some ran out of
        the busy timeout (503) with no other program writing.
        """

        def run() -> T:
            with self.session() as session:
                return work(session)

        store = self.store
        if store is not None and store.dialect == "sqlite":
            from heavylegs.web.writer import writer_for

            return await writer_for(store.engine).run(run)
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(run)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction on the store; :class:`NoDatabase` when there is none."""
        if self.store is None:
            raise NoDatabase("no database is configured (start with --db or make run)")
        with self.store.session() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads (``Access.READ``): on SQLite a page or an answer that
        shows data reads beside a writer (an import, another program) instead of waiting for
        it, and cannot write by mistake."""
        from heavylegs.store import Access

        if self.store is None:
            raise NoDatabase("no database is configured (start with --db or make run)")
        with self.store.session(Access.READ) as session:
            yield session
