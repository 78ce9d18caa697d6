"""What each diary value is and may be: its kind, its limits, the date rules, in plain Python.

The one home of these decisions. The pydantic models of :mod:`heavylegs.diary.validation`
(the web forms, the API, ``edit``, imports) are declared from the tables here, and
:mod:`heavylegs.diary.plain_input` checks a ``log`` or ``done`` typed at the terminal with the
same tables without importing pydantic (its import is most of those commands' start-up time,
issue 15). Nothing here imports pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from heavylegs.problems import Problems

MEASURE_ID = r"^[a-z][a-z0-9_\-]*$"
EARLIEST_DAY = dt.date(1900, 1, 1)


class Part(StrEnum):
    """Which diary entry of the day: heaviness differs between morning and evening."""

    MORNING = "morning"
    EVENING = "evening"


EVENING_FROM_HOUR = 14
"""An entry made from 14:00 (local time) on is the evening one, unless the person says."""


def part_of_day(local: dt.datetime) -> Part:
    """Which entry of the day a new one is by default, from the local time it is made."""
    return Part.MORNING if local.hour < EVENING_FROM_HOUR else Part.EVENING


class Swelling(StrEnum):
    """Where swelling was seen. One leg alone is a warning sign, so the side is recorded."""

    NONE = "none"
    BOTH = "both"
    LEFT = "left"
    RIGHT = "right"


class Source(StrEnum):
    """How a measure done was recorded."""

    MANUAL = "manual"
    SESSION = "session"


class DiaryInputError(Problems, ValueError):
    """Invalid diary input; ``problems`` holds one ``field: message`` line per problem."""


@dataclass(frozen=True)
class Value:
    """One optional value: its kind (``int``, ``float``, ``bool``, ``str`` or a choice such as
    :class:`Swelling`) and its limits: a number from ``low`` (excluded when ``above``) to
    ``high``, a text of at most ``max_length`` characters."""

    kind: type
    low: int | None = None
    high: int | None = None
    above: bool = False
    max_length: int | None = None


ENTRY_VALUES: dict[str, Value] = {
    "heaviness": Value(int, 0, 10),
    "ankle_left_cm": Value(float, 5, 80),
    "ankle_right_cm": Value(float, 5, 80),
    "swelling": Value(Swelling),
    "sock_marks": Value(bool),
    "cramps": Value(int, 0, 100),
    "night_cramps": Value(bool),
    "pain": Value(int, 0, 10),
    "sleep_h": Value(float, 0, 24),
    "water_l": Value(float, 0, 15),
    "steps": Value(int, 0, 200_000),
    "walk_min": Value(float, 0, 1440),
    "hours_still": Value(float, 0, 24),
    "note": Value(str, max_length=2000),
}
"""A diary entry's values (besides its date and part), in the order they are shown."""

ENTRY_VALUE_FIELDS: tuple[str, ...] = tuple(ENTRY_VALUES)


def blank(value: object) -> bool:
    """A text that says nothing (empty, or only white space): no value, not a value.

    Why: ``log --note ""`` stored an empty note, which every view then showed as a note
    (``note “”``) and exports carried as an empty observation. Every way in (``log``, the web
    form, the API, ``edit entry``) goes through :func:`plain_entry` or ``EntryIn``, which both
    read a blank note as no note; ``edit`` then stores ``NULL``, clearing the old one."""
    return isinstance(value, str) and _BLANK.fullmatch(value) is not None


_BLANK = re.compile("[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]*")
"""White space and the invisible marks (soft hyphen, zero-width spaces and joiners, direction
marks, word joiner, byte order mark) a pasted "empty" text may hold: shown, they look empty."""


MEASURE_VALUES: dict[str, Value] = {
    "measure": Value(str, max_length=64),  # and :data:`MEASURE_ID`
    "minutes": Value(float, 0, 1440, above=True),
    "reps": Value(int, 1, 10_000),
}
"""A measure done's id and amounts (besides its date, time and source)."""
MEASURE_DONE_FIELDS = ("measure", "date", "minutes", "reps", "at", "source")
"""Everything a measure done holds (a test compares them with the model's fields)."""


def date_problem(value: dt.date, today: dt.date | None) -> str | None:
    """What is wrong with a diary date (``None``: nothing). Tomorrow is allowed (a late-night
    entry in another time zone); with no ``today`` (code recording today's work) only the
    earliest day is checked."""
    tomorrow = today + dt.timedelta(days=1) if isinstance(today, dt.date) else None
    if tomorrow is not None and value > tomorrow:
        return f"must not be after tomorrow ({tomorrow.isoformat()})"
    if value < EARLIEST_DAY:
        return f"must not be before {EARLIEST_DAY.isoformat()}"
    return None


_CLOCK = re.compile(r"\s*([0-9]{1,2}):([0-9]{2})\s*")


def parse_clock(text: str) -> dt.time:
    """A time of day typed by a person, ``9:00`` or ``09:00``; :class:`ValueError` saying the
    accepted form otherwise.

    Why not ``time.fromisoformat``: it refuses ``9:00`` (what people type) and accepts
    ``09:00+03:00``, ``09:00Z`` or ``0900``. A zone in the time would be either ignored or
    half used (the calendar compared it with times without one and crashed): the times heavylegs
    asks for are in the machine's zone, which ``TZ`` sets."""
    match = _CLOCK.fullmatch(text)
    if match is not None:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    zoned = any(mark in text.upper() for mark in ("+", "Z", "UTC", "GMT")) or "-" in text[1:]
    hint = " in this machine's time zone (set TZ, e.g. TZ=Europe/Berlin, for another)"
    raise ValueError(
        f"must be a time of day H:MM or HH:MM, e.g. 9:00 or 17:30{hint if zoned else ''}"
        f" (got {text!r})"
    )


def time_problem(value: dt.datetime, today: dt.date | None) -> str | None:
    """What is wrong with the time a measure was done (``None``: nothing). Bounded like the
    date: year 1 or 9999 cannot be converted to UTC and stored."""
    if value.tzinfo is None:
        return "must include a time zone"
    latest = today + dt.timedelta(days=2) if isinstance(today, dt.date) else dt.date(9000, 1, 1)
    if not EARLIEST_DAY <= value.date() <= latest:
        return f"must be between {EARLIEST_DAY.isoformat()} and {latest.isoformat()}"
    return None


def done_at(
    at: dt.datetime | None, day: dt.date, today: dt.date, now: dt.datetime | None
) -> dt.datetime | None:
    """When a measure was done: the time given; else, recording as it happens (``now``), a
    measure done today was done now, and one done on another day keeps no time (nobody
    remembers it)."""
    if now is not None and at is None and day == today:
        return now
    return at
