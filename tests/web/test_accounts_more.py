"""Accounts mode, more: the session cookie cannot be tossed in by a sibling site, and a session
from before the sign-in is never the one after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from heavylegs.web import csrf
from heavylegs.web.app import create_app
from heavylegs.web.auth import HOST_SESSION_COOKIE, SESSION_COOKIE
from tests.web.conftest import NOW
from tests.web.multi_user import PASSWORD, SECRET, SignedIn, sign_up, sqlite_url


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[FastAPI]:
    """An app behind a TLS proxy it trusts (``--trust-proxy``)."""
    built = create_app(
        sqlite_url(tmp_path), clock=lambda: NOW, secret=SECRET, multi_user=True, trust_proxy=True
    )
    with SignedIn(built):
        yield built


HTTPS = {"X-Forwarded-Proto": "https"}


def _session_set_cookie(answer: Any) -> str:
    return next(
        v
        for k, v in answer.headers.multi_items()
        if k == "set-cookie" and "heavylegs_session=" in v and "Max-Age=0" not in v
    )


def _https_login(app: FastAPI, email: str) -> tuple[TestClient, str]:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    answer = browser.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}, headers=HTTPS
    )
    assert answer.status_code == 200, answer.text
    cookie = _session_set_cookie(answer)
    token = cookie.split(";")[0].split("=", 1)[1]
    return browser, token


def _notes(app: FastAPI, cookie_header: str) -> Any:
    reader = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    answer = reader.get("/api/v1/diary/entries", headers={**HTTPS, "Cookie": cookie_header})
    return answer.status_code, [e["note"] for e in answer.json()] if answer.is_success else None


def test_over_https_the_session_cookie_is_host_prefixed_and_a_tossed_one_is_ignored(
    proxied: FastAPI,
) -> None:
    victim = sign_up(proxied, "victim@example.org", login=False)
    attacker = sign_up(proxied, "attacker@example.org", login=False)
    browser, mine = _https_login(proxied, victim.email)
    cookie = _session_set_cookie(
        browser.post(
            "/api/v1/auth/login",
            json={"email": victim.email, "password": PASSWORD},
            headers=HTTPS,
        )
    )
    assert cookie.startswith(HOST_SESSION_COOKIE + "=")
    for flag in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
        assert flag.lower() in cookie.lower()
    assert "domain" not in cookie.lower()
    _, mine = _https_login(proxied, victim.email)
    _, theirs = _https_login(proxied, attacker.email)
    # the attacker writes a note in their own account
    token = csrf.token_for(SECRET, theirs)
    wrote = TestClient(proxied, base_url="http://127.0.0.1").post(
        "/api/v1/diary/entries",
        json={"date": "2026-11-20", "part": "evening", "heaviness": 3, "note": "attacker's"},
        headers={**HTTPS, "Cookie": f"{HOST_SESSION_COOKIE}={theirs}", csrf.HEADER: token},
    )
    assert wrote.status_code in (200, 201), wrote.text
    assert _notes(proxied, f"{HOST_SESSION_COOKIE}={mine}") == (200, [])
    # a sibling site sets a plain, domain-wide cookie holding the attacker's session, sent
    # before the victim's own: the victim stays the victim
    tossed = f"{SESSION_COOKIE}={theirs}; {HOST_SESSION_COOKIE}={mine}"
    assert _notes(proxied, tossed) == (200, [])
    # with the plain one alone, nobody is signed in (not the attacker)
    assert _notes(proxied, f"{SESSION_COOKIE}={theirs}")[0] == 401


def test_plain_http_keeps_the_unprefixed_cookie(proxied: FastAPI) -> None:
    person = sign_up(proxied, "p@example.org", login=False)
    answer = TestClient(proxied, base_url="http://127.0.0.1").post(
        "/api/v1/auth/login", json={"email": person.email, "password": PASSWORD}
    )
    cookie = _session_set_cookie(answer)
    assert cookie.startswith(SESSION_COOKIE + "=") and "secure" not in cookie.lower()


def test_a_session_from_before_the_sign_in_is_not_the_one_after_it(proxied: FastAPI) -> None:
    """Session fixation over https: whatever session the browser came with (a planted one of
    another account) is ended by the sign-in, and the new one is another value."""
    victim = sign_up(proxied, "victim@example.org", login=False)
    attacker = sign_up(proxied, "attacker@example.org", login=False)
    _, planted = _https_login(proxied, attacker.email)
    browser = TestClient(proxied, base_url="http://127.0.0.1", follow_redirects=False)
    page = browser.get("/login", headers={**HTTPS, "Cookie": f"{HOST_SESSION_COOKIE}={planted}"})
    form = {"email": victim.email, "password": PASSWORD, "next": "/"}
    signed = browser.post(
        "/login",
        data={**form, "csrf_token": csrf.token_for(SECRET, planted)},
        headers={**HTTPS, "Cookie": f"{HOST_SESSION_COOKIE}={planted}"},
    )
    assert page.status_code == 200 and signed.status_code == 303, signed.text
    fresh = _session_set_cookie(signed).split(";")[0].split("=", 1)[1]
    assert fresh != planted
    assert _notes(proxied, f"{HOST_SESSION_COOKIE}={planted}")[0] == 401  # ended
    assert _notes(proxied, f"{HOST_SESSION_COOKIE}={fresh}") == (200, [])


def test_a_non_ascii_draft_or_undo_cookie_is_ignored_not_a_server_error(
    proxied: FastAPI,
) -> None:
    """Cookie values arrive as Latin-1 text: one with ``é`` in it (a broken client, a hostile
    one) must be ignored like any other cookie that is not ours."""
    from heavylegs.web.auth import DRAFT_COOKIE, UNDO_COOKIE
    from heavylegs.web.sealed import unseal

    assert unseal("é.x", b"k") is None and unseal("abc.é", b"k") is None
    person = sign_up(proxied, "p@example.org")
    session = f"{SESSION_COOKIE}={person.client.cookies.get(SESSION_COOKIE)}"
    browser = TestClient(proxied, base_url="http://127.0.0.1", follow_redirects=False)
    for name in (DRAFT_COOKIE, UNDO_COOKIE):
        for value in ("é.x", "abc.é"):
            header = f"{session}; {name}={value}".encode("latin-1")
            for url in ("/assess/1", "/diary", "/"):
                answer = browser.get(url, headers={"Cookie": header})  # type: ignore[dict-item]
                assert answer.status_code == 200, (name, value, url, answer.status_code)


def _signed_in_csrf(browser: TestClient) -> dict[str, str]:
    """The CSRF header a signed-in browser's page would send (bound to its session)."""
    return {csrf.HEADER: csrf.token_for(SECRET, browser.cookies[HOST_SESSION_COOKIE])}


def test_a_browser_that_signed_in_before_is_not_held_by_guesses_from_everywhere(
    proxied: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heavylegs.store import accounts

    monkeypatch.setattr(accounts, "MAX_ACCOUNT_FAILURES", 3)
    person = sign_up(proxied, "p@example.org", login=False)
    # https, so the client sends the Secure cookie back (behind the proxy it would be https too)
    mine = TestClient(proxied, base_url="https://127.0.0.1", follow_redirects=False)
    body = {"email": person.email, "password": PASSWORD}
    first = mine.post("/api/v1/auth/login", json=body, headers=HTTPS)
    assert first.status_code == 200
    device = next(v for k, v in first.headers.multi_items() if "heavylegs_device=" in v)
    assert device.startswith("__Host-heavylegs_device=") and "Secure" in device
    assert "max-age" in device.lower() and "httponly" in device.lower()
    for i in range(3):  # guesses from three addresses
        wrong = TestClient(proxied, base_url="http://127.0.0.1").post(
            "/api/v1/auth/login",
            json={**body, "password": f"guess {i} wrong"},
            headers={**HTTPS, "X-Forwarded-For": f"198.51.100.{i}"},
        )
        assert wrong.status_code == 401
    stranger = TestClient(proxied, base_url="http://127.0.0.1").post(
        "/api/v1/auth/login", json=body, headers={**HTTPS, "X-Forwarded-For": "203.0.113.1"}
    )
    assert stranger.status_code == 429
    again = mine.post("/api/v1/auth/login", json=body, headers=_signed_in_csrf(mine))
    assert again.status_code == 200, again.text
    # a device cookie of another account, or made up, does not count
    other = sign_up(proxied, "o@example.org", login=False)
    theirs = TestClient(proxied, base_url="https://127.0.0.1", follow_redirects=False)
    assert theirs.post(
        "/api/v1/auth/login", json={"email": other.email, "password": PASSWORD}, headers=HTTPS
    ).is_success
    borrowed = theirs.post("/api/v1/auth/login", json=body, headers=_signed_in_csrf(theirs))
    assert borrowed.status_code == 429
