"""The questions behind the assessment, in order, with skip logic — shared by the CLI and the web.

Each question fills one field of the input schema. Skip logic is a predicate over the answers
given so far (flattened ``section.field`` values plus ``derived.*``), so follow-ups are asked only
when they matter: running questions only for runners, swelling details only when there is
swelling, pregnancy questions only where they can apply. Leaving a question blank means
"unknown", which the engine treats as unknown, never as "no".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from heavylegs.assessment.features import derive

RUNS = "meta.runs"
"""A gate question that is not part of the schema: 'Do you run?'."""


class Kind(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    YES_NO = "yes_no"
    INTEGER = "integer"
    NUMBER = "number"


Flat = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Question:
    path: str
    text: str
    kind: Kind
    section: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    ask_if: Callable[[Flat], bool] | None = None


SECTIONS = (
    "About you",
    "Your legs",
    "Warning signs",
    "Whole body",
    "Health history",
    "Daily life",
    "Running",
    "What you have tried",
)


def _swollen(f: Flat) -> bool:
    return f.get("derived.swollen") is True  # the engine's own definition (features.derive)


def _female(f: Flat) -> bool:
    return f.get("about.sex") in ("female", "other", None)


def _childbearing(f: Flat) -> bool:
    age = f.get("about.age")
    return _female(f) and (age is None or 12 <= age <= 55)


def _in_pain(f: Flat) -> bool:
    return f.get("symptoms.pain") != "none"


def _varicose(f: Flat) -> bool:
    return f.get("symptoms.visible_varicose_veins") is True


def _runner(f: Flat) -> bool:
    return f.get(RUNS) is True


def _yn(path: str, text: str, section: str, help: str = "", **kw: Any) -> Question:
    return Question(path, text, Kind.YES_NO, section, help=help, **kw)


def _c(*pairs: str) -> tuple[tuple[str, str], ...]:
    """``_c("both", "Both legs", ...)`` -> ((value, label), ...)."""
    return tuple(zip(pairs[::2], pairs[1::2], strict=True))


A, L, W, B, H, D, R, T = SECTIONS

CHECK_AFTER = frozenset({W, B})
"""Sections after which the answers so far are assessed and an emergency is shown at once,
rather than after every remaining question (the CLI interview and the web wizard both do it)."""

QUESTIONS: tuple[Question, ...] = (
    Question("about.age", "How old are you?", Kind.INTEGER, A, minimum=12, maximum=110),
    Question(
        "about.sex",
        "What is your sex?",
        Kind.CHOICE,
        A,
        _c("female", "Female", "male", "Male", "other", "Other / prefer to describe"),
    ),
    _yn("about.pregnant", "Are you pregnant?", A, ask_if=_childbearing),
    Question(
        "about.weeks_since_giving_birth",
        "If you gave birth in the last year, how many weeks ago? (blank if not)",
        Kind.INTEGER,
        A,
        minimum=0,
        maximum=52,
        ask_if=lambda f: _childbearing(f) and f.get("about.pregnant") is not True,
    ),
    Question(
        "symptoms.legs",
        "Which legs feel heavy?",
        Kind.CHOICE,
        L,
        _c("both", "Both legs", "left", "Left leg", "right", "Right leg"),
    ),
    Question(
        "symptoms.heaviness",
        "How heavy, from 0 (not at all) to 10 (worst imaginable)?",
        Kind.INTEGER,
        L,
        minimum=0,
        maximum=10,
    ),
    Question(
        "symptoms.duration_days",
        "For how many days has this been going on?",
        Kind.INTEGER,
        L,
        minimum=0,
        maximum=36500,
    ),
    Question(
        "symptoms.onset",
        "How did it start?",
        Kind.CHOICE,
        L,
        _c("sudden", "Suddenly (over minutes to hours)", "gradual", "Gradually"),
    ),
    Question(
        "symptoms.when",
        "When is it worse? (choose all that apply)",
        Kind.MULTI,
        L,
        _c(
            "end_of_day",
            "By the end of the day",
            "after_standing",
            "After standing",
            "after_sitting",
            "After sitting",
            "during_running",
            "While running",
            "while_walking",
            "While walking",
            "after_exercise",
            "After exercise",
            "at_night",
            "At night",
            "at_rest_evening",
            "Resting in the evening",
            "in_heat",
            "In the heat",
            "constant",
            "All the time",
        ),
    ),
    Question(
        "symptoms.relieved_by",
        "What relieves it? (choose all that apply)",
        Kind.MULTI,
        L,
        _c(
            "elevation",
            "Raising the legs",
            "walking",
            "Walking",
            "rest",
            "Rest",
            "moving_legs",
            "Moving the legs",
            "hanging_leg_down",
            "Hanging the leg down",
            "nothing",
            "Nothing helps",
        ),
    ),
    Question(
        "symptoms.swelling",
        "Is there visible swelling of ankles, feet or calves?",
        Kind.CHOICE,
        L,
        _c(
            "none",
            "No swelling",
            "both_legs",
            "Both legs",
            "one_leg",
            "One leg only / much more on one side",
        ),
    ),
    _yn(
        "symptoms.swelling_pits_when_pressed",
        "If you press a fingertip into the swelling for 10 seconds, does it leave a dent?",
        L,
        ask_if=_swollen,
    ),
    _yn("symptoms.sock_marks", "Do socks leave a deep mark that lasts?", L, ask_if=_swollen),
    _yn(
        "symptoms.swelling_gone_by_morning",
        "Is the swelling gone, or nearly, after a night's sleep?",
        L,
        ask_if=_swollen,
    ),
    Question(
        "symptoms.pain",
        "What kind of pain, if any?",
        Kind.CHOICE,
        L,
        _c(
            "none",
            "No pain",
            "dull_ache",
            "Dull ache",
            "cramping",
            "Cramping",
            "sharp",
            "Sharp",
            "burning",
            "Burning",
        ),
    ),
    # Stroke signs and new confusion come first: like the other emergencies they cannot wait.
    _yn(
        "whole_body.face_arm_or_speech_problem",
        "Right now or today: is your face drooping on one side, an arm weak, or your speech "
        "slurred or confused?",
        W,
        help="Face, Arms, Speech, Time: any of these means call the emergency number now.",
    ),
    _yn(
        "whole_body.confused_or_very_drowsy",
        "Are you (or the person you are answering for) newly confused, unusually drowsy or hard "
        "to wake?",
        W,
    ),
    _yn("symptoms.calf_tender_to_touch", "Is a calf tender when you squeeze it?", W),
    _yn("symptoms.warm_red_skin", "Is an area of the leg warm, red or darker than usual?", W),
    _yn(
        "symptoms.redness_spreading",
        "Is the red area spreading?",
        W,
        ask_if=lambda f: f.get("symptoms.warm_red_skin") is True,
    ),
    _yn("symptoms.fever_or_chills", "Do you have a fever, shivers or chills?", W),
    _yn(
        "symptoms.skin_dark_blistering_or_numb_patch",
        "Has part of the red or swollen skin turned purple, grey or black, blistered, or gone "
        "numb?",
        W,
        ask_if=lambda f: f.get("symptoms.warm_red_skin") is True or _swollen(f),
    ),
    _yn(
        "symptoms.pain_out_of_proportion",
        "Is the pain much worse than the wound, injury or redness looks, or getting worse by the "
        "hour?",
        W,
        ask_if=_in_pain,
    ),
    _yn(
        "symptoms.cannot_bear_weight",
        "Since an injury or a sudden pain, are you unable to put weight on the leg or take four "
        "steps?",
        W,
        ask_if=_in_pain,
    ),
    _yn(
        "symptoms.hard_tender_vein",
        "Does a vein just under the skin feel hard, lumpy or tender, perhaps with red skin along "
        "it?",
        W,
    ),
    _yn(
        "symptoms.sudden_cold_pale_or_blue_leg",
        "Did the leg or foot suddenly become cold, pale or blue, with pain?",
        W,
    ),
    _yn(
        "symptoms.tense_swollen_calf_after_injury",
        "After an injury or very hard effort, is the calf tight and swollen with pain that keeps "
        "getting worse?",
        W,
    ),
    _yn("symptoms.numbness_or_tingling", "Any numbness or tingling in the leg or foot?", W),
    _yn("symptoms.weakness", "Does the leg give way, or the foot drop or catch?", W),
    _yn(
        "symptoms.both_legs_weak_or_numb_with_back_pain",
        "Are both legs weak or numb, with back pain?",
        W,
        ask_if=lambda f: (
            f.get("symptoms.numbness_or_tingling") is True
            or f.get("symptoms.weakness") is True
            or f.get("symptoms.legs") == "both"
        ),
    ),
    _yn(
        "symptoms.saddle_numbness_or_new_bladder_bowel_problem",
        "Any numbness around the bottom or genitals, or a new problem passing urine or "
        "controlling bladder or bowel?",
        W,
    ),
    _yn(
        "symptoms.calf_pain_when_walking_relieved_by_rest",
        "Does walking bring on calf, thigh or buttock pain after a similar distance each time, "
        "easing within minutes of standing still?",
        W,
    ),
    _yn(
        "symptoms.foot_pain_at_rest_or_at_night",
        "Does your foot burn or ache at rest or at night, eased by hanging the leg down?",
        W,
    ),
    _yn(
        "symptoms.pain_during_exercise_resolves_after",
        "Does tight, aching pressure in the lower leg start at a predictable point of every run "
        "and fade within about 30 minutes of stopping?",
        W,
        ask_if=lambda f: bool(
            {"during_running", "after_exercise"} & set(f.get("symptoms.when") or ())
        ),
    ),
    _yn(
        "symptoms.urge_to_move_legs_at_rest",
        "In the evening or at rest, do you get an urge to move your legs that moving relieves?",
        W,
    ),
    _yn("symptoms.night_cramps", "Do you get cramps at night?", W),
    _yn("symptoms.visible_varicose_veins", "Can you see bulging, twisted (varicose) veins?", W),
    _yn(
        "symptoms.bleeding_from_vein",
        "Has a varicose vein, or the skin over one, bled (now or in the last few days)?",
        W,
        ask_if=_varicose,
    ),
    _yn(
        "symptoms.skin_changes",
        "Is the skin around the ankles brown, itchy and eczema-like, or hardened?",
        W,
    ),
    _yn(
        "symptoms.wound_not_healing", "Is there a sore or wound that has not healed in 2 weeks?", W
    ),
    _yn(
        "symptoms.itching",
        "Do the legs itch?",
        W,
        ask_if=lambda f: (
            f.get("symptoms.skin_changes") is True
            or f.get("symptoms.visible_varicose_veins") is True
        ),
    ),
    Question(
        "whole_body.short_of_breath",
        "Are you short of breath?",
        Kind.CHOICE,
        B,
        _c(
            "no",
            "No",
            "on_exertion",
            "On exertion (more than usual)",
            "at_rest",
            "At rest",
            "sudden",
            "It came on suddenly",
        ),
    ),
    _yn("whole_body.breathless_lying_flat", "Do you get breathless lying flat?", B),
    _yn("whole_body.chest_pain", "Do you have chest pain?", B),
    _yn("whole_body.coughing_blood", "Have you coughed up blood?", B),
    _yn("whole_body.fainting_or_racing_heart", "Have you fainted, or does your heart race?", B),
    _yn("whole_body.dizziness", "Do you feel dizzy?", B),
    _yn("whole_body.pale_skin", "Have you or others noticed you look pale?", B),
    _yn("whole_body.unusual_fatigue", "Are you tired beyond the legs, most days, for weeks?", B),
    _yn(
        "whole_body.dark_urine_after_exertion",
        "Is your urine tea- or cola-coloured after hard exercise?",
        B,
    ),
    _yn(
        "whole_body.severe_muscle_pain_and_weakness",
        "Are your muscles much more painful and weak than ordinary soreness?",
        B,
    ),
    Question(
        "whole_body.weight_gain_kg_last_week",
        "How many kg have you gained in the last week?",
        Kind.NUMBER,
        B,
        minimum=0,
        maximum=50,
        ask_if=_swollen,
    ),
    _yn(
        "whole_body.feels_cold_weight_gain_dry_skin",
        "Do you feel cold, gain weight easily and have dry skin lately?",
        B,
    ),
    _yn("whole_body.heavy_periods", "Are your periods heavy?", B, ask_if=_childbearing),
    Question(
        "whole_body.swelling_elsewhere",
        "Has anywhere else swollen up as well as the legs? (choose all that apply)",
        Kind.MULTI,
        B,
        _c(
            "face_or_eyelids",
            "Face or eyelids",
            "belly",
            "Belly",
            "hands",
            "Hands",
            "genitals",
            "Genitals",
        ),
        ask_if=_swollen,
    ),
    _yn("whole_body.frothy_urine", "Has your urine become frothy or foamy?", B),
    _yn(
        "whole_body.passing_much_less_urine",
        "Have you passed much less urine than usual, or none, for a day?",
        B,
    ),
    _yn(
        "whole_body.pregnancy_warning_signs",
        "Severe headache, vision problems, pain below the ribs, or sudden swelling of face, hands "
        "or feet?",
        B,
        ask_if=lambda f: (
            f.get("about.pregnant") is True or (f.get("about.weeks_since_giving_birth") is not None)
        ),
    ),
    Question(
        "history.conditions",
        "Any of these conditions? (choose all that apply)",
        Kind.MULTI,
        H,
        _c(
            "heart_failure",
            "Heart failure",
            "kidney_disease",
            "Kidney disease",
            "liver_disease",
            "Liver disease",
            "diabetes",
            "Diabetes",
            "peripheral_artery_disease",
            "Narrowed leg arteries (PAD)",
            "previous_dvt_or_pe",
            "A previous blood clot (DVT or PE)",
            "varicose_veins",
            "Varicose veins",
            "active_cancer",
            "Cancer (active)",
            "underactive_thyroid",
            "Underactive thyroid",
            "anemia",
            "Anaemia",
            "lymphedema",
            "Lymphoedema",
            "clotting_disorder",
            "A clotting disorder",
            "back_problems",
            "Back problems",
            "atrial_fibrillation",
            "Atrial fibrillation",
            "lymph_nodes_removed_or_irradiated",
            "Lymph nodes removed or treated with radiotherapy",
            "gout",
            "Gout",
            "rheumatoid_or_inflammatory_arthritis",
            "Rheumatoid or other inflammatory arthritis",
        ),
    ),
    Question(
        "history.recent",
        "In the last 12 weeks, any of these? (choose all that apply)",
        Kind.MULTI,
        H,
        _c(
            "long_journey",
            "A long journey (4 hours or more)",
            "surgery",
            "Surgery",
            "bed_rest",
            "Bed rest",
            "leg_injury",
            "A leg injury",
            "leg_in_cast",
            "A leg in a cast",
            "hospital_stay",
            "A hospital stay",
            "marathon_or_ultra",
            "A marathon or ultra",
            "new_unaccustomed_exercise",
            "New or unaccustomed exercise",
        ),
    ),
    Question(
        "history.medications",
        "Do you take any of these? (choose all that apply)",
        Kind.MULTI,
        H,
        _c(
            "calcium_channel_blocker",
            "A calcium-channel blocker (e.g. amlodipine)",
            "estrogen_contraceptive_or_hrt",
            "The combined pill or HRT",
            "statin",
            "A statin",
            "diuretic",
            "A water tablet (diuretic)",
            "anticoagulant",
            "A blood thinner",
            "regular_nsaid",
            "Regular anti-inflammatories (e.g. ibuprofen)",
            "steroid",
            "Steroid tablets",
            "insulin_or_diabetes_tablets",
            "Insulin or diabetes tablets",
            "pioglitazone",
            "Pioglitazone (a diabetes tablet)",
            "gabapentin_or_pregabalin",
            "Gabapentin or pregabalin",
            "dopamine_agonist",
            "A dopamine agonist (e.g. ropinirole, pramipexole)",
            "other",
            "Other regular medicines",
        ),
    ),
    _yn("history.smoker", "Do you smoke?", H),
    Question(
        "lifestyle.work",
        "What is your work like?",
        Kind.CHOICE,
        D,
        _c(
            "sitting",
            "Mostly sitting",
            "standing",
            "Mostly standing",
            "mixed",
            "Mixed",
            "active",
            "Physically active",
            "none",
            "Not working",
        ),
    ),
    Question(
        "lifestyle.hours_still_per_day",
        "Hours a day spent sitting or standing without walking about?",
        Kind.NUMBER,
        D,
        minimum=0,
        maximum=24,
    ),
    Question(
        "lifestyle.water_liters_per_day",
        "Litres of water and drinks a day?",
        Kind.NUMBER,
        D,
        minimum=0,
        maximum=15,
    ),
    Question(
        "lifestyle.sleep_hours", "Hours of sleep a night?", Kind.NUMBER, D, minimum=0, maximum=24
    ),
    Question(
        "lifestyle.walks_minutes_per_day",
        "Minutes of walking a day?",
        Kind.NUMBER,
        D,
        minimum=0,
        maximum=1440,
    ),
    Question(
        "lifestyle.diet",
        "Any of these about your diet? (choose all that apply)",
        Kind.MULTI,
        D,
        _c(
            "low_carbohydrate",
            "Low-carbohydrate",
            "vegetarian_or_vegan",
            "Vegetarian or vegan",
            "high_salt",
            "Salty food",
            "few_fruit_vegetables",
            "Few fruit and vegetables",
            "dieting_to_lose_weight",
            "Dieting to lose weight",
        ),
    ),
    _yn("lifestyle.hot_climate", "Is it hot where you live or work at the moment?", D),
    Question(
        "lifestyle.bmi",
        "Your body mass index (BMI), if you know it?",
        Kind.NUMBER,
        D,
        minimum=10,
        maximum=80,
    ),
    _yn(RUNS, "Do you run?", R),
    Question(
        "running.weekly_km",
        "Kilometres a week now?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=500,
        ask_if=_runner,
    ),
    Question(
        "running.weekly_km_four_weeks_ago",
        "Kilometres a week four weeks ago?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=500,
        ask_if=_runner,
    ),
    Question(
        "running.last_hard_session_hours_ago",
        "Hours since your last hard session?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=8760,
        ask_if=_runner,
    ),
    Question(
        "running.soreness_days",
        "Days the soreness has lasted since then?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=365,
        ask_if=_runner,
    ),
    Question(
        "running.resting_hr_rise_bpm",
        "Morning resting heart rate now minus your usual (beats a minute)?",
        Kind.NUMBER,
        R,
        minimum=-40,
        maximum=60,
        ask_if=_runner,
    ),
    _yn("running.performance_dropping", "Is your performance dropping?", R, ask_if=_runner),
    _yn("running.mood_or_sleep_worse", "Are your mood or sleep worse?", R, ask_if=_runner),
    _yn(
        "running.heavy_from_start_of_run",
        "Are the legs heavy from the start of a run?",
        R,
        ask_if=_runner,
    ),
    _yn(
        "running.heavy_late_in_long_runs", "Do they go heavy late in long runs?", R, ask_if=_runner
    ),
    _yn(
        "running.fuels_long_runs",
        "Do you take carbohydrate (gels, drinks, food) on long runs?",
        R,
        ask_if=_runner,
    ),
    _yn(
        "running.carbohydrate_before_runs",
        "Do you eat carbohydrate before runs?",
        R,
        ask_if=_runner,
    ),
    Question(
        "running.cadence_spm",
        "Cadence in steps per minute (both feet), if you know it?",
        Kind.NUMBER,
        R,
        minimum=60,
        maximum=260,
        ask_if=_runner,
    ),
    Question(
        "running.strength_sessions_per_week",
        "Strength sessions a week?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=14,
        ask_if=_runner,
    ),
    Question(
        "running.rest_days_per_week",
        "Rest days a week?",
        Kind.NUMBER,
        R,
        minimum=0,
        maximum=7,
        ask_if=_runner,
    ),
    _yn("running.warms_up", "Do you warm up before running?", R, ask_if=_runner),
    Question(
        "tried.measures",
        "What have you tried already? (choose all that apply)",
        Kind.MULTI,
        T,
        _c(
            "elevation",
            "Raising the legs",
            "walking",
            "Walking",
            "compression",
            "Compression socks",
            "ankle_pumps",
            "Ankle exercises",
            "stretching",
            "Stretching",
            "massage",
            "Massage",
            "hydration",
            "Drinking more",
            "rest",
            "Rest",
            "reduced_training",
            "Less training",
            "weight_loss",
            "Losing weight",
        ),
    ),
    Question(
        "tried.weeks",
        "For how many weeks?",
        Kind.NUMBER,
        T,
        minimum=0,
        maximum=520,
        ask_if=lambda f: bool(f.get("tried.measures")),
    ),
    Question(
        "tried.improving",
        "Is it improving?",
        Kind.CHOICE,
        T,
        _c("yes", "Yes", "partly", "Partly", "no", "No", "worse", "It is getting worse"),
        ask_if=lambda f: bool(f.get("tried.measures")),
    ),
)


def flat_of(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a nested (possibly partial, unvalidated) answers dict and add ``derived.*``."""
    flat: dict[str, Any] = {}
    for section, part in answers.items():
        if isinstance(part, Mapping):
            for name, value in part.items():
                if value is not None:
                    flat[f"{section}.{name}"] = value
    flat.update({f"derived.{k}": v for k, v in derive(flat).items() if v is not None})
    return flat


def should_ask(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the skip logic wants ``question`` given the answers so far."""
    return question.ask_if is None or question.ask_if(flat_of(answers))


def set_answer(answers: dict[str, Any], path: str, value: Any) -> None:
    """Store ``value`` at ``section.field`` (``None`` removes it: unknown)."""
    section, _, name = path.partition(".")
    part = answers.setdefault(section, {})
    if value is None:
        part.pop(name, None)
    else:
        part[name] = value


def to_schema(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the gate answers and empty sections: what remains is schema input."""
    out: dict[str, Any] = {"schema_version": 1}
    runs = (answers.get("meta") or {}).get("runs")
    for section, part in answers.items():
        if section in ("meta", "schema_version") or not part:
            continue
        if section == "running" and runs is False:
            continue
        out[section] = dict(part)
    return out
