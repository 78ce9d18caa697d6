"""The ``derived.*`` values: the few formulas clinical rules share, computed from the flat answers.

Rules in the knowledge base read ``derived.*`` beside ``section.field``. The formulas (is the
problem one-sided? is there a clot risk factor?) are written once here so the YAML stays
readable and every rule means the same thing by "clot risk factor". This module imports nothing
of pydantic: the start-up path of ``assess`` (issue 15, :mod:`heavylegs.assessment.plain_answers`)
computes them without the answer models.
"""

from __future__ import annotations

from typing import Any

CLOT_RECENT = frozenset({"long_journey", "surgery", "bed_rest", "leg_in_cast", "hospital_stay"})
"""A leg injury alone is not listed: it raises clot risk through immobilisation (a cast, bed
rest) or an operation, which are counted themselves (NICE NG158, Wells score items)."""
CLOT_CONDITIONS = frozenset({"previous_dvt_or_pe", "active_cancer", "clotting_disorder"})
FLUID_CONDITIONS = frozenset({"heart_failure", "kidney_disease", "liver_disease"})
"""Only these mean fluids may be restricted; a water tablet alone (often for blood pressure)
does not, and heat, age or dizziness call for drinking, not for holding back."""
POSTPARTUM_WEEKS = 12
"""Clot risk stays raised for weeks after birth (NICE NG158: the puerperium); 12 is cautious."""

DERIVED: dict[str, type] = {
    "one_sided": bool,
    "one_leg_swelling": bool,
    "swollen": bool,
    "pregnant": bool,
    "postpartum": bool,
    "clot_risk_factor": bool,
    "clot_risk_count": int,
    "runner": bool,
    "ramp_pct": float,
    "fluid_restricted": bool,
    "arterial_disease": bool,
    "diabetes": bool,
    "age": int,
    "overtraining_signs": int,
    "heart_failure_known": bool,
    "anticoagulated": bool,
    "infection_signs": bool,
    "weak_immunity": bool,
}
"""Every derived name a rule may use, with its type (checked when rules compile)."""


def _has(flat: dict[str, Any], path: str, item: str) -> bool:
    return item in flat.get(path, ())


def derive(flat: dict[str, Any]) -> dict[str, Any]:
    """The derived values; ``None`` where the answers do not allow a judgement."""
    legs = flat.get("symptoms.legs")
    swelling = flat.get("symptoms.swelling")
    recent = set(flat.get("history.recent", ()))
    conditions = set(flat.get("history.conditions", ()))
    medications = set(flat.get("history.medications", ()))
    weeks_since_birth = flat.get("about.weeks_since_giving_birth")
    pregnant = flat.get("about.pregnant") is True
    postpartum = weeks_since_birth is not None and weeks_since_birth <= POSTPARTUM_WEEKS
    risk_count = (
        len(recent & CLOT_RECENT)
        + len(conditions & CLOT_CONDITIONS)
        + int(pregnant)
        + int(postpartum)
        + int("estrogen_contraceptive_or_hrt" in medications)
    )
    weekly = flat.get("running.weekly_km")
    before = flat.get("running.weekly_km_four_weeks_ago")
    ramp = None
    if weekly is not None and before is not None and before > 0:
        ramp = round((weekly - before) / before * 100.0, 1)
    hr_rise = flat.get("running.resting_hr_rise_bpm")
    overtraining = sum(
        (
            flat.get("running.performance_dropping") is True,
            flat.get("running.mood_or_sleep_worse") is True,
            hr_rise is not None and hr_rise >= 5,
            flat.get("running.heavy_from_start_of_run") is True,
        )
    )
    runner = any(k.startswith("running.") for k in flat) or _has(
        flat, "symptoms.when", "during_running"
    )
    arterial = (
        "peripheral_artery_disease" in conditions
        or flat.get("symptoms.calf_pain_when_walking_relieved_by_rest") is True
        or flat.get("symptoms.foot_pain_at_rest_or_at_night") is True
        or flat.get("symptoms.sudden_cold_pale_or_blue_leg") is True
    )
    return {
        "one_sided": legs in ("left", "right") or swelling == "one_leg",
        "one_leg_swelling": swelling == "one_leg",
        # Swelling question skipped, but a dent that stays or deep sock marks answered: that
        # is swelling, shown the way a person notices it first.
        "swollen": swelling in ("one_leg", "both_legs")
        or (
            swelling is None
            and (
                flat.get("symptoms.swelling_pits_when_pressed") is True
                or flat.get("symptoms.sock_marks") is True
            )
        ),
        "pregnant": pregnant,
        "postpartum": postpartum,
        "clot_risk_factor": risk_count > 0,
        "clot_risk_count": risk_count,
        "runner": runner,
        "ramp_pct": ramp,
        "fluid_restricted": bool(conditions & FLUID_CONDITIONS),
        "arterial_disease": arterial,
        "diabetes": "diabetes" in conditions or "insulin_or_diabetes_tablets" in medications,
        "age": flat.get("about.age"),
        "overtraining_signs": overtraining,
        "heart_failure_known": "heart_failure" in conditions,
        "anticoagulated": "anticoagulant" in medications,
        "infection_signs": any(
            flat.get(f"symptoms.{name}") is True
            for name in (
                "warm_red_skin",
                "redness_spreading",
                "wound_not_healing",
                "skin_dark_blistering_or_numb_patch",
            )
        ),
        "weak_immunity": "active_cancer" in conditions or "steroid" in medications,
    }
