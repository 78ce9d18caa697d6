"""Personal insights: does a measure go with less heaviness *for this person*, and is it improving.

Everything here is a pure function of the diary rows, the date ("as of", injected) and a seed, so
the same diary always gives the same numbers and words.

Personal effect of a measure: heaviness on days *with* the measure against days *without* it,
for two outcomes: that day's evening score and the next morning's score. The difference of the
means gets a 95 % percentile bootstrap interval (for large, mildly skewed groups the limit the
resamples approach, computed: see :mod:`heavylegs.diary.stats`). Honest wording:

* fewer than :data:`MIN_DAYS` days on either side → ``not_enough_data`` (no numbers shown);
* the interval excludes 0 and the difference is at least :data:`SMALLEST_DIFFERENCE` points →
  ``linked_to_less_heaviness`` / ``linked_to_more_heaviness`` ("linked", not "caused": a diary
  cannot separate a measure from everything else that changed on those days);
* otherwise ``no_clear_effect``.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from heavylegs.diary.effects import Effect, Outcome, Verdict
from heavylegs.diary.escalation import Escalation, Wording, escalations
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.series import DiarySeries, build_series
from heavylegs.diary.stats import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Difference,
    mean_difference,
    slope_per_day,
)
from heavylegs.diary.summary import weekly_summary

MIN_DAYS = 5
RECENT_DAYS = 365
"""The diary page's insights read the last year of rows (and the fortnight around the first
measure ever done, which the no-improvement warning compares with): what helps the person now,
at a cost that does not grow with years of diary. ``heavylegs insights`` and the API read all."""
SMALLEST_DIFFERENCE = 0.5
"""Points on the 0–10 scale below which a difference is not worth calling a link."""
TREND_CHANGE = 1.0
"""Points the last week must differ from the two weeks before to call it a trend."""
SCHEMA_VERSION = 1


class Direction(StrEnum):
    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True)
class Week:
    start: dt.date
    end: dt.date
    mean: float | None
    days: int


@dataclass(frozen=True)
class Trend:
    days_logged: int
    first_day: dt.date | None
    last_day: dt.date | None
    direction: Direction
    last_7_days: float | None
    previous_14_days: float | None
    change: Difference | None
    slope_per_week: float | None
    weeks: list[Week]
    latest_ankles: EntryRow | None


@dataclass(frozen=True)
class Insights:
    as_of: dt.date
    trend: Trend
    effects: list[Effect]
    escalation: list[Escalation]
    summary: str

    def to_json(self) -> dict[str, Any]:
        """The ``heavylegs insights --json`` document (contract: spec section 7)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "as_of": self.as_of.isoformat(),
            "summary": self.summary,
            "trend": _trend_json(self.trend),
            "effects": [_effect_json(e) for e in self.effects],
            "escalation": [e.to_json() for e in self.escalation],
        }


def _rng(seed: int, key: str) -> np.random.Generator:
    """One generator per question, so adding a measure never changes another's interval."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _difference(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], seed: int, key: str, resamples: int
) -> Difference:
    """:func:`mean_difference` with the generator of question ``key``, remembered.

    The resampled bootstraps (small or skewed groups) were most of what the insights cost
    (the diary page, every time it is shown), and their result depends only on the two groups'
    values, the seed and the question: the same diary gives the same numbers, so they are kept
    for the next view.
    """
    as_bytes = [np.ascontiguousarray(x, dtype=np.float64).tobytes() for x in (a, b)]
    return _remembered_difference(*as_bytes, seed, key, resamples)


@functools.lru_cache(maxsize=512)
def _remembered_difference(a: bytes, b: bytes, seed: int, key: str, resamples: int) -> Difference:
    values_a, values_b = np.frombuffer(a), np.frombuffer(b)
    return mean_difference(values_a, values_b, _rng(seed, key), resamples)


def verdict_for(diff: Difference) -> Verdict:
    if diff.n_a < MIN_DAYS or diff.n_b < MIN_DAYS:
        return Verdict.NOT_ENOUGH_DATA
    if diff.ci_high < 0 and diff.difference <= -SMALLEST_DIFFERENCE:
        return Verdict.LINKED_TO_LESS_HEAVINESS
    if diff.ci_low > 0 and diff.difference >= SMALLEST_DIFFERENCE:
        return Verdict.LINKED_TO_MORE_HEAVINESS
    return Verdict.NO_CLEAR_EFFECT


def measure_effects(
    series: DiarySeries, *, seed: int = DEFAULT_SEED, resamples: int = DEFAULT_RESAMPLES
) -> list[Effect]:
    """One effect per measure and outcome, measures in id order."""
    next_morning = np.append(series.morning[1:], np.nan)
    outcomes = ((Outcome.EVENING, series.evening), (Outcome.NEXT_MORNING, next_morning))
    effects: list[Effect] = []
    for measure in sorted(series.done):
        mask = series.done[measure]
        for outcome, scores in outcomes:
            valid = ~np.isnan(scores)
            with_ = scores[mask & valid]
            without = scores[~mask & valid]
            if with_.size < MIN_DAYS or without.size < MIN_DAYS:
                effects.append(
                    Effect(
                        measure,
                        outcome,
                        int(with_.size),
                        int(without.size),
                        Verdict.NOT_ENOUGH_DATA,
                    )
                )
                continue
            diff = _difference(with_, without, seed, f"{measure}:{outcome}", resamples)
            effects.append(
                Effect(
                    measure,
                    outcome,
                    diff.n_a,
                    diff.n_b,
                    verdict_for(diff),
                    diff.difference,
                    diff.ci_low,
                    diff.ci_high,
                    diff.mean_a,
                    diff.mean_b,
                )
            )
    return effects


def trend(
    series: DiarySeries, *, seed: int = DEFAULT_SEED, resamples: int = DEFAULT_RESAMPLES
) -> Trend:
    """Where heaviness is heading: last 7 days against the 14 before, weekly means, slope."""
    as_of = series.as_of
    day = dt.timedelta(days=1)
    recent = series.window(as_of - 6 * day, as_of)
    before = series.window(as_of - 20 * day, as_of - 7 * day)
    change: Difference | None = None
    direction = Direction.NOT_ENOUGH_DATA
    if recent.size >= 4 and before.size >= 7:
        change = _difference(recent, before, seed, "trend", resamples)
        direction = Direction.STABLE
        if change.difference >= TREND_CHANGE and change.ci_low > 0:
            direction = Direction.WORSENING
        elif change.difference <= -TREND_CHANGE and change.ci_high < 0:
            direction = Direction.IMPROVING
    lo = max(series.index(as_of - 27 * day), 0)
    x = np.arange(lo, series.size, dtype=np.float64)
    y = series.daily[lo:]
    keep = ~np.isnan(y)
    slope = slope_per_day(x[keep], y[keep]) if keep.sum() >= 7 else None
    weeks = []
    for k in range(7, -1, -1):
        end = as_of - 7 * k * day
        values = series.window(end - 6 * day, end)
        weeks.append(
            Week(
                end - 6 * day, end, float(values.mean()) if values.size else None, int(values.size)
            )
        )
    logged = np.flatnonzero(~np.isnan(series.daily))
    ankles = [
        e for e in series.entries if e.ankle_left_cm is not None and e.ankle_right_cm is not None
    ]
    return Trend(
        days_logged=int(logged.size),
        first_day=series.day(int(logged[0])) if logged.size else None,
        last_day=series.day(int(logged[-1])) if logged.size else None,
        direction=direction,
        last_7_days=float(recent.mean()) if recent.size else None,
        previous_14_days=float(before.mean()) if before.size else None,
        change=change,
        slope_per_week=None if slope is None else slope * 7,
        weeks=weeks,
        latest_ankles=ankles[-1] if ankles else None,
    )


def compute_insights(
    entries: Sequence[EntryRow],
    measures: Sequence[MeasureRow],
    *,
    as_of: dt.date,
    wording: Mapping[str, Wording] | None = None,
    titles: Mapping[str, str] | None = None,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
) -> Insights:
    """Trend, personal effects, escalation and the weekly summary, as of ``as_of``."""
    series = build_series(entries, measures, as_of)
    the_trend = trend(series, seed=seed, resamples=resamples)
    effects = measure_effects(series, seed=seed, resamples=resamples)
    rising = the_trend.change if the_trend.direction is Direction.WORSENING else None
    flags = escalations(series, rising, wording or {})
    summary = weekly_summary(series, effects, flags, titles or {})
    return Insights(as_of, the_trend, effects, flags, summary)


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _effect_json(effect: Effect) -> dict[str, Any]:
    return {
        "measure": effect.measure,
        "outcome": effect.outcome.value,
        "n_with": effect.n_with,
        "n_without": effect.n_without,
        "mean_with": _num(effect.mean_with),
        "mean_without": _num(effect.mean_without),
        "difference": _num(effect.difference),
        "ci_low": _num(effect.ci_low),
        "ci_high": _num(effect.ci_high),
        "verdict": effect.verdict.value,
    }


def _trend_json(t: Trend) -> dict[str, Any]:
    ankles = t.latest_ankles
    return {
        "days_logged": t.days_logged,
        "first_day": t.first_day.isoformat() if t.first_day else None,
        "last_day": t.last_day.isoformat() if t.last_day else None,
        "direction": t.direction.value,
        "last_7_days_mean": _num(t.last_7_days),
        "previous_14_days_mean": _num(t.previous_14_days),
        "change": None
        if t.change is None
        else {
            "difference": _num(t.change.difference),
            "ci_low": _num(t.change.ci_low),
            "ci_high": _num(t.change.ci_high),
        },
        "slope_per_week": _num(t.slope_per_week),
        "weeks": [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "mean": _num(w.mean),
                "days": w.days,
            }
            for w in t.weeks
        ],
        "ankles": None
        if ankles is None or ankles.ankle_left_cm is None or ankles.ankle_right_cm is None
        else {
            "day": ankles.day.isoformat(),
            "part": ankles.part,
            "left_cm": ankles.ankle_left_cm,
            "right_cm": ankles.ankle_right_cm,
            "difference_cm": _num(abs(ankles.ankle_left_cm - ankles.ankle_right_cm)),
        },
    }
