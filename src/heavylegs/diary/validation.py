"""What a diary entry and a measure done may contain, checked before anything is stored.

Every problem is reported as ``field: message`` (one per line in the CLI) so a person sees all
mistakes at once and knows which value to fix. The date check needs "today": it comes from the
caller (an injected clock), never from the system clock here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from heavylegs.diary.fields import (
    EARLIEST_DAY,
    ENTRY_VALUE_FIELDS,
    ENTRY_VALUES,
    EVENING_FROM_HOUR,
    MEASURE_ID,
    MEASURE_VALUES,
    DiaryInputError,
    Part,
    Source,
    Swelling,
    Value,
    blank,
    date_problem,
    done_at,
    part_of_day,
    time_problem,
)

__all__ = [
    "EARLIEST_DAY",
    "ENTRY_VALUE_FIELDS",
    "EVENING_FROM_HOUR",
    "MEASURE_ID",
    "DiaryInputError",
    "EntryIn",
    "MeasureDoneIn",
    "Part",
    "Source",
    "Swelling",
    "parse_entry",
    "parse_measure_done",
    "part_of_day",
]

M = TypeVar("M", bound="_In")


def _limits(value: Value) -> Any:
    """The ``Field`` of a value's limits in :mod:`heavylegs.diary.fields` (their one home)."""
    limits: dict[str, Any] = {"gt" if value.above else "ge": value.low, "le": value.high}
    limits["max_length"] = value.max_length
    return Field(**{name: limit for name, limit in limits.items() if limit is not None})


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("date", check_fields=False)
    @classmethod
    def _date_in_range(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        # parse_entry / parse_measure_done pass today; code building a model directly (a guided
        # session recording today's work) is trusted with its own date.
        problem = date_problem(value, (info.context or {}).get("today"))
        if problem is not None:
            raise ValueError(problem)
        return value


_E = ENTRY_VALUES


class EntryIn(_In):
    """One morning or evening entry. ``None`` is "not recorded": an update keeps the old value."""

    # (The docstring is the API schema's description.) Each value's kind is the one
    # fields.ENTRY_VALUES names (a test compares them); its limits are taken from there.
    date: dt.date
    part: Part
    heaviness: Annotated[int | None, _limits(_E["heaviness"])] = None
    ankle_left_cm: Annotated[float | None, _limits(_E["ankle_left_cm"])] = None
    ankle_right_cm: Annotated[float | None, _limits(_E["ankle_right_cm"])] = None
    swelling: Swelling | None = None
    sock_marks: bool | None = None
    cramps: Annotated[int | None, _limits(_E["cramps"])] = None
    night_cramps: bool | None = None
    pain: Annotated[int | None, _limits(_E["pain"])] = None
    sleep_h: Annotated[float | None, _limits(_E["sleep_h"])] = None
    water_l: Annotated[float | None, _limits(_E["water_l"])] = None
    steps: Annotated[int | None, _limits(_E["steps"])] = None
    walk_min: Annotated[float | None, _limits(_E["walk_min"])] = None
    hours_still: Annotated[float | None, _limits(_E["hours_still"])] = None
    note: Annotated[str | None, _limits(_E["note"])] = None

    @field_validator("ankle_left_cm", "ankle_right_cm", "sleep_h", "water_l", "walk_min",
                     "hours_still")  # fmt: skip
    @classmethod
    def _no_negative_zero(cls, value: float | None) -> float | None:
        # "-0" is within 0..24 and was kept as -0.0 ("sleep -0.0 h"); -0.0 + 0.0 is 0.0.
        return None if value is None else value + 0.0

    @field_validator("note", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # An empty or white-space note is no note (fields.blank says why).
        return None if blank(value) else value

    def recorded(self) -> dict[str, Any]:
        """The measured fields that have a value (what an update changes)."""
        return {
            name: getattr(self, name)
            for name in ENTRY_VALUE_FIELDS
            if getattr(self, name) is not None
        }


_D = MEASURE_VALUES


class MeasureDoneIn(_In):
    """A measure done on a day: how much (minutes and/or reps, both optional) and when."""

    measure: Annotated[str, _limits(_D["measure"]), Field(pattern=MEASURE_ID)]
    date: dt.date
    minutes: Annotated[float | None, _limits(_D["minutes"])] = None
    reps: Annotated[int | None, _limits(_D["reps"])] = None
    at: dt.datetime | None = None
    source: Source = Source.MANUAL

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if value is None:
            return value
        problem = time_problem(value, (info.context or {}).get("today"))
        if problem is not None:
            raise ValueError(problem)
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
    at = done_at(done.at, done.date, today, now)
    return done if at is done.at else done.model_copy(update={"at": at})


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
    if kind == "float_parsing" and isinstance(given, str) and given.count(",") == 1:
        # 24,5 is how much of Europe writes 24.5: say what to type instead.
        dotted = given.strip().replace(",", ".")
        return f"{field}: must be a number with a dot for decimals, e.g. {dotted} (got {given!r})"
    if kind == "int_parsing" and isinstance(given, str):
        return f"{field}: must be a whole number (got {given!r})"
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
