"""``heavylegs import-fhir``: a bundle written by ``heavylegs export --format fhir``, back in.

All or nothing: the whole bundle is read and checked first (FHIR structure with
``fhir.resources`` R4B, then heavylegs' own rules: our bundle, our Questionnaire, known codes,
valid answers and diary values), and only then written, in the caller's one transaction, into an
empty database. The first problem is reported with its JSON path (``$.entry[3].resource…``), so
a person or a developer can find it in the file.

Assessment outputs are recomputed from the answers with this version's knowledge (the bundle
carries the causes for people to read, not the plan); answers and diary values come back equal
to what was exported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heavylegs.problems import Problems
from heavylegs.reports import fhir_codes as c

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.diary.validation import EntryIn, MeasureDoneIn
    from heavylegs.knowledge.models import KnowledgeBase


class BundleError(Problems, ValueError):
    """The bundle is refused; ``problems`` holds one ``$.json.path: message`` line."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__([f"{path}: {message}"])


def json_path(loc: Sequence[int | str]) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass
class Contents:
    """What a valid bundle holds, ready to store."""

    assessments: list[tuple[dt.datetime, dict[str, Any]]] = field(default_factory=list)
    entries: list[EntryIn] = field(default_factory=list)
    measures: list[MeasureDoneIn] = field(default_factory=list)


def read_bundle(document: object, today: dt.date, known_measures: frozenset[str]) -> Contents:
    """Check ``document`` and return its contents; :class:`BundleError` at the first problem."""
    if not isinstance(document, Mapping):
        raise BundleError("$", "must be a JSON object (a FHIR Bundle)")
    if document.get("resourceType") != "Bundle":
        raise BundleError("$.resourceType", "must be 'Bundle'")
    identifier = document.get("identifier")
    system = identifier.get("system") if isinstance(identifier, Mapping) else None
    if system != c.BUNDLE_SYSTEM:
        raise BundleError(
            "$.identifier.system", f"not a heavylegs bundle (expected {c.BUNDLE_SYSTEM!r})"
        )
    _check_structure(document)
    if document.get("type") != "collection":
        raise BundleError("$.type", "must be 'collection'")
    entries = document.get("entry") or []
    _check_ids_and_references(entries)
    questionnaire = [
        i
        for i, e in enumerate(entries)
        if e.get("resource", {}).get("resourceType") == "Questionnaire"
    ]
    if not questionnaire:
        raise BundleError("$.entry", "no Questionnaire: not a heavylegs export")
    q_at = f"$.entry[{questionnaire[0]}].resource"
    q = entries[questionnaire[0]]["resource"]
    if q.get("url") != c.QUESTIONNAIRE_URL:
        raise BundleError(f"{q_at}.url", f"not the heavylegs Questionnaire ({c.QUESTIONNAIRE_URL})")
    if q.get("version") != c.QUESTIONNAIRE_VERSION:
        raise BundleError(f"{q_at}.version", f"this heavylegs reads {c.QUESTIONNAIRE_VERSION!r}")
    from heavylegs.reports.fhir import questionnaire_items

    items = {i["linkId"]: i for i in questionnaire_items()}
    out = Contents()
    diary: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for index, entry in enumerate(entries):
        at = f"$.entry[{index}].resource"
        resource = entry["resource"]
        kind = resource.get("resourceType")
        status = resource.get("status")
        allowed = c.BOUND.get(f"{kind}.status")
        if allowed is not None and status not in allowed:
            raise BundleError(f"{at}.status", f"must be one of {sorted(allowed)}")
        if kind == "QuestionnaireResponse":
            out.assessments.append(read_response(resource, at, items, today))
        elif kind == "Observation":
            _observation(resource, at, diary, out, today, known_measures)
    for (day, part), (at, values) in sorted(diary.items()):
        out.entries.append(_diary_entry(day, part, values, at, today))
    return out


def _check_ids_and_references(entries: Sequence[Mapping[str, Any]]) -> None:
    """Every resource once (a bundle pasted onto itself doubled every assessment) and every
    reference to a resource in the bundle (FHIR's bdl-7; the import has nothing else)."""
    seen: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        key = f"{resource.get('resourceType')}/{resource.get('id')}"
        if key in seen:
            raise BundleError(
                f"$.entry[{index}].resource.id", f"{key} is already used by $.entry[{seen[key]}]"
            )
        seen[key] = index
        url = entry.get("fullUrl")
        if url is not None and url in urls:
            raise BundleError(f"$.entry[{index}].fullUrl", f"already used by $.entry[{urls[url]}]")
        urls[str(url)] = index
    for index, entry in enumerate(entries):
        for path, reference in _references(entry.get("resource"), ""):
            if reference not in seen and reference not in urls:
                raise BundleError(
                    f"$.entry[{index}].resource{path}.reference",
                    f"{reference!r} is not in the bundle",
                )


def _references(node: Any, path: str) -> list[tuple[str, str]]:
    """(JSON path, reference) of every ``Reference`` under ``node``."""
    found: list[tuple[str, str]] = []
    if isinstance(node, Mapping):
        if isinstance(node.get("reference"), str):
            found.append((path, node["reference"]))
        for name, value in node.items():
            found += _references(value, f"{path}.{name}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found += _references(value, f"{path}[{k}]")
    return found


def _check_structure(document: Mapping[str, Any]) -> None:
    """FHIR R4 structure (R4B models: the same for these resources); bound codes are ours."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(dict(document))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BundleError(json_path(first["loc"]), str(first["msg"])) from None


def read_response(
    resource: Mapping[str, Any],
    at: str,
    items: Mapping[str, Mapping[str, Any]],
    today: dt.date | None = None,
) -> tuple[dt.datetime, dict[str, Any]]:
    from heavylegs.assessment.validation import AnswersError, parse_answers

    wanted = f"{c.QUESTIONNAIRE_URL}|{c.QUESTIONNAIRE_VERSION}"
    if resource.get("questionnaire") not in (wanted, c.QUESTIONNAIRE_URL):
        raise BundleError(f"{at}.questionnaire", f"must be {wanted!r}")
    authored = _when(resource.get("authored"), f"{at}.authored")
    if today is not None and authored.date() > today + dt.timedelta(days=1):
        # it would be "the latest" assessment for ever, and the backup refuses it
        tomorrow = today + dt.timedelta(days=1)
        raise BundleError(
            f"{at}.authored", f"must not be after tomorrow ({tomorrow}); got {authored:%Y-%m-%d}"
        )
    if authored.year < 1900:
        raise BundleError(f"{at}.authored", "must not be before 1900-01-01")
    answers: dict[str, Any] = {"schema_version": 1}
    where: dict[str, str] = {}
    for j, item in enumerate(resource.get("item") or []):
        path = f"{at}.item[{j}]"
        link = item.get("linkId")
        spec = items.get(link)
        if spec is None:
            raise BundleError(f"{path}.linkId", f"{link!r} is not an item of the Questionnaire")
        values = [
            _answer_value(a, spec, f"{path}.answer[{k}]")
            for k, a in enumerate(item.get("answer") or [])
        ]
        none_chosen = any(e.get("url") == c.EXT_NONE_CHOSEN for e in item.get("extension") or [])
        if not values and not (none_chosen and spec.get("repeats")):
            raise BundleError(path, "an item needs an answer")
        section, _, name = link.partition(".")
        answers.setdefault(section, {})[name] = values if spec.get("repeats") else values[0]
        where[link] = path
    try:
        parse_answers(answers)
    except AnswersError as exc:
        location = exc.locations[0]
        raise BundleError(where.get(location, at), exc.problems[0]) from None
    return authored, answers


def _answer_value(answer: Mapping[str, Any], spec: Mapping[str, Any], at: str) -> Any:
    kind = spec["type"]
    key = {
        "choice": "valueCoding",
        "boolean": "valueBoolean",
        "integer": "valueInteger",
        "decimal": "valueDecimal",
    }.get(kind, "valueString")
    if key not in answer:
        raise BundleError(at, f"the item {spec['linkId']!r} needs {key}")
    value = answer[key]
    if key == "valueCoding":
        codes = {o["valueCoding"]["code"] for o in spec.get("answerOption", [])}
        if value.get("system") != c.ANSWER_SYSTEM or value.get("code") not in codes:
            raise BundleError(f"{at}.valueCoding", f"must be one of {sorted(codes)}")
        return value["code"]
    return value


def _when(value: Any, at: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise BundleError(at, "must be a date-time with a time zone") from None
    if parsed.tzinfo is None:
        raise BundleError(at, "must be a date-time with a time zone")
    return parsed


def _day(value: Any, at: str) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BundleError(at, "must be a date YYYY-MM-DD") from None


def _coding(resource: Mapping[str, Any], system: str) -> str | None:
    for coding in (resource.get("code") or {}).get("coding") or []:
        if coding.get("system") == system:
            return str(coding.get("code"))
    return None


def _observation(
    resource: Mapping[str, Any],
    at: str,
    diary: dict[tuple[str, str], tuple[str, dict[str, Any]]],
    out: Contents,
    today: dt.date,
    known_measures: frozenset[str],
) -> None:
    day = _day(resource.get("effectiveDateTime"), f"{at}.effectiveDateTime")
    measure = _coding(resource, c.MEASURE_SYSTEM)
    if measure is not None:
        out.measures.append(_measure(resource, measure, day, at, today, known_measures))
        return
    code = _coding(resource, c.DIARY_SYSTEM)
    spec = c.BY_CODE.get(code or "")
    if spec is None:
        raise BundleError(f"{at}.code", "no heavylegs diary or measure code")
    part = next(
        (e.get("valueCode") for e in resource.get("extension") or [] if e.get("url") == c.EXT_PART),
        None,
    )
    if part not in ("morning", "evening"):
        raise BundleError(f"{at}.extension", f"needs {c.EXT_PART} (morning or evening)")
    if spec.value not in resource:
        raise BundleError(at, f"{spec.display} needs {spec.value}")
    value = resource[spec.value]
    if spec.value == c.Value.QUANTITY:
        if value.get("system") != c.UCUM or value.get("code") != spec.unit:
            raise BundleError(f"{at}.valueQuantity", f"must be in UCUM {spec.unit!r}")
        value = value.get("value")
        if value is None:
            raise BundleError(f"{at}.valueQuantity.value", "required")
    _typed(value, spec.value, at)
    if isinstance(value, str):
        value = c.fhir_string(value)  # as the export writes it: no NUL, no other controls
    first, values = diary.setdefault((day, part), (at, {}))
    if spec.field in values:
        raise BundleError(at, f"a second value of {spec.code!r} for {day} {part} (see {first})")
    values[spec.field] = value


def _typed(value: Any, kind: str, at: str) -> None:
    """JSON ``true`` is not a heaviness of 1 (Python's bool is an int, and pydantic agrees)."""
    if kind == c.Value.BOOLEAN:
        ok, wanted = isinstance(value, bool), "true or false"
    elif kind == c.Value.STRING:
        ok, wanted = isinstance(value, str), "a string"
    elif kind == c.Value.INTEGER:
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "an integer"
    else:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        wanted = "a number"
    if not ok:
        suffix = ".value" if kind == c.Value.QUANTITY else ""
        raise BundleError(f"{at}.{kind}{suffix}", f"must be {wanted}")


def _diary_entry(day: str, part: str, values: dict[str, Any], at: str, today: dt.date) -> EntryIn:
    from heavylegs.diary.validation import DiaryInputError, parse_entry

    try:
        return parse_entry({"date": day, "part": part, **values}, today=today)
    except DiaryInputError as exc:
        raise BundleError(at, f"diary {day} {part}: {exc.problems[0]}") from None


def _measure(
    resource: Mapping[str, Any],
    measure: str,
    day: str,
    at: str,
    today: dt.date,
    known: frozenset[str],
) -> MeasureDoneIn:
    from heavylegs.diary.validation import DiaryInputError, parse_measure_done

    data: dict[str, Any] = {"measure": measure, "date": day}
    for k, component in enumerate(resource.get("component") or []):
        code = next(
            (x.get("code") for x in component.get("code", {}).get("coding") or []
             if x.get("system") == c.DIARY_SYSTEM),
            None,
        )  # fmt: skip
        where = f"{at}.component[{k}]"
        if code == c.MINUTES:
            data["minutes"] = (component.get("valueQuantity") or {}).get("value")
            _typed(data["minutes"], c.Value.QUANTITY, where)
        elif code == c.REPS:
            data["reps"] = component.get("valueInteger")
            _typed(data["reps"], c.Value.INTEGER, where)
        else:
            raise BundleError(f"{at}.component[{k}].code", "must be minutes or repetitions")
    for ext in resource.get("extension") or []:
        if ext.get("url") == c.EXT_DONE_AT:
            data["at"] = _when(ext.get("valueDateTime"), f"{at}.extension")
    method = [x.get("code") for x in (resource.get("method") or {}).get("coding") or []]
    if method and method[0] in c.SOURCES:
        data["source"] = method[0]
    try:
        return parse_measure_done(data, today=today, known=known)
    except DiaryInputError as exc:
        raise BundleError(at, exc.problems[0]) from None


def import_bundle(
    session: Session, document: object, kb: KnowledgeBase, now: dt.datetime
) -> dict[str, int]:
    """Check the bundle, then store it into the (empty) database of ``session``; counts."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers
    from heavylegs.diary.entries import record_entry, record_measure
    from heavylegs.store import record_assessment, upsert_profile
    from heavylegs.store.backup import row_counts

    contents = read_bundle(document, now.astimezone().date(), frozenset(kb.measures))
    existing = {name: n for name, n in row_counts(session).items() if n}
    if existing:
        listed = ", ".join(f"{n} {name}" for name, n in sorted(existing.items()))
        raise BundleError("$", f"the database is not empty ({listed}); import into an empty one")
    for at, answers in sorted(contents.assessments, key=lambda a: a[0]):
        result = assess(parse_answers(answers), kb)
        record_assessment(
            session, answers, result.model_dump(mode="json"), result.knowledge_version, at
        )
        upsert_profile(session, answers, at)
    for entry in contents.entries:
        record_entry(session, entry, now)
    for done in contents.measures:
        record_measure(session, done)
    return {
        "assessments": len(contents.assessments),
        "diary entries": len(contents.entries),
        "measures done": len(contents.measures),
    }
