"""What a reader returns: one activity's summary and its 1-second-or-coarser stream.

Every reader (FIT, GPX, TCX) produces a :class:`ParsedActivity` or raises
:class:`ActivityFileError` with a reason a person can read. Arrays are float64 with NaN for
"no value", so summaries and load maths need no per-sample ``None`` checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class SourceFormat(StrEnum):
    FIT = "fit"
    TCX = "tcx"
    GPX = "gpx"
    MANUAL = "manual"
    """A summary typed in by hand on Strava (a row of an export's ``activities.csv``)."""


FORMAT_PREFERENCE = {
    SourceFormat.FIT: 3, SourceFormat.TCX: 2, SourceFormat.GPX: 1, SourceFormat.MANUAL: 0
}  # fmt: skip
"""When two files hold the same run, the higher one is kept: FIT has the device's own summary,
TCX has lap totals, GPX has only points, a manual entry only its totals."""

FOOT_SPORTS = frozenset({"running", "walking", "hiking", "mountaineering", "snowshoeing"})
"""Sports whose cadence is counted in steps: for these, stored cadence is steps per minute."""

RUNNING = "running"


class ActivityFileError(ValueError):
    """This file cannot be imported; ``str(error)`` is the reason shown to the person."""


@dataclass(frozen=True)
class Stream:
    """Samples at most one per second, in time order. ``t`` is seconds since the start."""

    t: FloatArray
    distance_m: FloatArray
    speed_mps: FloatArray
    heart_rate: FloatArray
    cadence_spm: FloatArray

    @property
    def size(self) -> int:
        return int(self.t.size)

    @staticmethod
    def empty() -> Stream:
        nothing = np.empty(0)
        return Stream(nothing, nothing, nothing, nothing, nothing)

    def channels(self) -> dict[str, FloatArray]:
        return {
            "t": self.t,
            "distance_m": self.distance_m,
            "speed_mps": self.speed_mps,
            "heart_rate": self.heart_rate,
            "cadence_spm": self.cadence_spm,
        }


@dataclass(frozen=True)
class ParsedActivity:
    """One activity as read from a file (``None`` where the file has no such data)."""

    format: SourceFormat
    sport: str
    sub_sport: str | None
    start_utc: dt.datetime
    utc_offset_s: int | None
    duration_s: float | None
    moving_s: float | None
    distance_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence_spm: float | None
    elevation_gain_m: float | None
    run_distance_m: float | None
    """Distance covered running (all of it for a run, the run legs of a multisport file)."""
    stream: Stream
    warnings: tuple[str, ...] = ()
    title: str | None = None
    rpe: float | None = None
    hr_seconds: tuple[tuple[int, float], ...] = field(default=())
    """Seconds spent at each whole heart rate (bpm): what any heart-rate load formula needs."""
    damage: str | None = None
    """Why the file is not whole (truncated, broken, CRC mismatch): what was read is kept, and
    an undamaged copy of the same activity is preferred to it."""
