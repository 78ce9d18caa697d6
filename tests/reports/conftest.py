"""A person with everything a clinician report can show, stored through the stages' own writers.

An assessment (office worker who also runs), three weeks of diary with ankles drifting apart and
notes in names only Unicode fonts can show, ankle pumps on alternate days, and two recent runs
imported from FIT files written for the test. The clock is fixed; the local zone is UTC.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heavylegs.assessment.engine import assess
from heavylegs.assessment.validation import parse_answers
from heavylegs.diary.entries import record_entry, record_measure
from heavylegs.diary.validation import parse_entry, parse_measure_done
from heavylegs.knowledge import load_knowledge
from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports.gather import ReportData, gather
from heavylegs.store import Store, open_store, record_assessment, upsert_profile
from heavylegs.training.importer import import_paths
from tests.store.databases import db_url, pg_url, sqlite_url
from tests.training.fit_writer import steady_run, write_fit

__all__ = ["db_url", "pg_url", "sqlite_url"]

NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
NOTE = "Zoë from Łódź: legs heavier after the long meeting ≥ 3 h"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


def answers(shared: Path, **changes: Any) -> dict[str, Any]:
    """The spec's office worker, plus the given sections (merged)."""
    base: dict[str, Any] = json.loads(
        (shared / "spec" / "examples" / "office-worker.json").read_text()
    )
    for section, values in changes.items():
        base.setdefault(section, {}).update(values)
    return base


def store_assessment(
    store: Store, kb: KnowledgeBase, given: dict[str, Any], at: dt.datetime
) -> dict[str, Any]:
    result = assess(parse_answers(given), kb)
    output = result.model_dump(mode="json")
    with store.session() as session:
        record_assessment(session, given, output, result.knowledge_version, at)
        upsert_profile(session, given, at)
    return output


def store_diary(store: Store, days: int = 21, *, right_ankle_grows: bool = True) -> None:
    """Three weeks of diary; by default the right ankle grows to 2.2 cm over the left, which the
    diary's own rules call urgent (``right_ankle_grows=False``: both ankles stay level)."""
    with store.session() as session:
        for i in range(days):
            day = TODAY - dt.timedelta(days=days - i)
            evening: dict[str, Any] = {
                "date": day.isoformat(),
                "part": "evening",
                "heaviness": 6 - i // 6,
                "ankle_left_cm": 23.0,
                "ankle_right_cm": round(23.2 + i * 0.1, 1) if right_ankle_grows else 23.1,
                "cramps": i % 3,
            }
            if i == days - 1:
                evening["note"] = NOTE
            record_entry(session, parse_entry(evening, today=TODAY), NOW)
            morning = {"date": day.isoformat(), "part": "morning", "heaviness": 3, "sleep_h": 7.5}
            record_entry(session, parse_entry(morning, today=TODAY), NOW)
            if i % 2 == 0:
                done = {"measure": "ankle_pumps", "date": day.isoformat(), "reps": 20}
                record_measure(session, parse_measure_done(done, today=TODAY))


def store_runs(store: Store, folder: Path) -> None:
    paths = []
    for k, days_ago in enumerate((9, 3)):
        start = NOW - dt.timedelta(days=days_ago, hours=8)
        run = dataclasses.replace(steady_run(start, 2400, seed=k), utc_offset_s=0)
        path = folder / f"run{k}.fit"
        path.write_bytes(write_fit(run))
        paths.append(path)
    report = import_paths(store, paths, now=NOW)
    assert report.imported == 2, report.to_json()


RUNNER = {
    "running": {"weekly_km": 30, "strength_sessions_per_week": 0},
    "tried": {"measures": ["elevation", "compression"], "weeks": 3, "improving": "partly"},
    "history": {"medications": ["statin"]},
}


def filled_store(
    url: str, shared: Path, kb: KnowledgeBase, folder: Path, *, right_ankle_grows: bool = True
) -> Store:
    store = open_store(url)
    store_assessment(store, kb, answers(shared, **RUNNER), NOW - dt.timedelta(days=22))
    store_assessment(store, kb, answers(shared, **RUNNER), NOW - dt.timedelta(hours=2))
    store_diary(store, right_ankle_grows=right_ankle_grows)
    store_runs(store, folder)
    return store


@pytest.fixture
def full_store(sqlite_url: str, shared: Path, kb: KnowledgeBase, tmp_path: Path) -> Iterator[Store]:
    """Two routine assessments, three weeks of diary whose right ankle grows (urgent in the
    diary's own rules) and two runs."""
    store = filled_store(sqlite_url, shared, kb, tmp_path)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def calm_store(sqlite_url: str, shared: Path, kb: KnowledgeBase, tmp_path: Path) -> Iterator[Store]:
    """:func:`full_store` with level ankles: a routine plan and a diary that raises nothing, as
    a calendar needs (an urgent diary gives no routine reminders)."""
    store = filled_store(sqlite_url, shared, kb, tmp_path, right_ankle_grows=False)
    try:
        yield store
    finally:
        store.close()


def read(store: Store, kb: KnowledgeBase, now: dt.datetime = NOW) -> ReportData:
    with store.session() as session:
        return gather(session, now, kb)


@pytest.fixture
def full(full_store: Store, kb: KnowledgeBase) -> ReportData:
    return read(full_store, kb)
