"""Stored activities as the views read them: sessions with their load and the heart profile
used, the heart-rate figures refreshed and stored when the profile changed, and the quick
history (whole sessions from some day on, only the loads before it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import String, bindparam, select, type_coerce, update
from sqlalchemy.orm import Session

from heavylegs.training.load import (
    HeartFigures,
    HeartProfile,
    TrimpTable,
    covers,
    heart_profile,
    profile_key,
)
from heavylegs.training.prefix import MAX_OBSERVED_HR as MAX_OBSERVED_HR
from heavylegs.training.prefix import Prefix, checkpoint, fingerprint, remembered_prefix
from heavylegs.training.rows import (
    ACTIVITIES,
    DETAILS,
    NO_DETAILS,
    ActivityRow,
    activity_rows,
    details_figures,
    rows_with_figures,
)
from heavylegs.training.series import SEED_DAYS, LoadSeries
from heavylegs.training.signals import SessionInfo, local_day, sessions

REFRESH_CHUNK = 500


def refresh_heart_figures(
    session: Session, rows: Sequence[ActivityRow], profile: HeartProfile
) -> list[ActivityRow]:
    """``rows`` with heart-rate figures for ``profile``: the one place they are (re)computed.

    Rows whose stored figures were computed for another profile (or never: a new import, a
    database from before revision 0005) get theirs from the seconds at each heart rate, and
    the new figures are stored, so the next view reads them. A changed profile costs one pass
    over the history; otherwise only the activities imported since the last view are read.
    In a session that only reads (``Access.READ``) they are computed but not stored: the
    views that keep this cache open a writing session.
    """
    key = profile_key(profile)
    stale = [r.id for r in rows if r.figures_for != key]
    if not stale:
        return list(rows)
    table = TrimpTable(profile)
    fresh: dict[int, HeartFigures] = {}
    for i in range(0, len(stale), REFRESH_CHUNK):
        chunk = stale[i : i + REFRESH_CHUNK]
        query = select(DETAILS.c.activity_id, DETAILS.c.hr_seconds).where(
            DETAILS.c.activity_id.in_(chunk)
        )
        for activity_id, hr_seconds in session.execute(query):
            pairs = tuple((int(b), float(s)) for b, s in (hr_seconds or ()))
            fresh[activity_id] = table.figures(pairs)
    from heavylegs.store.engine import may_write

    if fresh and may_write(session):
        session.execute(
            update(DETAILS)
            .where(DETAILS.c.activity_id == bindparam("which"))
            .values(
                hr_covered_s=bindparam("covered"),
                load_profile=bindparam("key"),
                trimp=bindparam("trimp_value"),
                mean_reserve=bindparam("reserve"),
            ),
            [
                {
                    "which": i,
                    "covered": f.covered_s,
                    "key": key,
                    "trimp_value": f.trimp,
                    "reserve": f.mean_reserve,
                }
                for i, f in fresh.items()
            ],
        )
    empty = HeartFigures(0.0, None, None)  # an activity without a details row
    return [
        r if r.figures_for == key
        else replace(r, figures=fresh.get(r.id, empty), figures_for=key)
        for r in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class HeartInputs:
    """What the person said about their heart rate (``None`` = estimate it)."""

    hr_rest: float | None = None
    hr_max: float | None = None
    seed_load: float | None = None
    """Mean daily load to start the load model from (``None``: the first weeks' mean)."""


def local_offset_s(now: dt.datetime) -> int:
    """The machine's UTC offset at ``now``, for files that do not carry their own."""
    offset = now.astimezone().utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _heart_profile(
    session: Session, heart: HeartInputs, observed_max: float | None
) -> HeartProfile:
    from heavylegs.store.person import load_profile

    about = load_profile(session).about()  # the saved profile, else the last assessment's
    return heart_profile(
        hr_rest=heart.hr_rest,
        hr_max=heart.hr_max,
        age=about.get("age") if isinstance(about.get("age"), int) else None,
        sex=about.get("sex") if isinstance(about.get("sex"), str) else None,
        observed_max=observed_max,
    )


def load_sessions(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    default_offset_s: int | None = None,
) -> tuple[list[SessionInfo], HeartProfile]:
    """Stored activities as sessions with their load, and the heart profile used.

    Here, next to the reads it makes, so every view (overview, running answers, report) loads
    sessions the same way without importing one another."""
    heart = heart or HeartInputs()
    rows = activity_rows(session, heart_rates=False)
    observed = [r.max_hr for r in rows if r.max_hr is not None and r.max_hr <= MAX_OBSERVED_HR]
    profile = _heart_profile(session, heart, max(observed) if observed else None)
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    rows = refresh_heart_figures(session, rows, profile)
    return sessions(rows, profile, offset), profile


@dataclass
class History:
    """The stored activities as a view reads them: whole sessions from some day on, and of
    the activities before it only what the load series needs (see :func:`load_history`)."""

    items: list[SessionInfo]
    """Sessions (start order): every activity, or those from the ``detail_since`` asked for."""
    profile: HeartProfile
    earlier: list[tuple[dt.date, float]]
    """Local day and load of each activity before ``items`` (all heart-rate TRIMP), in order
    (with a :attr:`prefix`: those that started after the prefix's)."""
    first_start: dt.datetime | None
    """When the first activity of the whole history started (``None``: no activities)."""
    first_day: dt.date | None
    """The earliest local day of the whole history (days can step back across time zones)."""
    prefix: Prefix | None = None
    """The series of the oldest activities, worked out before (:mod:`.prefix`)."""

    @property
    def earlier_count(self) -> int:
        """Activities before ``items`` (their loads are all heart-rate TRIMP)."""
        return len(self.earlier) + (self.prefix.count if self.prefix is not None else 0)

    @property
    def count(self) -> int:
        return self.earlier_count + len(self.items)

    def loads(self) -> list[tuple[dt.date, float]]:
        """Day and load of every activity of the history (with a :attr:`prefix`: of those not
        already in its series)."""
        tail = list(self.prefix.tail) if self.prefix is not None else []
        return tail + self.earlier + [(s.day, s.load) for s in self.items]

    @property
    def last_day(self) -> dt.date | None:
        """The latest local day with an activity."""
        days = [day for day, _ in self.loads()]
        if self.prefix is not None:
            days.append(self.prefix.last_day)
        return max(days, default=None)

    def series(self, end: dt.date, seed: float | None) -> LoadSeries | None:
        """The daily load series from the first day to ``end`` (``None``: no activities).

        ``seed`` must be the one the :attr:`prefix` was worked out with (it is in its key)."""
        if self.first_day is None:
            return None
        end = max(end, self.first_day)
        if self.prefix is not None:
            return self.prefix.series.resumed(self.loads(), end)
        return LoadSeries.build(self.loads(), self.first_day, end, seed)


def load_history(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    default_offset_s: int | None = None,
    *,
    detail_since: dt.datetime | None = None,
) -> History:
    """:func:`load_sessions` for a view that shows only the activities from ``detail_since``
    on, and needs the earlier ones only for their loads (fitness and fatigue start from the
    first activity): the same figures, at about the cost of the recent activities alone.

    Each earlier activity is read from two indexes (no row, no sample) and costs a day and a
    number, not a session; the oldest of them are summed once into a :class:`Prefix` that
    later views reuse while the store's sums say they are unchanged. That holds when every
    earlier activity has stored heart-rate figures for the current profile that cover it, and
    no recent one needs an estimated load (which compares its pace with the runner's
    heart-rate sessions of the whole history); otherwise every activity is loaded as
    :func:`load_sessions` does (and stale figures are refreshed, so the next view is quick
    again). ``detail_since=None`` loads everything that way.
    """
    heart = heart or HeartInputs()
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    if detail_since is not None:
        found = _recent_history(session, heart, offset, detail_since)
        if found is not None:
            return found
    items, profile = load_sessions(session, now, heart, offset)
    first_day = min((s.day for s in items), default=None)
    return History(items, profile, [], items[0].start_utc if items else None, first_day)


def _stored_trimp(
    figures: Sequence[Any], key: str, moving: float | None, duration: float | None
) -> float | None:
    """The stored TRIMP of an activity when it stands for its load under the profile ``key``
    (``figures``: covered s, profile key, TRIMP); ``None`` when it does not."""
    covered, figure_key, trimp = figures
    seconds = moving or duration or 0.0
    if figure_key != key or covered is None or trimp is None:
        return None
    if not covers(covered, seconds / 60.0 if seconds else None):
        return None
    return float(trimp)


def _earlier_loads(
    session: Session, key: str, offset: int, before: dt.datetime
) -> tuple[list[tuple[dt.date, float]], dt.datetime | None] | None:
    """Day and stored TRIMP of every activity that started before ``before`` (start order),
    and when the first started; ``None`` when one has no TRIMP standing for its load."""
    a = ACTIVITIES.c
    # The start as the driver gives it (SQLite: text): parsing it is most of a row's cost.
    start_utc = type_coerce(a.start_utc, String)
    query = (
        select(a.id, start_utc, a.utc_offset_s, a.moving_s, a.duration_s)
        .where(a.start_utc < before)
        .order_by(a.start_utc, a.id)
    )
    found = session.execute(query).all()
    details = details_figures(session) if found else {}
    earlier: list[tuple[dt.date, float]] = []
    first_start = None
    shifts: dict[int, dt.timedelta] = {}
    for activity_id, start, utc_offset, moving, duration in found:
        figures = details.get(activity_id, NO_DETAILS)
        trimp = _stored_trimp(figures[3:6], key, moving, duration)
        if trimp is None:
            return None
        when = dt.datetime.fromisoformat(start) if isinstance(start, str) else start  # naive UTC
        shift = utc_offset if utc_offset is not None else offset
        step = shifts.get(shift) or shifts.setdefault(shift, dt.timedelta(seconds=shift))
        earlier.append(((when + step).date(), trimp))
        if first_start is None:
            first_start = when.replace(tzinfo=dt.UTC)
    return earlier, first_start


def _build_prefix(
    session: Session, key: str, offset: int, seed: float | None, through: dt.datetime
) -> Prefix | None:
    """The :class:`Prefix` of the activities that started before ``through`` (``None``: there
    are none, one lacks its TRIMP, or the seed's first weeks reach past them)."""
    found = _earlier_loads(session, key, offset, through)
    if found is None:
        return None
    loads, first_start = found
    if first_start is None:
        return None
    first_day = min(day for day, _ in loads)
    open_from = through.date() - dt.timedelta(days=1)
    if (open_from - first_day).days < SEED_DAYS:
        return None  # the seed is the mean of days the prefix does not all hold
    series = LoadSeries.build(loads, first_day, open_from - dt.timedelta(days=1), seed)
    tail = tuple((day, load) for day, load in loads if day >= open_from)
    last_day = max(day for day, _ in loads)
    return Prefix(through, series, tail, len(loads), first_start, last_day)


def _recent_history(
    session: Session, heart: HeartInputs, offset: int, detail_since: dt.datetime
) -> History | None:
    """:func:`load_history`'s quick way, or ``None`` when it does not hold.

    The activities from a :func:`checkpoint` on are read as rows; the older ones are the
    remembered :class:`Prefix`, or else read as days and loads."""
    through = checkpoint(detail_since)
    read = rows_with_figures(session, through)
    older = fingerprint(session, through, [r.id for r in read])
    seen = [r.max_hr for r in read if r.max_hr is not None and r.max_hr <= MAX_OBSERVED_HR]
    if older.observed_max is not None:
        seen.append(older.observed_max)
    profile = _heart_profile(session, heart, max(seen, default=None))
    key = profile_key(profile)
    prefix = remembered_prefix(
        session,
        (key, offset, heart.seed_load),
        through,
        older,
        lambda: _build_prefix(session, key, offset, heart.seed_load, through),
    )
    first_start = None
    earlier: list[tuple[dt.date, float]] = []
    if prefix is not None:
        first_start = prefix.first_start
    elif older.count:
        found = _earlier_loads(session, key, offset, through)
        if found is None:
            return None
        earlier, first_start = found
    rows = []
    for row in read:
        if row.start_utc >= detail_since:
            rows.append(row)
            continue
        figures = row.figures or HeartFigures(0.0, None, None)
        stored = (figures.covered_s, row.figures_for, figures.trimp)
        trimp = _stored_trimp(stored, key, row.moving_s, row.duration_s)
        if trimp is None:
            return None
        earlier.append((local_day(row, offset), trimp))
        if first_start is None:
            first_start = row.start_utc
    rows = refresh_heart_figures(session, rows, profile)
    items = sessions(rows, profile, offset)
    if any(s.estimated for s in items):
        return None
    if first_start is None:
        first_start = items[0].start_utc if items else None
    later = [day for day, _ in earlier] + [s.day for s in items]
    if prefix is None:
        return History(items, profile, earlier, first_start, min(later, default=None))
    if later and min(later) < prefix.open_from:
        return None  # an offset of a day or more: the prefix's last days are not whole
    return History(items, profile, earlier, first_start, prefix.first_day, prefix)
