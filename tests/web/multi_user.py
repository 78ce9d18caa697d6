"""Helpers for accounts-mode web tests: an app on a fresh database, invited accounts, and a
client that signs in and sends the session's CSRF token the way the app's own pages do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from heavylegs.web import csrf
from heavylegs.web.app import create_app
from heavylegs.web.auth import SESSION_COOKIE
from tests.web.conftest import NOW

PASSWORD = "correct horse battery staple"
SECRET = b"multi-user-test-secret"


def multi_user_app(url: str, clock: Any = None) -> FastAPI:
    return create_app(url, clock=clock or (lambda: NOW), secret=SECRET, multi_user=True)


def invite(app: FastAPI, email: str, role: str = "person") -> str:
    from heavylegs.store import accounts

    store = app.state.server.store
    code: str = accounts.create_invite(store, email, accounts.Role(role), NOW)
    return code


class SignedIn(TestClient):
    """A client whose state-changing requests carry the CSRF token of its session (or of its
    anonymous CSRF cookie), unless the test gives one; ``csrf=False`` sends none."""

    send_csrf = True

    def csrf_token(self) -> str:
        nonce = self.cookies.get(SESSION_COOKIE) or self.cookies.get(csrf.COOKIE)
        if nonce is None:
            nonce = csrf.new_nonce()
            self.cookies.set(csrf.COOKIE, nonce)
        return csrf.token_for(SECRET, nonce)

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.send_csrf and method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            if not any(k.lower() in (csrf.HEADER, "authorization") for k in headers):
                headers[csrf.HEADER] = self.csrf_token()
            kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


@dataclass
class Person:
    email: str
    client: SignedIn
    id: int


def sign_up(app: FastAPI, email: str, role: str = "person", *, login: bool = True) -> Person:
    """Invite ``email``, sign up through the API and (by default) sign in."""
    client = SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False)
    code = invite(app, email, role)
    made = client.post(
        "/api/v1/auth/signup", json={"invite": code, "email": email, "password": PASSWORD}
    )
    assert made.status_code == 201, made.text
    if login:
        signed = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
    return Person(email, client, int(made.json()["id"]))


def sqlite_url(folder: Path, name: str = "server.sqlite3") -> str:
    return f"sqlite:///{folder / name}"


def aware(days: int = 0) -> dt.datetime:
    return NOW + dt.timedelta(days=days)
