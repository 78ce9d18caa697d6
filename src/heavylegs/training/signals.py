"""From stored activities to sessions, weeks and cadence trends. Pure functions.

* Days are the runner's local calendar days: the file's own UTC offset where it has one, else
  the offset the caller passes (the machine's).
* Running distance counts runs only (and the run legs of a multisport file): that is what
  "weekly km" means to a runner and to the assessment. Time counts every sport.
* Week-over-week change compares a week's running km with the week before; the 4-week ramp
  compares it with the week four weeks earlier (the assessment's ``weekly_km_four_weeks_ago``).
* Cadence is judged against the runner's own baseline at a similar pace: the median cadence of
  runs in the previous :data:`BASELINE_DAYS` days whose average speed is within
  :data:`SIMILAR_PACE` of this run's, once there are :data:`BASELINE_MIN_RUNS` of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from heavylegs.training.load import (
    PACE_MIN_RUNS,
    SIMILAR_PACE,
    HeartFigures,
    HeartProfile,
    LoadMethod,
    SessionLoad,
    TrimpTable,
    covers,
    profile_key,
    session_load,
)
from heavylegs.training.model import RUNNING
from heavylegs.training.series import CALIBRATION_DAYS, LoadSeries, monotony_strain

if TYPE_CHECKING:
    from heavylegs.training.repository import ActivityRow

BASELINE_DAYS = 90
BASELINE_MIN_RUNS = 3
PACE_NEIGHBOURS = 10


@dataclass(slots=True)
class SessionInfo:
    """One activity as the views use it. Not frozen (treat it as read-only): one is built per
    activity of the whole history, and a frozen dataclass's ``__init__`` costs three times as
    much."""

    id: int
    day: dt.date
    start_utc: dt.datetime
    end_utc: dt.datetime
    sport: str
    run_km: float
    hours: float
    load: float
    method: LoadMethod
    mean_reserve: float | None
    cadence_spm: float | None
    speed_mps: float | None
    estimated: bool = False
    """The load is an estimate (no heart rate): see :mod:`heavylegs.training.load`."""


def local_day(row: ActivityRow, default_offset_s: int) -> dt.date:
    offset = row.utc_offset_s if row.utc_offset_s is not None else default_offset_s
    return (row.start_utc + dt.timedelta(seconds=offset)).date()


def run_km(row: ActivityRow) -> float:
    if row.run_distance_m is not None:
        return row.run_distance_m / 1000.0
    if row.sport == RUNNING and row.distance_m is not None:
        return row.distance_m / 1000.0
    return 0.0


def _speed(row: ActivityRow) -> float | None:
    seconds = row.moving_s or row.duration_s
    if row.distance_m and seconds and seconds > 0:
        return row.distance_m / seconds
    return None


class PaceRates:
    """The runner's own TRIMP per minute by sport and speed, from their heart-rate sessions.

    :meth:`rate` is the median rate of the (at most :data:`PACE_NEIGHBOURS` nearest in time)
    heart-rate sessions of the same sport within :data:`SIMILAR_PACE` of a speed, once there
    are :data:`PACE_MIN_RUNS` of them.
    """

    def __init__(self) -> None:
        self.by_sport: dict[str, list[tuple[float, dt.datetime, float]]] = {}

    def add(self, sport: str, speed: float, when: dt.datetime, rate: float) -> None:
        self.by_sport.setdefault(sport, []).append((speed, when, rate))

    def freeze(self) -> None:
        for pool in self.by_sport.values():
            pool.sort(key=lambda item: item[0])

    def rate(self, sport: str, speed: float | None, when: dt.datetime) -> float | None:
        pool = self.by_sport.get(sport)
        if not pool or speed is None or speed <= 0:
            return None
        low = bisect.bisect_left(pool, speed * (1 - SIMILAR_PACE), key=lambda item: item[0])
        high = bisect.bisect_right(pool, speed * (1 + SIMILAR_PACE), key=lambda item: item[0])
        similar = pool[low:high]
        if len(similar) < PACE_MIN_RUNS:
            return None
        nearest = sorted(similar, key=lambda item: abs((item[1] - when).total_seconds()))
        return statistics.median(item[2] for item in nearest[:PACE_NEIGHBOURS])


def sessions(
    rows: Sequence[ActivityRow], profile: HeartProfile, default_offset_s: int
) -> list[SessionInfo]:
    """Every activity as a session with its local day, running km, hours and load.

    Sessions without enough heart rate get an estimated load (see :mod:`load`): first the
    runner's own load per minute at a similar pace, from their heart-rate sessions. A row's
    stored heart-rate figures are used when they were computed for ``profile``; otherwise
    they are worked out from its seconds at each heart rate.
    """
    key = profile_key(profile)
    table = TrimpTable(profile)
    figures: list[HeartFigures] = []
    rates = PaceRates()
    for row in rows:
        seconds = row.moving_s or row.duration_s or 0.0
        minutes = seconds / 60.0 if seconds else None
        known = row.figures if row.figures_for == key else None
        heart = known if known is not None else table.figures(row.hr_seconds)
        figures.append(heart)
        speed = _speed(row)
        hr_load = heart.trimp is not None and covers(heart.covered_s, minutes)
        if hr_load and heart.trimp is not None and seconds > 0 and speed is not None:
            rates.add(row.sport, speed, row.start_utc, heart.trimp / (seconds / 60.0))
    rates.freeze()
    out = []
    for row, heart in zip(rows, figures, strict=True):
        seconds = row.moving_s or row.duration_s or 0.0
        minutes = seconds / 60.0 if seconds else None
        speed = _speed(row)
        reserve = None
        if heart.trimp is not None and covers(heart.covered_s, minutes):
            load = SessionLoad(heart.trimp, LoadMethod.HEART_RATE)
            reserve = heart.mean_reserve
        else:
            pace_rate = rates.rate(row.sport, speed, row.start_utc)
            load = session_load((), minutes, row.rpe, profile, pace_rate)
        out.append(
            SessionInfo(
                id=row.id,
                day=local_day(row, default_offset_s),
                start_utc=row.start_utc,
                end_utc=row.start_utc + dt.timedelta(seconds=row.duration_s or seconds or 0.0),
                sport=row.sport,
                run_km=run_km(row),
                hours=seconds / 3600.0,
                load=load.value,
                method=load.method,
                mean_reserve=reserve,
                cadence_spm=row.avg_cadence_spm if row.sport == RUNNING else None,
                speed_mps=speed,
                estimated=load.estimated,
            )
        )
    return out


def build_series(
    items: Sequence[SessionInfo], end: dt.date, seed: float | None = None
) -> LoadSeries | None:
    """The daily series from the first session's day to ``end`` (``seed``: the runner's)."""
    if not items:
        return None
    start = min(s.day for s in items)
    return LoadSeries.build(((s.day, s.load) for s in items), start, max(end, start), seed)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _pct(now: float, before: float) -> float | None:
    return None if before <= 0 else (now - before) / before * 100.0


@dataclass(frozen=True)
class Week:
    start: dt.date
    run_km: float
    runs: int
    longest_run_km: float
    longest_run_share_pct: float | None
    hours: float
    load: float
    change_pct: float | None
    ramp_4w_pct: float | None
    monotony: float | None
    strain: float | None
    partial: bool = False
    """The history starts inside this week: its totals are not a whole week's."""
    in_progress: bool = False
    """The week is not over yet (it holds today)."""
    calibrating: bool = False
    """The week starts inside the load model's calibration period."""
    estimated_load: float = 0.0
    """The part of ``load`` that is estimated (sessions without heart rate)."""

    def to_json(self) -> dict[str, object]:
        def r(value: float | None, digits: int = 1) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "week_start": self.start.isoformat(),
            "run_km": r(self.run_km, 2),
            "runs": self.runs,
            "longest_run_km": r(self.longest_run_km, 2),
            "longest_run_share_pct": r(self.longest_run_share_pct),
            "hours": r(self.hours, 2),
            "load": r(self.load),
            "change_pct": r(self.change_pct),
            "ramp_4w_pct": r(self.ramp_4w_pct),
            "monotony": r(self.monotony, 2),
            "strain": r(self.strain),
            "partial": self.partial,
            "in_progress": self.in_progress,
            "calibrating": self.calibrating,
            "estimated_load": r(self.estimated_load),
        }


def weekly(
    items: Sequence[SessionInfo],
    series: LoadSeries | None,
    end: dt.date,
    shown: int | None = None,
    first_day: dt.date | None = None,
) -> list[Week]:
    """One row per Monday-to-Sunday week from the first session's week to ``end``'s week
    (only the last ``shown`` weeks when given: the rows shown, the same as the tail of all of them).

    ``first_day``: the history's first day when ``items`` hold only its recent sessions (they
    must then hold every session of the shown weeks and the four before them).

    Changes are left out (``None``) against a partial week: a first week holding only the
    history's first days would make a normal second week read "+425 %".
    """
    if not items or series is None:
        return []
    if first_day is None:
        first_day = min(s.day for s in items)
    first = monday(first_day)
    last = monday(end)
    count = (last - first).days // 7 + 1
    km = np.zeros(count)
    runs = np.zeros(count, dtype=int)
    longest = np.zeros(count)
    hours = np.zeros(count)
    estimated = np.zeros(count)
    # The rows shown need their own weeks and the four before them (the 4-week ramp).
    needed = first + dt.timedelta(weeks=max(count - shown - 4, 0)) if shown else first
    for s in items:
        if s.day < needed:
            continue
        w = (s.day - first).days // 7  # first is a Monday: the same week as monday(s.day)
        if not 0 <= w < count:
            continue
        hours[w] += s.hours
        if s.estimated:
            estimated[w] += s.load
        if s.run_km > 0:
            km[w] += s.run_km
            runs[w] += 1
            longest[w] = max(longest[w], s.run_km)
    out: list[Week] = []
    partial_first = first_day != first

    def change(w: int, back: int) -> float | None:
        if w < back or (partial_first and w - back == 0):
            return None
        return _pct(km[w], km[w - back])

    for w in range(0 if shown is None else max(count - shown, 0), count):
        start = first + dt.timedelta(weeks=w)
        a = series.index(start)
        days = np.zeros(7)
        lo, hi = max(a, 0), min(a + 7, series.load.size)
        if hi > lo:
            days[lo - a : hi - a] = series.load[lo:hi]
        monotony, strain = monotony_strain(days)
        out.append(
            Week(
                start=start,
                run_km=float(km[w]),
                runs=int(runs[w]),
                longest_run_km=float(longest[w]),
                longest_run_share_pct=float(longest[w] / km[w] * 100) if km[w] > 0 else None,
                hours=float(hours[w]),
                load=float(days.sum()),
                change_pct=change(w, 1),
                ramp_4w_pct=change(w, 4),
                monotony=monotony,
                strain=strain,
                partial=partial_first and w == 0,
                in_progress=start + dt.timedelta(days=6) > end,
                calibrating=bool(a < CALIBRATION_DAYS),
                estimated_load=float(estimated[w]),
            )
        )
    return out


@dataclass(frozen=True)
class CadencePoint:
    id: int
    day: dt.date
    cadence_spm: float
    speed_mps: float | None
    baseline_spm: float | None
    delta_spm: float | None

    def to_json(self) -> dict[str, object]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "cadence_spm": r(self.cadence_spm),
            "speed_mps": None if self.speed_mps is None else round(self.speed_mps, 2),
            "baseline_spm": r(self.baseline_spm),
            "delta_spm": r(self.delta_spm),
        }


def cadence_trend(items: Sequence[SessionInfo], since: dt.date | None = None) -> list[CadencePoint]:
    """Cadence of every run with a cadence (from ``since`` on, when given), against the
    runner's baseline at similar pace.

    Linear in the history: each run looks back only over the runs of its
    :data:`BASELINE_DAYS`-day window (found by moving a start pointer forward), never over
    every earlier run.
    """
    runs = [s for s in items if s.cadence_spm is not None and s.cadence_spm > 0]
    # Runs are in start order; their local days can step back by up to two days across time
    # zones, so the pointer stays that much behind the window and the day test is exact.
    slack = dt.timedelta(days=BASELINE_DAYS + 2)
    out = []
    first = 0
    for i, run in enumerate(runs):
        assert run.cadence_spm is not None
        while first < i and runs[first].day < run.day - slack:
            first += 1
        if since is not None and run.day < since:
            continue
        window_start = run.day - dt.timedelta(days=BASELINE_DAYS)
        similar = [
            p.cadence_spm
            for p in runs[first:i]
            if p.day >= window_start
            and p.cadence_spm is not None
            and run.speed_mps is not None
            and p.speed_mps is not None
            and abs(p.speed_mps - run.speed_mps) <= SIMILAR_PACE * run.speed_mps
        ]
        baseline = statistics.median(similar) if len(similar) >= BASELINE_MIN_RUNS else None
        out.append(
            CadencePoint(
                run.id, run.day, run.cadence_spm, run.speed_mps, baseline,
                None if baseline is None else run.cadence_spm - baseline,
            )
        )  # fmt: skip
    return out
