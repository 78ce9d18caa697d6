"""The pydantic input model is exactly the JSON schema: same fields, enums, ranges, requirements."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from heavylegs.assessment.answers import SECTIONS, Answers
from heavylegs.assessment.validation import AnswersError, parse_answers
from tests.assessment.strategies import SCHEMA, answers_documents

VALIDATOR = Draft202012Validator(SCHEMA)


def _unwrap(annotation: Any) -> tuple[str, frozenset[Any] | None]:
    """(json type, enum) of a model annotation."""
    kind = "scalar"
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is list:
            kind = "array"
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Literal:
            return (kind if kind == "array" else "enum", frozenset(typing.get_args(annotation)))
        else:
            names = {bool: "boolean", int: "integer", float: "number"}
            return (kind if kind == "array" else names[annotation], None)


def _bounds(info: Any) -> tuple[Any, Any]:
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def test_top_level_matches() -> None:
    assert SCHEMA["additionalProperties"] is False
    assert set(SCHEMA["properties"]) == set(Answers.model_fields)
    assert set(SCHEMA["required"]) == {
        n for n, f in Answers.model_fields.items() if f.is_required()
    }
    assert Answers.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_section_matches(section: str) -> None:
    node = SCHEMA["properties"][section]
    model = SECTIONS[section]
    assert node["additionalProperties"] is False and model.model_config.get("extra") == "forbid"
    assert set(node["properties"]) == set(model.model_fields), "same field names"
    assert set(node.get("required", [])) == {
        n for n, f in model.model_fields.items() if f.is_required()
    }
    for name, prop in node["properties"].items():
        info = model.model_fields[name]
        kind, choices = _unwrap(info.annotation)
        if "enum" in prop:
            assert kind == "enum" and choices == frozenset(prop["enum"]), name
        elif prop["type"] == "array":
            assert kind == "array" and choices == frozenset(prop["items"]["enum"]), name
        else:
            assert kind == prop["type"], f"{section}.{name}: {kind} != {prop['type']}"
        if "minimum" in prop or "maximum" in prop:
            assert _bounds(info) == (prop.get("minimum"), prop.get("maximum")), name


def test_examples_in_the_spec_are_valid(shared: Any) -> None:
    for path in sorted((shared / "spec" / "examples").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert VALIDATOR.is_valid(doc), path.name
        parse_answers(doc)


def _pydantic_ok(doc: Any) -> bool:
    try:
        parse_answers(doc)
    except AnswersError:
        return False
    return True


MUTATIONS = st.sampled_from(
    [
        ("symptoms", "heaviness", 11),
        ("symptoms", "heaviness", -1),
        ("symptoms", "heaviness", "5"),
        ("symptoms", "legs", "middle"),
        ("symptoms", "swelling", None),
        ("symptoms", "when", ["at_night", "at_night"]),
        ("symptoms", "calf_tender_to_touch", "yes"),
        ("symptoms", "calf_tender_to_touch", 1),
        ("about", "age", 5),
        ("about", "age", True),
        ("about", "sexx", "female"),
        ("lifestyle", "bmi", 90),
        ("running", "cadence_spm", 30),
        ("whole_body", "weight_gain_kg_last_week", -0.5),
        ("history", "conditions", ["gout"]),
        ("tried", "improving", "maybe"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(answers_documents, MUTATIONS, st.booleans())
def test_the_model_and_the_schema_agree(doc: dict[str, Any], mutation: Any, mutate: bool) -> None:
    if mutate:
        section, name, value = mutation
        doc = json.loads(json.dumps(doc))
        doc.setdefault(section, {})[name] = value
    assert VALIDATOR.is_valid(doc) == _pydantic_ok(doc), doc
