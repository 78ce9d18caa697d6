"""The FHIR R4 (4.0.1) export: one ``Bundle`` of type ``collection`` a clinic's system can read.

Contents: the heavylegs ``CodeSystem``s, a ``Patient`` without a name, the ``Questionnaire`` of
the input schema (``item.linkId`` = the schema's field paths, answer options = its enums), per
stored assessment a ``QuestionnaireResponse`` and a ``RiskAssessment`` (ranked causes with
``probabilityDecimal`` and the triage level), a ``Flag`` for each warning the diary's rules
raise, and ``Observation``s for every diary value and every measure done.

Why measures done are ``Observation``s (category ``activity``) and not ``Procedure``s: what the
person records is their own activity with an amount (minutes, repetitions), which Observation
carries in ``component``; Procedure has no field for an amount and is meant for procedures done
*to* or *for* a patient by a care team. Resource ids are uuid5 of stable keys (the person's first
record, the day and part, the field), so exporting twice gives the same ids and a receiving
system can update instead of duplicating. A pure function of :class:`ReportData`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from heavylegs.reports import NothingToReport
from heavylegs.reports import fhir_codes as c
from heavylegs.reports.fhir_flags import diary_flags
from heavylegs.reports.gather import ReportData

ANSWER_TYPES = {bool: "boolean", int: "integer", float: "decimal", str: "choice"}


def dumps_bundle(bundle: Mapping[str, Any]) -> str:
    """The bundle as JSON text: the bundle's own fields on the first line, then one entry a line.

    Why not ``indent``: with it the standard library encodes in Python, not C, and ten years of
    diary took seconds more to write; one entry a line still reads and diffs well."""
    head = {k: v for k, v in bundle.items() if k != "entry"}
    text = json.dumps(head, ensure_ascii=False, allow_nan=False)
    if "entry" not in bundle:
        return text + "\n"
    lines = ",\n".join(json.dumps(e, ensure_ascii=False, allow_nan=False) for e in bundle["entry"])
    body = f'"entry": [\n{lines}\n]' if lines else '"entry": []'
    return f"{text[:-1]}, {body}}}\n" if head else f"{{{body}}}\n"


def person_key(data: ReportData) -> str:
    """What identifies this person across exports: their first stored record."""
    if data.assessments:
        return data.assessments[0].at.astimezone(dt.UTC).isoformat()
    days = [e.day for e in data.entries] + [m.day for m in data.measures]
    return min(days).isoformat() if days else "local"


def questionnaire_items() -> list[dict[str, Any]]:
    """One item per field of the input schema (from its pydantic models), in schema order."""
    from heavylegs.assessment.answers import SECTIONS
    from heavylegs.assessment.questionnaire import QUESTIONS
    from heavylegs.assessment.rules import field_spec

    texts = {q.path: (q.text, dict(q.choices)) for q in QUESTIONS}
    items = []
    for section, model in SECTIONS.items():
        for name, info in model.model_fields.items():
            path = f"{section}.{name}"
            spec = field_spec(path)
            text, labels = texts.get(path, (info.description or name.replace("_", " "), {}))
            item: dict[str, Any] = {
                "linkId": path,
                "text": text,
                "type": ANSWER_TYPES.get(spec.kind, "string"),
            }
            if path == "symptoms.legs":
                item["required"] = True
            if spec.is_list:
                item["repeats"] = True
            if spec.choices is not None:
                item["type"] = "choice"
                item["answerOption"] = [
                    {"valueCoding": _answer_coding(v, labels)} for v in _ordered(spec.choices)
                ]
            items.append(item)
    return items


def _ordered(choices: frozenset[Any]) -> list[Any]:
    return sorted(choices, key=str)


def _answer_coding(value: Any, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "system": c.ANSWER_SYSTEM,
        "code": str(value),
        "display": labels.get(value) or str(value).replace("_", " "),
    }


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"{kind}/{rid}"}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _code_system(url: str, name: str, title: str, concepts: Mapping[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": c.stable_id("CodeSystem", url),
        "url": url,
        "version": c.QUESTIONNAIRE_VERSION,
        "name": name,
        "title": title,
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "concept": [{"code": k, "display": v} for k, v in concepts.items()],
    }


def code_systems(data: ReportData, answer_codes: Mapping[str, str]) -> list[dict[str, Any]]:
    diary = {d.code: d.display for d in c.DIARY} | c.COMPONENTS
    return [
        _code_system(c.CAUSE_SYSTEM, "HeavylegsCause", "heavylegs causes", data.cause_titles),
        _code_system(
            c.MEASURE_SYSTEM, "HeavylegsMeasure", "heavylegs measures", data.measure_titles
        ),
        _code_system(c.DIARY_SYSTEM, "HeavylegsDiary", "heavylegs diary values", diary),
        _code_system(
            c.TRIAGE_SYSTEM, "HeavylegsTriageLevel", "heavylegs triage levels", c.TRIAGE_LEVELS
        ),
        _code_system(
            c.SOURCE_SYSTEM, "HeavylegsMeasureSource", "How a measure was recorded", c.SOURCES
        ),
        _code_system(
            c.ANSWER_SYSTEM, "HeavylegsAnswerOption", "heavylegs answer options", answer_codes
        ),
    ]


def render_bundle(data: ReportData) -> dict[str, Any]:
    """The bundle; :class:`NothingToReport` when nothing is stored yet."""
    if data.empty or not (data.assessments or data.entries or data.measures):
        raise NothingToReport(
            "nothing stored yet: run 'heavylegs assess' or 'heavylegs log' first "
            "(imported activities are not part of the FHIR bundle)"
        )
    key = person_key(data)
    patient_id = c.stable_id("Patient", key)
    subject = _ref("Patient", patient_id)
    items = questionnaire_items()
    answer_codes = {
        o["valueCoding"]["code"]: o["valueCoding"]["code"].replace("_", " ")
        for i in items
        for o in i.get("answerOption", [])
    }
    resources: list[dict[str, Any]] = [*code_systems(data, dict(sorted(answer_codes.items())))]
    resources.append(_patient(data, patient_id))
    resources.append(_questionnaire(items))
    kinds = {i["linkId"]: i for i in items}
    for stored in data.assessments:
        qr = questionnaire_response(stored.answers, stored.at, kinds, key, subject)
        resources.append(qr)
        resources.append(_risk(stored.output, stored.at, qr["id"], key, subject, data.cause_titles))
    for entry in data.entries:
        resources.extend(_diary_observations(entry, key, subject))
    seen: dict[tuple[dt.date, str], int] = {}
    for done in data.measures:
        # the n-th time of this measure on this day: adding another day's record changes no id
        nth = seen[done.day, done.measure] = seen.get((done.day, done.measure), -1) + 1
        resources.append(_measure_observation(done, nth, key, subject, data.measure_titles))
    resources.extend(diary_flags(data, key, subject))  # last: earlier entries keep their place
    return {
        "resourceType": "Bundle",
        "id": c.stable_id("Bundle", key),
        "meta": {"lastUpdated": _instant(data.now)},
        "identifier": {
            "system": c.BUNDLE_SYSTEM,
            "value": f"urn:uuid:{c.stable_id('Bundle', key)}",
        },
        "type": "collection",
        "timestamp": _instant(data.now),
        "entry": [_entry(r) for r in resources],
    }


def _instant(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _patient(data: ReportData, patient_id: str) -> dict[str, Any]:
    sex = data.about().get("sex")
    gender = sex if sex in ("male", "female", "other") else "unknown"
    return {"resourceType": "Patient", "id": patient_id, "gender": gender}


def _questionnaire(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": c.stable_id("Questionnaire", c.QUESTIONNAIRE_URL, c.QUESTIONNAIRE_VERSION),
        "url": c.QUESTIONNAIRE_URL,
        "version": c.QUESTIONNAIRE_VERSION,
        "name": "HeavylegsAssessmentInput",
        "title": "Heavy legs self-assessment",
        "status": "active",
        "subjectType": ["Patient"],
        "description": "What a person tells heavylegs about their heavy legs. An unanswered item "
        "means not asked or unknown, never no.",
        "item": items,
    }


def _answer(value: Any, item: Mapping[str, Any]) -> dict[str, Any]:
    kind = item["type"]
    if kind == "choice":
        labels = {o["valueCoding"]["code"]: o["valueCoding"] for o in item.get("answerOption", [])}
        return {"valueCoding": dict(labels.get(str(value), _answer_coding(value, {})))}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def questionnaire_response(
    answers: Mapping[str, Any],
    at: dt.datetime,
    kinds: Mapping[str, Mapping[str, Any]],
    key: str,
    subject: dict[str, str],
) -> dict[str, Any]:
    items = []
    for path, item in kinds.items():
        section, _, name = path.partition(".")
        part = answers.get(section)
        value = part.get(name) if isinstance(part, Mapping) else None
        if value is None:
            continue
        if isinstance(value, list):
            if not value:
                # "none of these" differs from "not asked": FHIR has no empty answer list
                items.append(
                    {
                        "linkId": path,
                        "extension": [{"url": c.EXT_NONE_CHOSEN, "valueBoolean": True}],
                    }
                )
                continue
            items.append({"linkId": path, "answer": [_answer(v, item) for v in value]})
        else:
            items.append({"linkId": path, "answer": [_answer(value, item)]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": c.stable_id("QuestionnaireResponse", key, at.isoformat()),
        "questionnaire": f"{c.QUESTIONNAIRE_URL}|{c.QUESTIONNAIRE_VERSION}",
        "status": "completed",
        "subject": subject,
        "authored": at.astimezone(dt.UTC).isoformat(),
        "item": items,
    }


def _risk(
    output: Mapping[str, Any],
    at: dt.datetime,
    qr_id: str,
    key: str,
    subject: dict[str, str],
    titles: Mapping[str, str],
) -> dict[str, Any]:
    triage = output.get("triage") or {}
    level = str(triage.get("level", ""))
    predictions = []
    for cause in output.get("causes") or []:
        if not isinstance(cause, Mapping) or not cause.get("id"):
            continue
        cid = str(cause["id"])
        title = titles.get(cid, cid.replace("_", " "))
        prediction: dict[str, Any] = {
            "outcome": {
                "coding": [{"system": c.CAUSE_SYSTEM, "code": cid, "display": title}],
                "text": title,
            }
        }
        likelihood = cause.get("likelihood")
        if isinstance(likelihood, int | float):
            prediction["probabilityDecimal"] = round(float(likelihood), 4)
        why = "; ".join(str(w) for w in cause.get("why") or [])
        if why:
            prediction["rationale"] = why
        predictions.append(prediction)
    risk: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": c.stable_id("RiskAssessment", key, at.isoformat()),
        "extension": c.triage_extension(level),
        "status": "final",
        "subject": subject,
        "occurrenceDateTime": at.astimezone(dt.UTC).isoformat(),
        "basis": [_ref("QuestionnaireResponse", qr_id)],
        "note": [{"text": _triage_text(triage)}],
    }
    if predictions:
        risk["prediction"] = predictions
    return risk


def _triage_text(triage: Mapping[str, Any]) -> str:
    reasons = [r.get("message", "") for r in triage.get("reasons") or [] if isinstance(r, Mapping)]
    head = f"Triage {triage.get('level', '?')}: {triage.get('headline', '')}"
    return " ".join([head, *reasons]).strip()


def _category(code: str) -> list[dict[str, Any]]:
    return [
        {"coding": [{"system": c.OBS_CATEGORY, "code": code, "display": c.CATEGORY_DISPLAY[code]}]}
    ]


def _diary_observations(entry: Any, key: str, subject: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for code in c.DIARY:
        value = getattr(entry, code.field)
        if isinstance(value, str):
            value = c.fhir_string(value)
        if value is None:
            continue
        codings = [{"system": c.DIARY_SYSTEM, "code": code.code, "display": code.display}]
        if code.loinc is not None:
            codings.append({"system": c.LOINC, "code": code.loinc[0], "display": code.loinc[1]})
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "id": c.stable_id("Observation", key, entry.day.isoformat(), entry.part, code.code),
            "extension": [{"url": c.EXT_PART, "valueCode": entry.part}],
            "status": "final",
            "category": _category(code.category),
            "code": {"coding": codings, "text": code.display},
            "subject": subject,
            "effectiveDateTime": entry.day.isoformat(),
        }
        if code.value == c.Value.QUANTITY:
            obs[code.value] = {
                "value": value,
                "unit": code.unit_text,
                "system": c.UCUM,
                "code": code.unit,
            }
        else:
            obs[code.value] = value
        if code.body_site is not None:
            obs["bodySite"] = {"text": code.body_site}
        out.append(obs)
    return out


def _measure_observation(
    done: Any, nth: int, key: str, subject: dict[str, str], titles: Mapping[str, str]
) -> dict[str, Any]:
    title = titles.get(done.measure, done.measure.replace("_", " "))
    components = []
    if done.minutes is not None:
        components.append(
            {
                "code": _diary_code(c.MINUTES),
                "valueQuantity": {
                    "value": done.minutes,
                    "unit": "min",
                    "system": c.UCUM,
                    "code": "min",
                },
            }
        )
    if done.reps is not None:
        components.append({"code": _diary_code(c.REPS), "valueInteger": done.reps})
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": c.stable_id(
            "Observation", key, "measure", done.day.isoformat(), done.measure, str(nth)
        ),
        "status": "final",
        "category": _category("activity"),
        "code": {
            "coding": [{"system": c.MEASURE_SYSTEM, "code": done.measure, "display": title}],
            "text": f"Done: {title}",
        },
        "subject": subject,
        "effectiveDateTime": done.day.isoformat(),
        "method": {
            "coding": [
                {
                    "system": c.SOURCE_SYSTEM,
                    "code": done.source,
                    "display": c.SOURCES.get(done.source, done.source),
                }
            ]
        },
    }
    if done.at is not None:
        obs["extension"] = [
            {"url": c.EXT_DONE_AT, "valueDateTime": done.at.astimezone(dt.UTC).isoformat()}
        ]
    if components:
        obs["component"] = components
    return obs


def _diary_code(code: str) -> dict[str, Any]:
    return {"coding": [{"system": c.DIARY_SYSTEM, "code": code, "display": c.COMPONENTS[code]}]}
