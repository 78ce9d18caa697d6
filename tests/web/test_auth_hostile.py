"""Accounts mode against an outside tester: what a hostile browser or client tries beyond the
ordinary isolation walk (``test_isolation.py``): cookies planted next to the real ones, what a
shared computer keeps after sign-out, look-alike emails, and one person filling the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from heavylegs.web import csrf
from heavylegs.web.auth import SESSION_COOKIE
from heavylegs.web.undo_cookie import COOKIE as UNDO
from tests.store.databases import db_url as db_url
from tests.web.multi_user import PASSWORD, SECRET, SignedIn, multi_user_app, sign_up, sqlite_url


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    built = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(built):
        yield built


def _fresh(app: FastAPI) -> SignedIn:
    return SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False)


def _entry(note: str) -> dict[str, Any]:
    return {"date": "2026-11-20", "part": "evening", "heaviness": 3, "note": note}


def _set_cookies(answer: Any) -> list[str]:
    return [v for k, v in answer.headers.multi_items() if k == "set-cookie"]


def test_a_planted_empty_session_cookie_does_not_unbind_the_csrf_token(app: FastAPI) -> None:
    """Cookie tossing: a sibling site (or a network attacker on plain http) can plant cookies,
    not read them. It plants an empty ``heavylegs_session`` before the victim's and a CSRF cookie
    whose token it knows (any anonymous page hands out such a pair). The CSRF check must not use
    one session cookie while the account is found by another."""
    victim = sign_up(app, "victim@example.org")
    real = victim.client.cookies.get(SESSION_COOKIE)
    assert real
    nonce = csrf.new_nonce()  # the attacker's own CSRF cookie, and its token
    cookie = f"{SESSION_COOKIE}=; {csrf.COOKIE}={nonce}; {SESSION_COOKIE}={real}"
    forged = _fresh(app).post(
        "/api/v1/diary/entries",
        json=_entry("forged-by-another-site"),
        headers={"cookie": cookie, csrf.HEADER: csrf.token_for(SECRET, nonce)},
    )
    assert forged.status_code in (401, 403), forged.text
    assert "forged-by-another-site" not in victim.client.get("/api/v1/diary/entries").text
    # the victim's own browser, sending its cookie once, still writes
    assert victim.client.post("/api/v1/diary/entries", json=_entry("mine")).status_code == 201


def test_signing_out_leaves_no_undo_snapshot_in_the_browser(app: FastAPI) -> None:
    """An Undo cookie holds the rows just deleted (signed, not encrypted). On a shared computer
    the next person must not find the previous one's diary note in it after sign-out."""
    person = sign_up(app, "pat@example.org")
    made = person.client.post("/api/v1/diary/entries", json=_entry("private-note-5521"))
    entry_id = made.json()["id"]
    deleted = person.client.post(f"/diary/entries/{entry_id}/delete", data={})
    assert deleted.status_code == 303
    assert person.client.cookies.get(UNDO)
    out = person.client.post("/logout", data={})
    assert out.status_code == 303
    assert not person.client.cookies.get(UNDO), _set_cookies(out)
    # signing in (someone else on the same browser) clears it too
    again = person.client.post(
        "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
    )
    assert again.status_code == 200
    made = person.client.post("/api/v1/diary/entries", json=_entry("private-note-5522"))
    person.client.post(f"/diary/entries/{made.json()['id']}/delete", data={})
    assert person.client.cookies.get(UNDO)
    other = sign_up(app, "other@example.org", login=False)
    signed = person.client.post(
        "/api/v1/auth/login", json={"email": other.email, "password": PASSWORD}
    )
    assert signed.status_code == 200
    assert not person.client.cookies.get(UNDO), _set_cookies(signed)


def test_one_person_cannot_fill_the_server_with_rows(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assessments, measures done and guided sessions are appended, never replaced: without a
    limit one person's script fills the disk every other person's diary lives on. Once one of
    them is full, the person's writes that could add rows are refused (507, saying what to do);
    deleting still works, and the limit is each person's."""
    from heavylegs.web import quotas
    from tests.web.conftest import example

    monkeypatch.setattr(quotas, "PERSON_MAX_ROWS", 2)
    built = multi_user_app(db_url)
    with SignedIn(built):
        heavy, other = sign_up(built, "heavy@example.org"), sign_up(built, "other@example.org")
        done = {"date": "2026-11-20", "measure": "calf_raises", "reps": 20}
        ids = [heavy.client.post("/api/v1/measures-done", json=done) for _ in range(3)]
        assert [r.status_code for r in ids] == [201, 201, 507]
        assert "measures done" in ids[2].text and "delete" in ids[2].text
        answers = example("office-worker")
        assert heavy.client.post("/api/v1/assessments", json=answers).status_code == 507
        form = {"date": "2026-11-20", "measure": "calf_raises", "reps": "5"}
        page = heavy.client.post("/diary/measures", data=form)
        assert page.status_code == 507 and "delete" in page.text
        tables = heavy.client.get("/api/v1/backup").json()["tables"]
        assert len(tables["measures_done"]) == 2 and not tables["assessments"]
        gone = heavy.client.post(f"/diary/measures/{ids[0].json()['id']}/delete", data={})
        assert gone.status_code == 303
        assert heavy.client.post("/api/v1/measures-done", json=done).status_code == 201
        # signing in again, sharing and the account stay usable when full
        assert heavy.client.post("/api/v1/measures-done", json=done).status_code == 507
        login = {"email": heavy.email, "password": PASSWORD, "next": "/"}
        assert heavy.client.post("/login", data=login).status_code == 303
        assert heavy.client.post("/api/v1/auth/tokens").status_code == 201
        # the limit is each person's
        assert other.client.post("/api/v1/assessments", json=answers).status_code == 200
        assert other.client.post("/api/v1/measures-done", json=done).status_code == 201
        assert other.client.post("/api/v1/assessments", json=answers).status_code == 200
        full = other.client.post("/api/v1/assessments", json=answers)
        assert full.status_code == 507 and "assessments" in full.text


def test_a_stolen_session_cannot_guess_the_password_without_limit(app: FastAPI) -> None:
    """Whoever holds a session cookie but not the password tries old passwords on the password
    change (the right one would hand them the account): refused past the sign-in's limit."""
    person = sign_up(app, "pat@example.org")
    for i in range(5):
        wrong = person.client.post(
            "/api/v1/auth/password",
            json={"old_password": f"guess number {i}", "new_password": "taken over 123"},
        )
        assert wrong.status_code == 401
    right = person.client.post(
        "/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": "taken over 123"}
    )
    assert right.status_code == 429, right.text
    assert int(right.headers["retry-after"]) > 0 and "old_password" in right.text
    form = {"old_password": PASSWORD, "new_password": "taken over 123"}
    page = person.client.post("/account/password", data=form)
    assert page.status_code == 429 and "try again" in page.text
    assert "retry-after" in page.headers
    login = _fresh(app).post(
        "/api/v1/auth/login", json={"email": person.email, "password": "taken over 123"}
    )
    assert login.status_code == 401  # nothing was changed
    owner = _fresh(app).post(
        "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
    )
    assert owner.status_code == 200  # and the owner may still sign in, to end that session


def test_an_api_token_is_revoked_by_its_account_only(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost token can be revoked without changing the password (which ends every session),
    by its own account only; tokens past the account's limit are refused, saying to revoke."""
    from heavylegs.store import accounts

    monkeypatch.setattr(accounts, "MAX_API_TOKENS", 2)
    person, other = sign_up(app, "pat@example.org"), sign_up(app, "sam@example.org")
    tokens = [person.client.post("/api/v1/auth/tokens").json()["token"] for _ in range(2)]
    refused = person.client.post("/api/v1/auth/tokens")
    assert refused.status_code == 422 and "revoke" in refused.text
    page = person.client.post("/account/tokens", data={})
    assert page.status_code == 422 and "revoke" in page.text
    bearer = {"Authorization": f"Bearer {tokens[0]}"}
    stolen = other.client.post("/api/v1/auth/tokens/revoke", json={"token": tokens[0]})
    assert stolen.status_code == 404
    assert _fresh(app).get("/api/v1/diary/entries", headers=bearer).status_code == 200
    # the token revokes itself (no CSRF token: a bearer request)
    api = _fresh(app)
    api.send_csrf = False
    gone = api.post("/api/v1/auth/tokens/revoke", json={"token": tokens[0]}, headers=bearer)
    assert gone.status_code == 204
    assert api.get("/api/v1/diary/entries", headers=bearer).status_code == 401
    again = person.client.post("/api/v1/auth/tokens/revoke", json={"token": tokens[0]})
    assert again.status_code == 404
    assert person.client.post("/api/v1/auth/tokens").status_code == 201
    assert person.client.get("/api/v1/diary/entries").status_code == 200  # the session lives
