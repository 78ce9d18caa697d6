"""Weeks, cadence trend, the running answers and the heaviness link (pure functions)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.diary.rows import EntryRow
from heavylegs.training.dedupe import Key, same_activity
from heavylegs.training.heaviness import (
    LinkVerdict,
    block_bootstrap_difference,
    heaviness_link,
    scored_entries,
    window_load,
)
from heavylegs.training.load import LoadMethod, heart_profile
from heavylegs.training.repository import ActivityRow
from heavylegs.training.running import is_hard, running_fill
from heavylegs.training.series import LoadSeries
from heavylegs.training.signals import (
    SessionInfo,
    build_series,
    cadence_trend,
    local_day,
    sessions,
    weekly,
)

MON = dt.date(2026, 3, 2)  # a Monday
PROFILE = heart_profile(hr_rest=60, hr_max=180, sex="male")


def row(ident: int, start: dt.datetime, km: float, *, sport: str = "running", minutes: float = 50,
        hr: int | None = 150, cadence: float | None = 170.0, offset: int | None = 0) -> ActivityRow:  # fmt: skip
    return ActivityRow(
        id=ident, sport=sport, sub_sport=None, start_utc=start, utc_offset_s=offset,
        duration_s=minutes * 60, moving_s=minutes * 60, distance_m=km * 1000,
        run_distance_m=km * 1000 if sport == "running" else None, avg_hr=hr, max_hr=hr,
        avg_cadence_spm=cadence, elevation_gain_m=None, rpe=None,
        hr_seconds=((hr, minutes * 60),) if hr else (),
    )  # fmt: skip


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def test_local_day_uses_the_file_offset_then_the_default() -> None:
    late = row(1, dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), 5, offset=3600)
    assert local_day(late, 0) == dt.date(2026, 3, 3)
    unknown = row(2, dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), 5, offset=None)
    assert local_day(unknown, -7200) == dt.date(2026, 3, 2)


def test_weekly_table_by_hand() -> None:
    rows = [
        row(1, at(MON), 10), row(2, at(MON + dt.timedelta(days=2)), 5),
        row(3, at(MON + dt.timedelta(days=3)), 0, sport="cycling", minutes=60, cadence=None),
        row(4, at(MON + dt.timedelta(days=7)), 12),
        row(5, at(MON + dt.timedelta(days=28)), 30),
    ]  # fmt: skip
    items = sessions(rows, PROFILE, 0)
    end = MON + dt.timedelta(days=34)
    weeks = weekly(items, build_series(items, end), end)
    assert [w.start for w in weeks] == [MON + dt.timedelta(weeks=i) for i in range(5)]
    first, second, last = weeks[0], weeks[1], weeks[4]
    assert (first.run_km, first.runs, first.longest_run_km) == (15.0, 2, 10.0)
    assert first.longest_run_share_pct == pytest.approx(66.667, abs=0.01)
    assert first.hours == pytest.approx(50 / 60 * 2 + 1)  # the ride counts for time
    assert second.change_pct == pytest.approx((12 - 15) / 15 * 100)
    assert last.ramp_4w_pct == pytest.approx((30 - 15) / 15 * 100)
    assert weeks[2].change_pct == pytest.approx(-100.0) and weeks[3].change_pct is None
    # one session of load L on Monday, one on Wednesday (and a ride): three non-zero days
    assert first.monotony is not None and first.strain is not None


def test_cadence_is_compared_with_the_baseline_at_similar_pace() -> None:
    base = [row(i, at(MON + dt.timedelta(days=i)), 10, cadence=170 + i) for i in range(4)]
    fast = row(10, at(MON + dt.timedelta(days=5)), 15, cadence=185)  # 5 m/s vs 3.3: not similar
    same = row(11, at(MON + dt.timedelta(days=6)), 10, cadence=166)
    points = cadence_trend(sessions([*base, fast, same], PROFILE, 0))
    by_id = {p.id: p for p in points}
    assert by_id[2].baseline_spm is None  # only two runs before it
    assert by_id[3].baseline_spm == 171  # median of 170, 171, 172
    assert by_id[10].baseline_spm is None
    assert by_id[11].baseline_spm == pytest.approx(171.5)  # median of 170..173
    assert by_id[11].delta_spm == pytest.approx(-5.5)


def _session(ident: int, start: dt.datetime, km: float, load: float, minutes: float = 45,
             reserve: float | None = 0.6, cadence: float | None = 170) -> SessionInfo:  # fmt: skip
    return SessionInfo(
        ident, start.date(), start, start + dt.timedelta(minutes=minutes), "running", km,
        minutes / 60, load, LoadMethod.HEART_RATE, reserve, cadence, 3.0,
    )  # fmt: skip


def test_running_answers_by_hand() -> None:
    now = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)
    items = [
        _session(1, now - dt.timedelta(days=40), 8, 50),
        _session(2, now - dt.timedelta(days=33), 10, 50),  # 4 weeks ago window
        _session(3, now - dt.timedelta(days=30), 6, 50),  # 4 weeks ago window
        _session(4, now - dt.timedelta(days=20), 9, 50),
        _session(5, now - dt.timedelta(days=10), 12, 120),  # hard: ≥ 1.5 × median 50
        _session(6, now - dt.timedelta(days=3), 10, 60, cadence=172),
        _session(7, now - dt.timedelta(days=1), 7, 55, cadence=176),
    ]
    fill = running_fill(items, now)
    end_of_hard = items[4].end_utc
    assert fill.answers == {
        "weekly_km": 17.0,
        "weekly_km_four_weeks_ago": 16.0,
        "last_hard_session_hours_ago": round((now - end_of_hard).total_seconds() / 3600, 1),
        "cadence_spm": pytest.approx((170 + 170 + 172 + 176) / 4, abs=0.05),  # last 28 days
    }


def test_long_or_intense_sessions_are_hard() -> None:
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert is_hard(_session(1, start, 20, 10, minutes=95), [])
    assert is_hard(_session(2, start, 5, 10, minutes=25, reserve=0.85), [])
    assert not is_hard(_session(3, start, 5, 10, minutes=25, reserve=0.7), [])


def test_stale_files_do_not_claim_zero_km() -> None:
    now = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    fill = running_fill([_session(1, now - dt.timedelta(days=60), 10, 50)], now)
    assert "weekly_km" not in fill.answers and "cadence_spm" not in fill.answers
    assert any("weekly km left for you" in n for n in fill.notes)
    assert running_fill([], now).answers == {}


def test_duplicate_rule_boundaries() -> None:
    start = dt.datetime(2026, 3, 1, 7, tzinfo=dt.UTC)
    a = Key(start, 3600, 10000)
    assert same_activity(a, Key(start + dt.timedelta(seconds=90), 3780, 10300))
    assert not same_activity(a, Key(start + dt.timedelta(seconds=91), 3600, 10000))
    assert not same_activity(a, Key(start, 3800, 10000))  # duration +5.3 %
    assert not same_activity(a, Key(start, 3600, 10400))  # distance +3.8 %
    assert same_activity(a, Key(start, 3600, None))  # a treadmill GPX has no distance


def _entries(scores: dict[dt.date, int]) -> list[EntryRow]:
    return [EntryRow(day=d, part="evening", heaviness=h) for d, h in scores.items()]


def test_heaviness_follows_load_in_made_up_data() -> None:
    start = at(MON)
    rows, scores = [], {}
    for i in range(42):  # 4 hard days then 10 easy ones; legs heavy while a hard day is recent
        day = MON + dt.timedelta(days=i)
        hard = i % 14 < 4
        rows.append(row(i, at(day), 15 if hard else 3, minutes=90 if hard else 20))
        scores[day] = (7 if i % 14 < 7 else 3) + (i % 3 - 1)
    items = sessions(rows, PROFILE, 0)
    series = build_series(items, MON + dt.timedelta(days=41))
    link = heaviness_link(_entries(scores), series, MON + dt.timedelta(days=41))
    assert link.verdict is LinkVerdict.HEAVIER_AFTER_LOAD
    assert link.difference is not None and link.ci_low is not None and link.ci_low > 0
    assert link.cohens_d is not None and link.cohens_d > 0.8
    assert start.date() == MON


def test_heaviness_link_is_honest_about_too_few_days() -> None:
    items = sessions([row(1, at(MON), 10)], PROFILE, 0)
    series = build_series(items, MON + dt.timedelta(days=10))
    scores = {MON + dt.timedelta(days=i): 5 for i in range(10)}
    link = heaviness_link(_entries(scores), series, MON)
    assert link.verdict is LinkVerdict.TOO_FEW_DATA
    assert link.difference is None and "Not enough data" in link.message
    assert heaviness_link(_entries(scores), None, None).verdict is LinkVerdict.TOO_FEW_DATA


def test_a_morning_score_is_paired_with_the_load_before_it() -> None:
    series = LoadSeries.build([(MON + dt.timedelta(days=5), 100.0)], MON,
                              MON + dt.timedelta(days=10), seed=0.0)  # fmt: skip
    run_day = MON + dt.timedelta(days=5)
    assert window_load(series, run_day, lag=1) == 0.0  # the morning came before the run
    assert window_load(series, run_day, lag=0) == 100.0  # the evening came after it
    assert window_load(series, run_day + dt.timedelta(days=1), lag=1) == 100.0
    assert window_load(series, MON + dt.timedelta(days=3), lag=1) is None  # before the files
    entries = [EntryRow(day=run_day, part="morning", heaviness=4),
               EntryRow(day=run_day, part="evening", heaviness=6)]  # fmt: skip
    assert scored_entries(entries) == [(run_day, 0, 6.0), (run_day, 1, 4.0)]


def test_block_bootstrap_is_wider_than_single_days_for_runs_of_alike_days() -> None:
    # heaviness and load both come in 7-day spells: single days are not independent
    rng = np.random.default_rng(3)
    spells = np.repeat(rng.integers(0, 2, size=12).astype(bool), 7)
    scores = np.where(spells, 5.5, 5.0) + np.repeat(rng.normal(0, 1.5, size=12), 7)
    narrow = block_bootstrap_difference(scores, spells, np.random.default_rng(1), 1)
    wide = block_bootstrap_difference(scores, spells, np.random.default_rng(1), 7)
    assert wide[1] - wide[0] > narrow[1] - narrow[0]


def test_strapless_runs_are_estimated_from_own_load_at_similar_pace() -> None:
    with_hr = [row(i, at(MON + dt.timedelta(days=i)), 9, minutes=50) for i in range(4)]  # 3 m/s
    strapless = row(10, at(MON + dt.timedelta(days=5)), 7.3, minutes=40, hr=None)  # 3.04 m/s
    sprint = row(11, at(MON + dt.timedelta(days=6)), 12, minutes=40, hr=None)  # 5 m/s
    items = {s.id: s for s in sessions([*with_hr, strapless, sprint], PROFILE, 0)}
    per_minute = items[0].load / 50
    assert items[10].method is LoadMethod.PACE and items[10].estimated
    assert items[10].load == pytest.approx(40 * per_minute)
    assert items[11].method is LoadMethod.ASSUMED_RPE and items[11].estimated
    assert not items[0].estimated and items[0].method is LoadMethod.HEART_RATE


def test_a_partial_first_week_is_not_compared_against() -> None:
    friday = MON + dt.timedelta(days=4)
    rows = [row(1, at(friday), 5)] + [
        row(2 + i, at(MON + dt.timedelta(days=7 + i)), 8) for i in range(0, 7, 2)
    ]
    items = sessions(rows, PROFILE, 0)
    end = MON + dt.timedelta(days=18)  # a Friday: the week is not over
    weeks = weekly(items, build_series(items, end), end)
    assert weeks[0].partial and not weeks[1].partial
    assert weeks[1].change_pct is None  # not "+540 %" against one Friday run
    assert weeks[2].change_pct == pytest.approx(-100.0) and weeks[2].in_progress
    assert all(w.calibrating for w in weeks)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 400), st.integers(1, 40))
def test_block_sums_from_running_totals_equal_the_resampled_days_summed(
    seed: int, n: int, block: int
) -> None:
    """The quick sums are the very numbers the resampled days add up to (bit for bit)."""
    from heavylegs.training.heaviness import RESAMPLES, _block_sums, _sums_are_exact

    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 21, n) / 2.0
    more = rng.random(n) < 0.4
    block = min(block, n)
    per = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(RESAMPLES, per))
    index = (starts[:, :, None] + np.arange(block)).reshape(RESAMPLES, per * block)[:, :n]
    count, sum_more, sum_all = _block_sums(scores, more, starts, block)
    assert _sums_are_exact(scores) and not _sums_are_exact(scores + 0.1)
    assert np.array_equal(count, more[index].sum(axis=1))
    assert np.array_equal(sum_more, np.where(more[index], scores[index], 0.0).sum(axis=1))
    assert np.array_equal(sum_all, scores[index].sum(axis=1))
