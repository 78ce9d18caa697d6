"""A diary entry or a measure done as typed at the terminal, checked without pydantic.

Why: ``heavylegs log`` and ``heavylegs done`` took over 20x a bare ``python -c pass`` to start,
and importing pydantic and building the diary's models was about a third of it (issue 15).
What a person types is nearly always one of the ordinary spellings (``--heaviness 3``,
``--ankle-left-cm 24.5``, a date ``2026-11-21``). For those, :func:`plain_entry` and
:func:`plain_measure_done` give what ``parse_entry`` and ``parse_measure_done`` of
:mod:`heavylegs.diary.validation` give, from the same tables (:mod:`heavylegs.diary.fields`).
For anything else (a value out of range, an unknown field, a spelling not listed here) they
answer ``None`` and the pydantic models decide (:func:`checked_entry`,
:func:`checked_measure_done`), which word every refusal as always.
``tests/diary/test_plain_input.py`` keeps the models as the oracle (hypothesis): whatever is
accepted here is accepted there, with the same values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heavylegs.diary.fields import (
    ENTRY_VALUES,
    MEASURE_DONE_FIELDS,
    MEASURE_ID,
    MEASURE_VALUES,
    Part,
    Source,
    Value,
    blank,
    date_problem,
    done_at,
    time_problem,
)

if TYPE_CHECKING:
    from heavylegs.diary.validation import EntryIn, MeasureDoneIn

_INT = re.compile(r"0|[1-9][0-9]{0,8}", re.ASCII)
_FLOAT = re.compile(r"(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,9})?", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_MEASURE = re.compile(MEASURE_ID.removeprefix("^").removesuffix("$"), re.ASCII)


class _Unsure(Exception):
    """Not one of the ordinary spellings, or not valid: the pydantic model decides."""


@dataclass(frozen=True)
class PlainEntry:
    """A checked diary entry: what :class:`~heavylegs.diary.validation.EntryIn` holds."""

    date: dt.date
    part: Part
    values: dict[str, Any] = field(default_factory=dict)

    def recorded(self) -> dict[str, Any]:
        """The values given, in the order of the entry's fields (as ``EntryIn.recorded``)."""
        return dict(self.values)


@dataclass(frozen=True)
class PlainMeasureDone:
    """A checked measure done: what :class:`~heavylegs.diary.validation.MeasureDoneIn` holds."""

    measure: str
    date: dt.date
    minutes: float | None = None
    reps: int | None = None
    at: dt.datetime | None = None
    source: Source = Source.MANUAL


def plain_entry(data: Mapping[str, Any], *, today: dt.date) -> PlainEntry | None:
    """The entry ``parse_entry(data, today=today)`` gives, or ``None`` when unsure."""
    if not {"date", "part"} <= data.keys() <= {"date", "part", *ENTRY_VALUES}:
        return None
    try:
        day = _day(data["date"], today)
        part = _choice(Part, data["part"])
        values = {
            name: _value(spec, data[name])
            for name, spec in ENTRY_VALUES.items()
            if data.get(name) is not None and not (spec.kind is str and blank(data[name]))
        }
    except _Unsure:
        return None
    return PlainEntry(day, part, values)


def plain_measure_done(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    known: frozenset[str] | None = None,
    now: dt.datetime | None = None,
) -> PlainMeasureDone | None:
    """The measure done ``parse_measure_done`` gives with the same arguments, or ``None`` when
    unsure (an unknown measure too: its message suggests the ids meant)."""
    if not {"measure", "date"} <= data.keys() <= set(MEASURE_DONE_FIELDS):
        return None
    try:
        measure = _value(MEASURE_VALUES["measure"], data["measure"])
        if _MEASURE.fullmatch(measure) is None or (known is not None and measure not in known):
            raise _Unsure
        day = _day(data["date"], today)
        minutes, reps = (
            None if data.get(name) is None else _value(MEASURE_VALUES[name], data[name])
            for name in ("minutes", "reps")
        )
        at = _time(data.get("at"), today)
        source = Source.MANUAL if "source" not in data else _choice(Source, data["source"])
    except _Unsure:
        return None
    return PlainMeasureDone(measure, day, minutes, reps, done_at(at, day, today, now), source)


def checked_entry(data: Mapping[str, Any], *, today: dt.date) -> PlainEntry | EntryIn:
    """:func:`plain_entry` when it is sure, else ``parse_entry`` (which words every refusal,
    raising ``DiaryInputError``): the same values either way."""
    plain = plain_entry(data, today=today)
    if plain is not None:
        return plain
    from heavylegs.diary.validation import parse_entry

    return parse_entry(data, today=today)


def checked_measure_done(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    known: frozenset[str] | None = None,
    now: dt.datetime | None = None,
) -> PlainMeasureDone | MeasureDoneIn:
    """:func:`plain_measure_done` when it is sure, else ``parse_measure_done`` (which words
    every refusal): the same values either way."""
    plain = plain_measure_done(data, today=today, known=known, now=now)
    if plain is not None:
        return plain
    from heavylegs.diary.validation import parse_measure_done

    return parse_measure_done(data, today=today, known=known, now=now)


def _value(spec: Value, given: Any) -> Any:
    """``given`` as ``spec`` says, when it is an ordinary spelling of a valid value."""
    if spec.kind is bool:
        if type(given) is not bool:
            raise _Unsure
        return given
    if type(given) is not str:
        raise _Unsure
    if spec.kind is str:
        if spec.max_length is not None and len(given) > spec.max_length:
            raise _Unsure
        try:
            given.encode("utf-8")  # a lone surrogate (undecodable argv): pydantic refuses it
        except UnicodeEncodeError:
            raise _Unsure from None
        return given
    if spec.kind is int or spec.kind is float:
        pattern = _INT if spec.kind is int else _FLOAT
        if pattern.fullmatch(given) is None:
            raise _Unsure
        number = spec.kind(given)
        low_ok = spec.low is None or (number > spec.low if spec.above else number >= spec.low)
        if not low_ok or (spec.high is not None and number > spec.high):
            raise _Unsure
        return number
    return _choice(spec.kind, given)


def _choice(kind: type, given: Any) -> Any:
    if type(given) is not str:
        raise _Unsure
    try:
        return kind(given)
    except ValueError:
        raise _Unsure from None


def _day(given: Any, today: dt.date) -> dt.date:
    if type(given) is dt.date:
        day = given
    elif type(given) is str and _DAY.fullmatch(given) is not None:
        try:
            day = dt.date.fromisoformat(given)
        except ValueError:
            raise _Unsure from None
    else:
        raise _Unsure
    if date_problem(day, today) is not None:
        raise _Unsure
    return day


def _time(given: Any, today: dt.date) -> dt.datetime | None:
    if given is None:
        return None
    if type(given) is not dt.datetime or time_problem(given, today) is not None:
        raise _Unsure
    return given
