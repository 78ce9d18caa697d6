"""Serious results come first: a same-day result stops the wizard, tops the home page, and an
empty guided session says why there is nothing to do."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import example
from tests.web.test_wizard import SHOWN, _flat, _form_for


def _walk(client: TestClient, wanted: dict[str, Any]) -> tuple[list[int], Any]:
    """Answer the wizard as ``wanted`` says, continuing after each stop; (stops, last page)."""
    stops: list[int] = []
    page = client.post("/assess/new")
    for _ in range(30):
        path = page.url.path
        if path.startswith("/results/"):
            return stops, page
        if path == "/assess/alert":
            stops.append(int(page.url.params["after"]))
            page = client.get(f"/assess/{stops[-1] + 1}")
            continue
        step = int(path.rsplit("/", 1)[1])
        fields: dict[str, list[str]] = {"nav": ["next"]}
        for name, value in _form_for(SHOWN.findall(page.text), wanted):
            fields.setdefault(name, []).append(value)
        page = client.post(f"/assess/{step}", data=fields)
        assert page.status_code == 200, page.text[:300]
    raise AssertionError("the wizard never finished")


def test_a_same_day_result_stops_the_wizard_once(db_client: TestClient) -> None:
    stops, result = _walk(db_client, _flat(example("after-long-flight"), runs=False))
    assert len(stops) == 1 and stops[0] <= 5  # not after all 8 steps, and only once
    assert "URGENT" in result.text


def test_the_alert_page_offers_the_result_now(db_client: TestClient) -> None:
    wanted = _flat(example("after-long-flight"), runs=False)
    db_client.post("/assess/new")
    page = None
    for step in range(1, 6):
        current = db_client.get(f"/assess/{step}")
        fields: dict[str, list[str]] = {"nav": ["next"]}
        for name, value in _form_for(SHOWN.findall(current.text), wanted):
            fields.setdefault(name, []).append(value)
        page = db_client.post(f"/assess/{step}", data=fields)
        if page.url.path == "/assess/alert":
            break
    assert page is not None and page.url.path == "/assess/alert"
    assert "Urgent: be seen today" in page.text and "See my result now" in page.text
    after = int(page.url.params["after"])
    following = db_client.get(f"/assess/{after + 1}")
    assert 'id="so-far"' in following.text and "See my result now" in following.text
    done = db_client.post("/assess/finish")
    assert re.fullmatch(r"/results/\d+", done.url.path)


def test_the_latest_serious_result_tops_the_home_page(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    home = db_client.get("/").text
    assert 'id="latest-serious"' in home
    assert home.index('id="latest-serious"') < home.index('id="intro-title"')
    db_client.post("/api/v1/assessments", json=example("office-worker"))
    assert 'id="latest-serious"' not in db_client.get("/").text


def test_an_empty_session_after_a_serious_result_says_why(db_client: TestClient) -> None:
    db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    page = db_client.get("/session/desk").text  # each of its measures is to be avoided
    assert 'id="empty-session"' in page and "Nothing to do in a session now" in page
    assert "Save to my diary" not in page and "<h2>Steps</h2>" not in page
    assert 'href="/results/1"' in page
