"""Do the legs feel heavier after load? Diary heaviness against the previous 0-3 days' load.

For each diary day with a heaviness score (the mean of that day's morning and evening scores),
the load of that day and the three before it is summed. Days are split at the median of that
sum into "after more load" and "after less load", and the difference of mean heaviness is given
with a 95 % bootstrap interval (the diary's own :func:`mean_difference`) and as a standardised
effect (Cohen's d with the pooled standard deviation).

Honesty rules: only diary days inside the period the activity files cover count (a day before
the first file is not a rest day, it is unknown); with fewer than :data:`MIN_DAYS` days, or
fewer than :data:`MIN_PER_GROUP` in a group, the verdict is ``too_few_data`` and no effect is
claimed. A link is not a cause: heaviness and load can both follow a third thing (heat, a race).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from heavylegs.diary.rows import EntryRow
from heavylegs.diary.stats import mean_difference
from heavylegs.training.series import LoadSeries

WINDOW_DAYS = 4  # the day itself and the three before it
MIN_DAYS = 14
MIN_PER_GROUP = 5
SEED = 20_261_122


class LinkVerdict(StrEnum):
    TOO_FEW_DATA = "too_few_data"
    HEAVIER_AFTER_LOAD = "heavier_after_load"
    LIGHTER_AFTER_LOAD = "lighter_after_load"
    NO_CLEAR_LINK = "no_clear_link"


@dataclass(frozen=True)
class HeavinessLink:
    verdict: LinkVerdict
    days: int
    n_more_load: int
    n_less_load: int
    split_load: float | None
    mean_more: float | None
    mean_less: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    cohens_d: float | None
    message: str

    def to_json(self) -> dict[str, object]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "verdict": self.verdict.value,
            "window": "load of the day and the 3 days before",
            "days": self.days,
            "n_more_load": self.n_more_load,
            "n_less_load": self.n_less_load,
            "split_load": r(self.split_load),
            "mean_heaviness_more_load": r(self.mean_more),
            "mean_heaviness_less_load": r(self.mean_less),
            "difference": r(self.difference),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
            "cohens_d": r(self.cohens_d),
            "message": self.message,
        }


def daily_heaviness(entries: Sequence[EntryRow]) -> dict[dt.date, float]:
    scores: dict[dt.date, list[int]] = defaultdict(list)
    for entry in entries:
        if entry.heaviness is not None:
            scores[entry.day].append(entry.heaviness)
    return {day: sum(v) / len(v) for day, v in scores.items()}


def _too_few(days: int, more: int, less: int, split: float | None) -> HeavinessLink:
    return HeavinessLink(
        LinkVerdict.TOO_FEW_DATA, days, more, less, split, None, None, None, None, None, None,
        f"Not enough data yet: {days} diary days overlap your training files; at least "
        f"{MIN_DAYS} days with {MIN_PER_GROUP} on each side of your usual load are needed.",
    )  # fmt: skip


def heaviness_link(
    entries: Sequence[EntryRow], series: LoadSeries | None, last_activity_day: dt.date | None
) -> HeavinessLink:
    """The link between diary heaviness and recent load (see the module docstring)."""
    heaviness = daily_heaviness(entries)
    if series is None or last_activity_day is None:
        return _too_few(0, 0, 0, None)
    covered_until = last_activity_day + dt.timedelta(days=WINDOW_DAYS - 1)
    pairs: list[tuple[float, float]] = []
    for day, score in sorted(heaviness.items()):
        if day < series.start + dt.timedelta(days=WINDOW_DAYS - 1) or day > covered_until:
            continue
        end = series.index(day)
        window = series.load[max(end - WINDOW_DAYS + 1, 0) : min(end + 1, series.load.size)]
        pairs.append((float(window.sum()), score))
    if len(pairs) < MIN_DAYS:
        return _too_few(len(pairs), 0, 0, None)
    loads = np.array([p[0] for p in pairs])
    scores = np.array([p[1] for p in pairs])
    split = float(np.median(loads))
    more = scores[loads > split]
    less = scores[loads <= split]
    if more.size < MIN_PER_GROUP or less.size < MIN_PER_GROUP:
        return _too_few(len(pairs), int(more.size), int(less.size), split)
    diff = mean_difference(more, less, np.random.default_rng(SEED))
    pooled = math.sqrt(
        ((more.size - 1) * more.var(ddof=1) + (less.size - 1) * less.var(ddof=1))
        / (more.size + less.size - 2)
    )
    d = diff.difference / pooled if pooled > 0 else None
    if diff.ci_low > 0:
        verdict = LinkVerdict.HEAVIER_AFTER_LOAD
        message = (
            f"Your legs were {diff.difference:.1f} points heavier (0-10) on days after more "
            "load. This is a link in your own data, not proof of a cause."
        )
    elif diff.ci_high < 0:
        verdict = LinkVerdict.LIGHTER_AFTER_LOAD
        message = (
            f"Your legs were {-diff.difference:.1f} points lighter on days after more load: "
            "load does not seem to be what makes them heavy."
        )
    else:
        verdict = LinkVerdict.NO_CLEAR_LINK
        message = "No clear difference in heaviness after days with more or less load."
    return HeavinessLink(
        verdict, len(pairs), int(more.size), int(less.size), split, diff.mean_a, diff.mean_b,
        diff.difference, diff.ci_low, diff.ci_high, d, message,
    )  # fmt: skip
