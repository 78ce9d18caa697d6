"""What a person reads about causes: evidence for and against kept apart, published criteria shown
as met / not met / unknown, and a calm headline only when warning signs were actually checked."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import Assessment
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from tests.assessment.strategies import answers_documents

KB = load_knowledge()
FOR = {f.why for c in KB.causes.values() for f in c.features if f.weight > 0}
AGAINST = {f.why for c in KB.causes.values() for f in c.features if f.weight < 0}


def run(symptoms: dict[str, Any], **sections: Any) -> Assessment:
    return assess(parse_answers({"schema_version": 1, "symptoms": symptoms, **sections}), KB)


@settings(max_examples=300, deadline=None)
@given(answers_documents)
def test_why_holds_only_evidence_for_and_against_only_evidence_against(doc: dict[str, Any]) -> None:
    for cause in assess(parse_answers(doc), KB).causes:
        for line in cause.why:
            assert line in FOR or line.startswith("matches the warning sign"), line
        assert set(cause.against) <= AGAINST


def test_a_sudden_start_is_evidence_against_sitting_still_not_for_it() -> None:
    result = run({"legs": "both", "onset": "sudden"}, lifestyle={"work": "sitting"})
    posture = next(c for c in result.causes if c.id == "static_posture")
    assert "you sit for work" in posture.why
    assert not any("suddenly" in line for line in posture.why)
    assert any("suddenly" in line for line in posture.against)


def test_irlssg_criteria_are_shown_for_restless_legs() -> None:
    result = run(
        {
            "legs": "both",
            "urge_to_move_legs_at_rest": True,
            "when": ["at_rest_evening"],
            "relieved_by": ["moving_legs"],
        }
    )
    rls = result.causes[0]
    assert rls.id == "restless_legs" and rls.criteria is not None
    assert rls.criteria.name.startswith("IRLSSG 2012")
    assert len(rls.criteria.met) == 4 and not rls.criteria.not_met
    assert "irlssg-2012" in rls.criteria.sources and "clinician" in rls.criteria.note


def test_edinburgh_claudication_criteria_met_not_met_and_unknown() -> None:
    typical = run(
        {"legs": "left", "calf_pain_when_walking_relieved_by_rest": True, "when": ["while_walking"]}
    )
    pad = next(c for c in typical.causes if c.id == "peripheral_artery_disease")
    assert pad.criteria is not None and pad.criteria.name == "Edinburgh Claudication Questionnaire"
    assert len(pad.criteria.met) == 3 and "ecq-1992" in pad.criteria.sources
    at_rest = run(
        {
            "legs": "left",
            "calf_pain_when_walking_relieved_by_rest": True,
            "when": ["while_walking", "after_sitting"],
        }
    )
    pad = next(c for c in at_rest.causes if c.id == "peripheral_artery_disease")
    assert pad.criteria is not None
    assert pad.criteria.not_met == ["It does not start while standing still or sitting"]


def test_criteria_are_left_out_when_none_is_met() -> None:
    result = run({"legs": "both", "urge_to_move_legs_at_rest": False})
    assert all(c.criteria is None for c in result.causes)


def test_no_warning_sign_question_answered_means_unchecked_not_calm() -> None:
    unchecked = run({"legs": "both", "heaviness": 5, "duration_days": 3})
    assert unchecked.triage.level.value == "self_care"
    assert "could not check for warning signs" in unchecked.triage.headline
    checked = run({"legs": "both", "calf_tender_to_touch": False})
    assert not checked.plan.do  # nothing to go on for a plan
    assert checked.triage.headline == KB.self_care_no_plan_headline


def test_a_self_care_headline_never_points_at_an_empty_plan() -> None:
    """ "The plan below" only over a plan: answers that suggest no measure say what is missing."""
    bare = run({"legs": "left", "heaviness": 3, "onset": "gradual", "duration_days": 30})
    assert bare.triage.level.value == "self_care" and not bare.plan.do
    assert bare.triage.headline == KB.self_care_no_plan_headline
    assert "plan below" not in bare.triage.headline
    evening = run(
        {"legs": "both", "heaviness": 4, "when": ["end_of_day"], "relieved_by": ["elevation"]}
    )
    assert evening.triage.level.value == "self_care" and evening.plan.do
    assert evening.triage.headline == KB.self_care_headline


def test_a_stroke_shows_no_leg_causes() -> None:
    result = run(
        {"legs": "left", "swelling": "one_leg"}, whole_body={"face_arm_or_speech_problem": True}
    )
    assert [c.id for c in result.causes] == ["stroke"]
    assert "stroke" in result.triage.headline
    assert "one_leg_swelling" in {r.id for r in result.triage.reasons}, "the leg sign stays"


def test_the_headline_is_about_the_most_likely_cause_at_the_top_level() -> None:
    infected = run(
        {
            "legs": "right",
            "swelling": "one_leg",
            "pain": "dull_ache",
            "warm_red_skin": True,
            "redness_spreading": True,
            "fever_or_chills": True,
        }
    )
    reasons = [r.id for r in infected.triage.reasons]
    assert infected.causes[0].id == "cellulitis"
    assert reasons[0] == "cellulitis" and "suspected_dvt" in reasons
    assert infected.triage.headline == KB.red_flags["cellulitis"].headline
    clot = run(
        {"legs": "left", "swelling": "one_leg", "pain": "cramping"}, history={"recent": ["surgery"]}
    )
    assert clot.triage.reasons[0].id == "suspected_dvt"
