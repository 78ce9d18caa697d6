"""Red team of owner scoping in accounts mode, with what the route walk of test_isolation.py
does not send: the same file, day and ids as another person's, in bodies as well as paths, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import FastAPI

from tests.store.databases import db_url as db_url
from tests.training.helpers import fit_run
from tests.web.conftest import NOW, example
from tests.web.multi_user import Person, SignedIn, multi_user_app, sign_up


def _backup(person: Person) -> Any:
    answer = person.client.get("/api/v1/backup")
    assert answer.status_code == 200, answer.text
    return answer.json()["tables"]


def _import(person: Person, run: bytes) -> None:
    answer = person.client.post(
        "/training/import", files=[("files", ("run.fit", run, "application/octet-stream"))]
    )
    assert answer.status_code == 200, answer.text


def _activity_ids(person: Person) -> list[int]:
    page = person.client.get("/training/activities").text
    return sorted({int(i) for i in re.findall(r"/training/activities/(\d+)", page)})


def test_the_same_file_day_and_ids_as_someone_else_stay_ones_own(db_url: str) -> None:
    app: FastAPI = multi_user_app(db_url)
    with SignedIn(app):
        alice, bob = sign_up(app, "alice@example.org"), sign_up(app, "bob@example.org")
        run = fit_run(NOW - dt.timedelta(days=3), 1500)
        _import(alice, run)
        [alice_run] = _activity_ids(alice)
        alice.client.post(f"/training/activities/{alice_run}", data={"title": "alice-run"})
        entry = {"date": "2026-11-20", "part": "evening", "heaviness": 6, "note": "alice-note"}
        alice_entry = alice.client.post("/api/v1/diary/entries", json=entry).json()["id"]
        made = alice.client.post("/api/v1/assessments", json=example("office-worker"))
        alice_assessment = int(made.headers["location"].rsplit("/", 1)[1])
        before = _backup(alice)

        # Bob uploads the very same file: it is his activity, not a match of Alice's
        _import(bob, run)
        [bob_run] = _activity_ids(bob)
        assert bob_run != alice_run
        # the same day and part, with Alice's ids and owner smuggled into the body
        smuggled = {
            **entry,
            "note": "bob-note",
            "id": alice_entry,
            "owner_id": alice.id,
            "entry_id": alice_entry,
        }
        answer = bob.client.post("/api/v1/diary/entries", json=smuggled)
        assert answer.status_code in (201, 422), answer.text
        if answer.status_code == 201:
            assert answer.json()["id"] != alice_entry
        form = {"heaviness": "1", "note": "bob-edit", "part": "evening", "date": "2026-11-20"}
        for url in (
            f"/diary/entries/{alice_entry}/edit",
            f"/diary/entries/{alice_entry}",
            f"/diary/entries/{alice_entry}/delete",
            f"/training/activities/{alice_run}",
            f"/training/activities/{alice_run}/delete",
            f"/assess/again/{alice_assessment}",
        ):
            bob.client.post(url, data={**form, "title": "bob-title", "rpe": "3"})
        for url in (
            f"/api/v1/assessments/{alice_assessment}",
            f"/results/{alice_assessment}",
            f"/training/activities/{alice_run}",
            "/calendar.ics",
            "/api/v1/export/fhir",
            "/export/backup.json",
            "/report.pdf",
        ):
            seen = bob.client.get(url)
            assert seen.status_code < 500, (url, seen.status_code)
            for marker in ("alice-note", "alice-run", "alice@example.org"):
                assert marker not in seen.text, (url, marker)
        assert _backup(alice) == before
        assert "alice" not in str(_backup(bob))
