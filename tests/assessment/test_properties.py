"""Properties over any valid answers: no crash, valid output, do/avoid disjoint, monotone triage."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import Assessment
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from tests.assessment.strategies import RED_FLAG_CHANGES, answers_documents, apply_change
from tests.conftest import SHARED

KB = load_knowledge()
RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}


@settings(max_examples=400, deadline=None)
@given(answers_documents)
def test_any_valid_answers_give_a_valid_safe_result(doc: dict[str, Any]) -> None:
    result = assess(parse_answers(doc), KB)
    dumped = json.loads(result.model_dump_json())
    Assessment.model_validate(dumped)
    do = [item.id for item in result.plan.do]
    avoid = [item.id for item in result.plan.avoid]
    assert not set(do) & set(avoid), "a measure is both in do and avoid"
    assert len(do) == len(set(do)) and len(avoid) == len(set(avoid))
    likelihoods = [c.likelihood for c in result.causes]
    assert likelihoods == sorted(likelihoods, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in likelihoods)
    assert all(c.id in KB.causes for c in result.causes)
    assert all(m in KB.measures for m in do + avoid)
    cited = [s for c in result.causes for s in c.sources]
    cited += [s for r in result.triage.reasons for s in r.sources]
    cited += [s for i in result.plan.do for s in i.sources] + [
        s for i in result.plan.avoid for s in i.sources
    ]
    assert all(s in KB.sources for s in cited)
    assert result.triage.headline and result.disclaimer
    if result.triage.level.value in ("emergency", "urgent"):
        assert result.plan.do and KB.measures[result.plan.do[0].id].kind.value == "action", (
            "an urgent or emergency plan starts with what to do now"
        )


@settings(max_examples=300, deadline=None)
@given(answers_documents, st.sampled_from(RED_FLAG_CHANGES))
def test_adding_a_warning_sign_never_lowers_the_level(doc: dict[str, Any], change: Any) -> None:
    before = assess(parse_answers(doc), KB).triage.level.value
    after = assess(parse_answers(apply_change(doc, change)), KB).triage.level.value
    assert RANK[after] >= RANK[before], f"{change} lowered {before} to {after}"


@settings(max_examples=100, deadline=None)
@given(answers_documents)
def test_the_result_is_deterministic(doc: dict[str, Any]) -> None:
    first = assess(parse_answers(doc), KB).model_dump_json()
    second = assess(parse_answers(json.loads(json.dumps(doc))), KB).model_dump_json()
    assert first == second


@settings(max_examples=400, deadline=None)
@given(answers_documents)
def test_a_plan_never_contradicts_itself(doc: dict[str, Any]) -> None:
    """One 'how soon' (the triage level's) and one leg position per plan; an emergency plan
    holds only what to do now (issue 17)."""
    result = assess(parse_answers(doc), KB)
    items = [KB.measures[item.id] for item in result.plan.do]
    urgencies = {m.urgency for m in items if m.urgency is not None}
    assert urgencies <= {result.triage.level}, (result.triage.level, urgencies)
    positions = {m.position for m in items if m.position is not None}
    assert len(positions) <= 1, positions
    if result.triage.level.value == "emergency":
        assert all(m.kind.value == "action" for m in items)
        assert urgencies == {result.triage.level}


def test_the_first_position_settles_the_plan() -> None:
    """A blocked artery (keep the leg level) with a bled varicose vein (raise it): the
    emergency action decides, and nothing raises the leg."""
    doc = {
        "schema_version": 1,
        "symptoms": {
            "legs": "left",
            "onset": "sudden",
            "sudden_cold_pale_or_blue_leg": True,
            "bleeding_from_vein": True,
            "visible_varicose_veins": True,
        },
    }
    result = assess(parse_answers(doc), KB)
    do = [item.id for item in result.plan.do]
    assert do[:2] == ["call_emergency_number", "keep_leg_level_not_raised"]
    assert "stop_vein_bleeding" not in do and "leg_elevation" not in do


@settings(max_examples=300, deadline=None)
@given(answers_documents)
def test_no_reason_repeats_a_more_urgent_ones_cause(doc: dict[str, Any]) -> None:
    """A cause is listed once, at its most urgent sign: under "get seen today" for a clot, a
    second reason saying "book an appointment" about the same clot only confuses."""
    reasons = assess(parse_answers(doc), KB).triage.reasons
    top: dict[str, int] = {}
    for reason in reasons:
        flag = KB.red_flags[reason.id]
        if flag.cause is not None:
            top.setdefault(flag.cause, RANK[flag.level.value])
            assert RANK[flag.level.value] == top[flag.cause], (flag.id, flag.cause)


def test_the_clot_example_lists_its_clot_once() -> None:
    doc = json.loads((SHARED / "spec" / "examples" / "after-long-flight.json").read_text())
    ids = [r.id for r in assess(parse_answers(doc), KB).triage.reasons]
    assert ids[0] == "suspected_dvt" and "one_leg_heavy_with_clot_risk" not in ids
