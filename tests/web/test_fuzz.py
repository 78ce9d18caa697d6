"""Property tests of the API body: whatever is posted, the answer is a result or a 422 naming the
fields (never a 500), and it agrees with what the CLI would say about the same document."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.assessment.engine import assess
from heavylegs.assessment.questionnaire import QUESTIONS
from heavylegs.assessment.validation import AnswersError, parse_answers
from heavylegs.web.app import create_app
from tests.assessment.strategies import SCHEMA, answers_documents
from tests.web.conftest import NOW, BrowserLikeClient

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELD_PATHS = [
    (section, name)
    for section, node in SCHEMA["properties"].items()
    if node.get("type") == "object"
    for name in node["properties"]
]


@st.composite
def mutated_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with a few fields set to anything (right or wrong) or removed."""
    document: dict[str, Any] = json.loads(json.dumps(draw(answers_documents)))
    for _ in range(draw(st.integers(1, 3))):
        section, name = draw(st.sampled_from(FIELD_PATHS))
        action = draw(st.sampled_from(("set", "drop", "section")))
        if action == "section":
            document[section] = draw(json_values)
        elif action == "drop" and isinstance(document.get(section), dict):
            document[section].pop(name, None)
        else:
            part = document.setdefault(section, {})
            if isinstance(part, dict):
                part[draw(st.sampled_from((name, name + "_x")))] = draw(json_values)
    return document


@pytest.fixture(scope="module")
def api() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="heavylegs-fuzz-"))
    app = create_app(f"sqlite:///{folder / 'fuzz.sqlite3'}", clock=lambda: NOW)
    with BrowserLikeClient(app) as client:
        yield client


def _check_problem_document(body: dict[str, Any]) -> None:
    assert body["problems"], body
    for line, item in zip(body["problems"], body["detail"], strict=True):
        assert line == f"{item['path']}: {item['msg']}"
        assert item["loc"][0] == "body"


QUICK = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@QUICK
@given(document=mutated_answers())
def test_assessments_agree_with_the_cli_for_any_mutation(api: TestClient, document: Any) -> None:
    response = api.post("/api/v1/assessments", json=document)
    try:
        expected = assess(parse_answers(document)).model_dump(mode="json")
    except AnswersError as exc:
        assert response.status_code == 422, response.text
        assert response.json()["problems"] == exc.problems
        _check_problem_document(response.json())
    else:
        assert response.status_code == 200, response.text
        assert response.json() == expected


@QUICK
@given(body=json_values)
def test_any_json_body_gets_a_result_or_a_422(api: TestClient, body: Any) -> None:
    for path in ("/api/v1/assessments", "/api/v1/diary/entries", "/api/v1/measures-done"):
        response = api.post(path, json=body)
        assert response.status_code in (200, 201, 422), (path, response.text)
        if response.status_code == 422:
            _check_problem_document(response.json())


@QUICK
@given(
    entry=st.fixed_dictionaries(
        {},
        optional={
            "date": st.sampled_from(
                ["2026-11-20", "2026-11-21", "2026-13-01", "yesterday", "2099-01-01"]
            )
            | json_values,
            "part": st.sampled_from(["morning", "evening", "noon"]) | json_values,
            "heaviness": st.integers(-3, 14) | json_values,
            "ankle_left_cm": st.floats(-10, 100, allow_nan=False) | json_values,
            "swelling": st.sampled_from(["none", "both", "left", "sideways"]),
            "note": st.text(max_size=30),
        },
    )
)
def test_diary_entries_are_stored_or_refused_by_field(api: TestClient, entry: Any) -> None:
    response = api.post("/api/v1/diary/entries", json=entry)
    assert response.status_code in (201, 422), response.text
    if response.status_code == 422:
        _check_problem_document(response.json())
        known = set(entry) | {"date", "part", "heaviness", "(entry)", "(document)"}
        assert {item["path"].split(".")[0] for item in response.json()["detail"]} <= known


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=200))
def test_raw_bytes_never_break_the_api(raw: bytes) -> None:
    client = _shared_client()
    response = client.post(
        "/api/v1/assessments", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code in (200, 422)


_CLIENT: list[TestClient] = []


def _shared_client() -> TestClient:
    if not _CLIENT:
        _CLIENT.append(BrowserLikeClient(create_app(None, clock=lambda: NOW)))
    return _CLIENT[0]


form_values = st.text(max_size=12) | st.sampled_from(["yes", "no", "", "1e309", "nan", "-0", "1,5"])
form_names = st.sampled_from(
    [q.path for q in QUESTIONS] + ["shown", "nav", "date", "part", "heaviness", "ankle_left_cm"]
)


@QUICK
@given(
    step=st.integers(1, 8),
    fields=st.dictionaries(form_names, st.lists(form_values, min_size=1, max_size=3), max_size=8),
)
def test_any_form_post_gets_a_page_never_a_500(
    api: TestClient, step: int, fields: dict[str, list[str]]
) -> None:
    wizard = api.post(f"/assess/{step}", data=fields)
    assert wizard.status_code in (200, 422), wizard.text[:500]
    diary = api.post("/diary/entries", data=fields)
    assert diary.status_code in (200, 422), diary.text[:500]
