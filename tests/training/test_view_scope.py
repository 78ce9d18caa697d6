"""The training view computes only what it shows, and gets the same figures as a full pass."""

from __future__ import annotations

import datetime as dt
import random
import statistics

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
