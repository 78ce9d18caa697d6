"""The rule compiler checks every path and value, and the operators mean what they say."""

from __future__ import annotations

from typing import Any

import pytest

from heavylegs.assessment.rules import Context, RuleError, compile_condition
from heavylegs.knowledge import Urgency
from heavylegs.knowledge.conditions import LEVELS, parse_condition


def holds(raw: dict[str, Any], flat: dict[str, Any]) -> bool:
    return compile_condition(parse_condition(raw))(Context(flat))


def test_equality_membership_and_unknown() -> None:
    assert holds({"symptoms.swelling": "one_leg"}, {"symptoms.swelling": "one_leg"})
    assert not holds({"symptoms.swelling": "one_leg"}, {})
    assert holds({"symptoms.when": "at_night"}, {"symptoms.when": ["at_night"]})
    assert not holds({"symptoms.when": {"ne": "at_night"}}, {}), "unknown is never 'not X'"
    assert holds(
        {"symptoms.when": {"any_of": ["in_heat", "at_night"]}}, {"symptoms.when": ["at_night"]}
    )
    assert holds({"symptoms.pain": {"in": ["sharp", "burning"]}}, {"symptoms.pain": "sharp"})
    assert holds({"symptoms.pain": {"known": False}}, {})


def test_numbers_and_combinators() -> None:
    flat = {"symptoms.heaviness": 6, "about.age": 70}
    assert holds({"symptoms.heaviness": {"gte": 6}}, flat)
    assert not holds({"symptoms.heaviness": {"gt": 6}}, flat)
    assert not holds({"symptoms.duration_days": {"lt": 3}}, flat), "unknown fails comparisons"
    assert holds({"all": [{"symptoms.heaviness": {"lte": 6}}, {"about.age": {"gte": 65}}]}, flat)
    assert holds({"any": [{"symptoms.heaviness": {"lt": 2}}, {"about.age": {"gte": 65}}]}, flat)
    assert holds({"not": {"symptoms.heaviness": {"lt": 2}}}, flat)
    two = {
        "at_least": {
            "n": 2,
            "of": [
                {"symptoms.heaviness": {"gte": 6}},
                {"about.age": {"gte": 65}},
                {"about.sex": "male"},
            ],
        }
    }
    assert holds(two, flat)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"symptoms.hevyness": 3}, "no such answer field"),
        ({"symptoms.swelling": "one_legg"}, "is not one of"),
        ({"symptoms.calf_tender_to_touch": "yes"}, "needs true or false"),
        ({"symptoms.pain": {"gte": 3}}, "needs a numeric field"),
        ({"derived.nonsense": True}, "unknown derived value"),
        ({"symptoms.pain": {"any_of": ["sharp"]}}, "any_of needs a list field"),
    ],
)
def test_bad_rules_are_refused(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        compile_condition(parse_condition(raw))


@pytest.mark.parametrize(
    "raw",
    [
        {"a": 1, "b": 2},
        {"all": []},
        {"at_least": {"n": 3, "of": [{"x.y": 1}]}},
        {"x.y": {"between": 1}},
        {"level_at_least": "soon"},
        {"symptoms.heaviness": {"gte": float("inf")}},
        {"symptoms.heaviness": {"lt": float("nan")}},
        {"symptoms.heaviness": float("-inf")},
        {"symptoms.heaviness": {"in": [1, float("nan")]}},
        {"symptoms.heaviness": {"gte": "3"}},
        {"symptoms.heaviness": {"eq": {"a": 1}}},
        {"cause": {"id": "x", "gte": [1]}},
        {"cause": {"id": "x", "gte": None}},
        {"cause_in_top": {"ids": 3, "n": 1}},
        {"cause_in_top": {"ids": ["x"], "n": "2"}},
    ],
)
def test_malformed_conditions_are_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_condition(raw)


def test_malformed_conditions_raise_value_errors_only() -> None:
    """A ``ValueError`` becomes a knowledge error naming the entry; a ``TypeError`` would not."""
    for raw in ({"cause": {"id": "x", "gte": {}}}, {"cause_in_top": {"ids": None, "n": []}}):
        with pytest.raises(ValueError, match="cause"):
            parse_condition(raw)


def test_levels_follow_the_urgency_order() -> None:
    assert [Urgency(level).rank for level in LEVELS] == list(range(len(Urgency)))
    assert LEVELS[0] == Urgency.SELF_CARE and LEVELS[-1] == Urgency.EMERGENCY


def test_a_bad_rule_in_the_knowledge_base_is_named() -> None:
    """Rules are compiled in one batch; a bad one is still named with its kind and id."""
    from heavylegs.assessment.compiled import compile_knowledge
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    flag = next(iter(kb.red_flags.values()))
    bad = flag.model_copy(update={"when": parse_condition({"symptoms.hevyness": 3})})
    broken = kb.model_copy(update={"red_flags": {**kb.red_flags, flag.id: bad}})
    for _ in range(2):  # field specs are memoised; the error is not
        with pytest.raises(RuleError, match=rf"^rule red_flag {flag.id}: .*no such answer field"):
            compile_knowledge(broken)
