"""Fill the assessment's ``running`` section from the activity files.

What the data can know, it answers, so ``heavylegs assess --from-activities`` asks only the rest:

* ``weekly_km`` — running km in the 7 days before ``now``;
* ``weekly_km_four_weeks_ago`` — running km in the 7 days that ended 28 days before ``now``;
* ``last_hard_session_hours_ago`` — hours since the end of the latest hard session in the last
  year. Hard means any of: a load at least :data:`HARD_LOAD_FACTOR` × the median session load
  of the 6 weeks before it (with at least 3 sessions to compare); an average heart-rate reserve
  of :data:`HARD_RESERVE` or more for 20 minutes or longer; or :data:`LONG_SESSION_MIN` minutes
  or longer (a long run);
* ``cadence_spm`` — mean cadence of the runs in the last 28 days that recorded one.

The weekly values are left out when the newest file is more than :data:`STALE_DAYS` days old:
"no runs this week" would then mean "no files imported", not rest.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heavylegs.training.signals import SessionInfo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

HARD_LOAD_FACTOR = 1.5
HARD_RESERVE = 0.8
LONG_SESSION_MIN = 90.0
STALE_DAYS = 28
CADENCE_DAYS = 28
MAX_WEEKLY_KM = 500.0
MAX_HOURS = 8760.0


@dataclass
class RunningFill:
    """Answers for the ``running`` section, and why any were left out."""

    answers: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


HARD_LOOKBACK = dt.timedelta(days=42)
"""The load of a session is compared with the sessions of this many days before it."""


def is_hard(session: SessionInfo, before: Sequence[SessionInfo]) -> bool:
    """Whether ``session`` was hard for this person (see the module docstring).

    ``before``: sessions before it (in start order); only those of the :data:`HARD_LOOKBACK`
    before it count, so a caller may pass just those.
    """
    if session.hours * 60.0 >= LONG_SESSION_MIN:
        return True
    if (
        session.mean_reserve is not None
        and session.mean_reserve >= HARD_RESERVE
        and session.hours * 60 >= 20
    ):
        return True
    since = session.start_utc - HARD_LOOKBACK
    recent = [s.load for s in before if since <= s.start_utc < session.start_utc and s.load > 0]
    return len(recent) >= 3 and session.load >= HARD_LOAD_FACTOR * statistics.median(recent)


def running_fill(
    items: Sequence[SessionInfo], now: dt.datetime, history_start: dt.datetime | None = None
) -> RunningFill:
    """The running answers the sessions support, as of ``now`` (aware).

    ``history_start``: when the first activity started, when ``items`` hold only the recent
    ones (every session of the last :data:`MAX_HOURS` hours and the six weeks before them).
    """
    fill = RunningFill()
    past = sorted((s for s in items if s.start_utc <= now), key=lambda s: s.start_utc)
    if not past:
        fill.notes.append("no activities before now: nothing to fill")
        return fill
    first_start = past[0].start_utc if history_start is None else history_start
    newest = past[-1].start_utc
    if now - newest > dt.timedelta(days=STALE_DAYS):
        fill.notes.append(
            f"newest activity is from {newest:%Y-%m-%d}: weekly km left for you to answer "
            "(import recent files to fill it)"
        )
    else:
        week = dt.timedelta(days=7)
        four = dt.timedelta(days=28)
        recent = sum(s.run_km for s in past if now - week < s.start_utc <= now)
        earlier = sum(s.run_km for s in past if now - four - week < s.start_utc <= now - four)
        fill.answers["weekly_km"] = round(min(recent, MAX_WEEKLY_KM), 1)
        if first_start <= now - four - week:
            fill.answers["weekly_km_four_weeks_ago"] = round(min(earlier, MAX_WEEKLY_KM), 1)
        else:
            fill.notes.append("files do not reach back five weeks: km four weeks ago unknown")
    year_ago = now - dt.timedelta(hours=MAX_HOURS)
    for i in range(len(past) - 1, -1, -1):
        session = past[i]
        if session.start_utc < year_ago:
            break
        # Only the six weeks before it count: bisected, so a year of sessions costs a year's
        # windows, not a scan of the whole history for each one.
        lookback = session.start_utc - HARD_LOOKBACK
        first = bisect.bisect_left(past, lookback, hi=i, key=lambda s: s.start_utc)
        if is_hard(session, past[first:i]):
            hours = max((now - session.end_utc).total_seconds() / 3600.0, 0.0)
            fill.answers["last_hard_session_hours_ago"] = round(min(hours, MAX_HOURS), 1)
            break
    if "last_hard_session_hours_ago" not in fill.answers:
        fill.notes.append("no hard session in the last year")
    cadences = [
        s.cadence_spm
        for s in past
        if s.cadence_spm and now - dt.timedelta(days=CADENCE_DAYS) < s.start_utc
    ]
    if cadences:
        fill.answers["cadence_spm"] = round(min(max(statistics.fmean(cadences), 60.0), 260.0), 1)
    else:
        fill.notes.append(f"no run with cadence in the last {CADENCE_DAYS} days")
    return fill


def running_answers_from_activities(session: Session, now: dt.datetime) -> dict[str, Any]:
    """The ``running`` answers the stored activities support, read through ``session``.

    For ``heavylegs assess --from-activities``: merge these into the answers, then ask only
    for the running fields still missing. The caller owns the store and its transaction.
    """
    from heavylegs.training.repository import load_sessions

    items, _profile = load_sessions(session, now)
    return running_fill(items, now).answers
