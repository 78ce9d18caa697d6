"""``dump_json`` against its oracle, pydantic's ``model_dump(mode="json")``: the same document
(compared as JSON text, so 3 and 3.0 differ), for every result and answers the engine sees, and
pydantic's own answer whenever a value is not exactly what its field declares."""

from __future__ import annotations

import json
import warnings
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ConfigDict, field_serializer

from heavylegs.assessment.dump import dump_json
from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import CauseResult, Reason, Triage, trusted
from heavylegs.assessment.shapes import Unsupported, fields_of
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import Urgency
from tests.assessment.strategies import answers_documents
from tests.assessment.test_fast_answers import _documents, _pydantic


def text(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def assert_dumps_alike(model: BaseModel, **options: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns about values of another type
        expected = model.model_dump(mode="json", **options)
        found = dump_json(model, **options)
    assert text(found) == text(expected)


def test_every_example_vignette_and_case_dumps_as_pydantic_does() -> None:
    checked = 0
    for doc in _documents():
        if _pydantic(doc) is None:
            continue
        answers = parse_answers(doc)
        result = assess(answers)
        assert_dumps_alike(result)
        assert_dumps_alike(answers, exclude_none=True)
        assert_dumps_alike(answers)
        checked += 1
    assert checked > 50


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(answers_documents)
def test_any_answers_and_their_result_dump_as_pydantic_does(doc: dict[str, Any]) -> None:
    answers = parse_answers(doc)
    assert_dumps_alike(answers, exclude_none=True)
    assert_dumps_alike(assess(answers))


CAUSE = {
    "id": "x",
    "likelihood": 0.5,
    "why": ["a"],
    "sources": ["s"],
    "title": "t",
    "against": [],
    "criteria": None,
}


class _Level(StrEnum):
    URGENT = "urgent"


@pytest.mark.parametrize(
    "changes",
    [
        {"likelihood": 1},  # an int in a float field: pydantic writes 1.0
        {"likelihood": float("inf")},  # pydantic writes null
        {"likelihood": float("nan")},
        {"id": Urgency.URGENT},  # an enum member in a str field
        {"why": ("a",)},  # a tuple in a list field
        {"why": [1]},
        {"title": None},  # None in a field that is not optional
        {"criteria": "x"},
    ],
)
def test_values_of_another_type_are_dumped_by_pydantic(changes: dict[str, Any]) -> None:
    assert_dumps_alike(trusted(CauseResult, **{**CAUSE, **changes}))


def test_an_enum_is_dumped_by_its_value_and_a_foreign_member_by_pydantic() -> None:
    triage = trusted(Triage, level=Urgency.EMERGENCY, headline="h", reasons=[])
    assert dump_json(triage)["level"] == "emergency"
    assert_dumps_alike(triage)
    assert_dumps_alike(trusted(Triage, level=_Level.URGENT, headline="h", reasons=[]))


def test_a_missing_field_or_an_extra_is_dumped_by_pydantic() -> None:
    reason = Reason.model_construct(id="r", message="m")  # sources missing
    assert_dumps_alike(reason)

    class Open(BaseModel):
        model_config = ConfigDict(extra="allow")
        name: str

    assert_dumps_alike(Open(name="a", more=1))  # type: ignore[call-arg]


class _Serialized(BaseModel):
    name: str

    @field_serializer("name")
    def _upper(self, value: str) -> str:
        return value.upper()


def test_a_model_with_its_own_serializer_is_dumped_by_pydantic() -> None:
    with pytest.raises(Unsupported):
        fields_of(_Serialized)
    assert dump_json(_Serialized(name="a")) == {"name": "A"}
