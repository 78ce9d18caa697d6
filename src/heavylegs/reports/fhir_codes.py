"""The FHIR vocabulary heavylegs uses: canonical URLs, code systems, and what each diary value
becomes. Shared by the export (:mod:`heavylegs.reports.fhir`) and the import
(:mod:`heavylegs.reports.fhir_import`), so the two can never disagree.

Why these codes: LOINC where a code for exactly this observation exists and was checked (sleep
duration 93832-4, steps 55423-8, pain 0–10 72514-3); no LOINC code for a self-measured ankle
circumference was found, so the ankles (and heaviness, cramps and the other diary values) use the
heavylegs ``diary`` code system. Every heavylegs code system is included in the bundle as a
``CodeSystem`` resource, so a receiving system can read the codes without going online.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

BASE = "https://heavylegs.example.org/fhir"
"""Root of every heavylegs canonical URL. Change it in one place if the project gets a domain."""

QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/assessment-input"
QUESTIONNAIRE_VERSION = "1"
"""The input schema's ``schema_version``."""
BUNDLE_SYSTEM = f"{BASE}/bundle"
CAUSE_SYSTEM = f"{BASE}/CodeSystem/cause"
MEASURE_SYSTEM = f"{BASE}/CodeSystem/measure"
DIARY_SYSTEM = f"{BASE}/CodeSystem/diary"
TRIAGE_SYSTEM = f"{BASE}/CodeSystem/triage-level"
ANSWER_SYSTEM = f"{BASE}/CodeSystem/answer-option"
SOURCE_SYSTEM = f"{BASE}/CodeSystem/measure-source"
EXT_PART = f"{BASE}/StructureDefinition/diary-part"
EXT_DONE_AT = f"{BASE}/StructureDefinition/done-at"
EXT_TRIAGE = f"{BASE}/StructureDefinition/triage-level"
EXT_NONE_CHOSEN = f"{BASE}/StructureDefinition/none-chosen"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


def stable_id(*key: str) -> str:
    """A resource id from stable keys (uuid5): the same fact always gets the same id."""
    return str(uuid.uuid5(NAMESPACE, "/".join(key)))


TRIAGE_LEVELS = {
    "emergency": "Emergency: call the emergency number or go to an emergency department now",
    "urgent": "Urgent: be seen by a clinician today",
    "routine": "Routine: book an appointment in the coming days or weeks",
    "self_care": "Self-care: safe to manage at home, with the plan",
}


def triage_extension(level: str) -> list[dict[str, Any]]:
    """The ``extension`` that carries a triage level (the assessment's or the diary's)."""
    display = TRIAGE_LEVELS.get(level, level)
    coding = {"system": TRIAGE_SYSTEM, "code": level, "display": display}
    return [{"url": EXT_TRIAGE, "valueCoding": coding}]


SOURCES = {"manual": "Recorded by the person", "session": "Recorded by a guided session"}


class Value:
    """How a diary value is written in ``Observation``: the value[x] it uses."""

    INTEGER = "valueInteger"
    BOOLEAN = "valueBoolean"
    STRING = "valueString"
    QUANTITY = "valueQuantity"


@dataclass(frozen=True)
class DiaryCode:
    field: str
    """The diary entry's field (``EntryRow``)."""
    code: str
    display: str
    value: str
    category: str
    unit: str | None = None
    """UCUM unit for quantities."""
    unit_text: str | None = None
    loinc: tuple[str, str] | None = None
    """(code, display) when LOINC has one for exactly this."""
    body_site: str | None = None


DIARY: tuple[DiaryCode, ...] = (
    DiaryCode("heaviness", "heaviness", "Leg heaviness 0-10 (self-rated)", Value.INTEGER, "survey"),
    DiaryCode(
        "ankle_left_cm",
        "ankle-circumference-left",
        "Ankle circumference, left (self-measured)",
        Value.QUANTITY,
        "exam",
        "cm",
        "cm",
        body_site="left ankle",
    ),
    DiaryCode(
        "ankle_right_cm",
        "ankle-circumference-right",
        "Ankle circumference, right (self-measured)",
        Value.QUANTITY,
        "exam",
        "cm",
        "cm",
        body_site="right ankle",
    ),
    DiaryCode(
        "swelling", "swelling", "Visible swelling (none, both, left, right)", Value.STRING, "survey"
    ),
    DiaryCode("sock_marks", "sock-marks", "Sock marks that last", Value.BOOLEAN, "survey"),
    DiaryCode("cramps", "cramps", "Number of leg cramps", Value.INTEGER, "survey"),
    DiaryCode("night_cramps", "night-cramps", "Leg cramps at night", Value.BOOLEAN, "survey"),
    DiaryCode(
        "pain",
        "pain",
        "Leg pain 0-10 (self-rated)",
        Value.INTEGER,
        "survey",
        loinc=("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    ),
    DiaryCode(
        "sleep_h",
        "sleep-hours",
        "Sleep duration",
        Value.QUANTITY,
        "survey",
        "h",
        "h",
        loinc=("93832-4", "Sleep duration"),
    ),
    DiaryCode("water_l", "water-intake", "Water and drinks", Value.QUANTITY, "survey", "L", "L"),
    DiaryCode(
        "steps",
        "steps",
        "Steps",
        Value.QUANTITY,
        "activity",
        "{steps}",
        "steps",
        loinc=("55423-8", "Number of steps in unspecified time Pedometer"),
    ),
    DiaryCode(
        "walk_min", "walking-minutes", "Minutes walked", Value.QUANTITY, "activity", "min", "min"
    ),
    DiaryCode(
        "hours_still",
        "hours-still",
        "Hours sitting or standing still",
        Value.QUANTITY,
        "activity",
        "h",
        "h",
    ),
    DiaryCode("note", "note", "Diary note", Value.STRING, "survey"),
)
BY_FIELD = {d.field: d for d in DIARY}
BY_CODE = {d.code: d for d in DIARY}

MINUTES = "minutes"
REPS = "repetitions"
COMPONENTS = {MINUTES: "Minutes spent", REPS: "Repetitions"}

CATEGORY_DISPLAY = {
    "survey": "Survey",
    "exam": "Exam",
    "activity": "Activity",
}

BOUND = {
    "Bundle.type": {"collection"},
    "Questionnaire.status": {"active"},
    "QuestionnaireResponse.status": {"completed"},
    "RiskAssessment.status": {"final"},
    "Observation.status": {"final"},
    "Flag.status": {"active"},
    "CodeSystem.status": {"active"},
    "CodeSystem.content": {"complete"},
    "Patient.gender": {"male", "female", "other", "unknown"},
    "Questionnaire.item.type": {"boolean", "integer", "decimal", "choice"},
}
"""Codes from required FHIR bindings that heavylegs writes (the JSON schema checks none)."""


_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|[^\S \r\n\t]")
"""A character :func:`fhir_string` changes: a control character, or a space other than the four
R4 allows. Ten years of long notes spent most of the bundle's time in its loop."""


def fhir_string(text: str) -> str | None:
    """``text`` as an R4 ``string`` (``[ \\r\\n\\t\\S]+``), or None when nothing is left.

    Other spaces (the ideographic space of Japanese text, a non-breaking space, a form feed,
    a line separator) become a plain space and other control characters are left out: one
    such character in a diary note made the whole bundle invalid against the R4 schema.
    """
    import unicodedata

    if _SUSPECT.search(text) is None:  # the common case, without a Python loop per character
        return text if text.strip() else None
    out = []
    for char in text:
        if char in " \r\n\t":
            out.append(char)
        elif char.isspace():
            out.append(" ")
        elif unicodedata.category(char) != "Cc":
            out.append(char)
    cleaned = "".join(out)
    return cleaned if cleaned.strip() else None
