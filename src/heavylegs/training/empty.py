"""The training document of a database without activities, diary or profile, without numpy or
SQLAlchemy (start-up time, issue 15).

``heavylegs training --json`` on an empty database would import the store, numpy and the load
model to say that there is nothing yet: the answer then depends on the clock and the heart rates
given alone. :func:`heavylegs.training.overview.training_overview` stays the reference: a test
compares this document with its answer on an empty database, so a change there that this does
not follow fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from heavylegs.training.load import heart_profile

EMPTY_TABLES = ("activities", "diary_entries", "profile", "personal_profile")
"""Tables the document reads (activities, diary scores, the saved and the answered profile):
with no row in any of them, the document is this module's."""

_CONSTANTS: dict[str, object] = {
    "fitness_tau_days": 42,
    "fatigue_tau_days": 7,
    "fitness_alpha": 0.023528,
    "fatigue_alpha": 0.133122,
    "form": "fitness - fatigue, same day",
    "ratio_acute_days": 7,
    "ratio_chronic_days": 28,
    "ratio_acute_lambda": 0.25,
    "ratio_chronic_lambda": 0.068966,
    "ratio_bands": {"low": "< 0.8", "moderate": "0.8-1.3", "high": "1.3-1.5", "very_high": "> 1.5"},
    "ratio_caveat": (
        "a ramp indicator (how fast load rises against what you are used to), not an injury "
        "predictor (Impellizzeri et al. 2020); bands from Gabbett 2016 for context"
    ),
    "monotony": (
        "weekly mean daily load / population standard deviation (Foster 1998), capped at 10 "
        "(also when the spread is 0)"
    ),
    "seed": (
        "fitness, fatigue and both ratio averages start at the mean daily load of the first 42 "
        "days (or your value); the first 42 days are calibrating"
    ),
    "calibration_days": 42,
    "strain": "weekly load x monotony",
}
"""``series.constants()`` (the test holds them equal)."""

_HEAVINESS: dict[str, object] = {
    "verdict": "too_few_data",
    "window": (
        "morning scores: load of the 4 days before that day; evening scores: load of that day "
        "and the 3 days before"
    ),
    "interval": "95 % moving-block bootstrap, blocks of 7 days",
    "days": 0,
    "n_more_load": 0,
    "n_less_load": 0,
    "split_load": None,
    "mean_heaviness_more_load": None,
    "mean_heaviness_less_load": None,
    "difference": None,
    "ci_low": None,
    "ci_high": None,
    "cohens_d": None,
    "message": (
        "Not enough data yet: 0 diary scores overlap your training files; at least 14 scores "
        "with 5 on each side of your usual load are needed."
    ),
}


def empty_overview(
    now: dt.datetime, hr_rest: float | None = None, hr_max: float | None = None
) -> dict[str, Any]:
    """What ``training_overview`` answers on a database with no row in :data:`EMPTY_TABLES`
    (any weeks, any ``since``, any seed load), with the heart rates given."""
    profile = heart_profile(hr_rest=hr_rest, hr_max=hr_max)
    return {
        "as_of": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "activities": 0,
        "newest_activity": None,
        "constants": {k: dict(v) if isinstance(v, dict) else v for k, v in _CONSTANTS.items()},
        "heart_profile": profile.to_json(),
        "load_methods": {},
        "estimated_activities": 0,
        "units": {"distance": "km", "load": "load (TRIMP)", "cadence": "steps/min"},
        "today": None,
        "weeks": [],
        "series": None,
        "cadence": [],
        "heaviness": dict(_HEAVINESS),
        "diary": [],
        "running_answers": {},
        "running_notes": ["no activities before now: nothing to fill"],
    }
