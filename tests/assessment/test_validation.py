"""Bad answers are refused with one message per problem, each naming its field path."""

from __future__ import annotations

import json

import pytest

from heavylegs.assessment.validation import (
    MAX_PROBLEMS,
    AnswersError,
    parse_answers,
    parse_answers_json,
)


def problems(doc: object) -> list[str]:
    with pytest.raises(AnswersError) as info:
        parse_answers(doc)
    return info.value.problems


def test_range_message_names_field_and_bounds() -> None:
    assert problems({"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 11}}) == [
        "symptoms.heaviness: must be between 0 and 10"
    ]


def test_every_problem_is_reported_once_in_document_order() -> None:
    found = problems(
        {
            "schema_version": 1,
            "about": {"age": 200, "colour": "blue"},
            "symptoms": {"legs": "middle", "when": ["at_night", "at_night"]},
        }
    )
    assert found == [
        "about.age: must be between 12 and 110",
        "about.colour: is not a known field",
        "symptoms.legs: must be one of both, left or right",
        "symptoms.when: must not repeat a choice",
    ]


def test_list_positions_are_in_number_order_and_a_flood_is_cut_short() -> None:
    found = problems({"schema_version": 1, "symptoms": {"legs": "both", "when": [7] * 12}})
    assert [line.split(":")[0] for line in found] == [f"symptoms.when[{i}]" for i in range(12)]
    flood = problems({"schema_version": 1, "symptoms": {"legs": "both", "when": [7] * 5000}})
    assert len(flood) == MAX_PROBLEMS + 1
    assert flood[0].startswith("symptoms.when[0]:") and flood[-2].startswith("symptoms.when[49]:")
    assert flood[-1] == f"(document): {5000 - MAX_PROBLEMS} more problems not shown"


def test_missing_and_wrong_types() -> None:
    assert problems({"symptoms": {}}) == [
        "schema_version: is required",
        "symptoms.legs: is required",
    ]
    assert problems({"schema_version": 1, "symptoms": {"legs": "left", "weakness": "yes"}}) == [
        "symptoms.weakness: must be true or false"
    ]
    assert problems(
        {"schema_version": 1, "symptoms": {"legs": "left"}, "tried": {"weeks": "4"}}
    ) == ["tried.weeks: must be a number"]
    assert problems({"schema_version": 1, "symptoms": {"legs": "left", "when": ["dawn"]}}) == [
        "symptoms.when[0]: must be one of end_of_day, after_standing, after_sitting, "
        "during_running, while_walking, after_exercise, at_night, at_rest_evening, in_heat or constant"
    ]


def test_not_an_object_and_not_json() -> None:
    assert problems([1, 2])[0].startswith("(document): must be a JSON object")
    with pytest.raises(AnswersError) as info:
        parse_answers_json(b'{"schema_version": 1,')
    assert info.value.problems[0].startswith("(document): not valid JSON")
    with pytest.raises(AnswersError) as info:
        parse_answers_json(b"\xff\xfe")
    assert info.value.problems[0].startswith("(document):")


def test_omitted_means_unknown_not_no() -> None:
    answers = parse_answers({"schema_version": 1, "symptoms": {"legs": "both"}})
    assert answers.symptoms.calf_tender_to_touch is None
    assert answers.whole_body is None


def test_null_is_refused_with_the_field_named() -> None:
    assert problems({"schema_version": 1, "symptoms": {"legs": "both", "swelling": None}}) == [
        "symptoms.swelling: must not be null (leave it out for 'unknown')"
    ]
    assert problems({"schema_version": 1, "symptoms": {"legs": "both"}, "about": None}) == [
        "about: must not be null (leave it out for 'unknown')"
    ]


def test_checked_answers_are_the_parsed_answers_documents() -> None:
    """``checked_answers`` (the API's reading) gives what ``parse_answers`` then ``dump_json``
    and ``flatten`` give, by the plain reader or through pydantic, and pydantic's problems."""
    from heavylegs.assessment.dump import dump_json
    from heavylegs.assessment.features import flatten
    from heavylegs.assessment.validation import checked_answers
    from tests.assessment.test_fast_answers import _documents

    valid = 0
    for data in _documents():
        try:
            answers = parse_answers(data)
        except AnswersError as exc:
            with pytest.raises(AnswersError) as refused:
                checked_answers(data)
            assert refused.value.problems == exc.problems
            continue
        valid += 1
        doc, flat = checked_answers(data)
        assert json.dumps(doc) == json.dumps(dump_json(answers, exclude_none=True))
        assert flat == flatten(answers)
    assert valid > 50
    # a value the plain reader leaves to pydantic (a bool where a number is wanted is refused)
    with pytest.raises(AnswersError, match=r"symptoms\.heaviness"):
        checked_answers({"schema_version": 1, "symptoms": {"legs": "both", "heaviness": True}})
