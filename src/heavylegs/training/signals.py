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

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from heavylegs.training.load import HeartProfile, LoadMethod, session_load
from heavylegs.training.model import RUNNING
from heavylegs.training.repository import ActivityRow
from heavylegs.training.series import LoadSeries, monotony_strain

BASELINE_DAYS = 90
SIMILAR_PACE = 0.10
BASELINE_MIN_RUNS = 3


@dataclass(frozen=True)
class SessionInfo:
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


def local_day(row: ActivityRow, default_offset_s: int) -> dt.date:
    offset = row.utc_offset_s if row.utc_offset_s is not None else default_offset_s
    return (row.start_utc + dt.timedelta(seconds=offset)).date()


def run_km(row: ActivityRow) -> float:
    if row.run_distance_m is not None:
        return row.run_distance_m / 1000.0
    if row.sport == RUNNING and row.distance_m is not None:
        return row.distance_m / 1000.0
    return 0.0


def sessions(
    rows: Sequence[ActivityRow], profile: HeartProfile, default_offset_s: int
) -> list[SessionInfo]:
    """Every activity as a session with its local day, running km, hours and load."""
    out = []
    span = profile.hr_max - profile.hr_rest
    for row in rows:
        seconds = row.moving_s or row.duration_s or 0.0
        load = session_load(row.hr_seconds, seconds / 60.0 if seconds else None, row.rpe, profile)
        covered = sum(s for _, s in row.hr_seconds)
        reserve = (
            sum(s * (bpm - profile.hr_rest) / span for bpm, s in row.hr_seconds) / covered
            if covered > 0
            else None
        )
        speed = (
            row.distance_m / row.moving_s
            if row.distance_m and row.moving_s and row.moving_s > 0
            else None
        )
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
            )
        )
    return out


def build_series(items: Sequence[SessionInfo], end: dt.date) -> LoadSeries | None:
    if not items:
        return None
    start = min(s.day for s in items)
    return LoadSeries.build(((s.day, s.load) for s in items), start, max(end, start))


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
        }


def weekly(items: Sequence[SessionInfo], series: LoadSeries | None, end: dt.date) -> list[Week]:
    """One row per Monday-to-Sunday week from the first session's week to ``end``'s week."""
    if not items or series is None:
        return []
    first = monday(min(s.day for s in items))
    last = monday(end)
    count = (last - first).days // 7 + 1
    km = np.zeros(count)
    runs = np.zeros(count, dtype=int)
    longest = np.zeros(count)
    hours = np.zeros(count)
    for s in items:
        w = (monday(s.day) - first).days // 7
        if not 0 <= w < count:
            continue
        hours[w] += s.hours
        if s.run_km > 0:
            km[w] += s.run_km
            runs[w] += 1
            longest[w] = max(longest[w], s.run_km)
    out = []
    for w in range(count):
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
                change_pct=_pct(km[w], km[w - 1]) if w >= 1 else None,
                ramp_4w_pct=_pct(km[w], km[w - 4]) if w >= 4 else None,
                monotony=monotony,
                strain=strain,
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


def cadence_trend(items: Sequence[SessionInfo]) -> list[CadencePoint]:
    """Cadence of every run with a cadence, against the runner's baseline at similar pace."""
    runs = [s for s in items if s.cadence_spm is not None and s.cadence_spm > 0]
    out = []
    for i, run in enumerate(runs):
        assert run.cadence_spm is not None
        since = run.day - dt.timedelta(days=BASELINE_DAYS)
        similar = [
            p.cadence_spm
            for p in runs[:i]
            if p.day >= since
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
