"""What an activity may claim before it is stored: a start between 1980 and tomorrow, a sane length.

Why: a damaged or hostile file can say anything. A track dated year 1 overflowed the duplicate
search and lost the whole batch; one dated 9999 imported and then broke every training view; one
dated 1899 imported as a 119-year activity. Every reader's result passes through
:func:`check_plausible` before it is queued, so such a file is one skipped line with its reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from heavylegs.training.model import ActivityFileError, ParsedActivity
from heavylegs.training.samples import HR_RANGE, MAX_CADENCE_SPM, MAX_SPAN_S

EARLIEST_START = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""Before consumer GPS and heart-rate recorders: an earlier date is a clock that was never set."""
MAX_DURATION_S = MAX_SPAN_S
"""Longer than the longest multi-day events (about ten days on a bike across a continent)."""
MAX_DISTANCE_M = 1e8
"""The samples' own distance bound (100,000 km: more than 14 days at any speed)."""
MAX_CLIMB_M = 1e5
"""Twice the climbing of the longest bike race across a continent."""
FIGURE_BOUNDS: dict[str, tuple[float, float, str]] = {
    "distance_m": (0.0, MAX_DISTANCE_M, "m"),
    "run_distance_m": (0.0, MAX_DISTANCE_M, "m"),
    "avg_hr": (*HR_RANGE, "bpm"),
    "max_hr": (*HR_RANGE, "bpm"),
    "avg_cadence_spm": (0.0, MAX_CADENCE_SPM, "spm"),
    "elevation_gain_m": (0.0, MAX_CLIMB_M, "m"),
}
"""The summary figures a file states itself (FIT sessions, TCX laps, a Strava row), with the
bounds the samples are held to (see :mod:`samples`)."""


def check_plausible(parsed: ParsedActivity, now: dt.datetime) -> None:
    """Raise :class:`ActivityFileError` naming the value when ``parsed`` cannot be a recording."""
    start = parsed.start_utc
    latest = now.astimezone(dt.UTC) + dt.timedelta(days=1)
    if start < EARLIEST_START:
        raise ActivityFileError(
            f"refused: starts on {start.date().isoformat()}, before 1980 (the device's clock "
            "was not set?)"
        )
    if start > latest:
        raise ActivityFileError(
            f"refused: starts on {start.date().isoformat()}, after tomorrow "
            f"({latest.date().isoformat()})"
        )
    for name in ("duration_s", "moving_s"):
        value = getattr(parsed, name)
        if value is None:
            continue
        if not math.isfinite(value) or value < 0 or value > MAX_DURATION_S:
            shown = f"{value:.0f}" if abs(value) < 1e12 else f"{value:.3g}"  # not 300 digits
            raise ActivityFileError(
                f"refused: {name.removesuffix('_s')} of {shown} s is not a recording's "
                f"(at most {MAX_DURATION_S / 86400:.0f} days)"
            )


def plausible_figures(parsed: ParsedActivity) -> ParsedActivity:
    """``parsed`` without summary figures no body or device can reach, each left out with a
    warning naming it.

    Why: the samples are cleaned as they are read, but a file's own summary was stored as
    written; a TCX lap saying 100000 bpm or 1e308 m showed in the activity list and the sums.
    """
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for name, (low, high, unit) in FIGURE_BOUNDS.items():
        value = getattr(parsed, name)
        if value is None or (math.isfinite(value) and low <= value <= high):
            continue
        changes[name] = None
        shown = f"{value:.0f}" if abs(value) < 1e12 else f"{value:.3g}"
        notes.append(f"{name} of {shown} {unit} is not plausible: left out")
    if not changes:
        return parsed
    return dataclasses.replace(parsed, warnings=(*parsed.warnings, *notes), **changes)
