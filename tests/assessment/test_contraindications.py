"""Contraindications end to end: for people who must not do something, the engine never puts it
in ``plan.do``, and where it matters the plan names it in ``plan.avoid`` with a reason.

Each case is a full answers document, as a person would submit it, run through ``assess`` with
the real knowledge base. A property test then throws random answers at the engine and checks the
safety rules that must hold for everyone.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import Assessment
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge.conditions import AllOf, Leaf
from heavylegs.knowledge.loader import DATA_DIR, parse_knowledge
from heavylegs.knowledge.models import KnowledgeBase, MeasureKind, Urgency

KB = parse_knowledge()


def run(data: dict[str, Any], kb: KnowledgeBase = KB) -> Assessment:
    return assess(parse_answers({"schema_version": 1, **data}), kb)


def do_ids(result: Assessment) -> set[str]:
    return {item.id for item in result.plan.do}


def avoid_ids(result: Assessment) -> set[str]:
    return {item.id for item in result.plan.avoid}


def check(
    result: Assessment, *, not_do: set[str], avoid: frozenset[str] | set[str] = frozenset()
) -> None:
    unknown = (not_do | avoid) - set(KB.measures)
    assert not unknown, f"no such measure in the knowledge base: {sorted(unknown)} (renamed?)"
    wrongly_done = not_do & do_ids(result)
    assert not wrongly_done, f"must not be in plan.do: {sorted(wrongly_done)}"
    missing = avoid - avoid_ids(result)
    assert not missing, f"must be in plan.avoid: {sorted(missing)}"
    assert not do_ids(result) & avoid_ids(result)


BOTH_SWOLLEN = {
    "legs": "both",
    "heaviness": 5,
    "duration_days": 30,
    "onset": "gradual",
    "when": ["end_of_day", "after_standing"],
    "relieved_by": ["elevation"],
    "swelling": "both_legs",
    "swelling_pits_when_pressed": True,
    "calf_tender_to_touch": False,
    "warm_red_skin": False,
}
NO_ALARMS = {"short_of_breath": "no", "chest_pain": False, "breathless_lying_flat": False}

CLOT_MEASURES = {"walking", "running", "massage", "compression_stockings", "legs_up_the_wall"}
EXERCISE = {"plyometrics", "heavy_squats", "strength_training", "calf_raises", "glute_bridge"}


# --- pregnancy ---------------------------------------------------------------------------------


def test_pregnancy_gets_side_lying_rest_and_no_lying_flat_or_supplements() -> None:
    result = run(
        {
            "about": {"age": 31, "sex": "female", "pregnant": True},
            "symptoms": {
                **BOTH_SWOLLEN,
                "night_cramps": True,
                "visible_varicose_veins": True,
            },
            "whole_body": NO_ALARMS,
            "history": {"conditions": ["varicose_veins"]},
            "lifestyle": {"work": "standing", "hours_still_per_day": 7},
        }
    )
    check(
        result,
        not_do={"legs_up_the_wall", "leg_elevation", "glute_bridge", "horse_chestnut"}
        | {"magnesium_supplement", "plyometrics", "heavy_squats"},
        avoid={"legs_up_the_wall", "horse_chestnut", "magnesium_supplement", "plyometrics"},
    )
    assert "side_lying_elevation" in do_ids(result)


def test_after_birth_horse_chestnut_is_avoided() -> None:
    result = run(
        {
            "about": {"age": 30, "sex": "female", "weeks_since_giving_birth": 6},
            "symptoms": {**BOTH_SWOLLEN, "visible_varicose_veins": True},
            "whole_body": NO_ALARMS,
            "history": {"conditions": ["varicose_veins"]},
        }
    )
    check(result, not_do={"horse_chestnut"}, avoid={"horse_chestnut"})


# --- heart, kidney and fluids ------------------------------------------------------------------


def test_stable_heart_failure_gets_no_fluid_push_no_legs_up_and_no_stockings() -> None:
    result = run(
        {
            "about": {"age": 72, "sex": "male"},
            "symptoms": {**BOTH_SWOLLEN, "night_cramps": True, "when": ["end_of_day", "in_heat"]},
            "whole_body": {"short_of_breath": "no", "breathless_lying_flat": False},
            "history": {"conditions": ["heart_failure"], "medications": ["diuretic"]},
            "lifestyle": {"water_liters_per_day": 1.0, "hot_climate": True},
        }
    )
    check(
        result,
        not_do={"high_fluid_intake", "everyday_hydration", "electrolyte_drinks"}
        | {"legs_up_the_wall", "leg_elevation", "compression_stockings"},
        avoid={"high_fluid_intake", "legs_up_the_wall", "compression_stockings"},
    )


def test_worsening_heart_failure_is_told_not_to_drink_more() -> None:
    result = run(
        {
            "about": {"age": 78, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "when": ["constant"], "sock_marks": True},
            "whole_body": {
                "short_of_breath": "on_exertion",
                "breathless_lying_flat": True,
                "weight_gain_kg_last_week": 3,
            },
            "history": {"conditions": ["heart_failure"], "medications": ["diuretic"]},
        }
    )
    check(
        result,
        not_do={"high_fluid_intake", "compression_stockings", "legs_up_the_wall"}
        | {"plyometrics", "heavy_squats"},
        avoid={"high_fluid_intake", "compression_stockings", "legs_up_the_wall"},
    )
    avoid_why = {item.id: item.why for item in result.plan.avoid}
    assert "fluid" in avoid_why["high_fluid_intake"].lower()


HOT_CRAMPS_ON_A_WATER_TABLET: dict[str, Any] = {
    "about": {"age": 58, "sex": "male"},
    "symptoms": {
        "legs": "both",
        "heaviness": 4,
        "when": ["end_of_day", "in_heat"],
        "night_cramps": True,
        "swelling": "none",
    },
    "history": {"medications": ["diuretic"]},
    "lifestyle": {"work": "active", "water_liters_per_day": 0.8, "hot_climate": True},
}


def test_a_water_tablet_alone_does_not_restrict_drinking_in_the_heat() -> None:
    """A diuretic is often a blood-pressure tablet: in the heat it calls for drinking."""
    result = run(HOT_CRAMPS_ON_A_WATER_TABLET)
    assert "high_fluid_intake" not in avoid_ids(result)
    assert "high_fluid_intake" in do_ids(result)


@pytest.mark.parametrize("condition", ["heart_failure", "kidney_disease", "liver_disease"])
def test_a_water_tablet_with_heart_kidney_or_liver_disease_rules_out_drinking_targets(
    condition: str,
) -> None:
    data = {**HOT_CRAMPS_ON_A_WATER_TABLET}
    data["history"] = {"medications": ["diuretic"], "conditions": [condition]}
    check(run(data), not_do={"high_fluid_intake"}, avoid={"high_fluid_intake"})


def test_kidney_disease_gets_no_minerals() -> None:
    result = run(
        {
            "about": {"age": 66, "sex": "female"},
            "symptoms": {
                "legs": "both",
                "heaviness": 4,
                "when": ["at_night"],
                "night_cramps": True,
                "pain": "cramping",
                "swelling": "none",
            },
            "history": {"conditions": ["kidney_disease"]},
            "lifestyle": {"water_liters_per_day": 1.0},
        }
    )
    minerals = {"magnesium_supplement", "potassium_magnesium_foods", "electrolyte_drinks"}
    check(
        result,
        not_do=minerals | {"high_fluid_intake", "horse_chestnut"},
        avoid={"magnesium_supplement", "potassium_magnesium_foods", "high_fluid_intake"},
    )


def test_a_heavy_sweater_gets_one_drinking_target_not_two() -> None:
    result = run(
        {
            "about": {"age": 50, "sex": "male"},
            "symptoms": {
                "legs": "both",
                "heaviness": 4,
                "when": ["end_of_day", "at_night", "in_heat"],
                "night_cramps": True,
                "pain": "cramping",
                "swelling": "none",
            },
            "history": {"conditions": [], "medications": []},
            "lifestyle": {"work": "active", "water_liters_per_day": 1.0, "hot_climate": True},
        }
    )
    assert "high_fluid_intake" in do_ids(result)
    check(result, not_do={"everyday_hydration"})


# --- arteries ----------------------------------------------------------------------------------


def test_claudication_gets_supervised_walking_and_no_compression() -> None:
    result = run(
        {
            "about": {"age": 63, "sex": "male"},
            "symptoms": {
                "legs": "left",
                "heaviness": 5,
                "duration_days": 120,
                "relieved_by": ["rest"],
                "pain": "cramping",
                "swelling": "none",
                "calf_pain_when_walking_relieved_by_rest": True,
                "foot_pain_at_rest_or_at_night": False,
                "sudden_cold_pale_or_blue_leg": False,
            },
            "history": {"smoker": True},
        }
    )
    check(
        result,
        not_do={"compression_stockings", "legs_up_the_wall", "leg_elevation", "cooling"},
        avoid={"compression_stockings", "legs_up_the_wall", "leg_elevation"},
    )
    assert {"supervised_exercise_programme", "stop_smoking"} <= do_ids(result)


def test_known_pad_with_varicose_veins_still_gets_no_stockings() -> None:
    """Mixed disease: the veins would call for compression, the arteries forbid it."""
    result = run(
        {
            "about": {"age": 70, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "visible_varicose_veins": True},
            "whole_body": NO_ALARMS,
            "history": {"conditions": ["peripheral_artery_disease", "varicose_veins"]},
            "lifestyle": {"work": "standing"},
        }
    )
    check(result, not_do={"compression_stockings"}, avoid={"compression_stockings"})


def test_rest_pain_and_a_toe_wound_protect_the_foot() -> None:
    result = run(
        {
            "about": {"age": 67, "sex": "male"},
            "symptoms": {
                "legs": "right",
                "heaviness": 6,
                "duration_days": 60,
                "when": ["at_night"],
                "relieved_by": ["hanging_leg_down"],
                "pain": "burning",
                "swelling": "none",
                "calf_pain_when_walking_relieved_by_rest": True,
                "foot_pain_at_rest_or_at_night": True,
                "wound_not_healing": True,
            },
            "history": {"conditions": ["diabetes"], "smoker": True},
        }
    )
    check(
        result,
        not_do={"compression_stockings", "leg_elevation", "legs_up_the_wall", "walking"}
        | {"running", "heat_exposure", "cooling"},
        avoid={"compression_stockings", "leg_elevation", "legs_up_the_wall", "walking"},
    )


def test_acute_limb_ischaemia_is_not_raised_or_squeezed() -> None:
    result = run(
        {
            "about": {"age": 74, "sex": "male"},
            "symptoms": {
                "legs": "left",
                "heaviness": 9,
                "duration_days": 0,
                "onset": "sudden",
                "pain": "sharp",
                "sudden_cold_pale_or_blue_leg": True,
                "numbness_or_tingling": True,
                "weakness": True,
            },
            "history": {"conditions": ["atrial_fibrillation"]},
        }
    )
    assert result.triage.level is Urgency.EMERGENCY
    check(
        result,
        not_do={"compression_stockings", "leg_elevation", "legs_up_the_wall", "walking"},
        avoid={"compression_stockings", "leg_elevation", "legs_up_the_wall"},
    )


# --- clots, compartments, muscles, infection ---------------------------------------------------


def test_suspected_dvt_is_not_walked_off_or_massaged() -> None:
    result = run(
        {
            "about": {"age": 61, "sex": "male"},
            "symptoms": {
                "legs": "right",
                "heaviness": 5,
                "duration_days": 2,
                "swelling": "one_leg",
                "pain": "dull_ache",
                "calf_tender_to_touch": True,
            },
            "whole_body": {"short_of_breath": "no", "chest_pain": False},
            "history": {"recent": ["long_journey"]},
        }
    )
    check(result, not_do=CLOT_MEASURES | EXERCISE, avoid=CLOT_MEASURES | {"ankle_pumps"})
    why = {item.id: item.why for item in result.plan.avoid}
    assert "clot" in why["walking"].lower()


def test_a_runner_with_one_tender_calf_after_a_flight_is_not_sent_running() -> None:
    result = run(
        {
            "about": {"age": 38, "sex": "female"},
            "symptoms": {
                "legs": "left",
                "heaviness": 5,
                "duration_days": 4,
                "swelling": "none",
                "pain": "cramping",
                "calf_tender_to_touch": True,
            },
            "history": {"recent": ["marathon_or_ultra", "long_journey"]},
            "running": {"weekly_km": 55, "weekly_km_four_weeks_ago": 60, "soreness_days": 4},
        }
    )
    check(result, not_do=CLOT_MEASURES | {"slow_down"}, avoid={"running", "massage", "walking"})


def test_compartment_syndrome_is_not_raised_squeezed_or_rubbed() -> None:
    result = run(
        {
            "about": {"age": 23, "sex": "male"},
            "symptoms": {
                "legs": "right",
                "heaviness": 8,
                "duration_days": 0,
                "onset": "sudden",
                "swelling": "one_leg",
                "pain": "sharp",
                "tense_swollen_calf_after_injury": True,
                "numbness_or_tingling": True,
            },
            "history": {"recent": ["leg_injury"]},
        }
    )
    banned = {"leg_elevation", "legs_up_the_wall", "compression_stockings", "massage", "running"}
    check(result, not_do=banned | EXERCISE, avoid=banned)


@pytest.mark.parametrize("severe", [True, False])
def test_muscle_breakdown_gets_no_exercise_massage_or_heat(severe: bool) -> None:
    whole_body: dict[str, Any] = {"dark_urine_after_exertion": True}
    if severe:
        whole_body["severe_muscle_pain_and_weakness"] = True
    result = run(
        {
            "about": {"age": 29, "sex": "male"},
            "symptoms": {"legs": "both", "heaviness": 8, "duration_days": 2, "pain": "sharp"},
            "whole_body": whole_body,
            "history": {"recent": ["new_unaccustomed_exercise"]},
        }
    )
    banned = {"running", "walking", "massage", "heat_exposure", "stretching", "active_recovery"}
    check(result, not_do=banned | EXERCISE, avoid=banned | EXERCISE)


def test_cellulitis_is_not_massaged_or_squeezed_but_may_be_raised() -> None:
    result = run(
        {
            "about": {"age": 57, "sex": "male"},
            "symptoms": {
                "legs": "right",
                "heaviness": 6,
                "duration_days": 2,
                "swelling": "one_leg",
                "pain": "sharp",
                "warm_red_skin": True,
                "redness_spreading": True,
                "fever_or_chills": True,
            },
            "whole_body": {"short_of_breath": "no", "dizziness": False},
        }
    )
    check(
        result,
        not_do={"massage", "compression_stockings", "swimming", "heat_exposure"},
        avoid={"massage", "compression_stockings"},
    )


def test_cauda_equina_gets_only_emergency_actions() -> None:
    result = run(
        {
            "about": {"age": 41, "sex": "male"},
            "symptoms": {
                "legs": "both",
                "heaviness": 7,
                "onset": "sudden",
                "pain": "sharp",
                "numbness_or_tingling": True,
                "weakness": True,
                "both_legs_weak_or_numb_with_back_pain": True,
                "saddle_numbness_or_new_bladder_bowel_problem": True,
            },
            "history": {"conditions": ["back_problems"]},
        }
    )
    assert result.triage.level is Urgency.EMERGENCY
    check(result, not_do={"heavy_squats", "stay_active_for_back"}, avoid={"heavy_squats"})
    assert all(KB.measures[i].kind is MeasureKind.ACTION for i in do_ids(result))


def test_a_recent_leg_injury_rests_before_training() -> None:
    result = run(
        {
            "about": {"age": 35, "sex": "female"},
            "symptoms": {"legs": "left", "heaviness": 4, "duration_days": 3, "pain": "dull_ache"},
            "history": {"recent": ["leg_injury"]},
            "running": {"weekly_km": 30},
        }
    )
    check(result, not_do={"running", "massage", "plyometrics"}, avoid={"running", "massage"})


# --- numb feet, age, swelling, everyday cases --------------------------------------------------


def test_diabetes_with_numb_feet_gets_no_stockings_or_cold_packs() -> None:
    result = run(
        {
            "about": {"age": 64, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "numbness_or_tingling": True},
            "whole_body": NO_ALARMS,
            "history": {"conditions": ["diabetes"], "medications": ["insulin_or_diabetes_tablets"]},
            "lifestyle": {"work": "standing"},
        }
    )
    check(
        result,
        not_do={"compression_stockings", "cooling", "heat_exposure", "horse_chestnut"},
        avoid={"compression_stockings", "cooling", "horse_chestnut"},
    )
    assert "foot_care" in do_ids(result)


def test_an_old_person_raises_the_legs_on_a_bed_not_up_a_wall() -> None:
    result = run(
        {
            "about": {"age": 85, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "when": ["end_of_day", "after_sitting"]},
            "whole_body": {**NO_ALARMS, "weight_gain_kg_last_week": 0},
            "history": {"conditions": []},
            "lifestyle": {"hours_still_per_day": 10, "walks_minutes_per_day": 5},
        }
    )
    check(result, not_do={"legs_up_the_wall", "plyometrics"}, avoid={"legs_up_the_wall"})
    assert {"leg_elevation", "walking"} <= do_ids(result)


def test_a_swollen_standing_worker_avoids_standing_still_jumping_and_running_it_off() -> None:
    result = run(
        {
            "about": {"age": 42, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "sock_marks": True, "relieved_by": ["elevation", "rest"]},
            "whole_body": NO_ALARMS,
            "history": {"conditions": []},
            "lifestyle": {"work": "standing", "hours_still_per_day": 8},
        }
    )
    banned = {"static_standing", "plyometrics", "heavy_squats", "running"}
    check(result, not_do=banned, avoid=banned)
    assert {"movement_breaks", "legs_up_the_wall", "ankle_pumps"} <= do_ids(result)


def test_an_office_worker_is_sent_walking_not_warned_off_it() -> None:
    """The rules must not over-fire: plain sitting heaviness keeps the core measures."""
    result = run(
        {
            "about": {"age": 34, "sex": "male"},
            "symptoms": {
                "legs": "both",
                "heaviness": 3,
                "duration_days": 60,
                "onset": "gradual",
                "when": ["after_sitting", "end_of_day"],
                "relieved_by": ["walking", "moving_legs"],
                "swelling": "none",
                "pain": "none",
                "calf_tender_to_touch": False,
            },
            "whole_body": {"short_of_breath": "no"},
            "history": {"conditions": [], "medications": []},
            "lifestyle": {"work": "sitting", "hours_still_per_day": 9, "walks_minutes_per_day": 10},
        }
    )
    assert result.triage.level is Urgency.SELF_CARE
    assert {"walking", "movement_breaks", "ankle_pumps"} <= do_ids(result)
    assert avoid_ids(result) <= {"static_standing", "heat_exposure"}


def test_an_anticoagulated_person_with_vein_trouble_gets_no_horse_chestnut() -> None:
    result = run(
        {
            "about": {"age": 69, "sex": "male"},
            "symptoms": {**BOTH_SWOLLEN, "visible_varicose_veins": True},
            "whole_body": NO_ALARMS,
            "history": {"conditions": ["varicose_veins"], "medications": ["anticoagulant"]},
        }
    )
    check(result, not_do={"horse_chestnut"}, avoid={"horse_chestnut"})


def test_a_teenager_gets_no_horse_chestnut() -> None:
    result = run(
        {
            "about": {"age": 16, "sex": "female"},
            "symptoms": {**BOTH_SWOLLEN, "visible_varicose_veins": True},
            "whole_body": NO_ALARMS,
        }
    )
    check(result, not_do={"horse_chestnut"}, avoid={"horse_chestnut"})


def test_an_overtrained_runner_backs_off_and_skips_jumps() -> None:
    result = run(
        {
            "about": {"age": 40, "sex": "male"},
            "symptoms": {
                "legs": "both",
                "heaviness": 6,
                "duration_days": 21,
                "when": ["during_running", "after_exercise"],
                "swelling": "none",
                "pain": "dull_ache",
            },
            "lifestyle": {"sleep_hours": 6},
            "running": {
                "weekly_km": 70,
                "weekly_km_four_weeks_ago": 50,
                "resting_hr_rise_bpm": 8,
                "performance_dropping": True,
                "mood_or_sleep_worse": True,
                "heavy_from_start_of_run": True,
                "rest_days_per_week": 0,
            },
        }
    )
    check(result, not_do={"plyometrics", "heavy_squats"}, avoid={"plyometrics", "heavy_squats"})
    assert {"reduce_training_load", "sleep"} <= do_ids(result)


# --- properties over random answers ------------------------------------------------------------


def _runner_only_measures() -> set[str]:
    """Running-file measures every one of whose indications requires ``derived.runner``."""
    raw = yaml.safe_load((DATA_DIR / "measures_running.yaml").read_text(encoding="utf-8"))
    out = set()
    for entry in raw:
        measure = KB.measures[entry["id"]]

        def guarded(when: object) -> bool:
            leaf = isinstance(when, Leaf) and when.path == "derived.runner"
            return leaf or (
                isinstance(when, AllOf)
                and any(isinstance(c, Leaf) and c.path == "derived.runner" for c in when.items)
            )

        if measure.indications and all(guarded(i.when) for i in measure.indications):
            out.add(measure.id)
    return out


RUNNER_ONLY = _runner_only_measures()

_bool = st.none() | st.booleans()
CONDITIONS = [
    "heart_failure",
    "kidney_disease",
    "liver_disease",
    "diabetes",
    "peripheral_artery_disease",
    "varicose_veins",
    "lymphedema",
]


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | value


def _subset(options: list[str]) -> st.SearchStrategy[list[str] | None]:
    return _maybe(st.lists(st.sampled_from(options), unique=True, max_size=4))


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """Plausible, varied answers; fields left out mean unknown, as in the real form."""
    symptoms: dict[str, Any] = {
        "legs": draw(st.sampled_from(["both", "left", "right"])),
        "heaviness": draw(_maybe(st.integers(0, 10))),
        "duration_days": draw(_maybe(st.integers(0, 800))),
        "when": draw(
            _subset(["end_of_day", "after_standing", "after_sitting", "at_night", "in_heat"])
        ),
        "relieved_by": draw(_subset(["elevation", "walking", "rest", "hanging_leg_down"])),
        "swelling": draw(_maybe(st.sampled_from(["none", "both_legs", "one_leg"]))),
        "pain": draw(_maybe(st.sampled_from(["none", "dull_ache", "cramping", "sharp"]))),
    }
    for flag in (
        "calf_tender_to_touch", "warm_red_skin", "redness_spreading", "fever_or_chills",
        "sudden_cold_pale_or_blue_leg", "foot_pain_at_rest_or_at_night", "night_cramps",
        "calf_pain_when_walking_relieved_by_rest", "numbness_or_tingling", "wound_not_healing",
        "tense_swollen_calf_after_injury", "visible_varicose_veins", "skin_changes",
    ):  # fmt: skip
        symptoms[flag] = draw(_bool)
    data: dict[str, Any] = {
        "about": {
            "age": draw(_maybe(st.integers(12, 100))),
            "pregnant": draw(_bool),
            "weeks_since_giving_birth": draw(_maybe(st.integers(0, 52))),
        },
        "symptoms": symptoms,
        "whole_body": {
            "short_of_breath": draw(_maybe(st.sampled_from(["no", "on_exertion", "at_rest"]))),
            "breathless_lying_flat": draw(_bool),
            "dark_urine_after_exertion": draw(_bool),
        },
        "history": {
            "conditions": draw(_subset(CONDITIONS)),
            "medications": draw(
                _subset(["diuretic", "anticoagulant", "regular_nsaid", "calcium_channel_blocker"])
            ),
            "recent": draw(_subset(["long_journey", "surgery", "leg_injury"])),
            "smoker": draw(_bool),
        },
        "lifestyle": {
            "work": draw(_maybe(st.sampled_from(["sitting", "standing", "mixed", "active"]))),
            "hours_still_per_day": draw(_maybe(st.integers(0, 14))),
            "water_liters_per_day": draw(_maybe(st.sampled_from([0.5, 1.0, 2.0, 3.0]))),
            "hot_climate": draw(_bool),
            "diet": draw(_subset(["high_salt", "low_carbohydrate", "vegetarian_or_vegan"])),
        },
    }
    if draw(st.booleans()):
        data["running"] = {
            "weekly_km": draw(_maybe(st.integers(0, 120))),
            "weekly_km_four_weeks_ago": draw(_maybe(st.integers(1, 120))),
            "cadence_spm": draw(_maybe(st.integers(140, 190))),
            "performance_dropping": draw(_bool),
        }
    if data["about"]["pregnant"] and data["about"]["weeks_since_giving_birth"] is not None:
        data["about"]["weeks_since_giving_birth"] = None
    pruned: dict[str, Any] = _prune(data)
    return pruned


def _prune(node: Any) -> Any:
    """Drop unanswered fields, as a client that omits unknowns would."""
    if isinstance(node, dict):
        return {k: _prune(v) for k, v in node.items() if v is not None}
    return node


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers())
def test_safety_rules_hold_for_everyone(data: dict[str, Any]) -> None:
    result = run(data)
    done = do_ids(result)
    about, symptoms = data.get("about", {}), data["symptoms"]
    history, lifestyle = data.get("history", {}), data.get("lifestyle", {})
    conditions = set(history.get("conditions", []))
    medications = set(history.get("medications", []))

    assert not done & avoid_ids(result)
    if about.get("pregnant"):
        check(result, not_do={"legs_up_the_wall", "leg_elevation", "horse_chestnut"})
        check(result, not_do={"magnesium_supplement", "plyometrics", "heavy_squats"})
    if conditions & {"heart_failure", "kidney_disease", "liver_disease"}:
        # a water tablet alone does not restrict fluids (issue 9); these conditions do
        check(result, not_do={"high_fluid_intake"})
    if "heart_failure" in conditions:
        check(result, not_do={"legs_up_the_wall", "compression_stockings"})
    if "kidney_disease" in conditions:
        check(result, not_do={"magnesium_supplement", "potassium_magnesium_foods"})
    if medications & {"anticoagulant", "regular_nsaid"}:
        check(result, not_do={"horse_chestnut"})
    arterial = "peripheral_artery_disease" in conditions or any(
        symptoms.get(k)
        for k in (
            "calf_pain_when_walking_relieved_by_rest",
            "foot_pain_at_rest_or_at_night",
            "sudden_cold_pale_or_blue_leg",
        )
    )
    if arterial:
        check(result, not_do={"compression_stockings", "legs_up_the_wall", "leg_elevation"})
    if symptoms.get("swelling") == "one_leg" and "lymphedema" not in conditions:
        check(result, not_do={"walking", "massage", "running", "compression_stockings"})
    if symptoms.get("swelling") in ("one_leg", "both_legs"):
        check(result, not_do={"plyometrics", "heavy_squats", "running", "static_standing"})
    if symptoms.get("tense_swollen_calf_after_injury"):
        check(result, not_do={"leg_elevation", "compression_stockings", "massage"})
    if (about.get("age") or 0) >= 75:
        check(result, not_do={"legs_up_the_wall"})
    if lifestyle.get("work") in ("standing", "sitting", "mixed"):
        assert "static_standing" in avoid_ids(result)
    if result.triage.level is Urgency.EMERGENCY:
        assert all(KB.measures[i].kind is MeasureKind.ACTION for i in done)
    if result.triage.level is Urgency.URGENT:
        for i in done:
            assert KB.measures[i].kind is MeasureKind.ACTION or KB.measures[i].while_waiting, i
    runs = "running" in data or "during_running" in symptoms.get("when", [])
    if not runs:
        assert not done & RUNNER_ONLY


def test_the_runner_only_set_is_not_empty() -> None:
    assert {"run_mind_strategies", "running", "electrolyte_drinks"} <= RUNNER_ONLY


def test_a_check_naming_a_measure_that_does_not_exist_fails() -> None:
    """A renamed measure must never make a contraindication check pass silently."""
    result = run({"symptoms": BOTH_SWOLLEN, "whole_body": NO_ALARMS})
    with pytest.raises(AssertionError, match="no such measure"):
        check(result, not_do={"compression_stocking"})
    with pytest.raises(AssertionError, match="no such measure"):
        check(result, not_do=set(), avoid={"massages"})
