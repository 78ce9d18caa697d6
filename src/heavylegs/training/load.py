"""Session load: Banister's TRIMP from heart rate; without it an estimate, always flagged.

TRIMP (Banister 1991; the sex-specific weighting as published by Morton, Fitz-Clarke and
Banister 1990) weighs each minute by the fraction of heart-rate reserve used,
``HRr = (HR - HRrest) / (HRmax - HRrest)``, and an exponential that grows with it:
``minutes × HRr × a × e^(b × HRr)`` with ``a = 0.64, b = 1.92`` for men and ``a = 0.86,
b = 1.67`` for women. With the sex unknown, the mean of the two weights is used (and said).
Runalyze uses 0.8218 instead of 0.86 as the women's factor; heavylegs keeps the published
constants (docs/training.md lists this and the other known differences).

Without heart rate (no strap, a manual entry), in this order:

1. :attr:`LoadMethod.PACE`: the runner's own TRIMP per minute at a similar pace (the median of
   their heart-rate runs within :data:`SIMILAR_PACE` of this speed, at least
   :data:`PACE_MIN_RUNS` of them), times the minutes. Their own body, their own pace.
2. :attr:`LoadMethod.RPE`: a stated exertion on the CR10 scale mapped to a heart-rate reserve
   the way ACSM's intensity table relates them (CR10 4-5 ≈ 55-65 % HRR), then put through the
   same TRIMP weighting.
3. :attr:`LoadMethod.ASSUMED_RPE`: the same with :data:`ASSUMED_RPE` when nothing is known.

Every load not from heart rate is *estimated* (:attr:`SessionLoad.estimated`) and shown so.

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


SIMILAR_PACE = 0.10
PACE_MIN_RUNS = 3
CR10_RESERVE = (0.0, 0.25, 0.35, 0.45, 0.55, 0.65, 0.72, 0.80, 0.87, 0.93, 1.0)
"""Heart-rate reserve for CR10 exertion 0..10 (linear in between): ACSM's relative-intensity
table (light 30-39 %, moderate 40-59 %, vigorous 60-89 %, near-maximal ≥ 90 % HRR) set against
the CR10 words (2 light, 3 moderate, 5 hard, 7 very hard, 10 maximal)."""


class LoadMethod(StrEnum):
    HEART_RATE = "heart_rate"
    PACE = "pace"
    RPE = "rpe"
    ASSUMED_RPE = "assumed_rpe"


ESTIMATED = frozenset({LoadMethod.PACE, LoadMethod.RPE, LoadMethod.ASSUMED_RPE})


def cr10_reserve(rpe: float) -> float:
    """The heart-rate reserve an exertion of ``rpe`` (0-10, CR10) stands for (see the table)."""
    x = min(max(rpe, 0.0), 10.0)
    low = int(x) if x < 10 else 9
    share = x - low
    return CR10_RESERVE[low] + share * (CR10_RESERVE[low + 1] - CR10_RESERVE[low])


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

    @property
    def estimated(self) -> bool:
        return self.method in ESTIMATED


def has_heart_rate(hr_seconds: Sequence[tuple[int, float]], minutes: float | None) -> bool:
    """Whether heart rate covers enough of the session for TRIMP to stand for it."""
    return covers(sum(seconds for _, seconds in hr_seconds), minutes)


def covers(covered_s: float, minutes: float | None) -> bool:
    """:func:`has_heart_rate` from the seconds with a heart rate."""
    covered = covered_s / 60.0
    return covered > 0 and (not minutes or covered >= MIN_HR_COVERAGE * minutes)


def profile_key(profile: HeartProfile) -> str:
    """What the heart-rate figures of a session depend on, as text (stored with them)."""
    return f"{profile.hr_rest!r}/{profile.hr_max!r}/{profile.sex}"


@dataclass(slots=True)
class HeartFigures:
    """A session's heart-rate figures under one heart profile (read-only; not frozen, as one
    is built per stored activity on every view and frozen ones cost three times as much)."""

    covered_s: float
    """Seconds with a heart rate (does not depend on the profile)."""
    trimp: float | None
    """:func:`banister_trimp` (``None`` without heart rate)."""
    mean_reserve: float | None
    """Mean fraction of heart-rate reserve over the covered seconds (``None`` without)."""


class TrimpTable:
    """A profile's TRIMP per minute for each whole heart rate, worked out once per bpm.

    A history holds a few hundred distinct heart rates but hundreds of thousands of
    (bpm, seconds) pairs: looking the rate up gives the same sum as :func:`banister_trimp`,
    term by term, at a fraction of the cost.
    """

    def __init__(self, profile: HeartProfile) -> None:
        self.profile = profile
        self.per_bpm: dict[int, float] = {}

    def figures(self, hr_seconds: Sequence[tuple[int, float]]) -> HeartFigures:
        profile = self.profile
        covered = sum(seconds for _, seconds in hr_seconds)
        if not covered > 0:
            return HeartFigures(covered, None, None)
        per_bpm = self.per_bpm
        total = 0.0
        for bpm, seconds in hr_seconds:
            rate = per_bpm.get(bpm)
            if rate is None:
                rate = per_bpm[bpm] = banister_trimp([(bpm, 60.0)], profile)
            total += seconds / 60.0 * rate
        span = profile.hr_max - profile.hr_rest
        reserve = sum(s * (bpm - profile.hr_rest) / span for bpm, s in hr_seconds) / covered
        return HeartFigures(covered, total, reserve)


def session_load(
    hr_seconds: Sequence[tuple[int, float]],
    minutes: float | None,
    rpe: float | None,
    profile: HeartProfile,
    pace_rate: float | None = None,
) -> SessionLoad:
    """Load of one session (see the module docstring for the methods and their order).

    ``pace_rate`` is the runner's own TRIMP per minute at this session's pace, when known.
    """
    if has_heart_rate(hr_seconds, minutes):
        return SessionLoad(banister_trimp(hr_seconds, profile), LoadMethod.HEART_RATE)
    method = LoadMethod.RPE if rpe is not None else LoadMethod.ASSUMED_RPE
    if pace_rate is not None:
        method = LoadMethod.PACE
    if not minutes or minutes <= 0:
        return SessionLoad(0.0, method)
    if pace_rate is not None:
        return SessionLoad(minutes * pace_rate, method)
    exertion = rpe if rpe is not None else ASSUMED_RPE
    return SessionLoad(minutes * trimp_per_minute(cr10_reserve(exertion), profile.sex), method)
