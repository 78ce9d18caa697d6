"""Real processes against real databases: SIGKILL in the middle of a bulk write, and several
writers on one SQLite file at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from heavylegs.diary.entries import record_entry
from heavylegs.store import open_store
from heavylegs.store.models import DiaryEntry, MeasureDone
from tests.store.workers import COMMITTED, NOW, entry

REPO = Path(__file__).resolve().parents[2]
BATCH = 20_000


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.workers", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen[str], line: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        got = proc.stdout.readline()
        if not got:
            raise AssertionError(
                f"child ended before {line!r}: {proc.stderr.read() if proc.stderr else ''}"
            )
        if got.strip() == line:
            return
    raise AssertionError(f"timed out waiting for {line!r}")


def _kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the child, then reap it and close its pipes (an open pipe is a ResourceWarning)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


def _count(url: str, model: type) -> int:
    store = open_store(url)
    with store.session() as s:
        n = s.execute(select(func.count()).select_from(model)).scalar_one()
    store.close()
    return int(n)


def _check_sqlite_integrity(url: str) -> None:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_a_bulk_write_keeps_the_database_consistent(db_url: str) -> None:
    proc = _spawn("bulk", db_url, str(BATCH))
    _wait_for(proc, "committed")
    _wait_for(proc, "progress 1000")
    _kill(proc)
    assert proc.returncode == -signal.SIGKILL
    _check_sqlite_integrity(db_url)
    assert _count(db_url, DiaryEntry) == COMMITTED  # the first batch, none of the killed one
    store = open_store(db_url)  # and it still takes writes
    with store.session() as s:
        record_entry(s, entry(COMMITTED), NOW)
    store.close()
    assert _count(db_url, DiaryEntry) == COMMITTED + 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_a_random_moment_is_all_or_nothing(sqlite_url: str, seed: int) -> None:
    batch = 3000  # ~0.5 s of writing: the kill lands before, inside or at the commit
    proc = _spawn("bulk", sqlite_url, str(batch))
    _wait_for(proc, "committed")
    time.sleep(
        random.Random(seed).uniform(0.0, 1.5)
    )  # maybe mid-batch, maybe mid-commit, maybe after
    _kill(proc)
    _check_sqlite_integrity(sqlite_url)
    assert _count(sqlite_url, DiaryEntry) in (COMMITTED, COMMITTED + batch)


def test_concurrent_writers_on_one_sqlite_file_lose_nothing(sqlite_url: str) -> None:
    workers, each = 4, 40
    procs = [_spawn("writer", sqlite_url, str(w), str(each)) for w in range(workers)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.split() == ["ready", "done"]
    _check_sqlite_integrity(sqlite_url)
    assert _count(sqlite_url, DiaryEntry) == workers * each + 1  # + the shared entry
    assert _count(sqlite_url, MeasureDone) == workers * each
