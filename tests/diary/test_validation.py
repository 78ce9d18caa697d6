"""Diary input is checked before it is stored, and every problem names its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from heavylegs.diary.validation import DiaryInputError, parse_entry, parse_measure_done

TODAY = dt.date(2026, 11, 21)


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(DiaryInputError) as info:
        parse_entry(data, today=TODAY)
    return info.value.problems


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("heaviness", 11, "heaviness: must be between 0 and 10 (got 11)"),
        ("heaviness", -1, "heaviness: must be between 0 and 10 (got -1)"),
        ("heaviness", "heavy", "heaviness: must be a whole number (got 'heavy')"),
        ("heaviness", "3.5", "heaviness: must be a whole number (got '3.5')"),
        (
            "ankle_left_cm",
            "24,5",
            "ankle_left_cm: must be a number with a dot for decimals, e.g. 24.5",
        ),
        ("ankle_left_cm", -3, "ankle_left_cm: must be between 5 and 80 (got -3)"),
        ("ankle_right_cm", 0, "ankle_right_cm: must be between 5 and 80 (got 0)"),
        ("ankle_right_cm", 230, "ankle_right_cm: must be between 5 and 80 (got 230)"),
        ("date", "2026-11-23", "date: must not be after tomorrow (2026-11-22)"),
        ("date", "21.11.2026", "date: must be a date YYYY-MM-DD"),
        ("part", "noon", "part: must be one of 'morning' or 'evening' (got 'noon')"),
        ("swelling", "one_leg", "swelling: must be one of"),
        ("cramps", 2.5, "cramps: input should be a valid integer"),
        ("sleep_h", 25, "sleep_h: must be between 0 and 24 (got 25)"),
        ("water_l", -0.5, "water_l: must be between 0 and 15 (got -0.5)"),
        ("colour", "red", "colour: unknown field"),
    ],
)
def test_each_bad_value_names_its_field(field: str, value: Any, message: str) -> None:
    data = {"date": "2026-11-21", "part": "evening", "heaviness": 4, field: value}
    found = problems(data)
    assert len(found) == 1
    assert found[0].startswith(message), found


def test_all_problems_are_reported_at_once() -> None:
    found = problems(
        {"date": "2027-01-01", "part": "evening", "heaviness": 11, "ankle_left_cm": -3}
    )
    assert [p.split(":")[0] for p in found] == ["date", "heaviness", "ankle_left_cm"]


def test_tomorrow_is_allowed_the_day_after_is_not() -> None:
    assert parse_entry({"date": "2026-11-22", "part": "morning", "heaviness": 3}, today=TODAY)
    assert problems({"date": "2026-11-23", "part": "morning", "heaviness": 3})


def test_missing_date_and_part_are_required() -> None:
    assert problems({"heaviness": 3}) == ["date: required", "part: required"]


def test_recorded_lists_only_given_values() -> None:
    entry = parse_entry(
        {"date": TODAY, "part": "morning", "heaviness": 0, "sock_marks": False}, today=TODAY
    )
    assert entry.recorded() == {"heaviness": 0, "sock_marks": False}


def test_measure_ids_are_checked_against_the_known_ones() -> None:
    known = frozenset({"ankle_pumps", "calf_raises"})
    ok = parse_measure_done(
        {"measure": "ankle_pumps", "date": TODAY, "reps": 20}, today=TODAY, known=known
    )
    assert ok.reps == 20
    with pytest.raises(DiaryInputError) as info:
        parse_measure_done({"measure": "ankle_pump", "date": TODAY}, today=TODAY, known=known)
    assert info.value.problems == [
        "measure: unknown measure 'ankle_pump' (did you mean ankle_pumps?)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": 0}, "minutes: must be more than 0 and at most 1440 (got 0)"),
        ({"reps": 0}, "reps: must be between 1 and 10000 (got 0)"),
        ({"date": "2026-12-01"}, "date: must not be after tomorrow"),
        ({"measure": "Ankle Pumps"}, "measure: must be a lowercase id"),
        ({"at": dt.datetime(2026, 11, 21, 8)}, "at: must include a time zone"),
    ],
)
def test_bad_measures_done_name_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(DiaryInputError) as info:
        parse_measure_done({"measure": "walking", "date": TODAY, **data}, today=TODAY)
    assert info.value.problems[0].startswith(message), info.value.problems


@pytest.mark.parametrize("blank", ["", " ", "\u3000\n", "\u200b", "\ufeff\u200d "])
def test_a_blank_note_is_no_note_for_the_model_and_the_plain_check(blank: str) -> None:
    """The API, the web form and ``edit`` read through ``parse_entry``; ``log`` through
    ``plain_entry``: a blank note is ``None`` (not recorded, or cleared by an edit) in both."""
    from heavylegs.diary.plain_input import plain_entry

    data = {"date": "2026-11-20", "part": "evening", "heaviness": "3", "note": blank}
    assert parse_entry(data, today=dt.date(2026, 11, 21)).note is None
    plain = plain_entry(data, today=dt.date(2026, 11, 21))
    assert plain is not None and plain.recorded() == {"heaviness": 3}


def test_negative_zero_is_zero() -> None:
    """``--sleep-h -0`` was kept as -0.0 and echoed "sleep -0.0 h"."""
    import math

    entry = parse_entry({"date": "2026-11-20", "part": "morning", "heaviness": 3,
                         "sleep_h": "-0", "water_l": -0.0}, today=TODAY)  # fmt: skip
    assert entry.sleep_h == 0.0 and math.copysign(1, entry.sleep_h) == 1.0
    assert entry.water_l is not None and math.copysign(1, entry.water_l) == 1.0
