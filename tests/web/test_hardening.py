"""CSRF tokens, JSON-only API bodies, streamed body limits, host names, caching and the draft.

These use a plain :class:`TestClient` (not the conftest's browser-like one) so that every token
and header is the test's own doing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from heavylegs.cli import web as cli_web
from heavylegs.web import bodies, csrf
from heavylegs.web.app import create_app
from tests.web.conftest import NOW, example

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def plain(tmp_path: Path) -> Any:
    app = create_app(f"sqlite:///{tmp_path / 'h.sqlite3'}", clock=lambda: NOW, secret=b"s")
    with TestClient(app) as client:
        yield client


def _token(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    found = TOKEN.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def test_form_posts_need_the_token_of_their_own_cookie(plain: TestClient) -> None:
    assert plain.post("/assess/new").status_code == 403  # no cookie, no token
    token = _token(plain)
    assert plain.cookies.get(csrf.COOKIE)
    assert plain.post("/assess/new", data={"csrf_token": "0" * 40}).status_code == 403
    assert plain.post("/assess/new", data={}).status_code == 403
    ok = plain.post("/assess/new", data={"csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/assess/1"
    assert plain.post("/assess/new", headers={"X-CSRF-Token": token}).status_code == 200
    # the same token with another browser's cookie is refused
    plain.cookies.set(csrf.COOKIE, csrf.new_nonce())
    assert plain.post("/assess/new", data={"csrf_token": token}).status_code == 403
    refused = plain.post("/assess/new", data={"csrf_token": token})
    assert "expired" in refused.text and refused.headers["cache-control"] == "no-store"


def test_every_post_form_carries_the_token_first(plain: TestClient) -> None:
    plain.post("/api/v1/assessments", json=example("office-worker"))
    for path in ("/", "/assess", "/assess/1", "/results/1", "/diary", "/session/desk"):
        text = plain.get(path).text
        forms = re.findall(r'<form\b[^>]*method="post"[^>]*>(\s*<[^>]+>)', text)
        assert forms, path
        for first in forms:
            assert 'name="csrf_token"' in first, (path, first)


def test_cross_site_fetch_metadata_is_refused_even_with_a_token(plain: TestClient) -> None:
    token = _token(plain)
    for site in ("cross-site", "same-site"):
        headers = {"Sec-Fetch-Site": site}
        refused = plain.post("/assess/new", data={"csrf_token": token}, headers=headers)
        assert refused.status_code == 403
    headers = {"Sec-Fetch-Site": "same-origin"}
    assert plain.post("/assess/new", data={"csrf_token": token}, headers=headers).status_code == 200


def test_api_bodies_must_be_json_and_browser_calls_need_the_header(plain: TestClient) -> None:
    body = example("office-worker")
    import json

    text = json.dumps(body)
    refused = plain.post(
        "/api/v1/assessments", content=text, headers={"content-type": "text/plain"}
    )
    assert refused.status_code == 415
    assert refused.json()["problems"] == [
        "(document): the body must be JSON sent as Content-Type: application/json"
    ]
    assert plain.post("/api/v1/assessments", content=text).status_code == 415  # no type at all
    assert plain.post("/api/v1/assessments", json=body).status_code == 200  # an API client
    token = _token(plain)  # now the client holds the browser cookie
    assert plain.post("/api/v1/assessments", json=body).status_code == 403
    ok = plain.post("/api/v1/assessments", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200


def _drive(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: int, chunk: bytes
) -> tuple[int, int]:
    """Send a chunked body straight to the ASGI app; (status, chunks the app pulled)."""
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"transfer-encoding", b"chunked"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    # A fresh loop in its own thread: an earlier test (Playwright's sync API) may have left a
    # loop running in this one, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return status, pulled


def test_chunked_bodies_are_cut_at_the_limit_without_reading_the_rest(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", clock=lambda: NOW, secret=b"s")
    json_type = [(b"content-type", b"application/json")]
    status, pulled = _drive(app, "POST", "/api/v1/assessments", json_type, 10_000, b" " * 65536)
    assert status == 413
    assert pulled <= bodies.API_MAX_BYTES // 65536 + 2  # about 4 of the 10,000 chunks
    nonce = csrf.new_nonce()
    form = [
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"cookie", f"{csrf.COOKIE}={nonce}".encode()),
    ]
    status, pulled = _drive(app, "POST", "/diary/entries", form, 10_000, b"a" * 65536)
    assert status == 413 and pulled <= bodies.FORM_MAX_BYTES // 65536 + 2
    with_token = [*form, (csrf.HEADER.encode(), csrf.token_for(b"s", nonce).encode())]
    status, pulled = _drive(app, "POST", "/diary/entries", with_token, 10_000, b"a" * 65536)
    assert status == 413 and pulled <= bodies.FORM_MAX_BYTES // 65536 + 2


def test_forms_are_bounded_in_fields_and_field_size(plain: TestClient) -> None:
    token = _token(plain)
    many = [("csrf_token", token)] + [(f"f{i}", "x") for i in range(bodies.FORM_MAX_FIELDS + 5)]
    assert plain.post("/diary/entries", data=dict(many)).status_code == 413
    long_note = {"csrf_token": token, "note": "x" * (bodies.FORM_FIELD_MAX_BYTES + 1)}
    assert plain.post("/diary/entries", data=long_note).status_code == 413
    # the same bounds when the token comes in htmx's header
    headers = {"X-CSRF-Token": token}
    del long_note["csrf_token"]
    assert plain.post("/diary/entries", data=long_note, headers=headers).status_code == 413
    assert plain.post("/diary/entries", data=dict(many[1:]), headers=headers).status_code == 413
    declared = plain.post(
        "/diary/entries",
        content=b"a" * 10,
        headers={"content-length": str(bodies.FORM_MAX_BYTES + 1)},
    )
    assert declared.status_code == 413


def test_uploads_carry_the_token_in_their_first_part(plain: TestClient) -> None:
    token = _token(plain, "/training/import")
    files = [("files", ("notes.txt", b"hello", "text/plain"))]
    first = plain.post("/training/import", data={"csrf_token": token}, files=files)
    assert first.status_code in (200, 422) and "Import summary" in first.text
    missing = plain.post("/training/import", data={"other": "x"}, files=files)
    assert missing.status_code == 403
    fields = {"csrf_token": token, **{f"f{i}": "x" for i in range(20)}}
    assert plain.post("/training/import", data=fields, files=files).status_code == 400


def test_host_names_default_to_loopback_and_allow_host_adds_some() -> None:
    assert cli_web.allowed_hosts("0.0.0.0") == ["127.0.0.1", "[::1]", "localhost"]
    assert "heavylegs.lan" in cli_web.allowed_hosts("0.0.0.0", ["HeavyLegs.lan"])
    assert "[fe80::1]" in cli_web.allowed_hosts("::", ["fe80::1"])
    assert "192.168.1.5" in cli_web.allowed_hosts("192.168.1.5")
    import typer

    app = typer.Typer()
    cli_web.register(app)

    @app.command()
    def other() -> None:
        """Unused."""

    assert "--allow-host" in CliRunner().invoke(app, ["serve", "--help"]).output
    served = create_app(None, allowed_hosts=cli_web.allowed_hosts("0.0.0.0", ["box.lan"]))
    for base, status in (
        ("http://127.0.0.1:8000", 200),
        ("http://localhost:8000", 200),
        ("http://box.lan:8000", 200),
        ("http://attacker.example:8000", 400),
    ):
        with TestClient(served, base_url=base) as client:
            assert client.get("/api/v1/ask?q=heavy").status_code == status, base


def test_health_data_is_never_cached(db_client: TestClient) -> None:
    saved = db_client.post("/api/v1/assessments", json=example("office-worker"))
    result = saved.headers["location"].replace("/api/v1/assessments", "/results")
    for path in (result, "/", "/diary", "/export/backup.json", "/api/v1/backup", "/assess/1"):
        assert db_client.get(path).headers.get("cache-control") == "no-store", path
    assert "no-store" not in db_client.get("/static/app.css").headers.get("cache-control", "")


def test_the_draft_cookie_is_cleared_once_the_result_is_saved(db_client: TestClient) -> None:
    db_client.post("/assess/new")
    db_client.post("/assess/1", data={"about.age": "52", "nav": "next"})
    db_client.post("/assess/2", data={"symptoms.legs": "both", "nav": "next"})
    assert db_client.cookies.get("heavylegs_draft")
    for step in (3, 4):
        db_client.post(f"/assess/{step}", data={"nav": "next"})
    done = db_client.post("/assess/5", data={"nav": "finish"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/results/")
    assert (
        "heavylegs_draft" in done.headers["set-cookie"]
        and "Max-Age=0" in done.headers["set-cookie"]
    )
    assert db_client.cookies.get("heavylegs_draft") is None
    result = db_client.get(done.headers["location"])
    assert 'action="/assess/again/' in result.text
    again = db_client.post(done.headers["location"].replace("/results/", "/assess/again/"))
    assert again.url.path == "/assess/1" and 'value="52"' in again.text


def test_only_pages_set_the_csrf_cookie(plain: TestClient) -> None:
    """A stylesheet loaded with the first page must not replace the page's cookie."""
    assert csrf.COOKIE not in plain.get("/static/app.css").headers.get("set-cookie", "")
    assert csrf.COOKIE not in plain.get("/api/v1/ask?q=heavy").headers.get("set-cookie", "")
    assert csrf.COOKIE in plain.get("/").headers["set-cookie"]
    assert csrf.COOKIE not in plain.get("/diary").headers.get("set-cookie", "")  # already set
