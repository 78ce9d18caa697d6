"""The API against its own OpenAPI document: schemathesis generates requests from
``/openapi.json`` (valid and invalid ones) and checks every answer against it: no server error,
documented status codes and content types, bodies that match their schemas, invalid input
refused, valid input accepted, and a correct ``Allow`` header for methods that are not served.

Bounded and deterministic: a fixed number of examples per operation, derandomised.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from heavylegs.web.app import create_app
from tests.web.conftest import NOW

MAX_EXAMPLES = 25
STATEFUL_RULES = {
    ("POST", "/api/v1/diary/entries"),
    ("POST", "/api/v1/measures-done"),
    ("GET", "/api/v1/insights"),
}
"""Operations whose 422 can come from rules no schema can state, so a schema-valid request may
still be refused there: a date after tomorrow or before 1900 (depends on the clock) and a new
entry without a heaviness score (depends on what is stored). Every other check runs on them."""


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    """Whole numbers written as whole numbers: ``18``, never ``18.0``.

    JSON Schema counts 18.0 as an integer, but the assessment (the CLI and the API alike, see the
    API description) wants whole numbers without a decimal point and says so with a 422.
    """
    return _whole(body)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: _whole(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


_FOLDER = Path(tempfile.mkdtemp(prefix="heavylegs-schema-"))
APP = create_app(f"sqlite:///{_FOLDER / 'schema.sqlite3'}", clock=lambda: NOW, secret=b"schema")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_own_document(case: Any) -> None:
    excluded = [positive_data_acceptance] if (case.method, case.path) in STATEFUL_RULES else []
    case.call_and_validate(excluded_checks=excluded)


def test_the_cases_the_audit_found(db_client: Any) -> None:
    """Each looseness the audit found, as a plain example."""
    bad_date = db_client.get("/api/v1/diary/entries?until=0")
    assert bad_date.status_code == 422 and bad_date.json()["detail"][0]["loc"] == ["query", "until"]
    assert db_client.get("/api/v1/diary/entries?until=2026-11-21").status_code == 200
    options = db_client.options("/api/v1/diary/entries")
    assert options.status_code == 405
    assert set(options.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert db_client.get("/api/v1/assessments/999").status_code == 404
    document = db_client.get("/openapi.json").json()
    assert "404" in document["paths"]["/api/v1/assessments/{assessment_id}"]["get"]["responses"]
    assert "415" in document["paths"]["/api/v1/assessments"]["post"]["responses"]
    heaviness = document["components"]["schemas"]["Symptoms"]["properties"]["heaviness"]
    assert heaviness.get("type") == "integer" and "anyOf" not in heaviness  # no null
    entry = {"date": "2026-11-20", "part": "evening", "heaviness": False}
    refused = db_client.post("/api/v1/diary/entries", json=entry)
    assert refused.json()["problems"] == ["heaviness: must be a whole number or null"]
    late = {"date": "2026-11-20", "measure": "walking", "at": 0}
    assert db_client.post("/api/v1/measures-done", json=late).status_code == 422
    whole = {**entry, "heaviness": 4.0}
    assert db_client.post("/api/v1/diary/entries", json=whole).status_code == 201
