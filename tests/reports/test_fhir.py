"""The FHIR R4 bundle: official JSON schema, fhir.resources R4B, bound codes, the contract's
links (Questionnaire ↔ input schema ↔ QuestionnaireResponse), stable ids, and the round trip."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle

from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports import NothingToReport
from heavylegs.reports import fhir_codes as codes
from heavylegs.reports.fhir import render_bundle
from heavylegs.reports.fhir_import import BundleError, import_bundle
from heavylegs.reports.gather import ReportData
from heavylegs.store import open_store
from heavylegs.store.backup import row_counts
from tests.reports.conftest import NOW, read
from tests.reports.fhir_schema import load_schema, schema_path


@cache
def validator() -> jsonschema.Draft6Validator:
    path = schema_path()
    if path is None:
        pytest.skip("LOUD: npm is missing, so the official FHIR R4 JSON schema cannot be fetched")
    return jsonschema.Draft6Validator(load_schema(path))


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def schema_paths(node: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    out = {}
    for name, spec in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        if spec.get("type") == "object":
            out.update(schema_paths(spec, path + "."))
        elif path != "schema_version":
            out[path] = spec
    return out


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """Another, empty SQLite database (``sqlite_url`` already holds the person's data)."""
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def bundle(full: ReportData) -> dict[str, Any]:
    return render_bundle(full)


def test_valid_against_the_official_r4_schema(bundle: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(bundle), key=lambda e: list(e.absolute_path))
    assert not errors, [(list(e.absolute_path), e.message[:200]) for e in errors[:3]]


def test_the_schema_check_can_fail(bundle: dict[str, Any]) -> None:
    broken = copy.deepcopy(bundle)
    resources(broken, "Observation")[0]["valueQuantity"] = {"value": "heavy"}
    assert not validator().is_valid(broken)


def test_parses_with_fhir_resources_r4b(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert len(parsed.entry or []) == len(bundle["entry"])


def test_bound_codes(bundle: dict[str, Any]) -> None:
    """Required bindings the JSON schema does not check."""
    assert bundle["type"] in codes.BOUND["Bundle.type"]
    for entry in bundle["entry"]:
        r = entry["resource"]
        kind = r["resourceType"]
        for element in ("status", "content", "gender"):
            allowed = codes.BOUND.get(f"{kind}.{element}")
            if allowed is not None:
                assert r[element] in allowed, (kind, element, r[element])
        for item in r.get("item", []) if kind == "Questionnaire" else []:
            assert item["type"] in codes.BOUND["Questionnaire.item.type"]
        for category in r.get("category", []):
            for coding in category["coding"]:
                assert coding["system"] == codes.OBS_CATEGORY
                assert coding["code"] in {"survey", "exam", "activity"}
        quantity = r.get("valueQuantity")
        if quantity is not None:
            assert quantity["system"] == codes.UCUM and quantity["code"] in {
                "cm",
                "h",
                "L",
                "min",
                "{steps}",
            }


def test_questionnaire_is_the_input_schema(bundle: dict[str, Any], shared: Path) -> None:
    schema = json.loads((shared / "spec" / "assessment-input.schema.json").read_text())
    fields = schema_paths(schema)
    (questionnaire,) = resources(bundle, "Questionnaire")
    assert questionnaire["url"] == codes.QUESTIONNAIRE_URL and questionnaire["version"] == "1"
    items = {i["linkId"]: i for i in questionnaire["item"]}
    assert set(fields) <= set(items)  # the schema may grow; every field it has is an item
    for path, spec in fields.items():
        enum = spec.get("enum") or spec.get("items", {}).get("enum")
        if enum:
            options = {o["valueCoding"]["code"] for o in items[path]["answerOption"]}
            assert options == set(enum), path
        assert items[path].get("repeats", False) == (spec.get("type") == "array"), path


def test_responses_risks_and_observations(bundle: dict[str, Any], full: ReportData) -> None:
    (patient,) = resources(bundle, "Patient")
    assert "name" not in patient and patient["gender"] == "male"
    subject = {"reference": f"Patient/{patient['id']}"}
    (questionnaire,) = resources(bundle, "Questionnaire")
    links = {i["linkId"] for i in questionnaire["item"]}
    responses = resources(bundle, "QuestionnaireResponse")
    assert len(responses) == len(full.assessments) == 2
    for qr in responses:
        assert qr["questionnaire"] == f"{codes.QUESTIONNAIRE_URL}|1"
        assert {i["linkId"] for i in qr["item"]} <= links
        assert qr["subject"] == subject
    risks = resources(bundle, "RiskAssessment")
    assert len(risks) == 2
    latest = full.assessments[-1].output
    top = risks[-1]["prediction"][0]
    assert top["outcome"]["coding"][0] == {
        "system": codes.CAUSE_SYSTEM,
        "code": latest["causes"][0]["id"],
        "display": full.cause_titles[latest["causes"][0]["id"]],
    }
    assert top["probabilityDecimal"] == pytest.approx(latest["causes"][0]["likelihood"], abs=1e-4)
    assert risks[-1]["extension"][0]["valueCoding"]["code"] == "self_care"
    observations = resources(bundle, "Observation")
    assert all(o["subject"] == subject for o in observations)
    by_code: dict[str, list[dict[str, Any]]] = {}
    for o in observations:
        by_code.setdefault(o["code"]["coding"][0]["code"], []).append(o)
    assert len(by_code["heaviness"]) == 42  # 21 days, morning and evening
    left = by_code["ankle-circumference-left"][0]["valueQuantity"]
    assert left == {"value": 23.0, "unit": "cm", "system": codes.UCUM, "code": "cm"}
    assert len(by_code["ankle-circumference-right"]) == 21
    assert by_code["sleep-hours"][0]["code"]["coding"][1]["code"] == "93832-4"
    assert len(by_code["cramps"]) == 21
    assert len(by_code["ankle_pumps"]) == 11  # measures done
    assert by_code["ankle_pumps"][0]["component"][0]["valueInteger"] == 20
    # every heavylegs code used is defined in a CodeSystem of the bundle
    defined = {
        (cs["url"], c["code"]) for cs in resources(bundle, "CodeSystem") for c in cs["concept"]
    }
    for o in observations:
        coding = o["code"]["coding"][0]
        assert (coding["system"], coding["code"]) in defined


def test_ids_are_stable_and_unique(full: ReportData, kb: KnowledgeBase, full_store: Any) -> None:
    first = render_bundle(full)
    later = render_bundle(read(full_store, kb, NOW.replace(hour=20)))
    ids = [e["resource"]["id"] for e in first["entry"]]
    assert len(ids) == len(set(ids))
    assert ids == [e["resource"]["id"] for e in later["entry"]]
    assert first["timestamp"] != later["timestamp"]


def test_round_trip_into_an_empty_database(
    full: ReportData, kb: KnowledgeBase, db_url: str
) -> None:
    bundle = json.loads(json.dumps(render_bundle(full)))
    store = open_store(db_url)
    try:
        with store.session() as session:
            counts = import_bundle(session, bundle, kb, NOW)
        assert counts == {"assessments": 2, "diary entries": 42, "measures done": 11}
        back = read(store, kb)
    finally:
        store.close()
    assert [a.answers for a in back.assessments] == [a.answers for a in full.assessments]
    assert [a.at for a in back.assessments] == [a.at for a in full.assessments]
    strip = [dict(vars_of(e), id=None) for e in full.entries]
    assert [dict(vars_of(e), id=None) for e in back.entries] == strip
    assert [(m.measure, m.day, m.reps, m.minutes, m.at) for m in back.measures] == [
        (m.measure, m.day, m.reps, m.minutes, m.at) for m in full.measures
    ]
    again = render_bundle(back)
    assert again["entry"] == bundle["entry"]


def vars_of(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__slots__}


def test_none_of_these_survives(full: ReportData, kb: KnowledgeBase, empty_url: str) -> None:
    """An empty list ("none of these") is not "not asked": it must come back as []."""
    assert full.assessments[0].answers["history"]["conditions"] == []
    store = open_store(empty_url)
    try:
        with store.session() as session:
            import_bundle(session, render_bundle(full), kb, NOW)
        assert read(store, kb).assessments[0].answers["history"]["conditions"] == []
    finally:
        store.close()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda b: b.update(identifier={"system": "urn:other", "value": "x"}),
            "$.identifier.system",
        ),
        (lambda b: b.update(resourceType="Patient"), "$.resourceType"),
        (
            lambda b: b["entry"][12]["resource"].update(valueQuantity={"value": "heavy"}),
            "$.entry[12].resource.valueQuantity.value",
        ),
        (
            lambda b: b["entry"][7]["resource"].update(url="http://example.org/q"),
            "$.entry[7].resource.url",
        ),
        (
            lambda b: b["entry"][8]["resource"]["item"][0].update(linkId="symptoms.colour"),
            "$.entry[8].resource.item[0].linkId",
        ),
        (
            lambda b: b["entry"][8]["resource"].update(status="amended"),
            "$.entry[8].resource.status",
        ),
    ],
)
def test_refused_whole_with_the_json_path(
    full: ReportData, kb: KnowledgeBase, empty_url: str, change: Any, path: str
) -> None:
    bundle = render_bundle(full)
    assert bundle["entry"][7]["resource"]["resourceType"] == "Questionnaire"
    assert bundle["entry"][8]["resource"]["resourceType"] == "QuestionnaireResponse"
    change(bundle)
    store = open_store(empty_url)
    try:
        with pytest.raises(BundleError) as caught, store.session() as session:
            import_bundle(session, bundle, kb, NOW)
        assert caught.value.problems[0].startswith(f"{path}: "), caught.value.problems
        with store.session() as session:
            assert not any(row_counts(session).values())
    finally:
        store.close()


def test_bad_answer_is_refused_at_its_item(
    full: ReportData, kb: KnowledgeBase, empty_url: str
) -> None:
    bundle = render_bundle(full)
    qr = bundle["entry"][8]["resource"]
    index = next(i for i, item in enumerate(qr["item"]) if item["linkId"] == "symptoms.heaviness")
    qr["item"][index]["answer"] = [{"valueInteger": 11}]
    store = open_store(empty_url)
    try:
        with pytest.raises(BundleError) as caught, store.session() as session:
            import_bundle(session, bundle, kb, NOW)
    finally:
        store.close()
    assert caught.value.problems[0].startswith(
        f"$.entry[8].resource.item[{index}]: symptoms.heaviness"
    )


def test_not_into_a_database_with_data(
    full: ReportData, kb: KnowledgeBase, full_store: Any
) -> None:
    with pytest.raises(BundleError, match="not empty"), full_store.session() as session:
        import_bundle(session, render_bundle(full), kb, NOW)


def test_nothing_stored_gives_no_bundle(full: ReportData) -> None:
    import dataclasses

    empty = dataclasses.replace(full, assessments=[], entries=[], measures=[], training=None)
    with pytest.raises(NothingToReport):
        render_bundle(empty)


def test_notes_with_unusual_spaces_and_controls_stay_valid(
    full: ReportData, kb: KnowledgeBase, empty_url: str
) -> None:
    """FHIR strings match ``[ \\r\\n\\t\\S]+``: a Japanese note with an ideographic space, a
    non-breaking space or a form feed made the whole bundle invalid against the R4 schema.
    Such spaces are written as spaces and other control characters are left out; a note
    with nothing left is not written."""
    import dataclasses

    notes = ["脚が重い\u3000今日", "a\u00a0b\u2028c", "form\x0cfeed bell\x07", "\x0c\x0b"]
    entries = list(full.entries)
    for i, note in enumerate(notes, start=len(entries) - len(notes)):
        entries[i] = dataclasses.replace(entries[i], note=note)
    bundle = render_bundle(dataclasses.replace(full, entries=entries))
    errors = list(validator().iter_errors(bundle))
    assert not errors, [(list(e.absolute_path), e.message[:120]) for e in errors[:3]]
    written = [o["valueString"] for o in resources(bundle, "Observation") if "valueString" in o]
    assert {"脚が重い 今日", "a b c", "form feed bell"} <= set(written)
    assert not any(w.strip() == "" for w in written)
    store = open_store(empty_url)
    try:
        with store.session() as session:
            import_bundle(session, json.loads(json.dumps(bundle)), kb, NOW)
        again = render_bundle(read(store, kb))
    finally:
        store.close()
    assert again["entry"] == bundle["entry"]


def _first(bundle: dict[str, Any], code: str, skip: int = 0) -> int:
    """Index of the first (or ``skip``-th later) diary Observation with heavylegs ``code``."""
    found = [
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == code
    ]
    return found[skip]


def _copy_entry(bundle: dict[str, Any], index: int) -> int:
    bundle["entry"].append(copy.deepcopy(bundle["entry"][index]))
    return len(bundle["entry"]) - 1


def _same_field_twice(bundle: dict[str, Any]) -> int:
    j = _copy_entry(bundle, _first(bundle, "heaviness"))
    bundle["entry"][j]["resource"]["id"] = "another-id"
    bundle["entry"][j]["fullUrl"] = "urn:uuid:another-id"
    bundle["entry"][j]["resource"]["valueInteger"] = 9
    return j


def _set(index: int, path: list[str], value: Any) -> Any:
    def change(bundle: dict[str, Any]) -> int:
        node = bundle["entry"][index]["resource"]
        for name in path[:-1]:
            node = node[name]
        if value is None:
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return index

    return change


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        # the same resource twice (a bundle pasted onto itself): 2 assessments became 4
        (lambda b: _copy_entry(b, 8), ".id", "already used by $.entry[8]"),
        (lambda b: _copy_entry(b, _first(b, "heaviness")), ".id", "already used"),
        (_same_field_twice, "", "a second value of 'heaviness'"),
        # a reference to nothing in the bundle
        (lambda b: _set(_first(b, "heaviness"), ["subject"], {"reference": "Patient/x"})(b),
         ".subject.reference", "not in the bundle"),
        # an assessment from the year 2999 became "the latest" forever, and its backup
        # could not be restored
        (_set(8, ["authored"], "2999-01-01T00:00:00Z"), ".authored", "must not be after"),
        # true as a heaviness was stored as 1; a quantity without a value was dropped
        (lambda b: _set(_first(b, "heaviness"), ["valueInteger"], True)(b),
         ".valueInteger", "must be an integer"),
        (lambda b: _set(_first(b, "ankle-circumference-left"), ["valueQuantity", "value"],
                        None)(b), ".valueQuantity.value", "required"),
    ],
)  # fmt: skip
def test_hostile_bundles_are_refused(
    full: ReportData, kb: KnowledgeBase, empty_url: str, change: Any, where: str, message: str
) -> None:
    bundle = json.loads(json.dumps(render_bundle(full)))
    index = change(bundle)
    store = open_store(empty_url)
    try:
        with pytest.raises(BundleError) as caught, store.session() as session:
            import_bundle(session, bundle, kb, NOW)
        problem = caught.value.problems[0]
        assert problem.startswith(f"$.entry[{index}].resource{where}: "), problem
        assert message in problem, problem
        with store.session() as session:
            assert not any(row_counts(session).values())
    finally:
        store.close()


def test_activities_alone_give_no_bundle_and_say_why(full: ReportData) -> None:
    """With only imported activities, "nothing stored yet" read as if the runs were lost."""
    import dataclasses

    runs_only = dataclasses.replace(full, assessments=[], entries=[], measures=[])
    with pytest.raises(NothingToReport, match="activities are not part of the FHIR bundle"):
        render_bundle(runs_only)
