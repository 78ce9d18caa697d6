"""What people read: the diary's trend and effects explained, errors in plain words, the result's
avoid list grouped by reason without runners' measures for a non-runner."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from heavylegs.knowledge import load_knowledge
from heavylegs.web.problems import plain
from heavylegs.web.result_view import runner_only_measures
from tests.web.conftest import TODAY, example


def test_pydantic_phrasing_becomes_plain_words() -> None:
    assert plain("input should be a valid integer, unable to parse string as an integer") == (
        "must be a whole number"
    )
    assert (
        plain("input should be a valid boolean, unable to interpret input") == "must be yes or no"
    )
    assert plain("string should have at most 2000 characters") == "must be at most 2000 characters"
    assert plain("must be between 0 and 10 (got 11)") == "must be between 0 and 10 (got 11)"


def test_diary_errors_are_in_plain_words(db_client: TestClient) -> None:
    page = db_client.post("/diary/entries", data={"heaviness": "4", "steps": "1.5"})
    assert page.status_code == 422
    assert "must be a whole number" in page.text and "unable to parse" not in page.text


def test_a_trend_too_early_to_call_says_so_without_contradiction(db_client: TestClient) -> None:
    for back, value in ((0, 6), (1, 6), (2, 5), (9, 4), (10, 3)):
        day = (TODAY - dt.timedelta(days=back)).isoformat()
        entry = {"date": day, "part": "evening", "heaviness": value}
        assert db_client.post("/api/v1/diary/entries", json=entry).status_code == 201
    text = db_client.get("/diary").text
    assert "too early to tell" in text and "not enough data" not in text
    assert "from too few days to compare" in text


def test_effects_explain_their_sign(db_client: TestClient) -> None:
    for back in range(20):
        day = (TODAY - dt.timedelta(days=back)).isoformat()
        entry = {"date": day, "part": "evening", "heaviness": 3 if back % 2 else 6}
        db_client.post("/api/v1/diary/entries", json=entry)
        if back % 2:
            db_client.post("/api/v1/measures-done", json={"measure": "walking", "date": day})
    text = db_client.get("/diary").text
    assert 'id="effect-sign"' in text and "a minus sign means lighter legs" in text
    assert "Heaviness with minus without" in text


def test_runner_only_measures_come_from_the_knowledge_base() -> None:
    ids = runner_only_measures(load_knowledge())
    assert {"running", "plyometrics"} <= ids
    assert not ids & {"walking", "leg_elevation", "compression_stockings", "calf_raises"}


def test_the_avoid_list_is_grouped_and_skips_running_for_a_non_runner(
    db_client: TestClient,
) -> None:
    saved = db_client.post("/api/v1/assessments", json=example("after-long-flight"))
    assert any(item["id"] == "running" for item in saved.json()["plan"]["avoid"])
    page = db_client.get("/results/1").text
    assert 'id="avoid-walking"' in page and 'id="avoid-running"' not in page
    assert page.count('class="card avoid-item avoid-group"') < len(saved.json()["plan"]["avoid"])
    assert "left out: your answers say you do not run" in page
    runner = example("runner")
    db_client.post("/api/v1/assessments", json=runner)
    assert "left out" not in db_client.get("/results/2").text


def test_the_api_changes_the_profile_only_when_asked(db_client: TestClient) -> None:
    first = db_client.post("/api/v1/assessments", json=example("runner"))
    assert first.headers["x-heavylegs-profile"] == "unchanged"
    age = example("runner")["about"]["age"]
    db_client.post("/assess/new")
    assert f'value="{age}"' not in db_client.get("/assess/1").text  # nothing pre-filled
    asked = db_client.post("/api/v1/assessments?profile=true", json=example("runner"))
    assert asked.headers["x-heavylegs-profile"] == "updated"
    db_client.post("/assess/new")
    assert f'value="{age}"' in db_client.get("/assess/1").text
    unstored = db_client.post(
        "/api/v1/assessments?store=false&profile=true", json=example("runner")
    )
    assert unstored.status_code == 200 and "x-heavylegs-profile" not in unstored.headers
