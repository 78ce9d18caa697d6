"""Web tests with Starlette's TestClient: the API contract, 422s naming fields, pages and forms.

Each test gets its own app; ``db_client`` has a fresh SQLite database, ``client`` none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heavylegs.web import csrf
from heavylegs.web.app import create_app
from tests.conftest import SHARED

NOW = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)
TODAY = NOW.astimezone().date()


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SHARED / "spec" / "examples" / f"{name}.json").read_text(encoding="utf-8")
    )
    return data


class BrowserLikeClient(TestClient):
    """A test client that behaves like our own pages in a browser: every state-changing request
    carries the CSRF cookie and its ``X-CSRF-Token`` header (unless the test sets one itself).

    Tests of the CSRF rules themselves use a plain :class:`TestClient`.
    """

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            if not any(k.lower() == csrf.HEADER for k in headers):
                nonce = self.cookies.get(csrf.COOKIE)
                if nonce is None:
                    nonce = csrf.new_nonce()
                    self.cookies.set(csrf.COOKIE, nonce)
                secret = self.app.state.ctx.secret  # type: ignore[attr-defined]
                headers[csrf.HEADER] = csrf.token_for(secret, nonce)
            kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


@pytest.fixture(scope="session")
def stateless_app() -> Any:
    return create_app(None, clock=lambda: NOW, secret=b"test-secret")


@pytest.fixture
def client(stateless_app: Any) -> Iterator[TestClient]:
    with BrowserLikeClient(stateless_app) as test_client:
        yield test_client


@pytest.fixture
def db_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(f"sqlite:///{tmp_path / 'web.sqlite3'}", clock=lambda: NOW)
    with BrowserLikeClient(app) as test_client:
        yield test_client
