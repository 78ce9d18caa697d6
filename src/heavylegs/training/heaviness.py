"""Do the legs feel heavier after load? Diary heaviness against the load of the days before.

Each diary score is paired with the load of a :data:`WINDOW_DAYS`-day window that ends *before*
the score was given: a morning score with the previous day and the three before it (today's run
mostly comes after the morning score, so counting it would pair a score with load that had not
happened yet); an evening score with that day and the three before it. Scores are split at the
median of that load into "after more load" and "after less load", and the difference of mean
heaviness is given with a 95 % *block* bootstrap interval: neighbouring days share most of their
window (and the legs carry over from day to day), so single days are not independent; blocks of
:data:`BLOCK_DAYS` consecutive days are resampled instead (the moving-block bootstrap, Künsch
1989). The effect is also given as Cohen's d with the pooled standard deviation.

Honesty rules: only diary days inside the period the activity files cover count (a day before
the first file is not a rest day, it is unknown); with fewer than :data:`MIN_DAYS` scores, or
fewer than :data:`MIN_PER_GROUP` in a group, the verdict is ``too_few_data`` and no effect is
claimed. A link is not a cause: heaviness and load can both follow a third thing (heat, a race).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from heavylegs.diary.rows import EntryRow
from heavylegs.diary.stats import Difference
from heavylegs.training.model import FloatArray
from heavylegs.training.series import LoadSeries

BoolArray = npt.NDArray[np.bool_]

WINDOW_DAYS = 4  # four days of load, ending the day before (morning) or that day (evening)
BLOCK_DAYS = 7
RESAMPLES = 2000
CONFIDENCE = 0.95
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
            "window": (
                "morning scores: load of the 4 days before that day; evening scores: load of "
                "that day and the 3 days before"
            ),
            "interval": f"95 % moving-block bootstrap, blocks of {BLOCK_DAYS} days",
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


def scored_entries(entries: Sequence[EntryRow]) -> list[tuple[dt.date, int, float]]:
    """``(day, lag, heaviness)`` per score: lag 1 for a morning score, 0 otherwise."""
    return sorted(
        (e.day, 1 if e.part == "morning" else 0, float(e.heaviness))
        for e in entries
        if e.heaviness is not None
    )


def window_load(series: LoadSeries, day: dt.date, lag: int) -> float | None:
    """Load of the :data:`WINDOW_DAYS` days ending ``lag`` days before ``day`` (``None`` when
    the window starts before the first file: unknown, not rest)."""
    end = series.index(day) - lag
    if end - WINDOW_DAYS + 1 < 0:
        return None
    return float(series.load[end - WINDOW_DAYS + 1 : min(end + 1, series.load.size)].sum())


def block_bootstrap_difference(
    scores: FloatArray, more: BoolArray, rng: np.random.Generator, block: int
) -> tuple[float, float]:
    """95 % moving-block bootstrap interval of ``mean(scores[more]) - mean(scores[~more])``.

    ``scores`` are in time order; resamples are runs of ``block`` consecutive scores glued end
    to end (a resample that leaves a group empty is dropped).
    """
    n = scores.size
    block = max(1, min(block, n))
    per = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(RESAMPLES, per))
    if _sums_are_exact(scores):
        count_more, sum_more, sum_all = _block_sums(scores, more, starts, block)
    else:
        index = (starts[:, :, None] + np.arange(block)).reshape(RESAMPLES, per * block)[:, :n]
        picked = scores[index]
        group = more[index]
        count_more = group.sum(axis=1)
        sum_more = np.where(group, picked, 0.0).sum(axis=1)
        sum_all = picked.sum(axis=1)
    count_less = n - count_more
    ok = (count_more > 0) & (count_less > 0)
    sum_less = sum_all - sum_more
    with np.errstate(divide="ignore", invalid="ignore"):
        diffs = sum_more[ok] / count_more[ok] - sum_less[ok] / count_less[ok]
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(diffs, [tail, 1 - tail])
    return float(low), float(high)


def _sums_are_exact(scores: FloatArray) -> bool:
    """Whether every sum of these scores is exact in floating point, whatever the order: they
    are whole or half points (as the diary takes them) and small."""
    doubled = scores * 2
    return bool(np.array_equal(doubled, np.round(doubled)) and np.abs(doubled).max() < 2**40)


def _block_sums(
    scores: FloatArray, more: BoolArray, starts: npt.NDArray[np.int64], block: int
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """Per resample: days on the more-load side, their scores' sum, and all scores' sum.

    The same numbers as summing the resampled days one by one (the sums are exact, see
    :func:`_sums_are_exact`), from running totals: a block costs two look-ups, not ``block``
    days, and the interval a seventh of the work.
    """
    n = scores.size
    ends = starts + block
    ends[:, -1] = starts[:, -1] + n - (starts.shape[1] - 1) * block  # the last block is cut
    running = np.concatenate(([0.0], np.cumsum(scores)))
    running_more = np.concatenate(([0.0], np.cumsum(np.where(more, scores, 0.0))))
    running_count = np.concatenate(([0], np.cumsum(more, dtype=np.int64)))
    sum_all = (running[ends] - running[starts]).sum(axis=1)
    sum_more = (running_more[ends] - running_more[starts]).sum(axis=1)
    count_more = (running_count[ends] - running_count[starts]).sum(axis=1)
    return count_more, sum_more, sum_all


def _too_few(days: int, more: int, less: int, split: float | None) -> HeavinessLink:
    return HeavinessLink(
        LinkVerdict.TOO_FEW_DATA, days, more, less, split, None, None, None, None, None, None,
        f"Not enough data yet: {days} diary scores overlap your training files; at least "
        f"{MIN_DAYS} scores with {MIN_PER_GROUP} on each side of your usual load are needed.",
    )  # fmt: skip


def heaviness_link(
    entries: Sequence[EntryRow], series: LoadSeries | None, last_activity_day: dt.date | None
) -> HeavinessLink:
    """The link between diary heaviness and recent load (see the module docstring)."""
    scored = scored_entries(entries)
    if series is None or last_activity_day is None:
        return _too_few(0, 0, 0, None)
    covered_until = last_activity_day + dt.timedelta(days=WINDOW_DAYS - 1)
    rows: list[tuple[float, float]] = []
    days: set[dt.date] = set()
    for day, lag, score in scored:
        load = window_load(series, day, lag)
        if load is None or day > covered_until:
            continue
        rows.append((load, score))
        days.add(day)
    if len(rows) < MIN_DAYS:
        return _too_few(len(rows), 0, 0, None)
    loads = np.array([r[0] for r in rows])
    scores = np.array([r[1] for r in rows])
    split = float(np.median(loads))
    is_more = loads > split
    more = scores[is_more]
    less = scores[~is_more]
    if more.size < MIN_PER_GROUP or less.size < MIN_PER_GROUP:
        return _too_few(len(rows), int(more.size), int(less.size), split)
    block = round(BLOCK_DAYS * len(rows) / max(len(days), 1))
    low, high = block_bootstrap_difference(scores, is_more, np.random.default_rng(SEED), block)
    difference = float(more.mean() - less.mean())
    diff = Difference(
        n_a=int(more.size), n_b=int(less.size), mean_a=float(more.mean()),
        mean_b=float(less.mean()), difference=difference,
        ci_low=min(low, difference), ci_high=max(high, difference),
    )  # fmt: skip
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
        verdict, len(rows), int(more.size), int(less.size), split, diff.mean_a, diff.mean_b,
        diff.difference, diff.ci_low, diff.ci_high, d, message,
    )  # fmt: skip
