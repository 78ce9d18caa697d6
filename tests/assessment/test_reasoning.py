"""The engine writes the assessment document itself (``reasoning.assess_flat``); pydantic's own
dump of the models is the oracle for its fields, their order and their values, and
``result.from_document`` must give back models equal to pydantic's validation of it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from pydantic_core import to_json

from heavylegs.assessment.compiled import compile_knowledge, static_models
from heavylegs.assessment.engine import assess, assess_document
from heavylegs.assessment.result import Assessment, from_document
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from tests.assessment.strategies import answers_documents
from tests.assessment.test_fast_answers import _documents, _pydantic


def _valid() -> list[dict[str, Any]]:
    """The examples, vignettes and cases whose answers are valid (some cases expect errors)."""
    return [d for d in _documents() if _pydantic(d) is not None]


def _check(data: dict[str, Any]) -> None:
    answers = parse_answers(data)
    doc = assess_document(answers)
    oracle = Assessment.model_validate(doc)
    # the same text: the same fields in the models' order, the same values and types
    assert json.dumps(doc) == json.dumps(oracle.model_dump(mode="json"))
    built = assess(answers)
    assert built == oracle
    assert built.model_dump(mode="json") == doc
    assert from_document(doc) == oracle  # without the prepared models: built afresh
    assert to_json(doc) == oracle.model_dump_json().encode()  # the API's bytes


def test_every_example_vignette_and_case_is_pydantics_document() -> None:
    documents = _valid()
    assert len(documents) > 50
    levels = set()
    for data in documents:
        _check(data)
        levels.add(assess_document(parse_answers(data))["triage"]["level"])
    assert levels == {"emergency", "urgent", "routine", "self_care"}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(answers_documents)
def test_any_valid_answers_give_pydantics_document(data: dict[str, Any]) -> None:
    _check(data)


def test_static_items_are_the_prepared_models() -> None:
    compiled = compile_knowledge(load_knowledge())
    known = static_models(compiled)
    assert static_models(compiled) is known  # built once
    assert len(known) >= len(compiled.items) + len(compiled.reasons)
    emergency = next(
        d for d in _valid() if assess_document(parse_answers(d))["triage"]["level"] == "emergency"
    )
    doc = assess_document(parse_answers(emergency))
    models = from_document(doc, known)
    assert models.triage.reasons[0] is known[id(doc["triage"]["reasons"][0])]
    assert from_document(doc) == models


def test_a_dent_or_sock_marks_with_the_swelling_question_skipped_is_swelling() -> None:
    """People notice swelling as a dent that stays or deep sock marks first: with the swelling
    question skipped, those answers make the legs swollen for every rule; a plain "none" wins."""
    from heavylegs.assessment.derived import derive

    for mark in ("symptoms.swelling_pits_when_pressed", "symptoms.sock_marks"):
        assert derive({mark: True})["swollen"] is True
        assert derive({mark: False})["swollen"] is False
        assert derive({mark: True, "symptoms.swelling": "none"})["swollen"] is False
    doc = {
        "schema_version": 1,
        "about": {"age": 45},
        "symptoms": {"legs": "both", "heaviness": 4, "sock_marks": True},
        "whole_body": {"frothy_urine": True},
    }
    ids = [r.id for r in assess(parse_answers(doc), load_knowledge()).triage.reasons]
    assert "kidney_swelling" in ids
