"""The plain-Python check of a diary entry and a measure done (``log``, ``done``) against the
pydantic models, its reference: whatever it accepts the models accept, with the same values of
the same types; anything else it leaves to the models (``None``). And the models take each
value's kind and limits from the one table both read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.diary.fields import (
    ENTRY_VALUE_FIELDS,
    ENTRY_VALUES,
    MEASURE_DONE_FIELDS,
    MEASURE_VALUES,
    Part,
    Swelling,
    Value,
)
from heavylegs.diary.plain_input import (
    PlainEntry,
    PlainMeasureDone,
    checked_entry,
    checked_measure_done,
    plain_entry,
    plain_measure_done,
)
from heavylegs.diary.validation import (
    DiaryInputError,
    EntryIn,
    MeasureDoneIn,
    _bounds,
    parse_entry,
    parse_measure_done,
)

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
KNOWN = frozenset({"ankle_pumps", "calf_raises", "legs_up_the_wall"})

ODD_NUMBERS = [
    "1e3", " 3", "3 ", "03", "3.", ".5", "-0", "-1", "+2", "nan", "inf", "1_0", "٣", "", "4,5",
    "10.0", "0.0", "5", "80", "80.0000000001", "4.99999", "24", "24.5", "200000", "200001",
]  # fmt: skip
ODD_DATES = [
    "2026-11-21", "2026-11-22", "2026-11-23", "2026-1-5", "21.11.2026", "2026-02-30",
    " 2026-11-21", "2026-11-21T00:00", "20261121", "1899-12-31", "1900-01-01", "0000-01-01",
]  # fmt: skip


def _spec(name: str) -> Value:
    return ENTRY_VALUES.get(name) or MEASURE_VALUES[name]


# ------------------------------------------------------------------------------ the inputs


def _spelling(name: str) -> st.SearchStrategy[Any]:
    """An ordinary spelling of a valid value, as ``log`` and ``done`` pass it on."""
    spec = _spec(name)
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is Swelling:
        return st.sampled_from([s.value for s in Swelling])
    if spec.kind is str:
        return st.text(max_size=200).filter(lambda t: t.isascii() or max(t) < "\ud800")
    assert spec.low is not None and spec.high is not None
    low = spec.low + 1 if spec.above else spec.low
    whole = st.integers(min_value=low, max_value=spec.high).map(str)
    if spec.kind is int:
        return whole
    tenths = st.integers(min_value=low * 10, max_value=spec.high * 10 - 1)
    return whole | tenths.map(lambda t: f"{t // 10}.{t % 10}")


def _number_text(spec: Value) -> st.SearchStrategy[Any]:
    """Numbers as typed or not: on and around the limits, ordinary spellings and odd ones."""
    whole = st.integers(min_value=-5, max_value=250_000).map(str)
    decimal = st.builds(
        lambda i, frac, digits: f"{i}.{str(frac).zfill(digits)[:digits]}",
        st.integers(min_value=0, max_value=2000),
        st.integers(min_value=0, max_value=10**9),
        st.integers(min_value=1, max_value=9),
    )
    other = st.one_of(
        st.integers(-3, 30),
        st.floats(-1, 100),
        st.booleans(),
        st.text("0123456789.-e+ _", max_size=8),
    )
    edges = [
        f"{edge}{tail}"
        for limit in (spec.low, spec.high)
        if limit is not None
        for edge in (limit - 1, limit, limit + 1)
        for tail in ("", ".0", ".5", ".000000001")
    ]
    return st.one_of(whole, decimal, st.sampled_from([*ODD_NUMBERS, *edges]), other)


def _odd(name: str) -> st.SearchStrategy[Any]:
    """Any value, valid or not, of the right type or not."""
    spec = _spec(name)
    if spec.kind is bool:
        return st.sampled_from([True, False, "y", "yes", "true", 1, 0, "maybe"])
    if spec.kind is Swelling:
        return st.sampled_from(["none", "left", "LEFT", "one_leg", Swelling.LEFT, 2])
    if spec.kind is str:
        return st.one_of(
            st.text(max_size=40),
            st.sampled_from(["x" * 2000, "y" * 2001, "caf\udce9", "ok\x00", "😀" * 1000]),
            st.integers(),
        )
    return _number_text(spec)


def _days() -> st.SearchStrategy[Any]:
    near = st.integers(min_value=-400, max_value=4).map(lambda n: TODAY + dt.timedelta(days=n))
    return st.one_of(near, near.map(dt.date.isoformat), st.sampled_from(ODD_DATES))


ordinary_days = st.integers(-30, 1).map(lambda n: TODAY + dt.timedelta(days=n))
ordinary_entries = st.fixed_dictionaries(
    {"date": ordinary_days.map(dt.date.isoformat), "part": st.sampled_from(["morning", "evening"])},
    optional={name: _spelling(name) for name in ENTRY_VALUE_FIELDS},
)
odd_entries = st.fixed_dictionaries(
    {
        "date": _days(),
        "part": st.sampled_from(["morning", "evening", "Morning", "noon", Part.EVENING]),
    },
    optional={
        **{name: st.none() | _odd(name) for name in ENTRY_VALUE_FIELDS},
        "colour": st.just("red"),
    },
)
mixed_entries = st.fixed_dictionaries(
    {"date": _days(), "part": st.sampled_from(["morning", "evening"])},
    optional={name: _spelling(name) | _spelling(name) | _odd(name) for name in ENTRY_VALUE_FIELDS},
)
entries = ordinary_entries | odd_entries | mixed_entries
"""Ordinary spellings, odd ones, and ordinary entries with a few odd values."""

zones = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=14))]
)
ordinary_times = st.none() | st.builds(
    lambda day, minute, tz: dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(minutes=minute),
    st.integers(-5, 1).map(lambda n: TODAY + dt.timedelta(days=n)),
    st.integers(0, 1439),
    zones,
)
times = st.one_of(
    ordinary_times,
    st.builds(
        lambda n: dt.datetime.combine(TODAY, dt.time(8), dt.UTC) + dt.timedelta(days=n),
        st.integers(1, 4),
    ),
    st.just(dt.datetime.combine(TODAY, dt.time(8))),  # no time zone
    st.sampled_from([dt.datetime(1, 1, 2, tzinfo=dt.UTC), "08:00", "2026-11-21T08:00:00Z"]),
)
ids = st.sampled_from([*sorted(KNOWN), "ankle_pump", "Ankle Pumps", "a" * 65, "ok\n", 3])
ordinary_measures = st.fixed_dictionaries(
    {"measure": st.sampled_from(sorted(KNOWN)), "date": ordinary_days},
    optional={name: _spelling(name) for name in ("minutes", "reps")} | {"at": ordinary_times},
)
odd_measures = st.fixed_dictionaries(
    {"measure": ids},
    optional={
        "date": _days(),
        "minutes": st.none() | _odd("minutes"),
        "reps": st.none() | _odd("reps"),
        "at": times,
        "source": st.sampled_from(["manual", "session", "watch", None]),
        "colour": st.just("red"),
    },
)
measures = ordinary_measures | odd_measures


def _outcome(parse: Any, data: dict[str, Any], **kw: Any) -> Any:
    try:
        return parse(data, **kw)
    except DiaryInputError:
        return None


def _typed(values: dict[str, Any]) -> list[tuple[str, type, Any]]:
    return [(name, type(value), value) for name, value in values.items()]


# ---------------------------------------------------------------------------- the oracle


@settings(max_examples=800, deadline=None)
@given(entries)
def test_an_entry_checked_plainly_is_what_the_model_gives(data: dict[str, Any]) -> None:
    plain = plain_entry(data, today=TODAY)
    model = _outcome(parse_entry, data, today=TODAY)
    if plain is None:
        return  # the model decides (and words any refusal)
    assert model is not None, (data, plain)
    assert (type(plain.date), plain.date, plain.part) == (dt.date, model.date, model.part)
    assert type(plain.part) is type(model.part)
    assert _typed(plain.recorded()) == _typed(model.recorded())


@settings(max_examples=300, deadline=None)
@given(ordinary_entries)
def test_an_entry_typed_the_ordinary_way_is_checked_plainly(data: dict[str, Any]) -> None:
    plain = plain_entry(data, today=TODAY)
    assert plain is not None, data
    model = parse_entry(data, today=TODAY)
    assert (plain.date, plain.part) == (model.date, model.part)
    assert _typed(plain.recorded()) == _typed(model.recorded())


@settings(max_examples=800, deadline=None)
@given(measures, st.none() | st.just(KNOWN), st.none() | st.just(NOW))
def test_a_measure_done_checked_plainly_is_what_the_model_gives(
    data: dict[str, Any], known: frozenset[str] | None, now: dt.datetime | None
) -> None:
    kw: dict[str, Any] = {"today": TODAY, "known": known, "now": now}
    plain = plain_measure_done(data, **kw)
    model = _outcome(parse_measure_done, data, **kw)
    if plain is None:
        return
    assert model is not None, (data, plain)
    names = ("measure", "date", "minutes", "reps", "source", "at")
    assert [getattr(plain, n) for n in names] == [getattr(model, n) for n in names]
    assert [type(getattr(plain, n)) for n in names] == [type(getattr(model, n)) for n in names]
    assert (plain.at and plain.at.utcoffset()) == (model.at and model.at.utcoffset())


@settings(max_examples=300, deadline=None)
@given(ordinary_measures)
def test_a_measure_done_typed_the_ordinary_way_is_checked_plainly(data: dict[str, Any]) -> None:
    plain = plain_measure_done(data, today=TODAY, known=KNOWN, now=NOW)
    assert plain is not None, data
    model = parse_measure_done(data, today=TODAY, known=KNOWN, now=NOW)
    names = ("measure", "date", "minutes", "reps", "source", "at")
    assert [getattr(plain, n) for n in names] == [getattr(model, n) for n in names]


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2026-11-21", "part": "evening", "heaviness": "11"},
        {"date": "2026-11-23", "part": "evening", "heaviness": "3"},
        {"date": "2026-11-21", "part": "noon", "heaviness": "3"},
        {"date": "2026-11-21", "part": "evening", "heaviness": "3", "colour": "red"},
        {"date": "2026-11-21", "part": "evening", "note": "x" * 2001},
        {"date": "2026-11-21", "part": "evening", "note": "caf\udce9"},  # undecodable argv
        {"date": "2026-11-21", "part": "evening", "ankle_left_cm": "4.9"},
        {"part": "evening", "heaviness": "3"},
    ],
)
def test_a_refused_entry_is_left_to_the_model(data: dict[str, Any]) -> None:
    assert plain_entry(data, today=TODAY) is None
    with pytest.raises(DiaryInputError):
        parse_entry(data, today=TODAY)


def test_an_unknown_measure_is_left_to_the_model_which_suggests_the_ids_meant() -> None:
    data = {"measure": "ankle_pump", "date": TODAY, "reps": "10"}
    assert plain_measure_done(data, today=TODAY, known=KNOWN) is None
    with pytest.raises(DiaryInputError, match="did you mean ankle_pumps"):
        parse_measure_done(data, today=TODAY, known=KNOWN)


# ------------------------------------------------------------------------------- one home


def test_the_models_take_kinds_and_limits_from_the_tables() -> None:
    """A kind changed in the model and not in the table (or back) fails here."""
    assert tuple(EntryIn.model_fields) == ("date", "part", *ENTRY_VALUE_FIELDS)
    assert tuple(MeasureDoneIn.model_fields) == MEASURE_DONE_FIELDS
    for model, table in ((EntryIn, ENTRY_VALUES), (MeasureDoneIn, MEASURE_VALUES)):
        for name, spec in table.items():
            info = model.model_fields[name]
            assert info.annotation in (spec.kind, spec.kind | None), (name, info.annotation)
            if spec.kind in (int, float):
                assert _bounds(model, name) == (spec.low, spec.high, spec.above), name
            lengths = [getattr(m, "max_length", None) for m in info.metadata]
            assert [n for n in lengths if n is not None] == [spec.max_length] * bool(
                spec.max_length
            ), name


def test_checked_takes_the_plain_check_when_sure_and_the_model_otherwise() -> None:
    ordinary = {"date": "2026-11-21", "part": "morning", "heaviness": "3"}
    assert isinstance(checked_entry(ordinary, today=TODAY), PlainEntry)
    assert isinstance(checked_entry({**ordinary, "heaviness": 3}, today=TODAY), EntryIn)
    with pytest.raises(DiaryInputError) as refused:
        checked_entry({**ordinary, "heaviness": "11"}, today=TODAY)
    with pytest.raises(DiaryInputError) as by_model:
        parse_entry({**ordinary, "heaviness": "11"}, today=TODAY)
    assert refused.value.problems == by_model.value.problems
    done = {"measure": "ankle_pumps", "date": "2026-11-21", "reps": "10"}
    assert isinstance(
        checked_measure_done(done, today=TODAY, known=KNOWN, now=NOW), PlainMeasureDone
    )
    with pytest.raises(DiaryInputError) as unknown:
        checked_measure_done({**done, "measure": "ankle_pump"}, today=TODAY, known=KNOWN)
    assert "unknown measure 'ankle_pump'" in unknown.value.problems[0]
