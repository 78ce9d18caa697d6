"""Each kind of wrong answer gets its own plain message naming the field, for the CLI, the web
form and the API alike: a person must be able to fix the one thing that is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from heavylegs.assessment.validation import (
    AnswersError,
    _describe,
    parse_answers,
    parse_answers_json,
)

LEGS = {"legs": "both"}


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(AnswersError) as info:
        parse_answers({"schema_version": 1, **doc})
    return info.value.problems


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"symptoms": "heavy"}, "symptoms: must be an object"),
        ({"symptoms": LEGS, "about": {"age": "40"}}, "about.age: must be a whole number"),
        ({"symptoms": {**LEGS, "heaviness": 3.5}}, "symptoms.heaviness: must be a whole number"),
        ({"symptoms": LEGS, "lifestyle": {"bmi": "23"}}, "lifestyle.bmi: must be a number"),
        ({"symptoms": {**LEGS, "when": "constant"}}, "symptoms.when: must be a list"),
        (
            {"symptoms": {**LEGS, "when": ["constant", "constant"]}},
            "symptoms.when: must not repeat a choice",
        ),
        (
            {"symptoms": LEGS, "lifestyle": {"sleep_hours": 25.0}},
            "lifestyle.sleep_hours: must be between 0 and 24",
        ),
    ],
)
def test_each_kind_of_wrong_answer_has_its_message(doc: dict[str, Any], expected: str) -> None:
    assert problems(doc) == [expected]


def test_json_that_is_not_json_is_one_document_problem() -> None:
    with pytest.raises(AnswersError) as info:
        parse_answers_json(b'{"schema_version": 1, "symptoms": {')
    (line,) = info.value.problems
    assert line.startswith("(document): not valid JSON")
    assert parse_answers_json(b'{"schema_version": 1, "symptoms": {"legs": "left"}}').symptoms


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        # a bound on a field outside the sections (no pair of bounds to quote): one side only
        (
            {"type": "greater_than_equal", "loc": ("extra", "x", "y"), "ctx": {"ge": 3}},
            "extra.x.y: must be at least 3",
        ),
        (
            {"type": "less_than_equal", "loc": ("symptoms", "nosuch"), "ctx": {"le": 9}},
            "symptoms.nosuch: must be at most 9",
        ),
        ({"type": "string_type", "loc": ("about", "sex")}, "about.sex: must be text"),
        (
            {"type": "too_long", "loc": ("tried", "measures"), "msg": "List should have at most 2"},
            "tried.measures: list should have at most 2",
        ),
        ({"type": "missing", "loc": ()}, "(document): is required"),
    ],
)
def test_rarer_errors_still_read_as_one_plain_line(error: dict[str, Any], expected: str) -> None:
    assert _describe({"msg": "", "input": None, **error}) == expected  # type: ignore[typeddict-item]
