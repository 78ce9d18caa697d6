"""Is this the same run as one already stored? Pure functions over summaries.

Two recordings are the same activity when they start within :data:`START_TOLERANCE_S` of each
other, last the same within :data:`DURATION_TOLERANCE` and cover the same distance within
:data:`DISTANCE_TOLERANCE` (each check only when both files know the value: a treadmill GPX has
no distance). One person cannot run twice at once, so the start is the deciding check; the other
two guard against back-to-back sessions. A damaged copy (a truncated file) is compared by its
start alone: it holds only the first part of the run.

The better source is kept: an undamaged copy over a damaged one, then FIT, then TCX, then GPX.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from heavylegs.training.model import FORMAT_PREFERENCE, SourceFormat

START_TOLERANCE_S = 90.0
DURATION_TOLERANCE = 0.05
DISTANCE_TOLERANCE = 0.03


@dataclass(frozen=True)
class Key:
    """The summary values duplicates are judged on."""

    start_utc: dt.datetime
    duration_s: float | None
    distance_m: float | None
    damaged: bool = False


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None or a <= 0 or b <= 0:
        return True
    return abs(a - b) <= tolerance * max(a, b)


def same_activity(a: Key, b: Key) -> bool:
    """Whether ``a`` and ``b`` are two recordings of one activity (see the module docstring)."""
    if abs((a.start_utc - b.start_utc).total_seconds()) > START_TOLERANCE_S:
        return False
    if a.damaged or b.damaged:
        return True  # a cut-off copy is shorter: the start decides
    return _close(a.duration_s, b.duration_s, DURATION_TOLERANCE) and _close(
        a.distance_m, b.distance_m, DISTANCE_TOLERANCE
    )


class Resolution(StrEnum):
    NEW = "new"
    KEEP_EXISTING = "keep_existing"
    REPLACE_EXISTING = "replace_existing"


def resolve(
    new_format: SourceFormat,
    existing_format: SourceFormat | None,
    new_damaged: bool = False,
    existing_damaged: bool = False,
) -> Resolution:
    """What to do with a new file given the format of a matching stored one (if any)."""
    if existing_format is None:
        return Resolution.NEW
    if new_damaged != existing_damaged:
        return Resolution.KEEP_EXISTING if new_damaged else Resolution.REPLACE_EXISTING
    if FORMAT_PREFERENCE[new_format] > FORMAT_PREFERENCE[existing_format]:
        return Resolution.REPLACE_EXISTING
    return Resolution.KEEP_EXISTING
