"""The fast answers check against its oracle, pydantic's own validation of the answer models.

It may only ever accept what pydantic accepts, and then build the very same models (values,
their types, ``model_fields_set``); on plainly valid answers it must accept, or it is no faster.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from heavylegs.assessment import fast_answers
from heavylegs.assessment.answers import SECTIONS, Answers, Strict, no_duplicates
from heavylegs.assessment.fast_answers import Unsure, fast_parse, model_parser
from heavylegs.assessment.shapes import Unsupported
from heavylegs.assessment.validation import AnswersError, parse_answers
from tests.assessment.strategies import SCHEMA, answers_documents, from_schema
from tests.conftest import SHARED

CASES = Path(__file__).parents[1] / "cases"


def _pydantic(data: Any) -> Answers | None:
    try:
        return Answers.model_validate(data)
    except ValidationError:
        return None


def assert_same(fast: Answers, slow: Answers) -> None:
    """Equal models, equal value types (``repr`` tells 3 from 3.0), equal fields set."""
    assert type(fast) is type(slow)
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert fast.model_fields_set == slow.model_fields_set
    for section in SECTIONS:
        part, other = getattr(fast, section), getattr(slow, section)
        assert (part is None) == (other is None)
        if part is not None:
            assert part.model_fields_set == other.model_fields_set
            assert list(part.__dict__) == list(other.__dict__)
    assert list(fast.__dict__) == list(slow.__dict__)
    for options in ({}, {"exclude_none": True}, {"exclude_unset": True}):
        assert fast.model_dump_json(**options) == slow.model_dump_json(**options)  # type: ignore[arg-type]


def _documents() -> list[dict[str, Any]]:
    docs = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((SHARED / "spec" / "examples").glob("*.json"))
    ]
    for path in [SHARED / "vignettes" / "dev.jsonl", *sorted(CASES.glob("*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append(json.loads(line)["answers"])
    return docs


def test_the_answer_models_are_ones_the_fast_path_knows() -> None:
    assert fast_answers.enabled()


def test_every_example_vignette_and_case_is_taken_fast_and_equal() -> None:
    docs = _documents()
    assert len(docs) > 50
    for doc in docs:
        fast, slow = fast_parse(doc), _pydantic(doc)
        if slow is None:  # a case about a refused input
            assert fast is None
        else:
            assert fast is not None, doc
            assert_same(fast, slow)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(answers_documents)
def test_valid_answers_are_taken_fast_and_equal(doc: dict[str, Any]) -> None:
    fast = fast_parse(doc)
    assert fast is not None
    assert_same(fast, Answers.model_validate(doc))


def _fields() -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = [(None, name) for name in SCHEMA["properties"]]
    for section, node in SCHEMA["properties"].items():
        found += [(section, name) for name in node.get("properties", {})]
    return found


def _near(section: str | None, name: str) -> st.SearchStrategy[Any]:
    """Values a field's schema allows, and the edges around them: its bounds, a bound crossed
    by a little, whole numbers in number fields, a repeated choice."""
    node = (
        SCHEMA["properties"][name]
        if section is None
        else (SCHEMA["properties"][section]["properties"][name])
    )
    options = [from_schema(node)]
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        options += [
            st.sampled_from([low, high, float(low), float(high), low - 1, high + 1]),
            st.sampled_from([low - 0.001, high + 0.001, (low + high) / 2, int((low + high) / 2)]),
        ]
    if node.get("type") == "array":
        options.append(from_schema(node).map(lambda items: items + items[:1]))
    return st.one_of(options)


def _choices() -> list[Any]:
    """Every choice the schema names, so a mutation often hits a near-valid value."""
    found: set[Any] = set()
    for node in SCHEMA["properties"].values():
        for field in node.get("properties", {}).values():
            found.update(field.get("enum", []))
            found.update(field.get("items", {}).get("enum", []))
    return sorted(found, key=str)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.integers(-2, 60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1, 600),
    st.sampled_from(_choices()),
    st.text(max_size=5),
    st.just(1),
    st.just(1.0),
    st.just(-0.0),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.sampled_from(_choices()), max_size=4),
        st.dictionaries(st.sampled_from(["legs", "age", "x", "when"]), inner, max_size=3),
        st.tuples(inner),
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid document with a few fields replaced, removed, or added, or not a dict at all."""
    doc: Any = json.loads(json.dumps(draw(answers_documents)))
    for _ in range(draw(st.integers(1, 3))):
        section, name = draw(st.sampled_from(_fields()))
        target = doc if section is None else doc.setdefault(section, {})
        if not isinstance(target, dict):
            continue
        action = draw(st.sampled_from(["near", "near", "near", "set", "drop", "extra", "int"]))
        if action == "drop":
            target.pop(name, None)
        elif action == "extra":
            target[draw(st.sampled_from(["colour", "Legs", "", "legs "]))] = draw(VALUES)
        elif action == "int" and isinstance(target.get(name), float):
            target[name] = int(target[name])  # a whole number in a float field: kept as float
        elif action == "near":
            target[name] = draw(_near(section, name))
        else:
            target[name] = draw(VALUES)
    return draw(st.sampled_from([doc, doc, doc, doc, [doc], None, "x"]))


@settings(max_examples=700, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_fast_path_accepts_only_what_pydantic_accepts(doc: Any) -> None:
    fast, slow = fast_parse(doc), _pydantic(doc)
    if fast is not None:
        assert slow is not None, doc
        assert_same(fast, slow)


@pytest.mark.parametrize(
    "doc",
    [
        {"schema_version": True, "symptoms": {"legs": "both"}},
        {"schema_version": 1.0, "symptoms": {"legs": "both"}},
        {"schema_version": 1, "symptoms": {"legs": "both"}, "running": {"weekly_km": True}},
        {"schema_version": 1, "symptoms": {"legs": "both"}, "running": {"weekly_km": 2**60}},
    ],
)
def test_doubtful_values_are_left_to_pydantic(doc: dict[str, Any]) -> None:
    """pydantic may accept some of these (``True`` for ``Literal[1]``); the fast path never
    decides them, so pydantic's answer stands."""
    assert fast_parse(doc) is None


def test_whole_numbers_in_number_fields_become_floats_as_in_pydantic() -> None:
    doc = {"schema_version": 1, "symptoms": {"legs": "left"}, "running": {"weekly_km": 30}}
    fast = fast_parse(doc)
    assert fast is not None and fast.running is not None
    assert type(fast.running.weekly_km) is float
    assert_same(fast, Answers.model_validate(doc))


def test_the_answers_do_not_share_the_input_lists() -> None:
    when = ["at_night"]
    fast = fast_parse({"schema_version": 1, "symptoms": {"legs": "both", "when": when}})
    when.append("constant")
    assert fast is not None and fast.symptoms.when == ["at_night"]


def test_invalid_answers_keep_pydantics_problems() -> None:
    """The fast path never words a problem: every message is the validator's, as before."""
    doc = {"schema_version": 1, "symptoms": {"legs": "up", "heaviness": 11}, "about": {"age": None}}
    with pytest.raises(AnswersError) as info:
        parse_answers(doc)
    assert info.value.problems == [
        "about.age: must not be null (leave it out for 'unknown')",
        "symptoms.heaviness: must be between 0 and 10",
        "symptoms.legs: must be one of both, left or right",
    ]


class _Stripped(Strict):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str


class _Checked(Strict):
    name: str

    @field_validator("name")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class _Pattern(Strict):
    name: str = Field(pattern="^a")


class _Defaulted(Strict):
    count: int = 3


class _Made(Strict):
    tags: list[str] = Field(default_factory=list)


class _Kind(Enum):
    ONE = "one"


class _Enumerated(Strict):
    kind: _Kind


class _Listed(Strict):
    name: Annotated[str, AfterValidator(no_duplicates)]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str


class _AfterChecked(Strict):
    name: str

    @model_validator(mode="after")
    def _same(self) -> _AfterChecked:
        return self


@pytest.mark.parametrize(
    "model",
    [
        _Stripped,
        _Checked,
        _Pattern,
        _Defaulted,
        _Made,
        _Enumerated,
        _Listed,
        _Loose,
        _AfterChecked,
    ],
)
def test_a_model_with_anything_unknown_is_never_taken_fast(model: type[Strict]) -> None:
    with pytest.raises(Unsupported):
        model_parser(model)


def test_a_known_model_is_built_as_pydantic_builds_it() -> None:
    class Small(Strict):
        name: str
        size: float | None = Field(default=None, ge=0)
        tags: list[int] | None = None

    parse = model_parser(Small)
    doc = {"tags": [1, 2], "name": "a"}
    built = parse(doc)
    assert repr(built) == repr(Small.model_validate(doc))
    assert built.model_fields_set == {"tags", "name"}
    for unsure in ({"name": 1}, {"name": "a", "size": -1}, {"name": "a", "size": float("inf")}):
        with pytest.raises(Unsure):
            parse(unsure)


def test_with_the_fast_path_off_every_answer_goes_to_pydantic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fast_answers, "_ANSWERS", [(None, None)])
    assert not fast_answers.enabled()
    doc = {"schema_version": 1, "symptoms": {"legs": "both"}}
    assert fast_parse(doc) is None
    assert parse_answers(doc) == Answers.model_validate(doc)
