"""The diary as day-indexed arrays: the one place rows become numbers for the insights.

Day ``i`` is ``start + i``; a day without a score is NaN. The day's heaviness is the mean of its
morning and evening scores, so a day logged only in the evening still counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.stats import FloatArray

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DiarySeries:
    start: dt.date
    as_of: dt.date
    morning: FloatArray
    evening: FloatArray
    daily: FloatArray
    done: dict[str, BoolArray]
    entries: Sequence[EntryRow]
    measures: Sequence[MeasureRow]

    @property
    def size(self) -> int:
        return int(self.daily.size)

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def day(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=index)

    def window(self, first: dt.date, last: dt.date) -> FloatArray:
        """Logged daily heaviness from ``first`` to ``last`` inclusive (NaN days dropped)."""
        lo = max(self.index(first), 0)
        hi = min(self.index(last) + 1, self.size)
        if hi <= lo:
            return np.empty(0)
        values = self.daily[lo:hi]
        kept: FloatArray = values[~np.isnan(values)]
        return kept

    @property
    def logged_days(self) -> int:
        return int((~np.isnan(self.daily)).sum())


def build_series(
    entries: Sequence[EntryRow], measures: Sequence[MeasureRow], as_of: dt.date
) -> DiarySeries:
    """Arrays from the first diary day up to ``as_of``; later rows are left out."""
    entries = [e for e in entries if e.day <= as_of]
    measures = [m for m in measures if m.day <= as_of]
    days = [e.day for e in entries] + [m.day for m in measures]
    start = min(days) if days else as_of
    size = (as_of - start).days + 1
    morning = np.full(size, np.nan)
    evening = np.full(size, np.nan)
    for entry in entries:
        if entry.heaviness is None:
            continue
        target = morning if entry.part == "morning" else evening
        target[(entry.day - start).days] = entry.heaviness
    both = np.stack([morning, evening])
    counts = (~np.isnan(both)).sum(axis=0)
    sums = np.nansum(both, axis=0)
    daily = np.divide(sums, counts, out=np.full(size, np.nan), where=counts > 0)
    done: dict[str, BoolArray] = {}
    for measure in measures:
        mask = done.get(measure.measure)
        if mask is None:
            mask = done[measure.measure] = np.zeros(size, dtype=np.bool_)
        mask[(measure.day - start).days] = True
    return DiarySeries(start, as_of, morning, evening, daily, done, entries, measures)
