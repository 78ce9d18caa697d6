"""API 500s of the fault run: a year-1 ``at`` and (on PostgreSQL) a NUL character in a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heavylegs.store import export_backup, open_store
from heavylegs.web.app import create_app

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def client(db_url: str) -> Any:
    app = create_app(db_url, clock=lambda: NOW, secret=b"test")
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_measure_time_out_of_range_is_422(client: TestClient, at: str) -> None:
    response = client.post(
        "/api/v1/measures-done",
        json={"measure": "calf_raises", "date": "2026-11-21", "reps": 10, "at": at},
    )
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0].startswith("at: must be between")


def test_nul_characters_never_reach_the_database(client: TestClient, db_url: str) -> None:
    response = client.post(
        "/api/v1/diary/entries",
        json={"date": "2026-11-20", "part": "evening", "heaviness": 5, "note": "before\u0000after"},
    )
    assert response.status_code == 201, response.text
    document = {
        "schema_version": 1,
        "symptoms": {"legs": "both", "heaviness": 4},
        "about": {"occupation\u0000": "desk"},
    }
    assert client.post("/api/v1/assessments", json=document).status_code in (200, 422)
    with open_store(db_url) as store, store.session() as session:
        backup = export_backup(session)
    (entry,) = backup["tables"]["diary_entries"]
    assert entry["note"] == "beforeafter"
    assert "\u0000" not in str(backup)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_insights_as_of_out_of_range_is_422(client: TestClient, as_of: str) -> None:
    response = client.get("/api/v1/insights", params={"as_of": as_of})
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0].startswith("as_of: must be between")
