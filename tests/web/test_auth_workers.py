"""Several workers on one PostgreSQL behave as one: ``heavylegs serve --multi-user --workers 2``
and a second server (another "machine") on the same database and secret. A session made on one is
valid on the other, its CSRF token too, signing out on one ends it on both, and a write through
one is read through the other. Nothing is kept in a worker's memory.

Runs on the throwaway PostgreSQL of ``scripts/with-postgres.sh`` (skipped without it, saying so).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.store.databases import pg_url as pg_url
from tests.web.multi_user import PASSWORD

SECRET = "workers-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(
    base: str, process: subprocess.Popen[str], seconds: float = 60, *, verify: bool = True
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.communicate()[1]}")
        try:
            if httpx.get(f"{base}/login", timeout=2, verify=verify).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{base} did not answer in {seconds} s")
        time.sleep(0.2)


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[str]:
    exe = Path(sys.executable).with_name("heavylegs")
    env = {**os.environ, "HEAVYLEGS_WEB_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    command = [str(exe), "serve", "--multi-user", "--workers", str(workers)]
    command += ["--port", str(port), "--db", url]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )


def invite(url: str, email: str, role: str = "person") -> str:
    from heavylegs.store import accounts, open_store

    store = open_store(url, owner=None)
    try:
        code: str = accounts.create_invite(store, email, role, dt.datetime.now(dt.UTC))
    finally:
        store.close()
    return code


@pytest.fixture
def two_servers(pg_url: str) -> Iterator[tuple[str, str, str, int]]:
    first, second = free_port(), free_port()
    many = start_server(pg_url, first, 2)
    try:
        wait_until_up(f"http://127.0.0.1:{first}", many)
        one = start_server(pg_url, second, 1)
        try:
            wait_until_up(f"http://127.0.0.1:{second}", one)
            yield pg_url, f"http://127.0.0.1:{first}", f"http://127.0.0.1:{second}", many.pid
        finally:
            one.terminate()
            one.communicate(timeout=20)
    finally:
        many.terminate()
        many.communicate(timeout=20)


def workers_of(parent: int) -> int:
    """How many processes run under ``parent`` (Linux /proc): uvicorn's workers."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        count += int(fields[1]) == parent
    return count


def test_a_session_made_on_one_worker_is_valid_on_the_others(
    two_servers: tuple[str, str, str, int],
) -> None:
    url, a, b, parent = two_servers
    assert workers_of(parent) >= 2  # uvicorn's two workers (and its resource tracker, if any)
    code = invite(url, "w@example.org")
    with httpx.Client(base_url=a) as on_a, httpx.Client(base_url=b) as on_b:
        made = on_a.post(
            "/api/v1/auth/signup",
            json={"invite": code, "email": "w@example.org", "password": PASSWORD},
        )
        assert made.status_code == 201, made.text
        login = on_a.post(
            "/api/v1/auth/login", json={"email": "w@example.org", "password": PASSWORD}
        )
        assert login.status_code == 200
        token = login.json()["csrf_token"]
        on_b.cookies.update(on_a.cookies)
        # the first server's two workers and the second server all know the session
        for client in (on_a, on_b) * 6:
            assert client.get("/api/v1/diary/entries").status_code == 200
        entry = {"date": "2026-11-20", "part": "evening", "heaviness": 4}
        written = on_b.post("/api/v1/diary/entries", json=entry, headers={"X-CSRF-Token": token})
        assert written.status_code == 201, written.text
        assert [e["heaviness"] for e in on_a.get("/api/v1/diary/entries").json()] == [4]
        page = on_b.get("/diary")
        assert page.status_code == 200 and "w@example.org" in page.text
        assert on_b.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
        assert on_a.get("/api/v1/diary/entries").status_code == 401


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("heavylegs")
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    command = [str(exe), "serve", "--multi-user", "--workers", "2", "--port", str(free_port())]
    done = subprocess.run([*command, "--db", db], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "PostgreSQL" in done.stderr
    local = [str(exe), "serve", "--host", "0.0.0.0", "--port", str(free_port()), "--db", db]
    refused = subprocess.run(local, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--multi-user" in refused.stderr
