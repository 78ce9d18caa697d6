"""The accounts-mode API against its own OpenAPI document, as ``test_schema`` does for the
single-person app: schemathesis generates requests (valid and invalid) from ``/openapi.json`` and
checks every answer (no server error, documented status codes and bodies).

Requests carry a person's API token, so they reach the routes rather than stopping at the 401;
a clinician's routes answer 404 for people who do not share. Bounded and derandomised.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web.multi_user import multi_user_app, sign_up, sqlite_url
from tests.web.test_schema import STATEFUL_RULES, _whole

MAX_EXAMPLES = 10
ACCOUNT_RULES = {
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/password"),
    ("POST", "/api/v1/shares"),
}
"""A well-formed request can still be refused there for what no schema states: an invite code
that does not exist, a wrong password, an email with no clinician account."""

_FOLDER = Path(tempfile.mkdtemp(prefix="heavylegs-auth-schema-"))
APP = multi_user_app(sqlite_url(_FOLDER))
with TestClient(APP):
    PERSON = sign_up(APP, "schema@example.org")
    TOKEN = PERSON.client.post("/api/v1/auth/tokens").json()["token"]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    return _whole(body)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_accounts_api_keeps_to_its_own_document(case: Any) -> None:
    rules = STATEFUL_RULES | ACCOUNT_RULES
    excluded = [positive_data_acceptance] if (case.method, case.path) in rules else []
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=excluded)


def test_the_document_says_how_to_authenticate() -> None:
    with TestClient(APP) as client:
        document = client.get("/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) == {"bearer", "session"}
    entries = document["paths"]["/api/v1/diary/entries"]
    assert "401" in entries["get"]["responses"] and "403" in entries["post"]["responses"]
    assert "security" not in document["paths"]["/api/v1/auth/login"]["post"]
    assert "/api/v1/people/{person_id}/report.pdf" in document["paths"]
