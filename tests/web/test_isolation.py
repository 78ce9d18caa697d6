"""Isolation over every route of accounts mode: nobody reads, changes or deletes another person's
data, whichever route they try.

The routes are not listed here: the test builds the app and walks ``app.routes``, so a route
added tomorrow is tried too. Each one is tried, with the ids of Alice's rows in its path, by four
others: Bob (another person), Dana (a clinician Alice never shared with), Erin (a clinician whose
share Alice revoked) and an anonymous browser. Afterwards:

* no answer to them holds any of Alice's marker texts (her diary note, her activity title, her
  email), and none is a server error;
* an anonymous request was refused (401, a redirect to ``/login``, or a 403 for lack of a token),
  except the few public routes;
* Alice's data (her whole backup, her shares, her audit log) is exactly as before.

A path parameter the test does not know fails it: a new kind of id needs a line here. A route
list that is empty, or a route no actor tried, fails it too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Mount, Route

from heavylegs.web.auth import is_public
from tests.training.helpers import fit_run
from tests.web.conftest import NOW, example
from tests.web.multi_user import Person, SignedIn, multi_user_app, sign_up, sqlite_url

MARKERS = ("alice-private-note-4417", "alice-private-run-9203", "alice@example.org")
FORM = {
    "heaviness": "2",
    "note": "written-by-someone-else",
    "title": "written-by-someone-else",
    "rpe": "5",
    "minutes": "10",
    "measure": "calf_raises",
    "part": "evening",
    "date": "2026-11-20",
    "next": "/",
    "clinician_email": "dana@example.org",
    "old_password": "x",
    "new_password": "y" * 12,
    "email": "nobody@example.org",
    "password": "not-alices-password",
}
JSON_BODY = {
    "heaviness": 2,
    "part": "evening",
    "date": "2026-11-20",
    "note": "written-by-someone-else",
    "measure": "calf_raises",
    "minutes": 10,
    "clinician_email": "dana@example.org",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """SQLite, and the deployment database (the throwaway PostgreSQL of make test)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("isolation"))
    else:
        from tests.store.databases import _fresh_pg, _pg_admin

        yield from _fresh_pg()
        _pg_admin().dispose()  # its pooled connection would outlive the run


@pytest.fixture(scope="module")
def world(database: str) -> Iterator[dict[str, Any]]:
    app = multi_user_app(database)
    with SignedIn(app):  # runs the app's lifespan once for the module
        alice = sign_up(app, "alice@example.org")
        bob = sign_up(app, "bob@example.org")
        carol = sign_up(app, "carol@example.org", "clinician")
        dana = sign_up(app, "dana@example.org", "clinician")
        erin = sign_up(app, "erin@example.org", "clinician")
        ids = _alice_data(alice, bob)
        shared = alice.client.post("/api/v1/shares", json={"clinician_email": carol.email})
        assert shared.status_code == 201, shared.text
        revoked = alice.client.post("/api/v1/shares", json={"clinician_email": erin.email})
        assert revoked.status_code == 201
        # Erin read once while she could, then lost access.
        assert erin.client.get(f"/api/v1/people/{alice.id}/diary/entries").status_code == 200
        gone = alice.client.delete(f"/api/v1/shares/{revoked.json()['id']}")
        assert gone.status_code == 204
        ids["share_id"] = shared.json()["id"]
        ids["person_id"] = alice.id
        yield {
            "app": app,
            "alice": alice,
            "bob": bob,
            "carol": carol,
            "dana": dana,
            "erin": erin,
            "ids": ids,
        }


def _alice_data(alice: Person, bob: Person) -> dict[str, Any]:
    c = alice.client
    made = c.post("/api/v1/assessments", json=example("office-worker"))
    assert made.status_code == 200, made.text
    assessment_id = int(made.headers["location"].rsplit("/", 1)[1])
    entry = c.post(
        "/api/v1/diary/entries",
        json={"date": "2026-11-20", "part": "evening", "heaviness": 6, "note": MARKERS[0]},
    )
    assert entry.status_code == 201, entry.text
    measure = c.post(
        "/api/v1/measures-done", json={"date": "2026-11-20", "measure": "calf_raises", "reps": 20}
    )
    assert measure.status_code == 201, measure.text
    run = fit_run(NOW - dt.timedelta(days=3), 1500)
    imported = c.post(
        "/training/import", files=[("files", ("alice.fit", run, "application/octet-stream"))]
    )
    assert imported.status_code == 200, imported.text
    activities = c.get("/training/activities")
    found = re.findall(r'action="/training/activities/(\d+)"', activities.text)
    assert found, "Alice's activity was not imported"
    activity_id = int(found[0])
    titled = c.post(f"/training/activities/{activity_id}", data={"title": MARKERS[1], "rpe": "4"})
    assert titled.status_code in (200, 303), titled.text
    # Bob has data of his own, so "his" lists are not merely empty.
    assert (
        bob.client.post(
            "/api/v1/diary/entries",
            json={"date": "2026-11-20", "part": "morning", "heaviness": 1, "note": "bob-note"},
        ).status_code
        == 201
    )
    return {
        "assessment_id": assessment_id,
        "entry_id": entry.json()["id"],
        "measure_id": measure.json()["id"],
        "done_id": measure.json()["id"],
        "activity_id": activity_id,
        "session_id": 1,
        "token": "not-a-real-token",
        "step": 1,
        "name": "calf_raises",
        "day": "2026-11-20",
        "part": "evening",
    }


def _fill(path: str, ids: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name not in ids:
            raise AssertionError(
                f"{path}: the isolation test does not know the path parameter {name!r}; give it "
                "the id of one of Alice's rows in _alice_data"
            )
        return str(ids[name])

    return re.sub(r"\{([^}]+)\}", one, path)


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, sign-out last (it ends the actor's session)."""
    found = sorted(_walk(app.routes, ""), key=lambda r: ("logout" in r[1], r))
    return found


def _walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI's included router
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, prefix + route.path
        elif isinstance(route, Mount):
            assert route.path == "/static", f"an unexpected mount {route.path}: try it here"
        else:
            raise AssertionError(f"a route of a kind the isolation test cannot walk: {route!r}")


def _fingerprint(world: dict[str, Any], *, audit: bool = True) -> str:
    """Alice's backup, her shares and (unless told not to) her audit log, as text."""
    from heavylegs.store import dumps_backup, export_backup, sharing

    store = world["app"].state.server.store
    alice = world["alice"]
    with store.for_owner(alice.id).session() as session:
        backup = dumps_backup(export_backup(session))
    shares = [repr(s) for s in sharing.shares_of(store, alice.id)]
    reads = [repr(a) for a in sharing.audit_for(store, alice.id)] if audit else []
    return json.dumps([backup, shares, reads])


def _send(client: SignedIn, method: str, url: str) -> Any:
    if url.startswith("/api/"):
        if method in ("GET", "DELETE"):
            return client.request(method, url)
        return client.request(method, url, json=JSON_BODY)
    if method == "GET":
        return client.get(url)
    return client.request(method, url, data=FORM)


def test_nobody_reads_changes_or_deletes_someone_elses_data(world: dict[str, Any]) -> None:
    app: FastAPI = world["app"]
    routes = _routes(app)
    assert len(routes) > 40, f"too few routes found ({len(routes)}): the walk is broken"
    before = _fingerprint(world)
    anonymous = SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False)
    actors = {
        "bob": world["bob"].client,
        "dana": world["dana"].client,
        "erin": world["erin"].client,
        "anonymous": anonymous,
    }
    tried: dict[tuple[str, str], set[str]] = {}
    problems = []
    for method, path in routes:
        url = _fill(path, world["ids"])
        for name, client in actors.items():
            answer = _send(client, method, url)
            tried.setdefault((method, path), set()).add(name)
            text = answer.text
            where = f"{name}: {method} {url} -> {answer.status_code}"
            if answer.status_code >= 500:
                problems.append(f"{where} (server error)")
            leaked = [m for m in MARKERS if m in text]
            if leaked:
                problems.append(f"{where} shows Alice's {leaked}")
            if name == "anonymous" and not is_public(method, path):
                refused = answer.status_code in (401, 403) or (
                    answer.status_code == 303 and answer.headers["location"].startswith("/login")
                )
                if not refused:
                    problems.append(f"{where} (answered without an account)")
    assert not problems, "\n".join(problems)
    assert all(len(names) == len(actors) for names in tried.values())
    assert len(tried) == len(routes)
    assert _fingerprint(world) == before, "someone changed Alice's data"


def test_the_clinician_with_a_share_changes_nothing(world: dict[str, Any]) -> None:
    """Carol may read Alice's data; no route lets her write it (her reads add audit lines)."""
    before = _fingerprint(world, audit=False)
    carol: SignedIn = world["carol"].client
    writes = [(m, p) for m, p in _routes(world["app"]) if m != "GET" and "logout" not in p]
    assert len(writes) > 15
    for method, path in writes:
        answer = _send(carol, method, _fill(path, world["ids"]))
        assert answer.status_code < 500, f"carol: {method} {path} -> {answer.status_code}"
    assert _fingerprint(world, audit=False) == before, "the clinician changed Alice's data"


def test_the_clinician_with_a_share_reads_and_it_is_audited(world: dict[str, Any]) -> None:
    carol: Person = world["carol"]
    alice: Person = world["alice"]
    base = f"/api/v1/people/{alice.id}"
    people = carol.client.get("/api/v1/people")
    assert people.status_code == 200 and alice.email in people.text
    entries = carol.client.get(f"{base}/diary/entries")
    assert entries.status_code == 200 and MARKERS[0] in entries.text
    assert carol.client.get(f"{base}/activities").status_code == 200
    assessments = carol.client.get(f"{base}/assessments").json()
    assert [a["id"] for a in assessments] == [world["ids"]["assessment_id"]]
    fhir = carol.client.get(f"{base}/export/fhir")
    assert fhir.status_code == 200 and fhir.headers["content-type"].startswith(
        "application/fhir+json"
    )
    pdf = carol.client.get(f"{base}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = carol.client.get(f"/people/{alice.id}")
    assert page.status_code == 200 and MARKERS[0] in page.text
    # read-only: the clinician's writes land in her own data, never in Alice's
    audit = alice.client.get("/api/v1/audit")
    assert audit.status_code == 200
    actions = [a["action"] for a in audit.json()]
    assert len(actions) >= 6
    assert carol.email in audit.text
    page_text = alice.client.get("/account").text
    assert carol.email in page_text


def test_revoking_ends_access_at_once(world: dict[str, Any], tmp_path: Path) -> None:
    app = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(app):
        person = sign_up(app, "pat@example.org")
        doctor = sign_up(app, "doc@example.org", "clinician")
        person.client.post(
            "/api/v1/diary/entries",
            json={"date": "2026-11-20", "part": "evening", "heaviness": 3},
        )
        share = person.client.post("/api/v1/shares", json={"clinician_email": doctor.email})
        url = f"/api/v1/people/{person.id}/diary/entries"
        assert doctor.client.get(url).status_code == 200
        assert person.client.delete(f"/api/v1/shares/{share.json()['id']}").status_code == 204
        assert doctor.client.get(url).status_code == 404
        assert doctor.client.get(f"/people/{person.id}").status_code == 404
        assert person.email not in doctor.client.get("/api/v1/people").text
        # a share is revoked by its person only
        again = person.client.post("/api/v1/shares", json={"clinician_email": doctor.email})
        assert doctor.client.delete(f"/api/v1/shares/{again.json()['id']}").status_code == 404
        assert doctor.client.get(url).status_code == 200


def test_anonymous_assessment_is_computed_and_never_stored(world: dict[str, Any]) -> None:
    app: FastAPI = world["app"]
    anonymous = SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False)
    before = _fingerprint(world)
    answer = anonymous.post("/api/v1/assessments", json=example("office-worker"))
    assert answer.status_code == 200 and "triage" in answer.json()
    assert "location" not in answer.headers
    assert _fingerprint(world) == before
    assert anonymous.get("/api/v1/assessments/latest").status_code == 401
    assert anonymous.get("/diary").status_code == 303
