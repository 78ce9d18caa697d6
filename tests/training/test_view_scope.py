"""The training view computes only what it shows, and gets the same figures as a full pass."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.training.load import SIMILAR_PACE, banister_trimp, heart_profile
from heavylegs.training.repository import ActivityRow
from heavylegs.training.signals import (
    BASELINE_DAYS,
    BASELINE_MIN_RUNS,
    build_series,
    cadence_trend,
    sessions,
    weekly,
)

PROFILE = heart_profile(hr_rest=55, hr_max=188, sex="female")
START = dt.datetime(2024, 1, 1, 6, tzinfo=dt.UTC)


def history(seed: int, count: int) -> list[ActivityRow]:
    """Runs (some without heart rate, offsets that move the local day) in start order."""
    rng = random.Random(seed)
    rows = []
    when = START
    for i in range(count):
        minutes = rng.uniform(20, 90)
        hr = rng.random() < 0.7
        bins = tuple((b, rng.uniform(5, 90)) for b in range(rng.randint(110, 150), 170, 3))
        rows.append(
            ActivityRow(
                id=i + 1, sport="running", sub_sport=None, start_utc=when,
                utc_offset_s=rng.choice((-11 * 3600, 0, 13 * 3600, None)),
                duration_s=minutes * 60, moving_s=minutes * 60,
                distance_m=minutes * 60 * rng.uniform(2.5, 3.2), run_distance_m=None,
                avg_hr=150.0 if hr else None, max_hr=170.0 if hr else None,
                avg_cadence_spm=rng.choice((None, rng.uniform(160, 180))),
                elevation_gain_m=None, rpe=rng.choice((None, 5.0)),
                hr_seconds=bins if hr else (),
            )
        )  # fmt: skip
        when += dt.timedelta(hours=rng.uniform(3, 60))
    return rows


def naive_cadence(items: list, run_index: int) -> float | None:  # type: ignore[type-arg]
    """The baseline as the definition says: every earlier run within the window at similar pace."""
    runs = [s for s in items if s.cadence_spm]
    run = runs[run_index]
    similar = [
        p.cadence_spm
        for p in runs[:run_index]
        if p.day >= run.day - dt.timedelta(days=BASELINE_DAYS)
        and abs(p.speed_mps - run.speed_mps) <= SIMILAR_PACE * run.speed_mps
    ]
    return statistics.median(similar) if len(similar) >= BASELINE_MIN_RUNS else None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 160))
def test_cadence_window_matches_the_definition(seed: int, count: int) -> None:
    items = sessions(history(seed, count), PROFILE, 0)
    points = cadence_trend(items)
    assert [p.baseline_spm for p in points] == [naive_cadence(items, i) for i in range(len(points))]
    since = items[len(items) // 2].day
    assert cadence_trend(items, since) == [p for p in points if p.day >= since]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 120), st.integers(1, 30))
def test_shown_weeks_are_the_tail_of_all_weeks(seed: int, count: int, shown: int) -> None:
    items = sessions(history(seed, count), PROFILE, 0)
    end = max(s.day for s in items) + dt.timedelta(days=3)
    series = build_series(items, end)
    assert weekly(items, series, end, shown=shown) == weekly(items, series, end)[-shown:]


def test_heart_rate_loads_equal_banister_exactly() -> None:
    rows = history(3, 80)
    for row, item in zip(rows, sessions(rows, PROFILE, 0), strict=True):
        if item.method.value == "heart_rate":
            assert item.load == banister_trimp(row.hr_seconds, PROFILE)


def _store_history(url: str, rows: list[ActivityRow]) -> None:
    from heavylegs.store import open_store
    from heavylegs.store.models import Base

    tables = Base.metadata.tables
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with open_store(url) as store, store.session() as session:
        for r in rows:
            session.execute(
                tables["activities"].insert(),
                {"id": r.id, "sport": r.sport, "start_utc": r.start_utc,
                 "utc_offset_s": r.utc_offset_s, "duration_s": r.duration_s,
                 "moving_s": r.moving_s, "distance_m": r.distance_m, "avg_hr": r.avg_hr,
                 "max_hr": r.max_hr, "avg_cadence_spm": r.avg_cadence_spm,
                 "elevation_gain_m": None, "source_sha256": f"{r.id:064x}"},
            )  # fmt: skip
            session.execute(
                tables["activity_details"].insert(),
                {"activity_id": r.id, "rpe": r.rpe, "samples": 0, "stream": "",
                 "hr_seconds": [list(pair) for pair in r.hr_seconds]},
            )  # fmt: skip
            session.execute(
                tables["activity_files"].insert(),
                {"sha256": f"{r.id:064x}", "activity_id": r.id, "name": f"{r.id}.fit",
                 "format": "fit", "imported_at": now},
            )  # fmt: skip


def test_stored_heart_figures_are_the_computed_ones_and_follow_the_profile(
    tmp_path: Path,
) -> None:
    """The view reads stored figures; a changed profile recomputes and stores them once."""
    from sqlalchemy import select

    from heavylegs.store import open_store
    from heavylegs.store.models import Base
    from heavylegs.training.load import profile_key
    from heavylegs.training.repository import HeartInputs, activity_rows, load_sessions

    url = f"sqlite:///{tmp_path / 'figures.sqlite3'}"
    _store_history(url, history(11, 60))
    details = Base.metadata.tables["activity_details"]
    now = START + dt.timedelta(days=200)
    with open_store(url) as store:
        for hr_rest in (50.0, 50.0, 62.0):
            with store.session() as session:
                items, profile = load_sessions(session, now, HeartInputs(hr_rest, 190.0), 0)
            with store.session() as session:
                keys = set(session.scalars(select(details.c.load_profile)))
                full = sessions(activity_rows(session), profile, 0)
            assert keys == {profile_key(profile)}
            assert items == full  # stored figures give exactly what the seconds give
    assert profile.hr_rest == 62.0


def test_a_reading_session_computes_stale_figures_without_storing_them(tmp_path: Path) -> None:
    """A view in a session that only reads (``Access.READ``) shows the figures for the new
    profile but leaves the stored ones for a writing session to replace."""
    from sqlalchemy import select

    from heavylegs.store import Access, open_store
    from heavylegs.store.models import Base
    from heavylegs.training.load import profile_key
    from heavylegs.training.repository import HeartInputs, activity_rows, load_sessions

    url = f"sqlite:///{tmp_path / 'figures.sqlite3'}"
    _store_history(url, history(7, 40))
    details = Base.metadata.tables["activity_details"]
    now = START + dt.timedelta(days=200)
    with open_store(url) as store:
        with store.session() as session:
            _, old = load_sessions(session, now, HeartInputs(50.0, 190.0), 0)
        with store.session(Access.READ) as session:
            items, new = load_sessions(session, now, HeartInputs(62.0, 190.0), 0)
            full = sessions(activity_rows(session), new, 0)
            keys = set(session.scalars(select(details.c.load_profile)))
    assert items == full
    assert keys == {profile_key(old)} != {profile_key(new)}


def test_the_overview_reads_earlier_activities_as_loads_with_the_same_figures(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the last year only days and loads are read, and the document is the same as the
    one built from every session; an activity without heart rate makes it read them all."""
    from heavylegs.store import open_store
    from heavylegs.training import overview
    from heavylegs.training.repository import load_history

    rows = [  # ~ 3 years, heart rate all the way through every run
        replace(r, hr_seconds=tuple((b, s * r.duration_s / total) for b, s in r.hr_seconds))
        for r in history(5, 800)
        if r.hr_seconds and r.duration_s and (total := sum(s for _, s in r.hr_seconds))
    ]
    url = db_url
    _store_history(url, rows)
    now = rows[-1].start_utc + dt.timedelta(days=2)
    since = overview.detail_since(now, overview.shown_since(now.date(), 12))
    documents = []
    with open_store(url) as store:
        for _ in range(2):  # the first view stores the heart-rate figures
            with store.session() as session:
                documents.append(overview.training_overview(session, now, default_offset_s=0))
        with store.session() as session:
            quick = load_history(session, now, None, 0, detail_since=since)
        assert quick.earlier and len(quick.items) < len(rows) / 2
        with monkeypatch.context() as patch:
            patch.setattr(overview, "detail_since", lambda now, shown: None)
            with store.session() as session:
                documents.append(overview.training_overview(session, now, default_offset_s=0))
    assert documents[0] == documents[1] == documents[2]
    assert documents[2]["activities"] == len(rows)

    mixed = history(6, 520)  # some without heart rate: estimated loads compare with them all
    url = f"sqlite:///{tmp_path / 'mixed.sqlite3'}"
    _store_history(url, mixed)
    with open_store(url) as store, store.session() as session:
        found = load_history(session, now, None, 0, detail_since=since)
        assert not found.earlier and len(found.items) == len(mixed)
