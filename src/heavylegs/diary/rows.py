"""Plain rows the insights read: dataclasses, so the pure functions need no database or ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EntryRow:
    """A stored diary entry (``part`` is ``morning`` or ``evening``; ``swelling`` a side)."""

    day: dt.date
    part: str
    heaviness: int | None = None
    ankle_left_cm: float | None = None
    ankle_right_cm: float | None = None
    swelling: str | None = None
    sock_marks: bool | None = None
    cramps: int | None = None
    night_cramps: bool | None = None
    pain: int | None = None
    sleep_h: float | None = None
    water_l: float | None = None
    steps: int | None = None
    walk_min: float | None = None
    hours_still: float | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """A measure done on a local day."""

    measure: str
    day: dt.date
    minutes: float | None = None
    reps: int | None = None
    at: dt.datetime | None = None
    source: str = "manual"
    id: int | None = None
