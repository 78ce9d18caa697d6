"""Day-by-day load series: fitness, fatigue, form, the 7:28 load ratio, monotony and strain.

Constants (also returned by :func:`constants`, so every output states them):

* Fitness and fatigue are exponentially weighted daily loads with time constants of 42 and 7
  days (Banister's impulse-response model): ``x_t = x_{t-1} + α (load_t − x_{t-1})`` with
  ``α = 1 − e^(−1/τ)``. Form is fitness − fatigue on the same day.
* The load ratio is acute over chronic load, each an EWMA with ``λ = 2 / (N + 1)`` for N = 7
  and 28 days (Williams et al. 2017). It is a *ramp indicator*: it shows how fast load is
  rising against what the body is used to. It does not predict injury (Impellizzeri et al.
  2020 show the ratio's statistical problems); Gabbett's 2016 bands are shown for context only.
* Monotony (Foster 1998) is the mean daily load of a week divided by its standard deviation
  (population, rest days count as 0); strain is the week's load × monotony.

The series are arrays indexed by day from a start date; :class:`LoadSeries.add` updates them
from the changed day on, so one new activity costs the days after it, not the whole history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from heavylegs.training.model import FloatArray

FITNESS_DAYS = 42
FATIGUE_DAYS = 7
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
FITNESS_ALPHA = 1.0 - math.exp(-1.0 / FITNESS_DAYS)
FATIGUE_ALPHA = 1.0 - math.exp(-1.0 / FATIGUE_DAYS)
ACUTE_LAMBDA = 2.0 / (ACUTE_DAYS + 1)
CHRONIC_LAMBDA = 2.0 / (CHRONIC_DAYS + 1)
MIN_CHRONIC_LOAD = 1.0
"""Below this chronic load (about nothing) a ratio would divide by almost zero: not shown."""


class RatioBand(StrEnum):
    """Gabbett (2016) ranges, for context: the ratio is not an injury predictor."""

    LOW = "low"  # < 0.8
    MODERATE = "moderate"  # 0.8-1.3, Gabbett's "sweet spot"
    HIGH = "high"  # 1.3-1.5
    VERY_HIGH = "very_high"  # > 1.5, Gabbett's "danger zone"


BANDS = ((0.8, RatioBand.LOW), (1.3, RatioBand.MODERATE), (1.5, RatioBand.HIGH))


def ratio_band(ratio: float | None) -> RatioBand | None:
    if ratio is None or not math.isfinite(ratio):
        return None
    for upper, band in BANDS:
        if ratio < upper:
            return band
    return RatioBand.VERY_HIGH


def constants() -> dict[str, object]:
    """Every constant the series use, for the output to state."""
    return {
        "fitness_tau_days": FITNESS_DAYS,
        "fatigue_tau_days": FATIGUE_DAYS,
        "fitness_alpha": round(FITNESS_ALPHA, 6),
        "fatigue_alpha": round(FATIGUE_ALPHA, 6),
        "form": "fitness - fatigue, same day",
        "ratio_acute_days": ACUTE_DAYS,
        "ratio_chronic_days": CHRONIC_DAYS,
        "ratio_acute_lambda": round(ACUTE_LAMBDA, 6),
        "ratio_chronic_lambda": round(CHRONIC_LAMBDA, 6),
        "ratio_bands": {"low": "< 0.8", "moderate": "0.8-1.3", "high": "1.3-1.5",
                        "very_high": "> 1.5"},
        "ratio_caveat": (
            "a ramp indicator (how fast load rises against what you are used to), not an injury "
            "predictor (Impellizzeri et al. 2020); bands from Gabbett 2016 for context"
        ),
        "monotony": "weekly mean daily load / population standard deviation (Foster 1998)",
        "strain": "weekly load x monotony",
    }  # fmt: skip


def ewma_from(
    loads: FloatArray, out: FloatArray, alpha: float, start: int, initial: float = 0.0
) -> None:
    """Fill ``out[start:]`` with the EWMA of ``loads``, continuing from ``out[start - 1]``."""
    previous = float(out[start - 1]) if start > 0 else initial
    values = loads.tolist()
    keep = 1.0 - alpha
    for i in range(start, len(values)):
        previous = keep * previous + alpha * values[i]
        out[i] = previous


@dataclass
class LoadSeries:
    """Daily load and its derived series from ``start`` (index 0) to the last day."""

    start: dt.date
    load: FloatArray
    fitness: FloatArray
    fatigue: FloatArray
    acute: FloatArray
    chronic: FloatArray

    @staticmethod
    def build(days: Iterable[tuple[dt.date, float]], start: dt.date, end: dt.date) -> LoadSeries:
        size = max((end - start).days + 1, 0)
        load = np.zeros(size)
        for day, value in days:
            index = (day - start).days
            if 0 <= index < size:
                load[index] += value
        series = LoadSeries(start, load, *(np.zeros(size) for _ in range(4)))
        series._recompute(0)
        return series

    def _recompute(self, begin: int) -> None:
        ewma_from(self.load, self.fitness, FITNESS_ALPHA, begin)
        ewma_from(self.load, self.fatigue, FATIGUE_ALPHA, begin)
        ewma_from(self.load, self.acute, ACUTE_LAMBDA, begin)
        ewma_from(self.load, self.chronic, CHRONIC_LAMBDA, begin)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.load.size - 1)

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def add(self, day: dt.date, value: float) -> None:
        """Add one session's load on ``day`` (extending the series if needed), incrementally."""
        if day < self.start:
            raise ValueError("day before the start of the series: rebuild it instead")
        at = self.index(day)
        begin = min(at, self.load.size)  # days added at the end decay from the last known day
        if at >= self.load.size:
            grow = at + 1 - self.load.size
            self.load = np.concatenate([self.load, np.zeros(grow)])
            for name in ("fitness", "fatigue", "acute", "chronic"):
                setattr(self, name, np.concatenate([getattr(self, name), np.zeros(grow)]))
        self.load[at] += value
        self._recompute(begin)

    @property
    def form(self) -> FloatArray:
        return self.fitness - self.fatigue

    def ratio(self) -> FloatArray:
        """Acute:chronic ratio per day; NaN in the first 28 days or with almost no load."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(self.chronic >= MIN_CHRONIC_LOAD, self.acute / self.chronic, np.nan)
        out[: CHRONIC_DAYS - 1] = np.nan
        return out


def monotony_strain(week_loads: FloatArray) -> tuple[float | None, float | None]:
    """Foster's monotony and strain of seven daily loads (``None`` when undefined)."""
    total = float(week_loads.sum())
    spread = float(week_loads.std())
    if total <= 0 or spread <= 0:
        return None, None
    monotony = float(week_loads.mean()) / spread
    return monotony, total * monotony
