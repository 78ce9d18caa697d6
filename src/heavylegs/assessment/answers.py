"""The assessment input: exactly `shared/spec/assessment-input.schema.json`, as pydantic models.

Omitted fields are ``None`` and mean "not asked / unknown", never "no": rules that want a "no"
must ask for ``False`` explicitly. Unknown keys are rejected, so a typo never silently becomes
"unknown". A test compares these models with the schema file field by field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


def no_duplicates(items: list[T]) -> list[T]:
    """The schema says ``uniqueItems``: a repeated choice is a typo worth reporting."""
    if len(set(items)) != len(items):
        raise ValueError("must not repeat a choice")
    return items


Unique = Annotated[list[T], AfterValidator(no_duplicates)]

Legs = Literal["both", "left", "right"]
Onset = Literal["sudden", "gradual"]
When = Literal[
    "end_of_day",
    "after_standing",
    "after_sitting",
    "during_running",
    "while_walking",
    "after_exercise",
    "at_night",
    "at_rest_evening",
    "in_heat",
    "constant",
]
Relief = Literal["elevation", "walking", "rest", "moving_legs", "hanging_leg_down", "nothing"]
Swelling = Literal["none", "both_legs", "one_leg"]
Pain = Literal["none", "dull_ache", "cramping", "sharp", "burning"]
Breath = Literal["no", "on_exertion", "at_rest", "sudden"]
Condition = Literal[
    "heart_failure",
    "kidney_disease",
    "liver_disease",
    "diabetes",
    "peripheral_artery_disease",
    "previous_dvt_or_pe",
    "varicose_veins",
    "active_cancer",
    "underactive_thyroid",
    "anemia",
    "lymphedema",
    "clotting_disorder",
    "back_problems",
    "atrial_fibrillation",
    "lymph_nodes_removed_or_irradiated",
    "gout",
    "rheumatoid_or_inflammatory_arthritis",
]
Recent = Literal[
    "long_journey",
    "surgery",
    "bed_rest",
    "leg_injury",
    "leg_in_cast",
    "hospital_stay",
    "marathon_or_ultra",
    "new_unaccustomed_exercise",
]
Medication = Literal[
    "calcium_channel_blocker",
    "estrogen_contraceptive_or_hrt",
    "statin",
    "diuretic",
    "anticoagulant",
    "regular_nsaid",
    "steroid",
    "insulin_or_diabetes_tablets",
    "pioglitazone",
    "gabapentin_or_pregabalin",
    "dopamine_agonist",
    "other",
]
Work = Literal["sitting", "standing", "mixed", "active", "none"]
Diet = Literal[
    "low_carbohydrate",
    "vegetarian_or_vegan",
    "high_salt",
    "few_fruit_vegetables",
    "dieting_to_lose_weight",
]
TriedMeasure = Literal[
    "elevation",
    "walking",
    "compression",
    "ankle_pumps",
    "stretching",
    "massage",
    "hydration",
    "rest",
    "reduced_training",
    "weight_loss",
]
Improving = Literal["yes", "partly", "no", "worse"]
SwellingElsewhere = Literal["face_or_eyelids", "belly", "hands", "genitals"]


class Strict(BaseModel):
    # The base of every answer model: strict types, no unknown keys, no nulls (public so
    # ``fast_answers`` can check that its validator is this one). A comment, not a docstring:
    # a docstring would become the JSON schema's description.
    # defer_build: the CLI's answers go through ``fast_answers`` first, and pydantic's validator
    # (built on first use) is needed only when that path is unsure (issue 15: start-up).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        """The schema has no nulls: 'unknown' is an omitted field, and null is refused."""
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None and key in cls.model_fields:
                    raise PydanticCustomError(
                        "null_value", "{field}: leave it out instead of null", {"field": key}
                    )
        return data


class About(Strict):
    age: int | None = Field(default=None, ge=12, le=110)
    sex: Literal["female", "male", "other"] | None = None
    pregnant: bool | None = None
    weeks_since_giving_birth: int | None = Field(default=None, ge=0, le=52)


class Symptoms(Strict):
    legs: Legs
    heaviness: int | None = Field(default=None, ge=0, le=10)
    duration_days: int | None = Field(default=None, ge=0, le=36500)
    onset: Onset | None = None
    when: Unique[When] | None = None
    relieved_by: Unique[Relief] | None = None
    swelling: Swelling | None = None
    swelling_pits_when_pressed: bool | None = None
    sock_marks: bool | None = None
    pain: Pain | None = None
    calf_pain_when_walking_relieved_by_rest: bool | None = None
    foot_pain_at_rest_or_at_night: bool | None = None
    calf_tender_to_touch: bool | None = None
    warm_red_skin: bool | None = None
    redness_spreading: bool | None = None
    fever_or_chills: bool | None = None
    sudden_cold_pale_or_blue_leg: bool | None = None
    tense_swollen_calf_after_injury: bool | None = None
    pain_during_exercise_resolves_after: bool | None = None
    numbness_or_tingling: bool | None = None
    weakness: bool | None = None
    both_legs_weak_or_numb_with_back_pain: bool | None = None
    saddle_numbness_or_new_bladder_bowel_problem: bool | None = None
    urge_to_move_legs_at_rest: bool | None = None
    night_cramps: bool | None = None
    visible_varicose_veins: bool | None = None
    skin_changes: bool | None = None
    wound_not_healing: bool | None = None
    itching: bool | None = None
    hard_tender_vein: bool | None = None
    bleeding_from_vein: bool | None = None
    pain_out_of_proportion: bool | None = None
    skin_dark_blistering_or_numb_patch: bool | None = None
    swelling_gone_by_morning: bool | None = None
    cannot_bear_weight: bool | None = None


class WholeBody(Strict):
    short_of_breath: Breath | None = None
    breathless_lying_flat: bool | None = None
    chest_pain: bool | None = None
    coughing_blood: bool | None = None
    fainting_or_racing_heart: bool | None = None
    dizziness: bool | None = None
    pale_skin: bool | None = None
    unusual_fatigue: bool | None = None
    dark_urine_after_exertion: bool | None = None
    severe_muscle_pain_and_weakness: bool | None = None
    weight_gain_kg_last_week: float | None = Field(default=None, ge=0, le=50)
    feels_cold_weight_gain_dry_skin: bool | None = None
    heavy_periods: bool | None = None
    pregnancy_warning_signs: bool | None = None
    face_arm_or_speech_problem: bool | None = None
    confused_or_very_drowsy: bool | None = None
    frothy_urine: bool | None = None
    passing_much_less_urine: bool | None = None
    swelling_elsewhere: Unique[SwellingElsewhere] | None = None


class History(Strict):
    conditions: Unique[Condition] | None = None
    recent: Unique[Recent] | None = None
    medications: Unique[Medication] | None = None
    smoker: bool | None = None


class Lifestyle(Strict):
    work: Work | None = None
    hours_still_per_day: float | None = Field(default=None, ge=0, le=24)
    water_liters_per_day: float | None = Field(default=None, ge=0, le=15)
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    walks_minutes_per_day: float | None = Field(default=None, ge=0, le=1440)
    diet: Unique[Diet] | None = None
    hot_climate: bool | None = None
    bmi: float | None = Field(default=None, ge=10, le=80)


class Running(Strict):
    weekly_km: float | None = Field(default=None, ge=0, le=500)
    weekly_km_four_weeks_ago: float | None = Field(default=None, ge=0, le=500)
    last_hard_session_hours_ago: float | None = Field(default=None, ge=0, le=8760)
    soreness_days: float | None = Field(default=None, ge=0, le=365)
    resting_hr_rise_bpm: float | None = Field(default=None, ge=-40, le=60)
    performance_dropping: bool | None = None
    mood_or_sleep_worse: bool | None = None
    heavy_from_start_of_run: bool | None = None
    heavy_late_in_long_runs: bool | None = None
    fuels_long_runs: bool | None = None
    carbohydrate_before_runs: bool | None = None
    cadence_spm: float | None = Field(default=None, ge=60, le=260)
    strength_sessions_per_week: float | None = Field(default=None, ge=0, le=14)
    rest_days_per_week: float | None = Field(default=None, ge=0, le=7)
    warms_up: bool | None = None


class Tried(Strict):
    measures: Unique[TriedMeasure] | None = None
    weeks: float | None = Field(default=None, ge=0, le=520)
    improving: Improving | None = None


class Answers(Strict):
    """What a person tells the assessment (schema version 1)."""

    schema_version: Literal[1]
    about: About | None = None
    symptoms: Symptoms
    whole_body: WholeBody | None = None
    history: History | None = None
    lifestyle: Lifestyle | None = None
    running: Running | None = None
    tried: Tried | None = None


SECTIONS: dict[str, type[Strict]] = {
    "about": About,
    "symptoms": Symptoms,
    "whole_body": WholeBody,
    "history": History,
    "lifestyle": Lifestyle,
    "running": Running,
    "tried": Tried,
}
"""Section name -> model: the field paths rules may use are ``section.field``."""
