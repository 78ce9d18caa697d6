"""Accounts mode over HTTP: sign-up, sign-in, cookies, CSRF, session fixation, sign-out,
password change, API tokens, the login rate limit, the pages, and the serve command's rules."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from heavylegs.cli.web import ServeMode, mode_problem
from heavylegs.web.auth import SESSION_COOKIE
from tests.web.conftest import example
from tests.web.multi_user import (
    PASSWORD,
    SignedIn,
    invite,
    multi_user_app,
    sign_up,
    sqlite_url,
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    built = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(built):
        yield built


def _fresh(app: FastAPI, **kwargs: Any) -> SignedIn:
    return SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False, **kwargs)


def _entry(note: str = "x") -> dict[str, Any]:
    return {"date": "2026-11-20", "part": "evening", "heaviness": 3, "note": note}


def test_signup_needs_a_valid_unused_invite(app: FastAPI) -> None:
    client = _fresh(app)
    body = {"invite": "made-up", "email": "a@example.org", "password": PASSWORD}
    assert client.post("/api/v1/auth/signup", json=body).status_code == 422
    code = invite(app, "a@example.org")
    made = client.post("/api/v1/auth/signup", json={**body, "invite": code})
    assert made.status_code == 201 and made.json()["email"] == "a@example.org"
    assert client.post("/api/v1/auth/signup", json={**body, "invite": code}).status_code == 422
    missing = client.post("/api/v1/auth/signup", json={"invite": code})
    assert missing.status_code == 422 and "email" in missing.text


def test_login_sets_a_safe_cookie_and_returns_the_csrf_token(app: FastAPI) -> None:
    person = sign_up(app, "a@example.org", login=False)
    answer = person.client.post(
        "/api/v1/auth/login", json={"email": "a@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 200
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain http on loopback
    assert answer.json()["csrf_token"] == person.client.csrf_token()
    wrong = _fresh(app).post(
        "/api/v1/auth/login", json={"email": "a@example.org", "password": "wrong password"}
    )
    assert wrong.status_code == 401 and SESSION_COOKIE not in wrong.headers.get("set-cookie", "")


def test_the_cookie_is_secure_over_https_and_behind_a_trusted_proxy_only(tmp_path: Path) -> None:
    from heavylegs.web.app import create_app
    from tests.web.conftest import NOW
    from tests.web.multi_user import SECRET

    for trust, forwarded, secure in ((False, "https", False), (True, "https", True)):
        url = sqlite_url(tmp_path, f"p{trust}.sqlite3")
        built = create_app(
            url, clock=lambda: NOW, secret=SECRET, multi_user=True, trust_proxy=trust
        )
        with SignedIn(built):
            person = sign_up(built, "a@example.org", login=False)
            answer = person.client.post(
                "/api/v1/auth/login",
                json={"email": "a@example.org", "password": PASSWORD},
                headers={"X-Forwarded-Proto": forwarded},
            )
            assert ("Secure" in answer.headers["set-cookie"]) is secure
    built = multi_user_app(sqlite_url(tmp_path, "https.sqlite3"))
    with SignedIn(built):
        person = sign_up(built, "b@example.org", login=False)
        client = SignedIn(built, base_url="https://127.0.0.1", follow_redirects=False)
        answer = client.post(
            "/api/v1/auth/login", json={"email": "b@example.org", "password": PASSWORD}
        )
        assert "Secure" in answer.headers["set-cookie"]


def test_cookie_requests_need_the_csrf_token_and_bearer_requests_do_not(app: FastAPI) -> None:
    person = sign_up(app, "a@example.org")
    person.client.send_csrf = False
    refused = person.client.post("/api/v1/diary/entries", json=_entry())
    assert refused.status_code == 403
    wrong = person.client.post(
        "/api/v1/diary/entries", json=_entry(), headers={"X-CSRF-Token": "0" * 40}
    )
    assert wrong.status_code == 403
    right = person.client.post(
        "/api/v1/diary/entries",
        json=_entry(),
        headers={"X-CSRF-Token": person.client.csrf_token()},
    )
    assert right.status_code == 201
    # a page form without its hidden field is refused too
    assert person.client.post("/diary/entries", data={"heaviness": "3"}).status_code == 403
    # an API token needs no CSRF token, and no cookie counts next to it
    person.client.send_csrf = True
    token = person.client.post("/api/v1/auth/tokens").json()["token"]
    api = _fresh(app)
    api.send_csrf = False
    auth = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/diary/entries", json=_entry("b"), headers=auth).status_code == 201
    listed = api.get("/api/v1/diary/entries", headers=auth)
    assert listed.status_code == 200 and len(listed.json()) == 1
    bad = api.get("/api/v1/diary/entries", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "www-authenticate" in bad.headers


def test_login_rotates_the_session_so_a_planted_cookie_is_worthless(app: FastAPI) -> None:
    victim = sign_up(app, "v@example.org")
    before = victim.client.cookies.get(SESSION_COOKIE)
    assert before
    again = victim.client.post(
        "/api/v1/auth/login", json={"email": "v@example.org", "password": PASSWORD}
    )
    assert again.status_code == 200
    after = victim.client.cookies.get(SESSION_COOKIE)
    assert after and after != before
    planted = _fresh(app)
    planted.cookies.set(SESSION_COOKIE, before)
    assert planted.get("/api/v1/diary/entries").status_code == 401  # the old one ended


def test_logout_ends_the_session_everywhere(app: FastAPI) -> None:
    person = sign_up(app, "a@example.org")
    token = person.client.cookies.get(SESSION_COOKIE)
    assert person.client.get("/api/v1/diary/entries").status_code == 200
    assert person.client.post("/api/v1/auth/logout").status_code == 204
    copy = _fresh(app)
    copy.cookies.set(SESSION_COOKIE, token or "")
    assert copy.get("/api/v1/diary/entries").status_code == 401
    assert copy.get("/diary").status_code == 303


def test_a_password_change_ends_every_other_session(app: FastAPI) -> None:
    person = sign_up(app, "a@example.org")
    other = _fresh(app)
    assert (
        other.post(
            "/api/v1/auth/login", json={"email": "a@example.org", "password": PASSWORD}
        ).status_code
        == 200
    )
    wrong = person.client.post(
        "/api/v1/auth/password", json={"old_password": "nope", "new_password": "n" * 14}
    )
    assert wrong.status_code == 401
    changed = person.client.post(
        "/api/v1/auth/password", json={"old_password": PASSWORD, "new_password": "n" * 14}
    )
    assert changed.status_code == 200, changed.text
    assert person.client.get("/api/v1/diary/entries").status_code == 200  # this one goes on
    assert other.get("/api/v1/diary/entries").status_code == 401
    old = _fresh(app).post(
        "/api/v1/auth/login", json={"email": "a@example.org", "password": PASSWORD}
    )
    assert old.status_code == 401
    new = _fresh(app).post(
        "/api/v1/auth/login", json={"email": "a@example.org", "password": "n" * 14}
    )
    assert new.status_code == 200


def test_failed_logins_are_rate_limited_in_the_database(app: FastAPI, tmp_path: Path) -> None:
    sign_up(app, "a@example.org", login=False)
    client = _fresh(app)
    statuses = [
        client.post(
            "/api/v1/auth/login", json={"email": "a@example.org", "password": f"guess {i}"}
        ).status_code
        for i in range(30)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429
    # another app on the same database (another worker) knows it too, even with the password
    other = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(other):
        limited = _fresh(other).post(
            "/api/v1/auth/login", json={"email": "a@example.org", "password": PASSWORD}
        )
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_pages_sign_up_sign_in_and_out(app: FastAPI) -> None:
    browser = _fresh(app)
    assert browser.get("/").status_code == 303
    assert browser.get("/diary").headers["location"] == "/login?next=/diary"
    code = invite(app, "p@example.org")
    form = browser.get(f"/signup?invite={code}")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    made = browser.post(
        "/signup", data={"invite": code, "email": "p@example.org", "password": PASSWORD}
    )
    assert made.status_code == 303, made.text
    home = browser.get("/")
    assert home.status_code == 200 and "p@example.org" in home.text
    assert browser.get("/account").status_code == 200
    assert browser.post("/logout").status_code == 303
    assert browser.get("/account").status_code == 303
    bad = browser.post("/login", data={"email": "p@example.org", "password": "no", "next": "/"})
    assert bad.status_code == 401 and "wrong" in bad.text
    good = browser.post(
        "/login", data={"email": "p@example.org", "password": PASSWORD, "next": "/diary"}
    )
    assert good.status_code == 303 and good.headers["location"] == "/diary"
    offsite = browser.post(
        "/login", data={"email": "p@example.org", "password": PASSWORD, "next": "//evil.example"}
    )
    assert offsite.headers["location"] == "/"


def test_unauthenticated_answers_are_clear_and_never_a_traceback(app: FastAPI) -> None:
    browser = _fresh(app)
    api = browser.get("/api/v1/diary/entries")
    assert api.status_code == 401 and api.json()["problems"]
    posted = browser.post("/diary/entries", data={"heaviness": "3"})
    assert posted.status_code in (401, 403) and "Traceback" not in posted.text
    assert "sign in" in posted.text.lower() or "expired" in posted.text.lower()
    anonymous = browser.post("/api/v1/assessments", json=example("runner"))
    assert anonymous.status_code == 200


def test_security_headers_on_every_kind_of_answer(app: FastAPI) -> None:
    person = sign_up(app, "a@example.org")
    for client, url in ((person.client, "/"), (_fresh(app), "/login"), (_fresh(app), "/")):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]
    api = _fresh(app).get("/api/v1/diary/entries").headers
    assert api["x-content-type-options"] == "nosniff" and api["cache-control"] == "no-store"


def test_serve_refuses_what_does_not_go_together() -> None:
    local = ServeMode()
    assert mode_problem("127.0.0.1", "sqlite:///x", local) is None
    assert "--host" in (mode_problem("0.0.0.0", "sqlite:///x", local) or "")
    assert "--multi-user" in (mode_problem("127.0.0.1", "sqlite:///x", ServeMode(workers=2)) or "")
    many = ServeMode(multi_user=True, workers=2)
    assert "PostgreSQL" in (mode_problem("0.0.0.0", "sqlite:///x", many) or "")
    assert mode_problem("0.0.0.0", "postgresql+psycopg://h/db", many) is None
    assert mode_problem("0.0.0.0", "sqlite:///x", ServeMode(multi_user=True)) is None


def test_one_upload_of_many_files_stops_at_the_per_person_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit was checked before an upload only: one export with thousands of activities
    went past it. Now each new activity counts; the rest are refused with the reason."""
    import datetime as dt

    from heavylegs.web import quotas
    from tests.training.helpers import fit_run
    from tests.web.conftest import NOW

    monkeypatch.setattr(quotas, "PERSON_MAX_ACTIVITIES", 2)
    built = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(built):
        person = sign_up(built, "a@example.org")
        files = [
            ("files", (f"run{d}.fit", fit_run(NOW - dt.timedelta(days=d), 1500), "x/y"))
            for d in (3, 4, 5)
        ]
        reply = person.client.post("/training/import", files=files)
        assert reply.status_code == 200, reply.text
        assert "the most this server keeps for one person" in reply.text
        with sqlite3.connect(tmp_path / "server.sqlite3") as db:  # only this person imports
            assert db.execute("SELECT COUNT(*) FROM activities").fetchone() == (2,)
        again = person.client.post("/training/import", files=files[:1])
        assert again.status_code == 507  # full now: refused before reading


def test_uploads_are_limited_per_person_and_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from heavylegs.web import quotas
    from tests.training.helpers import fit_run
    from tests.web.conftest import NOW

    monkeypatch.setattr(quotas, "PERSON_MAX_ACTIVITIES", 1)
    monkeypatch.setattr(quotas, "SERVER_UPLOAD_MAX_BYTES", 200_000)
    built = multi_user_app(sqlite_url(tmp_path))
    with SignedIn(built):
        person, other = sign_up(built, "a@example.org"), sign_up(built, "b@example.org")

        def upload(client: SignedIn, days: int, size: int = 0) -> Any:
            data = fit_run(NOW - dt.timedelta(days=days), 1500) + b"\0" * size
            files = [("files", (f"run{days}.fit", data, "application/octet-stream"))]
            return client.post("/training/import", files=files)

        assert upload(person.client, 3).status_code == 200
        full = upload(person.client, 4)
        assert full.status_code == 507 and "delete old ones first" in full.text
        assert upload(other.client, 4).status_code == 200  # the limit is each person's
        assert upload(other.client, 5, size=300_000).status_code == 413
