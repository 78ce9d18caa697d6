"""The load series of a history's older part, worked out once and remembered in this process.

Why: fitness, fatigue and the ratio's averages start from a person's first activity, so a view
of the last weeks still needs the series of every day before them. Read and summed afresh,
that is most of a view's cost at ten years, and all of its growth. The older part rarely
changes: a view remembers its series (:class:`Prefix`) and carries on from its last day with
the recent activities alone (:meth:`heavylegs.training.series.LoadSeries.resumed`), which gives
exactly the figures of the whole computation.

What is remembered is a cache, never a source: the stored activities are. Each view checks it
against the store with two aggregate queries over the older activities (:func:`fingerprint`:
their count, ids, starts, offsets, times and stored heart-rate figures, summed in the database,
a few milliseconds at ten years); an import, replacement, delete, undo or restore that touches
them changes the sums, a changed heart profile, seed or default offset changes the key, and
either way the series is worked out again from the activities (what a view cost before: once).
The part covered ends on a fixed grid (:data:`GRID_DAYS`), so it moves forward about once a
month, not with every view. Memory, not a table: each server process works it out once, and
a command (one process each) gains nothing and loses only the check.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Double, case, func, select
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


class _Exact(FunctionElement[Any]):
    """A number to sum in any order with the same result: PostgreSQL's sum of floating-point
    values follows the rows' order on disk, which an update of an unrelated column changes
    (a new row version); as NUMERIC the sum is exact. SQLite reads an index, in its order."""

    inherit_cache = True


@compiles(_Exact)
def _numeric(element: _Exact, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS NUMERIC)"


@compiles(_Exact, "sqlite")
def _as_is(element: _Exact, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


MAX_RECENT = 4 * DETAILS_CHUNK
"""Recent activities a :func:`fingerprint` leaves out by id (more: no prefix is kept)."""
MAX_OBSERVED_HR = 230.0
"""A maximum heart rate above this in a file is a sensor glitch, not the runner's maximum."""


@dataclass(frozen=True)
class Older:
    """What the store says of the activities that started before a checkpoint."""

    count: int
    sums: tuple[Any, ...]
    """:func:`fingerprint`'s sums (``()``: not worked out, too many recent activities)."""
    observed_max: float | None
    """Their highest maximum heart rate up to :data:`MAX_OBSERVED_HR`."""


def fingerprint(session: Session, through: dt.datetime, recent: Sequence[int]) -> Older:
    """Sums over the activities that started before ``through`` (``recent``: the ids of all the
    others) and their stored figures, worked out in the database: any change the older part's
    series depends on changes one of them (an activity added, removed, moved, re-timed or
    replaced; its TRIMP or covered seconds stored anew). Their highest heart rate comes along.

    An activity's times are summed as its start, and its offset with its moving and total time
    in one number; each weighted by its id, so two activities swapping values still show.
    """
    a, d = ACTIVITIES.c, DETAILS.c
    times = func.coalesce(a.utc_offset_s, 100_003) + (
        func.coalesce(a.moving_s, 0.0) * 0.7 + func.coalesce(a.duration_s, 0.0) * 0.3
    )
    activities = select(
        func.count(), func.sum(a.id), func.sum(_Exact(_Epoch(a.start_utc)) * a.id),
        func.sum(_Exact(times) * a.id), func.max(case((a.max_hr <= MAX_OBSERVED_HR, a.max_hr))),
    ).where(a.start_utc < through)  # fmt: skip
    *sums, observed = session.execute(activities).one()
    count = int(sums[0] or 0)
    if not count:
        return Older(0, tuple(sums), None)  # no older activities: nothing more to sum
    if len(recent) > MAX_RECENT:
        return Older(count, (), observed)
    details = select(
        func.count(d.trimp), func.sum(_Exact(d.trimp) * d.activity_id),
        func.sum(_Exact(d.hr_covered_s) * d.activity_id),
    )  # fmt: skip
    if recent:
        details = details.where(d.activity_id.not_in(recent))
    return Older(count, (*sums, *session.execute(details).one()), observed)


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
    older: Older,
    build: Callable[[], Prefix | None],
) -> Prefix | None:
    """The older part up to ``through`` under ``basis`` (what the figures depend on besides
    the activities: heart profile, seed, default offset): the remembered one while ``older``
    (the store's :func:`fingerprint`, taken before ``build`` reads anything) has the sums it
    was built from, else ``build()`` (``None``: the older part cannot be summed this way,
    remembered as well). A change made while ``build`` reads makes the remembered sums differ
    from the next view's, so the prefix is rebuilt then, never used stale.
    """
    if not older.count or not older.sums:
        return None
    key = (str(session.get_bind().engine.url), session_owner(session), basis, through)
    with _lock:
        known = _remembered.get(key)
        if known is not None and known[0] == older.sums:
            _remembered.move_to_end(key)
            return known[1]
    prefix = build()
    with _lock:
        _remembered[key] = (older.sums, prefix)
        _remembered.move_to_end(key)
        while len(_remembered) > REMEMBERED:
            _remembered.popitem(last=False)
    return prefix
