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
  (population, rest days count as 0), capped at :data:`MONOTONY_CAP` (Runalyze's cap): a week
  of identical non-zero days has no spread and reads as the cap, not as "nothing"; strain is
  the week's load × monotony.
* Start-up: all four averages start from a *seed*, the mean daily load of the first
  :data:`SEED_DAYS` days of the history (or a value the runner sets), not from 0. Starting at 0
  makes a steady runner read form −35 for six weeks and a ratio of 1.3 on day 28. The first
  :data:`CALIBRATION_DAYS` days are marked as calibrating: the numbers lean on the seed there.

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
import numpy.typing as npt

from heavylegs.training.model import FloatArray

FITNESS_DAYS = 42
FATIGUE_DAYS = 7
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
FITNESS_ALPHA = 1.0 - math.exp(-1.0 / FITNESS_DAYS)
FATIGUE_ALPHA = 1.0 - math.exp(-1.0 / FATIGUE_DAYS)
ACUTE_LAMBDA = 2.0 / (ACUTE_DAYS + 1)
CHRONIC_LAMBDA = 2.0 / (CHRONIC_DAYS + 1)
SEED_DAYS = 42
CALIBRATION_DAYS = 42
MONOTONY_CAP = 10.0
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
        "monotony": (
            "weekly mean daily load / population standard deviation (Foster 1998), capped at "
            f"{MONOTONY_CAP:g} (also when the spread is 0)"
        ),
        "seed": (
            f"fitness, fatigue and both ratio averages start at the mean daily load of the first "
            f"{SEED_DAYS} days (or your value); the first {CALIBRATION_DAYS} days are calibrating"
        ),
        "calibration_days": CALIBRATION_DAYS,
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


def seed_value(load: FloatArray) -> float:
    """The start-up value: mean daily load of the first :data:`SEED_DAYS` days (rest days 0)."""
    window = load[:SEED_DAYS]
    return float(window.mean()) if window.size else 0.0


@dataclass
class LoadSeries:
    """Daily load and its derived series from ``start`` (index 0) to the last day.

    ``seed`` is where the averages start (see the module docstring); ``seed_set`` says whether
    the runner gave it (otherwise it follows the first :data:`SEED_DAYS` days as they fill in).
    """

    start: dt.date
    load: FloatArray
    fitness: FloatArray
    fatigue: FloatArray
    acute: FloatArray
    chronic: FloatArray
    seed: float = 0.0
    seed_set: bool = False

    @staticmethod
    def build(
        days: Iterable[tuple[dt.date, float]],
        start: dt.date,
        end: dt.date,
        seed: float | None = None,
    ) -> LoadSeries:
        size = max((end - start).days + 1, 0)
        load = np.zeros(size)
        for day, value in days:
            index = (day - start).days
            if 0 <= index < size:
                load[index] += value
        series = LoadSeries(
            start, load, np.zeros(size), np.zeros(size), np.zeros(size), np.zeros(size),
            seed=float(seed) if seed is not None else seed_value(load),
            seed_set=seed is not None,
        )  # fmt: skip
        series._recompute(0)
        return series

    def resumed(self, days: Iterable[tuple[dt.date, float]], end: dt.date) -> LoadSeries:
        """The series :meth:`build` gives for this series' loads and ``days`` up to ``end``,
        taking this one (its seed included) as the finished first days.

        Every day in ``days`` must come after this series' last day. The averages carry on from
        its last values with the same arithmetic as :meth:`build`, so the figures are exactly
        those of building the whole series, at the cost of the new days alone.
        """
        known = self.load.size
        size = max((end - self.start).days + 1, known)
        arrays = []
        for old in (self.load, self.fitness, self.fatigue, self.acute, self.chronic):
            new = np.zeros(size)
            new[:known] = old
            arrays.append(new)
        load = arrays[0]
        for day, value in days:
            index = (day - self.start).days
            if index < known:
                raise ValueError(f"{day} is not after the resumed series' last day {self.end}")
            if index < size:
                load[index] += value
        fitness, fatigue, acute, chronic = arrays[1:]
        series = LoadSeries(
            self.start, load, fitness, fatigue, acute, chronic, self.seed, self.seed_set
        )
        series._recompute(known)
        return series

    def _recompute(self, begin: int) -> None:
        for out, alpha in (
            (self.fitness, FITNESS_ALPHA),
            (self.fatigue, FATIGUE_ALPHA),
            (self.acute, ACUTE_LAMBDA),
            (self.chronic, CHRONIC_LAMBDA),
        ):
            ewma_from(self.load, out, alpha, begin, self.seed)  # fmt: skip

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.load.size - 1)

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def calibrating(self) -> npt.NDArray[np.bool_]:
        """Per day: whether it is within the first :data:`CALIBRATION_DAYS` days."""
        return np.arange(self.load.size) < CALIBRATION_DAYS

    def add(self, day: dt.date, value: float) -> None:
        """Add one session's load on ``day`` (extending the series if needed), incrementally.

        A day inside the seed window changes the seed, so everything is recomputed then (at most
        the first six weeks of a history; later days cost only the days after them).
        """
        if day < self.start:
            raise ValueError("day before the start of the series: rebuild it instead")
        at = self.index(day)
        old_size = self.load.size
        begin = min(at, old_size)  # days added at the end decay from the last known day
        if at >= old_size:
            grow = at + 1 - self.load.size
            self.load = np.concatenate([self.load, np.zeros(grow)])
            for name in ("fitness", "fatigue", "acute", "chronic"):
                setattr(self, name, np.concatenate([getattr(self, name), np.zeros(grow)]))
        self.load[at] += value
        if not self.seed_set and (at < SEED_DAYS or old_size < SEED_DAYS):
            self.seed = seed_value(self.load)
            begin = 0
        self._recompute(begin)

    @property
    def form(self) -> FloatArray:
        return self.fitness - self.fatigue

    def ratio(self) -> FloatArray:
        """Acute:chronic ratio per day; NaN with almost no chronic load."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(self.chronic >= MIN_CHRONIC_LOAD, self.acute / self.chronic, np.nan)
        return out


def monotony_strain(week_loads: FloatArray) -> tuple[float | None, float | None]:
    """Foster's monotony (capped at :data:`MONOTONY_CAP`) and strain of seven daily loads.

    ``None`` only for a week without load. Zero spread with load (the same load every day) is
    the most monotonous week there is: the cap, as Runalyze does.
    """
    total = float(week_loads.sum())
    if total <= 0:
        return None, None
    spread = float(week_loads.std())
    mean = float(week_loads.mean())
    monotony = MONOTONY_CAP if spread <= 0 else min(mean / spread, MONOTONY_CAP)
    return monotony, total * monotony
