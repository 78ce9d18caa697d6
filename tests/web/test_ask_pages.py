"""The ask page and ``GET /api/v1/ask``: the same answers as ``heavylegs ask``, warning first."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from heavylegs.ask import MAX_QUESTION_CHARS, ask
from heavylegs.knowledge import load_knowledge

RED_FLAG = "my calf is swollen, hot and red after a flight"
PLAIN = "Do compression stockings help with heavy legs?"


def test_api_returns_the_ask_contract_exactly_as_the_stage(client: TestClient) -> None:
    for question in (RED_FLAG, PLAIN):
        response = client.get("/api/v1/ask", params={"q": question})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == ask(question, load_knowledge()).to_json()
    body = client.get("/api/v1/ask", params={"q": RED_FLAG}).json()
    assert set(body) == {"answers", "triage_hint"}
    assert body["triage_hint"]["level"] in ("urgent", "emergency")
    assert 1 <= len(body["answers"]) <= 5
    assert client.get("/api/v1/ask", params={"q": PLAIN}).json()["triage_hint"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "q: field required"),
        ({"q": ""}, "q: the question is empty"),
        ({"q": "   "}, "q: the question is empty"),
        ({"q": "x" * (MAX_QUESTION_CHARS + 1)}, "q: the question is too long"),
    ],
)
def test_api_bad_questions_are_422_naming_q(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/api/v1/ask", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["problems"][0].startswith(message)
    assert body["detail"][0]["loc"] == ["query", "q"]


def test_api_ask_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/ask"]
    assert paths["/api/v1/ask"]["get"]["parameters"][0]["name"] == "q"


def test_page_shows_the_triage_banner_above_every_answer(client: TestClient) -> None:
    response = client.get("/ask", params={"q": RED_FLAG})
    assert response.status_code == 200
    html = response.text
    expected = ask(RED_FLAG, load_knowledge())
    assert expected.triage_hint is not None
    banner = html.index('id="ask-hint"')
    answers = [m.start() for m in re.finditer(r'class="card ask-answer"', html)]
    assert len(answers) == len(expected.answers) and banner < min(answers)
    assert 'role="alert"' in html[banner - 200 : banner + 400]
    assert expected.triage_hint.message in html
    # the same answers, in the same order, with their sources as links
    ids = re.findall(r'id="answer-([\w-]+)"', html)
    assert ids == [a.id for a in expected.answers]
    first = expected.answers[0]
    assert first.title in html
    kb = load_knowledge()
    for source_id in first.sources:
        source = kb.sources[source_id]
        target = source.url or f"/sources#{source.id}"
        assert f'href="{target}"' in html


def test_page_without_a_red_flag_has_no_banner(client: TestClient) -> None:
    html = client.get("/ask", params={"q": PLAIN}).text
    assert 'id="ask-hint"' not in html and 'class="card ask-answer"' in html


@pytest.mark.parametrize(
    ("question", "words"),
    [("", "The question is empty"), ("y" * 2500, "The question is too long")],
)
def test_page_bad_question_gets_a_message_next_to_the_field(
    client: TestClient, question: str, words: str
) -> None:
    response = client.get("/ask", params={"q": question})
    assert response.status_code == 422
    html = response.text
    error = html.index('id="ask-q-error"')
    assert words in html[error : error + 200]
    assert html.index('<label for="ask-q"') < error < html.index('id="ask-q" name="q"')
    assert 'aria-invalid="true"' in html
    assert "ask-answer" not in html


def test_page_without_a_question_shows_the_form_only(client: TestClient) -> None:
    response = client.get("/ask")
    assert response.status_code == 200
    assert 'action="/ask"' in response.text and "ask-q-error" not in response.text


def test_question_with_no_match_says_so(client: TestClient) -> None:
    response = client.get("/ask", params={"q": "qwertyuiop zxcvbnm"})
    assert response.status_code == 200
    assert "No answer in the knowledge base matches" in response.text


def test_home_page_and_nav_lead_to_ask(client: TestClient) -> None:
    html = client.get("/").text
    assert re.search(r'<form method="get" action="/ask" role="search"', html)
    assert 'href="/ask"' in html and 'href="/training"' in html
