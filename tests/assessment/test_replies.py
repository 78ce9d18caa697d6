"""The one reply parser both faces use: what typed text and form values become."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heavylegs.assessment.questionnaire import QUESTIONS, Kind, Question
from heavylegs.assessment.replies import (
    NONE_OF_THESE,
    Problem,
    ReplyError,
    bounds_text,
    parse_reply,
)

BY_PATH = {q.path: q for q in QUESTIONS}
NUMBERS = [q for q in QUESTIONS if q.kind is Kind.NUMBER]


@pytest.mark.parametrize(
    ("path", "reply", "value"),
    [
        ("symptoms.calf_tender_to_touch", " Yes ", True),
        ("symptoms.calf_tender_to_touch", "n", False),
        ("symptoms.calf_tender_to_touch", "", None),
        ("symptoms.legs", "3", "right"),
        ("symptoms.legs", "Left", "left"),
        ("symptoms.when", "2,1 2", ["after_standing", "end_of_day"]),
        ("symptoms.when", ["at_night", "at_night", ""], ["at_night"]),
        ("symptoms.when", "-", []),
        ("symptoms.when", [NONE_OF_THESE], []),
        ("symptoms.when", [], None),
        ("symptoms.when", "  ", None),
        ("symptoms.heaviness", "7.0", 7),
        ("symptoms.heaviness", ["7"], 7),
        ("lifestyle.water_liters_per_day", "1,5", 1.5),
        ("lifestyle.water_liters_per_day", "1.234", 1.23),
        ("lifestyle.water_liters_per_day", "2.999", 3),
        ("running.resting_hr_rise_bpm", "-4", -4),
        ("lifestyle.walks_minutes_per_day", "1 000", 1000),
    ],
)
def test_replies(path: str, reply: str | list[str], value: Any) -> None:
    parsed = parse_reply(BY_PATH[path], reply)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("path", "reply", "problem"),
    [
        ("symptoms.calf_tender_to_touch", "maybe", Problem.YES_OR_NO),
        ("symptoms.legs", "4", Problem.CHOICE),
        ("symptoms.legs", "middle", Problem.CHOICE),
        ("symptoms.when", ["at_night", "at_noon"], Problem.CHOICE),
        ("symptoms.when", "none 2", Problem.NONE_AND_SOME),
        ("symptoms.when", [NONE_OF_THESE, "at_night"], Problem.NONE_AND_SOME),
        ("symptoms.heaviness", "4.5", Problem.WHOLE_NUMBER),
        ("symptoms.heaviness", "11", Problem.RANGE),
        ("lifestyle.sleep_hours", "-0.001", Problem.RANGE),
        ("lifestyle.sleep_hours", "lots", Problem.NUMBER),
        ("lifestyle.sleep_hours", "nan", Problem.NUMBER),
        ("lifestyle.sleep_hours", "Infinity", Problem.NUMBER),
        ("symptoms.heaviness", "-inf", Problem.NUMBER),
    ],
)
def test_refusals_say_why(path: str, reply: str | list[str], problem: Problem) -> None:
    with pytest.raises(ReplyError) as caught:
        parse_reply(BY_PATH[path], reply)
    assert caught.value.problem is problem and caught.value.question.path == path


def test_bounds_text() -> None:
    assert bounds_text(BY_PATH["running.resting_hr_rise_bpm"]) == "between -40 and 60"


@given(data=st.data())
def test_a_stored_number_shows_back_as_itself(data: st.DataObject) -> None:
    """Two decimals, so what the wizard's number box (``%g``) shows is what was stored and
    sending the form again changes nothing."""
    question: Question = data.draw(st.sampled_from(NUMBERS))
    assert question.minimum is not None and question.maximum is not None
    number = data.draw(st.floats(question.minimum, question.maximum))
    value = parse_reply(question, repr(number))
    assert value == round(number, 2)
    assert isinstance(value, int) == float(value).is_integer()
    assert parse_reply(question, f"{value:g}") == value
