"""``POST /api/v1/assessments`` on its fast stored path (issue 15): the answer is byte for byte
the engine's JSON, and the kept row is the one the session path keeps; the writer thread runs
works in order, hands back errors, and many requests at once all get their own row."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sqlite3
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient

from heavylegs.assessment.engine import assess
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from heavylegs.store import open_store
from heavylegs.web import records, writer
from heavylegs.web.app import create_app
from heavylegs.web.context import LOCAL_OWNER
from heavylegs.web.writer import Writer
from tests.conftest import SHARED
from tests.web.conftest import NOW, BrowserLikeClient

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: in the whole suite an event loop is already
    running on the main thread (Playwright's synchronous API leaves it), and there
    ``asyncio.run`` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _documents() -> list[dict[str, Any]]:
    examples = sorted((SHARED / "spec" / "examples").glob("*.json"))
    found = [json.loads(path.read_text(encoding="utf-8")) for path in examples]
    for line in (SHARED / "vignettes" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.append(json.loads(line)["answers"])
    return found


DOCUMENTS = _documents()
COLUMNS = "owner_id, at, knowledge_version, triage_level, answers, output"


def _rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT id, {COLUMNS} FROM assessments ORDER BY id").fetchall()


@pytest.fixture
def app_and_path(tmp_path: Path) -> tuple[Any, Path]:
    path = tmp_path / "web.sqlite3"
    return create_app(f"sqlite:///{path}", clock=lambda: NOW, secret=b"s"), path


def test_answers_and_rows_are_those_of_the_session_path(
    app_and_path: tuple[Any, Path], tmp_path: Path
) -> None:
    """The reference is what the endpoint did before: ``model_dump_json()`` of the engine's
    result as the body, and ``records.save_assessment`` in a session for the row."""
    app, path = app_and_path
    kb = load_knowledge()
    reference_path = tmp_path / "reference.sqlite3"
    with BrowserLikeClient(app) as client, open_store(f"sqlite:///{reference_path}") as ref:
        for number, document in enumerate(DOCUMENTS, start=1):
            answers = parse_answers(document)
            result = assess(answers, kb)
            expected = result.model_dump_json().encode()
            stored = client.post("/api/v1/assessments", json=document)
            computed = client.post("/api/v1/assessments?store=false", json=document)
            assert stored.status_code == computed.status_code == 200
            assert stored.content == computed.content == expected
            assert stored.headers["content-type"] == "application/json"
            assert stored.headers["location"] == f"/api/v1/assessments/{number}"
            assert stored.headers["x-heavylegs-profile"] == "unchanged"
            assert "location" not in computed.headers
            with ref.session() as session:
                answers_json = answers.model_dump(mode="json", exclude_none=True)
                kept = records.save_assessment(
                    session, LOCAL_OWNER, answers_json, result.model_dump(mode="json"),
                    NOW.astimezone(),
                    update_profile=False,
                )  # fmt: skip
            assert kept == number
    assert _rows(path) == _rows(reference_path)
    assert len(_rows(path)) == len(DOCUMENTS)


def test_profile_true_still_folds_the_profile_in_one_transaction(
    app_and_path: tuple[Any, Path],
) -> None:
    app, path = app_and_path
    with BrowserLikeClient(app) as client:
        response = client.post("/api/v1/assessments?profile=true", json=DOCUMENTS[0])
        assert response.status_code == 200
        assert response.headers["x-heavylegs-profile"] == "updated"
        assert response.headers["location"] == "/api/v1/assessments/1"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM profile").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM assessments").fetchone() == (1,)


def test_bad_input_is_refused_as_before_and_nothing_is_kept(
    app_and_path: tuple[Any, Path],
) -> None:
    app, path = app_and_path
    bad = {**DOCUMENTS[0], "symptoms": {**DOCUMENTS[0]["symptoms"], "heaviness": 11}}
    with BrowserLikeClient(app) as client:
        response = client.post("/api/v1/assessments", json=bad)
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("symptoms.heaviness: ")
    assert _rows(path) == []


def test_a_busy_database_is_a_503_with_retry_after(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    app = create_app(f"sqlite:///{path}", clock=lambda: NOW, secret=b"s")
    holder = sqlite3.connect(path, isolation_level=None)
    with BrowserLikeClient(app) as client:
        holder.execute("PRAGMA busy_timeout = 0")
        holder.execute("BEGIN IMMEDIATE")
        try:
            response = client.post("/api/v1/assessments", json=DOCUMENTS[0])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert response.status_code == 503
        assert "busy" in response.json()["problems"][0]
        assert response.headers["retry-after"] == "2"
        assert client.post("/api/v1/assessments", json=DOCUMENTS[0]).status_code == 200
    assert len(_rows(path)) == 1


async def _post(
    app: Any, body: bytes, path: str = "/api/v1/assessments"
) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5555),
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never goes away
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    content = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], dict(sent[0]["headers"]), content


def test_many_requests_at_once_each_keep_their_row(app_and_path: tuple[Any, Path]) -> None:
    """32 requests in flight on one event loop: every one answered 200, with its own id."""
    app, path = app_and_path
    bodies = [json.dumps(d).encode() for d in DOCUMENTS[:4]]

    async def all_at_once() -> list[tuple[int, dict[bytes, bytes], bytes]]:
        return await asyncio.gather(*(_post(app, bodies[i % 4]) for i in range(32)))

    answers = _run(all_at_once())
    assert [status for status, _, _ in answers] == [200] * 32
    ids = sorted(int(headers[b"location"].rsplit(b"/", 1)[1]) for _, headers, _ in answers)
    assert ids == list(range(1, 33))
    rows = _rows(path)
    assert len(rows) == 32
    by_id = {row[0]: row[-1] for row in rows}
    for _, headers, content in answers:  # each row holds the output its request was given
        assert by_id[int(headers[b"location"].rsplit(b"/", 1)[1])].encode() == content


def test_async_routes_write_on_the_writer_thread_and_none_is_refused(
    app_and_path: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Diary entries and measures posted all at once (48 in flight, with assessments): every
    write runs on the database's one writer thread, so none waits out SQLite's busy timeout,
    and every row is kept."""
    app, path = app_and_path
    threads: list[str] = []
    for name in ("add_entry", "add_measure"):
        original = getattr(records, name)

        def spy(*args: Any, original: Any = original) -> Any:
            threads.append(threading.current_thread().name)
            return original(*args)

        monkeypatch.setattr(records, name, spy)
    days = [f"2026-11-{day:02d}" for day in range(1, 17)]
    requests = [
        *(("/api/v1/diary/entries", {"date": d, "part": "evening", "heaviness": 4}) for d in days),
        *(
            ("/api/v1/measures-done", {"measure": "ankle_pumps", "date": d, "reps": 10})
            for d in days
        ),
        *(("/api/v1/assessments", DOCUMENTS[i % 4]) for i in range(16)),
    ]

    async def all_at_once() -> list[tuple[int, dict[bytes, bytes], bytes]]:
        return await asyncio.gather(
            *(_post(app, json.dumps(body).encode(), where) for where, body in requests)
        )

    statuses = [status for status, _, _ in _run(all_at_once())]
    assert statuses == [201] * 32 + [200] * 16
    assert threads and set(threads) == {"heavylegs-writer"}
    assert len(threads) == 32
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM diary_entries").fetchone() == (16,)
        assert conn.execute("SELECT count(*) FROM measures_done").fetchone() == (16,)
        assert conn.execute("SELECT count(*) FROM assessments").fetchone() == (16,)


def test_the_writer_runs_works_in_order_and_hands_back_errors() -> None:
    done: list[int] = []
    threads: set[str] = set()

    def work(n: int) -> int:
        threads.add(threading.current_thread().name)
        done.append(n)
        if n == 3:
            raise ValueError("three")
        return n * 10

    async def run() -> list[Any]:
        w = Writer()
        return await asyncio.gather(
            *(w.run(lambda n=n: work(n)) for n in range(6)), return_exceptions=True
        )

    results = _run(run())
    assert done == list(range(6))
    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50]
    assert isinstance(results[3], ValueError)
    assert threads == {"heavylegs-writer"}


def test_the_writer_thread_ends_when_idle_and_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "IDLE_S", 0.05)
    w = Writer(name="heavylegs-writer-idle-test")

    def alive() -> bool:
        return any(t.name == "heavylegs-writer-idle-test" for t in threading.enumerate())

    async def twice() -> list[int]:
        first = await w.run(lambda: 1)
        for _ in range(200):
            if not alive():
                break
            await asyncio.sleep(0.01)
        assert not alive()
        return [first, await w.run(lambda: 2)]

    assert _run(twice()) == [1, 2]
    # Another event loop (a new test client) is served by the same writer.
    assert _run(w.run(lambda: 3)) == 3


def test_the_assessment_endpoint_is_still_documented() -> None:
    app = create_app(None, secret=b"s")
    with TestClient(app) as client:
        operation = client.get("/openapi.json").json()["paths"]["/api/v1/assessments"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["store", "profile"]
    assert set(operation["responses"]) >= {"200", "422", "503"}


class _Database:
    """Stands for an engine: anything that can be weakly referred to."""


def test_one_writer_per_database() -> None:
    first, second = _Database(), _Database()
    assert writer.writer_for(first) is writer.writer_for(first)
    assert writer.writer_for(first) is not writer.writer_for(second)


def test_a_work_given_while_the_idle_thread_leaves_is_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The idle thread has found the queue empty and is about to leave when a request puts its
    work: that request must start a new thread, not wait forever for the leaving one."""
    monkeypatch.setattr(writer, "IDLE_S", 0.05)
    w = Writer(name="heavylegs-writer-race-test")
    real, put = w._jobs, threading.Event()

    class Gated:
        """The queue, with the leaving thread held between its check and its leaving."""

        def put(self, job: Any) -> None:
            real.put(job)
            put.set()

        def get(self, timeout: float | None = None) -> Any:
            return real.get(timeout=timeout)

        def get_nowait(self) -> Any:
            return real.get_nowait()

        def empty(self) -> bool:
            found = real.empty()
            if found and threading.current_thread().name == "heavylegs-writer-race-test":
                put.wait(2.0)  # the request's work arrives just after the check
            return found

    monkeypatch.setattr(w, "_jobs", Gated())

    async def both() -> list[int]:
        first = await w.run(lambda: 1)
        put.clear()
        await asyncio.sleep(0.3)  # the thread is idle, checking, held in the gate
        return [first, await asyncio.wait_for(w.run(lambda: 2), 5)]

    assert _run(both()) == [1, 2]
