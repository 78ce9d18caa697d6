"""Hypothesis strategies that generate answers straight from the JSON schema file.

Generating from the contract (not from our pydantic model) means the property tests also catch
a model that drifts from the schema.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.conftest import SHARED

SCHEMA: dict[str, Any] = json.loads(
    (SHARED / "spec" / "assessment-input.schema.json").read_text(encoding="utf-8")
)


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum", -(10**6)), node.get("maximum", 10**6))
    if kind == "number":
        return st.floats(
            node.get("minimum", -1e6),
            node.get("maximum", 1e6),
            allow_nan=False,
            allow_infinity=False,
        ).map(lambda x: round(x, 2))
    if kind == "array":
        items = node["items"]
        return st.lists(
            st.sampled_from(items["enum"]),
            unique=node.get("uniqueItems", False),
            max_size=len(items["enum"]),
        )
    if kind == "object":
        required = set(node.get("required", []))
        props = node["properties"]
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    raise ValueError(f"no strategy for {node}")


answers_documents = from_schema(SCHEMA)
"""Any valid assessment input document."""

RED_FLAG_CHANGES: list[tuple[str, str, Any]] = (
    [
        ("symptoms", name, True)
        for name in (
            "calf_tender_to_touch",
            "warm_red_skin",
            "redness_spreading",
            "fever_or_chills",
            "sudden_cold_pale_or_blue_leg",
            "tense_swollen_calf_after_injury",
            "numbness_or_tingling",
            "weakness",
            "both_legs_weak_or_numb_with_back_pain",
            "saddle_numbness_or_new_bladder_bowel_problem",
            "calf_pain_when_walking_relieved_by_rest",
            "foot_pain_at_rest_or_at_night",
            "pain_during_exercise_resolves_after",
            "urge_to_move_legs_at_rest",
            "visible_varicose_veins",
            "skin_changes",
            "wound_not_healing",
            "hard_tender_vein",
            "bleeding_from_vein",
            "pain_out_of_proportion",
            "skin_dark_blistering_or_numb_patch",
            "cannot_bear_weight",
        )
    ]
    + [
        ("whole_body", name, True)
        for name in (
            "breathless_lying_flat",
            "chest_pain",
            "coughing_blood",
            "fainting_or_racing_heart",
            "dizziness",
            "pale_skin",
            "unusual_fatigue",
            "dark_urine_after_exertion",
            "severe_muscle_pain_and_weakness",
            "feels_cold_weight_gain_dry_skin",
            "pregnancy_warning_signs",
            "face_arm_or_speech_problem",
            "confused_or_very_drowsy",
            "frothy_urine",
            "passing_much_less_urine",
        )
    ]
    + [
        ("whole_body", "short_of_breath", "sudden"),
        ("whole_body", "short_of_breath", "at_rest"),
        ("symptoms", "swelling", "one_leg"),
        ("symptoms", "onset", "sudden"),
        ("history", "recent", "long_journey"),
        ("history", "recent", "surgery"),
        ("history", "conditions", "heart_failure"),
        ("history", "conditions", "previous_dvt_or_pe"),
        ("history", "conditions", "atrial_fibrillation"),
        ("history", "conditions", "diabetes"),
        ("history", "recent", "leg_injury"),
        ("whole_body", "swelling_elsewhere", "face_or_eyelids"),
    ]
)
"""Changes that add a warning sign or risk factor: none may lower the triage level."""


def apply_change(doc: dict[str, Any], change: tuple[str, str, Any]) -> dict[str, Any]:
    section, name, value = change
    out = json.loads(json.dumps(doc))
    part = out.setdefault(section, {})
    field = SCHEMA["properties"][section]["properties"][name]
    if field.get("type") == "array":
        items = list(part.get(name, []))
        if value not in items:
            items.append(value)
        part[name] = items
    else:
        part[name] = value
    return out
