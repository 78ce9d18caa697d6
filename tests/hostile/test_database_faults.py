"""A busy, full or read-only database: one line and exit 1 in the CLI, 503/507 in the API, the
assessment still printed, no half-written export, and never a traceback or a stored value."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from heavylegs.store import open_store
from heavylegs.store.engine import DatabaseBusy, DatabaseFull, DatabaseReadOnly
from heavylegs.web.app import create_app
from tests.conftest import SHARED
from tests.hostile import generators as gen
from tests.store.databases import write_lock_held

SECRET_NOTE = "my-private-note-4711"


def cli(*args: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HEAVYLEGS_BUSY_TIMEOUT_MS": "200"},
        **popen,
    )


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "heavylegs.sqlite3"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def locked(db_file: Path) -> Iterator[Path]:
    """Another connection holds the write lock (as a long CLI import would)."""
    with write_lock_held(db_file) as path:
        yield path


def _one_clean_line(stderr: str) -> None:
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and "sqlalchemy" not in stderr.lower()
    assert SECRET_NOTE not in stderr


def test_busy_database_is_one_line_exit_1(locked: Path) -> None:
    done = cli("log", "--heaviness", "4", "--note", SECRET_NOTE, "--db", f"sqlite:///{locked}")
    assert done.returncode == 1, done.stderr
    _one_clean_line(done.stderr)
    assert "busy" in done.stderr


def test_an_import_into_a_busy_database_is_one_line_exit_1(locked: Path, tmp_path: Path) -> None:
    run = tmp_path / "run.gpx"
    run.write_bytes(gen.good_gpx())
    done = cli("import", str(run), "--db", f"sqlite:///{locked}")  # read in the isolated child
    assert done.returncode == 1, done.stderr
    _one_clean_line(done.stderr)
    assert "busy" in done.stderr


def test_assess_json_prints_its_result_with_a_warning_when_storing_fails(locked: Path) -> None:
    answers = SHARED / "spec" / "examples"
    example = sorted(answers.glob("*.json"))[0]
    done = cli("assess", "--answers", str(example), "--json", "--db", f"sqlite:///{locked}")
    assert done.returncode == 0, done.stderr
    assert "triage" in json.loads(done.stdout)
    assert done.stderr.startswith("warning: assessment not stored")
    assert "Traceback" not in done.stderr


def test_store_errors_are_typed(db_file: Path, tmp_path: Path) -> None:
    from heavylegs.store.models import DiaryEntry

    store = open_store(f"sqlite:///{db_file}", busy_timeout_ms=50)
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseBusy), store.session() as session:
        session.add(_entry(DiaryEntry))
    store.close()
    holder.execute("ROLLBACK")
    holder.close()

    read_only = f"sqlite:///file:{db_file}?mode=ro&uri=true"
    store = open_store(read_only, migrate=False)
    with pytest.raises(DatabaseReadOnly), store.session() as session:
        session.add(_entry(DiaryEntry))
    store.close()

    with open_store(f"sqlite:///{db_file}") as store:
        _fill_limit(store)
        with pytest.raises(DatabaseFull) as info, store.session() as session:
            for i in range(200):
                session.add(_entry(DiaryEntry, day=i, note="x" * 4000))
        assert SECRET_NOTE not in str(info.value)


def _entry(model: Any, day: int = 0, note: str = SECRET_NOTE) -> Any:
    import datetime as dt

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return model(
        day=dt.date(2025, 1, 1) + dt.timedelta(days=day),
        part="morning",
        heaviness=4,
        note=note,
        created_at=now,
        updated_at=now,
    )


def _fill_limit(store: Any) -> None:
    """Make the file "full" a few pages from now (SQLite's own full-database error)."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(store.engine, "connect", cap)
    store.engine.dispose()


def test_api_answers_503_with_retry_after_for_a_lock(db_file: Path) -> None:
    app = create_app(f"sqlite:///{db_file}", secret=b"test")
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with TestClient(app) as client:
            response = client.post(
                "/api/v1/diary/entries",
                json={"date": "2026-01-02", "part": "morning", "heaviness": 4},
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert "busy" in response.json()["problems"][0]


READ_PAGES = [  # not /training nor /report.pdf: they store the heart-rate figures they compute
    "/",
    "/diary",
    "/training/activities",
    "/profile",
    "/session",
    "/results/1",
    "/export/backup.json",
    "/calendar.ics",
    "/api/v1/assessments/latest",
    "/api/v1/assessments/1",
    "/api/v1/diary/entries",
    "/api/v1/measures-done",
    "/api/v1/insights",
    "/api/v1/backup",
    "/api/v1/export/fhir",
]


def test_pages_that_only_read_answer_while_another_program_writes(db_file: Path) -> None:
    """A long import in another program holds SQLite's write lock: the pages that only show
    data read beside it (a snapshot), where a write still waits and gets its 503."""
    app = create_app(f"sqlite:///{db_file}", secret=b"test")
    example = json.loads((SHARED / "spec" / "examples" / "office-worker.json").read_text())
    with TestClient(app) as client:
        assert client.post("/api/v1/assessments", json=example).status_code == 200
        client.post(
            "/api/v1/diary/entries", json={"date": "2026-01-02", "part": "evening", "heaviness": 4}
        )
        with write_lock_held(db_file):
            for path in READ_PAGES:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            client.cookies.clear()  # an API client, not the browser the pages made
            response = client.post(
                "/api/v1/diary/entries",
                json={"date": "2026-01-03", "part": "evening", "heaviness": 4},
            )
            assert response.status_code == 503, response.text


def test_api_answers_507_for_a_full_database(db_file: Path) -> None:
    app = create_app(f"sqlite:///{db_file}", secret=b"test")
    _fill_limit(app.state.ctx.store)
    with TestClient(app) as client:
        statuses = {
            client.post(
                "/api/v1/diary/entries",
                json={
                    "date": f"2025-01-{day:02d}",
                    "part": "morning",
                    "heaviness": 4,
                    "note": "x" * 1900,
                },
            ).status_code
            for day in range(1, 29)
        }
    assert 507 in statuses and 500 not in statuses


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_export_onto_a_full_disk_leaves_no_temporary_file(db_file: Path, tmp_path: Path) -> None:
    from heavylegs.store.models import DiaryEntry

    with open_store(f"sqlite:///{db_file}") as store, store.session() as session:
        session.add_all(_entry(DiaryEntry, day, "n" * 4000) for day in range(40))
    out = tmp_path / "export" / "backup.json"
    out.parent.mkdir()
    done = cli("export", "--out", str(out), "--db", f"sqlite:///{db_file}", preexec_fn=_small_files)
    assert done.returncode == 1, done.stderr
    _one_clean_line(done.stderr)
    assert list(out.parent.iterdir()) == []  # neither the backup nor its .tmp


def test_a_full_disk_leaves_no_half_written_knowledge_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = subprocess.run(
        [sys.executable, "-c", "from heavylegs.knowledge import load_knowledge; load_knowledge()"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HEAVYLEGS_CACHE_DIR": str(cache)},
        preexec_fn=_small_files,
    )
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in cache.rglob("*") if p.name.startswith(".knowledge-")]
