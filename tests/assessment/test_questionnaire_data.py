"""The questionnaire is data joined with the input models: every field has a question (or a reason
not to ask it), a question's type, choices and bounds are the schema's, a bad question fails the
load naming it, and a new schema field needs only one YAML entry."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import Field

from heavylegs.assessment import answers
from heavylegs.assessment.questionnaire import (
    GATES,
    QUESTIONS,
    Kind,
    build,
    set_answer,
    should_ask,
    to_schema,
)
from heavylegs.assessment.replies import parse_reply
from heavylegs.assessment.rules import RuleError, field_spec
from heavylegs.knowledge import load_knowledge
from heavylegs.knowledge.loader import DATA_DIR, parse_knowledge
from heavylegs.knowledge.models import Questionnaire
from tests.conftest import SHARED

SCHEMA: dict[str, Any] = json.loads(
    (SHARED / "spec" / "assessment-input.schema.json").read_text(encoding="utf-8")
)
FIELDS = {
    f"{section}.{name}": (node, name in part.get("required", ()))
    for section, part in SCHEMA["properties"].items()
    if isinstance(part, dict) and "properties" in part
    for name, node in part["properties"].items()
}
KINDS = {"boolean": Kind.YES_NO, "integer": Kind.INTEGER, "number": Kind.NUMBER}


def _raw() -> dict[str, Any]:
    loaded = yaml.safe_load((DATA_DIR / "questions.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _entry(raw: dict[str, Any], path: str) -> dict[str, Any]:
    for section in raw["sections"]:
        for entry in section["questions"]:
            if entry["path"] == path:
                return dict(entry)
    raise KeyError(path)


def _replace(raw: dict[str, Any], path: str, entry: dict[str, Any]) -> None:
    for section in raw["sections"]:
        section["questions"] = [entry if q["path"] == path else q for q in section["questions"]]


def test_every_schema_field_is_asked_or_deliberately_not() -> None:
    data = load_knowledge().questionnaire
    asked = [q.path for q in QUESTIONS if q.path not in GATES]
    assert len(asked) == len(set(asked))
    assert set(asked) | set(data.not_asked) == set(FIELDS), set(FIELDS) ^ set(asked)
    assert all(reason.strip() for reason in data.not_asked.values()), "say why it is not asked"


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.path not in GATES], ids=str)
def test_type_choices_bounds_and_required_are_the_schemas(question: Any) -> None:
    node, required = FIELDS[question.path]
    enum = node.get("enum") or node.get("items", {}).get("enum")
    if enum is not None:
        assert question.kind is (Kind.MULTI if node.get("type") == "array" else Kind.CHOICE)
        assert [value for value, _ in question.choices] == enum
        assert all(label.strip() for _, label in question.choices)
    else:
        assert question.kind is KINDS[node["type"]]
        assert question.choices == ()
    assert (question.minimum, question.maximum) == (node.get("minimum"), node.get("maximum"))
    assert question.required is required


def test_the_gate_closes_its_section() -> None:
    (runs,) = GATES
    answers_so_far: dict[str, Any] = {"symptoms": {"legs": "both"}}
    km = next(q for q in QUESTIONS if q.path == "running.weekly_km")
    assert not should_ask(km, answers_so_far), "not known to run: not asked"
    set_answer(answers_so_far, runs, True)
    assert should_ask(km, answers_so_far)
    set_answer(answers_so_far, "running.weekly_km", 30)
    assert to_schema(answers_so_far)["running"] == {"weekly_km": 30}
    set_answer(answers_so_far, runs, False)
    assert "running" not in to_schema(answers_so_far) and "meta" not in to_schema(answers_so_far)


def test_none_of_these_leaves_nothing_to_follow_up() -> None:
    weeks = next(q for q in QUESTIONS if q.path == "tried.weeks")
    assert not should_ask(weeks, {"tried": {"measures": []}})
    assert not should_ask(weeks, {})
    assert should_ask(weeks, {"tried": {"measures": ["walking"]}})


@pytest.mark.parametrize(
    ("path", "change", "message"),
    [
        ("symptoms.itching", {"path": "symptoms.itchiness"}, "no such answer field"),
        ("symptoms.itching", {"path": "derived.swollen"}, "no such answer field"),
        (
            "symptoms.redness_spreading",
            {"ask_if": {"symptoms.warm_red_skin": "yes"}},
            "needs true or false",
        ),
        ("symptoms.pain_out_of_proportion", {"ask_if": {"symptoms.pain": "stabbing"}}, "not one"),
        ("symptoms.itching", {"ask_if": {"symptoms.itchy": True}}, "no such answer field"),
        (
            "about.pregnant",
            {"ask_if": {"whole_body.heavy_periods": True}},
            "reads whole_body.heavy_periods, which is not asked before it",
        ),
        ("symptoms.onset", {"choices": {"sudden": "Suddenly"}}, r"missing \['gradual'\]"),
        (
            "symptoms.onset",
            {"choices": {"sudden": "S", "gradual": "G", "overnight": "O"}},
            r"unknown \['overnight'\]",
        ),
        ("symptoms.itching", {"choices": {"yes": "Yes"}}, "answered as yes_no"),
    ],
)
def test_a_bad_question_fails_the_load_naming_it(
    path: str, change: dict[str, Any], message: str
) -> None:
    raw = _raw()
    _replace(raw, path, {**_entry(raw, path), **change})
    named = change.get("path", path)
    with pytest.raises(RuleError, match=rf"^question {named}: .*{message}"):
        build(Questionnaire.model_validate(raw))


def test_a_bad_gate_or_not_asked_entry_fails_the_load() -> None:
    raw = _raw()
    running = next(s for s in raw["sections"] if s.get("gate"))
    running["gate"] = {**running["gate"], "covers": "jogging"}
    with pytest.raises(RuleError, match=r"question meta.runs: covers 'jogging'"):
        build(Questionnaire.model_validate(raw))
    raw = _raw()
    running = next(s for s in raw["sections"] if s.get("gate"))
    running["questions"].append({"path": "lifestyle.bmi", "text": "BMI?"})
    with pytest.raises(RuleError, match=r"question lifestyle.bmi: in a section gated for"):
        build(Questionnaire.model_validate(raw))
    raw = _raw()
    raw["not_asked"] = {"lifestyle.shoe_size": "not needed"}
    with pytest.raises(RuleError, match=r"not_asked lifestyle.shoe_size: no such answer field"):
        build(Questionnaire.model_validate(raw))


def test_a_bad_path_in_the_yaml_fails_when_the_questionnaire_is_built(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "questions.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "path: symptoms.sock_marks", "path: symptoms.sock"
        ),
        encoding="utf-8",
    )
    kb = parse_knowledge(data)  # the knowledge stage cannot know the input's fields
    with pytest.raises(RuleError, match=r"^question symptoms.sock: .*no such answer field"):
        build(kb.questionnaire)


class _Lifestyle(answers.Lifestyle):
    """The input model with two new fields, as a schema change would add them."""

    standing_desk: bool | None = None
    steps_per_day_thousands: float | None = Field(default=None, ge=0, le=60)
    hours_on_feet: float | None = None
    shoe: str | None = None


@pytest.fixture
def new_fields(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(answers.SECTIONS, "lifestyle", _Lifestyle)
    field_spec.cache_clear()
    yield
    field_spec.cache_clear()


@pytest.mark.usefixtures("new_fields")
def test_a_new_schema_field_needs_one_yaml_entry() -> None:
    raw = _raw()
    daily = next(s for s in raw["sections"] if s["title"] == "Daily life")
    daily["questions"] += [
        {"path": "lifestyle.standing_desk", "text": "Do you work at a standing desk?"},
        {
            "path": "lifestyle.steps_per_day_thousands",
            "text": "Thousands of steps a day?",
            "ask_if": {"lifestyle.standing_desk": True},
        },
    ]
    built = build(Questionnaire.model_validate(raw)).questions
    desk, steps = (q for q in built if q.path.startswith(("lifestyle.standing", "lifestyle.steps")))
    assert (desk.kind, desk.section, desk.ask_if) == (Kind.YES_NO, "Daily life", None)
    assert (steps.kind, steps.minimum, steps.maximum) == (Kind.NUMBER, 0, 60)
    assert steps.ask_if is not None
    assert steps.ask_if({"lifestyle.standing_desk": True})
    assert not steps.ask_if({"lifestyle.standing_desk": False})
    assert parse_reply(steps, "7,5") == 7.5 and parse_reply(desk, "y") is True


@pytest.mark.usefixtures("new_fields")
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("lifestyle.hours_on_feet", "a number needs bounds"),
        ("lifestyle.shoe", "no way to ask a str field"),
    ],
)
def test_a_field_that_cannot_be_asked_fails_the_load(path: str, message: str) -> None:
    raw = _raw()
    raw["sections"][0]["questions"].append({"path": path, "text": "?"})
    with pytest.raises(RuleError, match=rf"^question {path}: {message}"):
        build(Questionnaire.model_validate(raw))


def test_a_gated_question_with_its_own_ask_if_needs_both() -> None:
    raw = _raw()
    path = "running.soreness_days"
    _replace(
        raw,
        path,
        {**_entry(raw, path), "ask_if": {"running.last_hard_session_hours_ago": {"lte": 72}}},
    )
    soreness = next(q for q in build(Questionnaire.model_validate(raw)).questions if q.path == path)
    assert soreness.ask_if is not None
    recent = {"running.last_hard_session_hours_ago": 10}
    assert soreness.ask_if({"meta.runs": True, **recent})
    assert not soreness.ask_if({"meta.runs": False, **recent})
    assert not soreness.ask_if({"meta.runs": True, "running.last_hard_session_hours_ago": 100})
    assert should_ask(next(q for q in QUESTIONS if q.path == path), {"schema_version": 1}) is False
