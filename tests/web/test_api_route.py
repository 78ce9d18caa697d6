"""``POST /api/v1/assessments`` answers with pydantic's own JSON and stays documented."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from heavylegs.assessment.engine import assess
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from heavylegs.web.api import DirectRoute, post_assessment, router
from tests.web.conftest import example


def test_the_body_is_the_engines_result_serialised_once(client: TestClient) -> None:
    data = example("after-long-flight")
    response = client.post("/api/v1/assessments", json=data)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = assess(parse_answers(data), load_knowledge()).model_dump_json()
    assert response.content == expected.encode()
    assert json.loads(response.content)["triage"]["level"] == "urgent"


def test_the_fast_route_is_still_in_the_openapi_document(client: TestClient) -> None:
    direct = [r for r in router.routes if isinstance(r, DirectRoute)]
    assert [r.path for r in direct] == ["/api/v1/assessments"]
    assert direct[0].get_route_handler() is post_assessment  # no dependency solving per request
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/assessments"]["post"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Assessment"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Answers"
    }
    assert set(operation["responses"]) >= {"200", "422", "503"}


def test_method_and_query_errors_still_answered(client: TestClient) -> None:
    assert client.get("/api/v1/assessments").status_code == 405
    bad = client.post("/api/v1/assessments?store=maybe", json=example("office-worker"))
    assert bad.status_code == 422 and bad.json()["problems"] == ["store: must be true or false"]
