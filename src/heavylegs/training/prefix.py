"""The load series of a history's older part, worked out once and remembered in this process.

Why: fitness, fatigue and the ratio's averages start from a person's first activity, so a view
of the last weeks still needs the series of every day before them. Read and summed afresh,
that is most of a view's cost at ten years, and all of its growth. The older part rarely
changes: a view remembers its series (:class:`Prefix`) and carries on from its last day with
the recent activities alone (:meth:`heavylegs.training.series.LoadSeries.resumed`), which gives
exactly the figures of the whole computation.

What is remembered is a cache, never a source: the stored activities are. Each view checks it
against the store with one aggregate query over the older activities (:func:`fingerprint`:
their count, ids, starts, offsets, times and stored heart-rate figures, summed in the database);
an import, edit, delete, undo or restore that touches them changes the sums, a changed heart
profile, seed or default offset changes the key, and either way the series is worked out again
from the activities. The part covered ends on a fixed grid (:data:`GRID_DAYS`), so it moves
forward about once a month, not with every view.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Double, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from heavylegs.store.owners import session_owner
from heavylegs.training.rows import ACTIVITIES, DETAILS, DETAILS_CHUNK
from heavylegs.training.series import LoadSeries

GRID_DAYS = 28
"""The older part ends on a multiple of this many days since 1970-01-01 (UTC midnight)."""
REMEMBERED = 32
"""Series kept (the most recently used): one per person and heart profile in use."""
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Prefix:
    """The activities that started before ``through``, as the load series needs them."""

    through: dt.datetime
    series: LoadSeries
    """Their daily series from the history's first day to the day before :attr:`open_from`
    (read-only: :meth:`LoadSeries.resumed` copies it)."""
    tail: tuple[tuple[dt.date, float], ...]
    """Day and load of those among them whose local day is :attr:`open_from` or later."""
    count: int
    first_start: dt.datetime
    last_day: dt.date

    @property
    def first_day(self) -> dt.date:
        return self.series.start

    @property
    def open_from(self) -> dt.date:
        """The first day the series leaves open: activities from ``through`` on may fall on it
        (a local day is at most a day before the UTC date)."""
        return self.through.date() - dt.timedelta(days=1)


def checkpoint(before: dt.datetime) -> dt.datetime:
    """The end of the older part for a view that reads whole activities from ``before`` on."""
    days = (before - EPOCH).days
    return EPOCH + dt.timedelta(days=days - days % GRID_DAYS)


class _Epoch(FunctionElement[float]):
    """A stored start as a number (its unit differs by database; only compared with itself)."""

    type = Double()
    inherit_cache = True


@compiles(_Epoch)
def _epoch(element: _Epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(_Epoch, "sqlite")
def _julian(element: _Epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"julianday({compiler.process(element.clauses, **kw)})"  # twice as fast as '%s'


MAX_RECENT = 4 * DETAILS_CHUNK
"""Recent activities a :func:`fingerprint` leaves out by id (more: no prefix is kept)."""


def fingerprint(session: Session, through: dt.datetime, recent: Sequence[int]) -> tuple[Any, ...]:
    """Sums over the activities that started before ``through`` (``recent``: the ids of all the
    others) and their stored figures: any change the older part's series depends on changes
    one of them. Worked out in the database, from one index and the activities' rows.
    """
    a, d = ACTIVITIES.c, DETAILS.c
    ids = cast(a.id, Double)
    activities = select(
        func.count(), func.sum(a.id), func.sum(_Epoch(a.start_utc) * ids),
        func.count(a.utc_offset_s), func.sum(a.utc_offset_s * ids),
        func.sum(a.moving_s * ids), func.sum(a.duration_s * ids),
    ).where(a.start_utc < through)  # fmt: skip
    detail_ids = cast(d.activity_id, Double)
    details = select(
        func.count(), func.sum(d.activity_id), func.count(d.trimp),
        func.sum(d.trimp * detail_ids), func.sum(d.hr_covered_s * detail_ids),
        func.count(d.load_profile),
    )  # fmt: skip
    if recent:
        details = details.where(d.activity_id.not_in(recent))
    older = tuple(session.execute(activities).one())
    if not older[0]:
        return older  # no older activities: nothing more to sum
    return (*older, *session.execute(details).one())


_remembered: OrderedDict[Hashable, tuple[tuple[Any, ...], Prefix | None]] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    """Drop every remembered series (tests; the next views work them out again)."""
    with _lock:
        _remembered.clear()


def remembered_prefix(
    session: Session,
    basis: tuple[Hashable, ...],
    through: dt.datetime,
    recent: Sequence[int],
    build: Callable[[], Prefix | None],
) -> Prefix | None:
    """The older part up to ``through`` under ``basis`` (what the figures depend on besides
    the activities: heart profile, seed, default offset): the remembered one while the store's
    :func:`fingerprint` is the one it was built from, else ``build()`` (``None``: the older
    part cannot be summed this way, remembered as well).

    ``recent``: the ids of the activities that started at ``through`` or later.
    """
    if len(recent) > MAX_RECENT:
        return None
    key = (str(session.get_bind().engine.url), session_owner(session), basis, through)
    # Taken before build() reads the activities: a change made in between makes the stored
    # sums differ from the next view's, so the prefix is rebuilt then, never used stale.
    found = fingerprint(session, through, recent)
    with _lock:
        known = _remembered.get(key)
        if known is not None and known[0] == found:
            _remembered.move_to_end(key)
            return known[1]
    prefix = build() if found[0] else None
    with _lock:
        _remembered[key] = (found, prefix)
        _remembered.move_to_end(key)
        while len(_remembered) > REMEMBERED:
            _remembered.popitem(last=False)
    return prefix
