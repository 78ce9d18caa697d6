"""Any valid answers survive QuestionnaireResponse and back (hypothesis, answers from the schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings

from heavylegs.reports.fhir import questionnaire_items, questionnaire_response
from heavylegs.reports.fhir_import import read_response
from tests.assessment.strategies import answers_documents

AT = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
ITEMS = {i["linkId"]: i for i in questionnaire_items()}


def without_empty_sections(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not (isinstance(v, dict) and not v)}


@settings(max_examples=150, deadline=None)
@given(answers_documents)
def test_answers_round_trip(answers: dict[str, Any]) -> None:
    resource = questionnaire_response(answers, AT, ITEMS, "key", {"reference": "Patient/p"})
    assert {item["linkId"] for item in resource["item"]} <= set(ITEMS)
    when, back = read_response(resource, "$.entry[0].resource", ITEMS)
    assert when == AT
    assert back == without_empty_sections(answers)
