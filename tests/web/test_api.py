"""The JSON API: the assessment contract, stored results, diary and measures, 422s naming fields."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from heavylegs.assessment.engine import assess
from heavylegs.assessment.validation import AnswersError, parse_answers
from heavylegs.knowledge import load_knowledge
from tests.web.conftest import TODAY, example

EXAMPLES = ("office-worker", "runner", "after-long-flight")
LEVELS = {"emergency", "urgent", "routine", "self_care"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_assessment_is_the_engines_output_in_the_contract_shape(
    client: TestClient, name: str
) -> None:
    answers = example(name)
    response = client.post("/api/v1/assessments", json=answers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == assess(parse_answers(answers)).model_dump(mode="json")
    assert body["schema_version"] == 1
    assert body["triage"]["level"] in LEVELS and body["triage"]["headline"]
    likelihoods = [c["likelihood"] for c in body["causes"]]
    assert likelihoods == sorted(likelihoods, reverse=True)
    assert all(0 <= x <= 1 for x in likelihoods)
    do = {item["id"] for item in body["plan"]["do"]}
    avoid = {item["id"] for item in body["plan"]["avoid"]}
    assert not do & avoid
    kb = load_knowledge()
    cited = [s for part in ("causes",) for c in body[part] for s in c["sources"]]
    cited += [s for r in body["triage"]["reasons"] for s in r["sources"]]
    cited += [s for item in body["plan"]["do"] + body["plan"]["avoid"] for s in item["sources"]]
    assert cited and set(cited) <= set(kb.sources)
    assert "location" not in response.headers  # nothing is stored without a database


def test_red_flag_example_is_urgent_and_walking_is_avoided(client: TestClient) -> None:
    body = client.post("/api/v1/assessments", json=example("after-long-flight")).json()
    assert body["triage"]["level"] == "urgent"
    assert "walking" not in {item["id"] for item in body["plan"]["do"]}
    assert "walking" in {item["id"] for item in body["plan"]["avoid"]}


def test_out_of_range_value_is_a_422_naming_the_field_as_the_cli_does(client: TestClient) -> None:
    answers = example("office-worker")
    answers["symptoms"]["heaviness"] = 11
    response = client.post("/api/v1/assessments", json=answers)
    assert response.status_code == 422
    body = response.json()
    assert body["problems"] == ["symptoms.heaviness: must be between 0 and 10"]
    assert body["detail"] == [
        {
            "loc": ["body", "symptoms", "heaviness"],
            "path": "symptoms.heaviness",
            "msg": "must be between 0 and 10",
            "type": "value_error",
        }
    ]


def _cli_problems(document: Any) -> list[str]:
    try:
        parse_answers(document)
    except AnswersError as exc:
        return exc.problems
    raise AssertionError("expected the document to be refused")


@pytest.mark.parametrize(
    ("change", "expected_path"),
    [
        (lambda d: d["symptoms"].update(foo=1), "symptoms.foo"),
        (lambda d: d["symptoms"].update(legs=None), "symptoms.legs"),
        (lambda d: d["symptoms"].update(when=["end_of_day", "soon"]), "symptoms.when[1]"),
        (lambda d: d["history"].update(conditions="diabetes"), "history.conditions"),
        (lambda d: d.pop("symptoms"), "symptoms"),
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d["about"].update(age=12.5), "about.age"),
        (
            lambda d: d["lifestyle"].update(water_liters_per_day="lots"),
            "lifestyle.water_liters_per_day",
        ),
    ],
)
def test_each_bad_field_is_named(client: TestClient, change: Any, expected_path: str) -> None:
    document = example("office-worker")
    document.setdefault("about", {})
    change(document)
    response = client.post("/api/v1/assessments", json=document)
    assert response.status_code == 422
    body = response.json()
    assert body["problems"] == _cli_problems(document)
    assert expected_path in [item["path"] for item in body["detail"]]
    for line, item in zip(body["problems"], body["detail"], strict=True):
        assert line == f"{item['path']}: {item['msg']}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_unusable_documents_are_422_never_500(
    client: TestClient, body: bytes, message: str
) -> None:
    response = client.post(
        "/api/v1/assessments", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [f"(document): {message}"]


def test_deeply_nested_object_inside_a_section_is_refused(client: TestClient) -> None:
    depth = 3000
    text = '{"schema_version": 1, "symptoms": {"legs": "both"}, "about": '
    text += '{"x": ' * depth + "1" + "}" * depth + "}"
    response = client.post(
        "/api/v1/assessments", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_a_body_too_large_is_413(client: TestClient) -> None:
    body = b'{"pad": "' + b"x" * 300_000 + b'"}'
    response = client.post(
        "/api/v1/assessments", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["problems"][0].startswith("(document): too large")


def test_bad_path_and_query_parameters_are_422_with_their_names(db_client: TestClient) -> None:
    response = db_client.get("/api/v1/assessments/abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["path"] == "assessment_id"
    response = db_client.get("/api/v1/diary/entries", params={"since": "last tuesday"})
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("since: ")
    assert db_client.get("/api/v1/assessments/99999999999999999999999").status_code in (404, 422)


def test_stored_assessments_round_trip(db_client: TestClient) -> None:
    assert db_client.get("/api/v1/assessments/latest").status_code == 404
    answers = example("runner")
    response = db_client.post("/api/v1/assessments", json=answers)
    assert response.status_code == 200
    location = response.headers["location"]
    stored = db_client.get(location).json()
    assert stored["output"] == response.json()
    assert stored["answers"] == parse_answers(answers).model_dump(mode="json", exclude_none=True)
    assert db_client.get("/api/v1/assessments/latest").json() == stored
    only_computed = db_client.post("/api/v1/assessments?store=false", json=example("office-worker"))
    assert only_computed.status_code == 200 and "location" not in only_computed.headers
    assert db_client.get("/api/v1/assessments/latest").json() == stored
    refused = db_client.post("/api/v1/assessments?store=maybe", json=answers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "store"]
    missing = db_client.get("/api/v1/assessments/999")
    assert missing.status_code == 404
    assert missing.json()["problems"] == ["assessment_id: no assessment 999"]


def test_diary_and_measures_api(db_client: TestClient) -> None:
    day = TODAY.isoformat()
    created = db_client.post(
        "/api/v1/diary/entries", json={"date": day, "part": "evening", "heaviness": 6}
    )
    assert created.status_code == 201
    entry_id = created.json()["id"]
    updated = db_client.post(
        "/api/v1/diary/entries", json={"date": day, "part": "evening", "sleep_h": 7.5}
    )
    assert updated.json()["id"] == entry_id
    rows = db_client.get("/api/v1/diary/entries").json()
    assert len(rows) == 1 and rows[0]["heaviness"] == 6 and rows[0]["sleep_h"] == 7.5

    bad = db_client.post(
        "/api/v1/diary/entries", json={"date": day, "part": "noon", "heaviness": 11}
    )
    assert bad.status_code == 422
    paths = {item["path"] for item in bad.json()["detail"]}
    assert paths == {"part", "heaviness"}
    future = db_client.post(
        "/api/v1/diary/entries", json={"date": "2099-01-01", "part": "morning", "heaviness": 1}
    )
    assert future.status_code == 422 and future.json()["detail"][0]["path"] == "date"

    unknown = db_client.post("/api/v1/measures-done", json={"measure": "ankle_pump", "date": day})
    assert unknown.status_code == 422
    assert "ankle_pumps" in unknown.json()["problems"][0]
    done = db_client.post(
        "/api/v1/measures-done", json={"measure": "ankle_pumps", "date": day, "reps": 20}
    )
    assert done.status_code == 201
    assert [m["measure"] for m in db_client.get("/api/v1/measures-done").json()] == ["ankle_pumps"]


def test_insights_include_the_diarys_escalation(db_client: TestClient) -> None:
    day = TODAY.isoformat()
    db_client.post(
        "/api/v1/diary/entries",
        json={
            "date": day,
            "part": "evening",
            "heaviness": 5,
            "ankle_left_cm": 23,
            "ankle_right_cm": 26,
        },
    )
    body = db_client.get("/api/v1/insights").json()
    assert {"trend", "effects", "escalation", "summary"} <= set(body)
    flags = {flag["id"]: flag["level"] for flag in body["escalation"]}
    assert flags.get("one_leg_swelling") == "urgent"


def test_backup_holds_what_was_stored(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("office-worker"))
    backup = db_client.get("/api/v1/backup")
    assert backup.status_code == 200
    document = backup.json()
    assert document["format"] == "heavylegs-backup"
    rows = [row for rows in document["tables"].values() for row in rows]
    assert any(row.get("triage_level") == "self_care" for row in rows)


def test_without_a_database_storage_endpoints_answer_503(client: TestClient) -> None:
    response = client.post(
        "/api/v1/diary/entries", json={"date": "2026-11-21", "part": "evening", "heaviness": 3}
    )
    assert response.status_code == 503
    assert "database" in response.json()["problems"][0]
    assert client.get("/api/v1/insights").status_code == 503


def test_openapi_documents_the_api_with_resolvable_references(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    post = paths["/api/v1/assessments"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Answers"
    }
    assert "422" in post["responses"] and "200" in post["responses"]
    for path in ("/api/v1/diary/entries", "/api/v1/measures-done", "/api/v1/insights"):
        assert path in paths
    assert not any(p.startswith(("/assess", "/diary", "/session")) for p in paths)
    schemas = document["components"]["schemas"]
    assert {"Answers", "Assessment", "Problems", "EntryIn", "MeasureDoneIn"} <= set(schemas)

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(document):
        assert ref.startswith("#/components/schemas/") and ref.split("/")[-1] in schemas, ref
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
