"""Session load: Banister's TRIMP from heart rate, or duration × perceived exertion without it.

TRIMP (Banister 1991) weighs each minute by the fraction of heart-rate reserve used,
``HRr = (HR - HRrest) / (HRmax - HRrest)``, and an exponential that grows with it:
``minutes × HRr × a × e^(b × HRr)`` with ``a = 0.64, b = 1.92`` for men and ``a = 0.86,
b = 1.67`` for women. With the sex unknown, the mean of the two weights is used (and said).

Without heart rate, Foster's session RPE (minutes × exertion on the 0-10 scale) is the usual
measure, but its numbers are on another scale than TRIMP. So that both can share one series,
the exertion is read as a fraction of heart-rate reserve (RPE 5 ≈ HRr 0.5) and put through the
same TRIMP weighting: a stated approximation, flagged on the session. With no exertion given,
:data:`ASSUMED_RPE` is used and flagged too.

Heart-rate limits come from the person when given; otherwise HRmax is the highest heart rate seen
in the files or Tanaka's ``208 − 0.7 × age``, whichever is higher, and HRrest is assumed; every
estimate is listed in :attr:`HeartProfile.notes`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

BANISTER = {"male": (0.64, 1.92), "female": (0.86, 1.67)}
ASSUMED_RPE = 4.0
ASSUMED_HR_REST = 60.0
FALLBACK_HR_MAX = 190.0
MIN_HR_COVERAGE = 0.5
"""Heart rate must cover this share of the moving time for TRIMP to stand for the session."""


class LoadMethod(StrEnum):
    HEART_RATE = "heart_rate"
    RPE = "rpe"
    ASSUMED_RPE = "assumed_rpe"


@dataclass(frozen=True)
class HeartProfile:
    hr_rest: float
    hr_max: float
    sex: str
    """``female``, ``male`` or ``unknown``."""
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "hr_rest": self.hr_rest,
            "hr_max": self.hr_max,
            "sex": self.sex,
            "notes": list(self.notes),
        }


def heart_profile(
    *,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    age: int | None = None,
    sex: str | None = None,
    observed_max: float | None = None,
) -> HeartProfile:
    """The heart-rate limits used for TRIMP, with a note for every value that is estimated."""
    notes: list[str] = []
    if hr_max is None:
        tanaka = 208.0 - 0.7 * age if age is not None else None
        candidates = [v for v in (tanaka, observed_max) if v is not None]
        if candidates:
            hr_max = max(candidates)
            if observed_max is not None and hr_max == observed_max:
                notes.append(f"HRmax {hr_max:.0f} is the highest heart rate in your files")
            else:
                notes.append(f"HRmax {hr_max:.0f} is estimated from age (208 − 0.7 × age)")
        else:
            hr_max = FALLBACK_HR_MAX
            notes.append(f"HRmax {hr_max:.0f} is assumed: give yours or your age")
    if hr_rest is None:
        hr_rest = ASSUMED_HR_REST
        notes.append(f"HRrest {hr_rest:.0f} is assumed: give your resting heart rate")
    if hr_max <= hr_rest + 20:
        raise ValueError(f"HRmax {hr_max:.0f} must be well above HRrest {hr_rest:.0f}")
    known = sex if sex in BANISTER else "unknown"
    if known == "unknown":
        notes.append("sex not given: the mean of the male and female TRIMP weights is used")
    return HeartProfile(hr_rest=float(hr_rest), hr_max=float(hr_max), sex=known, notes=tuple(notes))


def trimp_per_minute(reserve: float, sex: str) -> float:
    """TRIMP of one minute at ``reserve`` (fraction of heart-rate reserve, clipped to 0-1)."""
    x = min(max(reserve, 0.0), 1.0)
    if sex in BANISTER:
        a, b = BANISTER[sex]
        return x * a * math.exp(b * x)
    return sum(x * a * math.exp(b * x) for a, b in BANISTER.values()) / 2.0


def banister_trimp(hr_seconds: Sequence[tuple[int, float]], profile: HeartProfile) -> float:
    """TRIMP of a session from the seconds spent at each heart rate."""
    span = profile.hr_max - profile.hr_rest
    return sum(
        seconds / 60.0 * trimp_per_minute((bpm - profile.hr_rest) / span, profile.sex)
        for bpm, seconds in hr_seconds
    )


@dataclass(frozen=True)
class SessionLoad:
    value: float
    method: LoadMethod


def session_load(
    hr_seconds: Sequence[tuple[int, float]],
    minutes: float | None,
    rpe: float | None,
    profile: HeartProfile,
) -> SessionLoad:
    """Load of one session (see the module docstring for the methods and their order)."""
    covered = sum(seconds for _, seconds in hr_seconds) / 60.0
    if covered > 0 and (not minutes or covered >= MIN_HR_COVERAGE * minutes):
        return SessionLoad(banister_trimp(hr_seconds, profile), LoadMethod.HEART_RATE)
    if not minutes or minutes <= 0:
        return SessionLoad(0.0, LoadMethod.ASSUMED_RPE if rpe is None else LoadMethod.RPE)
    method = LoadMethod.RPE if rpe is not None else LoadMethod.ASSUMED_RPE
    exertion = rpe if rpe is not None else ASSUMED_RPE
    return SessionLoad(minutes * trimp_per_minute(exertion / 10.0, profile.sex), method)
