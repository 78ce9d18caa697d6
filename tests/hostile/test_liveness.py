"""The server keeps answering while another process holds the SQLite write lock.

A real uvicorn process serves a SQLite file; this test process takes the write lock (as a long
``heavylegs import`` would) and sends several diary writes, which must wait on worker threads and
end in 503 + ``Retry-After``. Meanwhile ``GET /api/v1/ask`` must still answer: it needs no
database and the event loop must never wait for one. The bound is generous (a liveness test, not
a benchmark): were the writes on the event loop, the ask would wait for all of them in turn.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from heavylegs.store import open_store

WRITERS = 6
_PIDS: dict[int, int] = {}


def _server_pid(port: int) -> int:
    return _PIDS[port]


def _call(
    url: str, body: bytes | None = None, timeout: float = 30
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request (stdlib only: the server is a real process)."""
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    if body is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _ask(base: str, question: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    return _call(f"{base}/api/v1/ask?{urllib.parse.urlencode({'q': question})}", timeout=timeout)


def _entry(base: str, day: int, timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    body = f'{{"date": "2026-01-{day:02d}", "part": "morning", "heaviness": 4}}'.encode()
    return _call(f"{base}/api/v1/diary/entries", body, timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "web.sqlite3"
    open_store(f"sqlite:///{db}").close()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "heavylegs.web.app:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "HEAVYLEGS_WEB_DB": f"sqlite:///{db}"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # start-up: up to a minute on a loaded machine
            try:
                if _ask(base, "compression socks")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail("the server did not start")
            time.sleep(0.1)
        _PIDS[port] = process.pid
        yield base, db
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_ask_answers_while_another_process_holds_the_write_lock(
    server: tuple[str, Path],
) -> None:
    base, db = server
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    statuses: list[tuple[int, str | None]] = []

    def write(day: int) -> None:
        status, headers, _ = _entry(base, day)
        statuses.append((status, {k.lower(): v for k, v in headers.items()}.get("retry-after")))

    writers = [threading.Thread(target=write, args=(day,)) for day in range(1, WRITERS + 1)]
    try:
        for thread in writers:
            thread.start()
        time.sleep(0.3)  # let the writes reach the server and wait for the lock
        status, _, body = _ask(base, "why do my legs feel heavy", timeout=5)
        assert status == 200
        assert b'"answers"' in body
        for thread in writers:
            thread.join()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(statuses) == WRITERS
    assert all(status == 503 and (after or "").isdigit() for status, after in statuses), statuses
    assert _entry(base, 20)[0] == 201  # the lock is gone: writes work again


UPLOAD_MB = 150


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")  # pragma: no cover - Linux only


def test_a_large_upload_does_not_grow_the_server(server: tuple[str, Path]) -> None:
    """The server spools and copies uploads in chunks; reading happens in a child process."""
    import http.client
    import re

    base, _ = server
    port = int(base.rsplit(":", 1)[1])
    with urllib.request.urlopen(f"{base}/training/import", timeout=30) as page:
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.read().decode())
    assert token is not None
    boundary = "heavylegs-hostile-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.fit"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = bytes(range(256)) * 4096  # 1 MB, not an activity file

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(UPLOAD_MB):
            yield block
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(
        "POST",
        "/training/import",
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + UPLOAD_MB * len(block) + len(tail)),
            "Cookie": cookie,
            "X-CSRF-Token": token.group(1),
        },
    )
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    assert response.status == 200, text[:500]
    assert "big.fit" in text  # skipped with its reason, on the page
    server_pid = _server_pid(port)
    peak = _peak_rss_mb(server_pid)
    assert peak < 200, f"server peak RSS {peak:.0f} MB"
