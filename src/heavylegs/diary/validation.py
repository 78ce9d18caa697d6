"""What a diary entry and a measure done may contain, checked before anything is stored.

Every problem is reported as ``field: message`` (one per line in the CLI) so a person sees all
mistakes at once and knows which value to fix. The date check needs "today": it comes from the
caller (an injected clock), never from the system clock here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

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


M = TypeVar("M", bound="_In")


class DiaryInputError(Problems, ValueError):
    """Invalid diary input; ``problems`` holds one ``field: message`` line per problem."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("date", check_fields=False)
    @classmethod
    def _date_in_range(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        # parse_entry / parse_measure_done pass today; code building a model directly (a guided
        # session recording today's work) is trusted with its own date.
        today = (info.context or {}).get("today")
        tomorrow = today + dt.timedelta(days=1) if isinstance(today, dt.date) else None
        if tomorrow is not None and value > tomorrow:
            raise ValueError(f"must not be after tomorrow ({tomorrow.isoformat()})")
        if value < EARLIEST_DAY:
            raise ValueError(f"must not be before {EARLIEST_DAY.isoformat()}")
        return value


class EntryIn(_In):
    """One morning or evening entry. ``None`` is "not recorded": an update keeps the old value."""

    date: dt.date
    part: Part
    heaviness: Annotated[int | None, Field(ge=0, le=10)] = None
    ankle_left_cm: Annotated[float | None, Field(ge=5, le=80)] = None
    ankle_right_cm: Annotated[float | None, Field(ge=5, le=80)] = None
    swelling: Swelling | None = None
    sock_marks: bool | None = None
    cramps: Annotated[int | None, Field(ge=0, le=100)] = None
    night_cramps: bool | None = None
    pain: Annotated[int | None, Field(ge=0, le=10)] = None
    sleep_h: Annotated[float | None, Field(ge=0, le=24)] = None
    water_l: Annotated[float | None, Field(ge=0, le=15)] = None
    steps: Annotated[int | None, Field(ge=0, le=200_000)] = None
    walk_min: Annotated[float | None, Field(ge=0, le=1440)] = None
    hours_still: Annotated[float | None, Field(ge=0, le=24)] = None
    note: Annotated[str | None, Field(max_length=2000)] = None

    def recorded(self) -> dict[str, Any]:
        """The measured fields that have a value (what an update changes)."""
        return {
            name: getattr(self, name)
            for name in ENTRY_VALUE_FIELDS
            if getattr(self, name) is not None
        }


ENTRY_VALUE_FIELDS: tuple[str, ...] = tuple(
    name for name in EntryIn.model_fields if name not in ("date", "part")
)


class MeasureDoneIn(_In):
    """A measure done on a day: how much (minutes and/or reps, both optional) and when."""

    measure: Annotated[str, Field(pattern=MEASURE_ID, max_length=64)]
    date: dt.date
    minutes: Annotated[float | None, Field(gt=0, le=1440)] = None
    reps: Annotated[int | None, Field(ge=1, le=10_000)] = None
    at: dt.datetime | None = None
    source: Source = Source.MANUAL

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a time zone")
        if value is None:
            return value
        # Bounded like ``date``: year 1 or 9999 cannot be converted to UTC and stored.
        today = (info.context or {}).get("today")
        latest = today + dt.timedelta(days=2) if isinstance(today, dt.date) else dt.date(9000, 1, 1)
        if not EARLIEST_DAY <= value.date() <= latest:
            raise ValueError(f"must be between {EARLIEST_DAY.isoformat()} and {latest.isoformat()}")
        return value


def parse_entry(data: Mapping[str, Any], *, today: dt.date) -> EntryIn:
    """Validate a diary entry; raise :class:`DiaryInputError` naming every bad field."""
    return _parse(EntryIn, data, today)


def parse_measure_done(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    known: frozenset[str] | None = None,
    now: dt.datetime | None = None,
) -> MeasureDoneIn:
    """Validate a measure done; with ``known``, the measure id must be one of them.

    With ``now`` (recording as it happens), a measure done today without a time was done now;
    one done on another day keeps no time (nobody remembers it).
    """
    done = _parse(MeasureDoneIn, data, today)
    if known is not None and done.measure not in known:
        raise DiaryInputError(
            [f"measure: unknown measure {done.measure!r}{_suggest(done.measure, known)}"]
        )
    if now is not None and done.at is None and done.date == today:
        return done.model_copy(update={"at": now})
    return done


def _suggest(word: str, known: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(known), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else " (see 'heavylegs explain')"


def _parse(model: type[M], data: Mapping[str, Any], today: dt.date) -> M:
    try:
        return model.model_validate(dict(data), context={"today": today})
    except ValidationError as exc:
        raise DiaryInputError([_problem(model, err) for err in exc.errors()]) from None


def _problem(model: type[_In], err: Any) -> str:
    field = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "(entry)"
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        return f"{field}: unknown field"
    if kind == "missing":
        return f"{field}: required"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high, strict_low = _bounds(model, field)
        if strict_low:
            return f"{field}: must be more than {low} and at most {high} (got {given})"
        return f"{field}: must be between {low} and {high} (got {given})"
    if kind == "value_error":
        return f"{field}: {err['ctx']['error']}"
    if kind == "string_pattern_mismatch":
        return f"{field}: must be a lowercase id such as ankle_pumps (got {given!r})"
    if kind.startswith("date_"):
        return f"{field}: must be a date YYYY-MM-DD (got {given!r})"
    if kind == "enum":
        return f"{field}: must be one of {err['ctx']['expected']} (got {given!r})"
    message = str(err["msg"])
    return f"{field}: {message[:1].lower()}{message[1:]}"


def _bounds(model: type[_In], field: str) -> tuple[object, object, bool]:
    """The field's limits from its ``Field(ge=…, le=…)`` (one source of truth for messages)."""
    info = model.model_fields.get(field)
    low: object = "-∞"
    high: object = "∞"
    strict_low = False
    for meta in info.metadata if info is not None else []:
        if isinstance(meta, annotated_types.Ge):
            low = meta.ge
        elif isinstance(meta, annotated_types.Gt):
            low, strict_low = meta.gt, True
        elif isinstance(meta, annotated_types.Le):
            high = meta.le
    return low, high, strict_low
