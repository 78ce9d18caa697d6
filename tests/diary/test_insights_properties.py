"""Properties of the insights over arbitrary diaries (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.diary.insights import (
    MIN_DAYS,
    SMALLEST_DIFFERENCE,
    Outcome,
    Verdict,
    compute_insights,
)
from heavylegs.diary.rows import EntryRow, MeasureRow
from tests.diary.factory import AS_OF

MEASURES = ["ankle_pumps", "legs_up_the_wall", "walking"]
RESAMPLES = 300
score = st.one_of(st.none(), st.integers(0, 10))
day_strategy = st.tuples(score, score, st.sets(st.sampled_from(MEASURES)))


@st.composite
def diaries(draw: st.DrawFn) -> tuple[list[EntryRow], list[MeasureRow]]:
    days = draw(st.lists(day_strategy, min_size=0, max_size=45))
    gap = draw(st.integers(0, 3))
    entries: list[EntryRow] = []
    measures: list[MeasureRow] = []
    for i, (morning, evening, done) in enumerate(days):
        d = AS_OF - dt.timedelta(days=gap + len(days) - 1 - i)
        if morning is not None:
            entries.append(EntryRow(d, "morning", heaviness=morning))
        if evening is not None:
            entries.append(EntryRow(d, "evening", heaviness=evening))
        measures.extend(MeasureRow(m, d) for m in sorted(done))
    return entries, measures


def _expected_groups(
    entries: list[EntryRow], measures: list[MeasureRow], measure: str, outcome: Outcome
):  # type: ignore[no-untyped-def]
    """The two groups, computed the slow obvious way."""
    done_days = {m.day for m in measures if m.measure == measure}
    first = min([e.day for e in entries] + [m.day for m in measures])
    with_, without = [], []
    for e in entries:
        if outcome is Outcome.EVENING and e.part == "evening":
            source = e.day
        elif outcome is Outcome.NEXT_MORNING and e.part == "morning":
            source = e.day - dt.timedelta(days=1)
            if source < first:
                continue
        else:
            continue
        (with_ if source in done_days else without).append(e.heaviness)
    return with_, without


@settings(max_examples=150, deadline=None)
@given(diaries(), st.integers(0, 2**32 - 1))
def test_effects_are_honest(diary: tuple[list[EntryRow], list[MeasureRow]], seed: int) -> None:
    entries, measures = diary
    result = compute_insights(entries, measures, as_of=AS_OF, seed=seed, resamples=RESAMPLES)
    assert sorted({e.measure for e in result.effects}) == sorted({m.measure for m in measures})
    for e in result.effects:
        with_, without = _expected_groups(entries, measures, e.measure, e.outcome)
        assert (e.n_with, e.n_without) == (len(with_), len(without))
        if e.n_with < MIN_DAYS or e.n_without < MIN_DAYS:
            assert e.verdict is Verdict.NOT_ENOUGH_DATA
            assert e.difference is None and e.ci_low is None and e.ci_high is None
            continue
        assert e.verdict is not Verdict.NOT_ENOUGH_DATA
        assert e.difference is not None and e.ci_low is not None and e.ci_high is not None
        assert abs(e.difference - (np.mean(with_) - np.mean(without))) < 1e-9
        assert e.ci_low <= e.difference <= e.ci_high
        if e.verdict is Verdict.LINKED_TO_LESS_HEAVINESS:
            assert e.ci_high < 0 and e.difference <= -SMALLEST_DIFFERENCE
        if e.verdict is Verdict.LINKED_TO_MORE_HEAVINESS:
            assert e.ci_low > 0 and e.difference >= SMALLEST_DIFFERENCE
        if e.ci_low <= 0 <= e.ci_high:
            assert e.verdict is Verdict.NO_CLEAR_EFFECT


@settings(max_examples=30, deadline=None)
@given(diaries(), st.randoms(use_true_random=False))
def test_deterministic_and_order_free(
    diary: tuple[list[EntryRow], list[MeasureRow]], shuffler: random.Random
) -> None:
    entries, measures = diary
    first = compute_insights(entries, measures, as_of=AS_OF, resamples=RESAMPLES).to_json()
    shuffled_e, shuffled_m = list(entries), list(measures)
    shuffler.shuffle(shuffled_e)
    shuffler.shuffle(shuffled_m)
    again = compute_insights(shuffled_e, shuffled_m, as_of=AS_OF, resamples=RESAMPLES).to_json()
    assert first == again


ankle = st.one_of(st.none(), st.floats(18, 40).map(lambda x: round(x, 1)))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), ankle, ankle), max_size=12))
def test_a_two_centimetre_difference_in_the_last_week_is_never_buried(
    readings: list[tuple[int, float | None, float | None]],
) -> None:
    entries = [
        EntryRow(
            AS_OF - dt.timedelta(days=back),
            "evening",
            heaviness=3,
            ankle_left_cm=left,
            ankle_right_cm=right,
        )
        for back, left, right in {r[0]: r for r in readings}.values()
    ]
    result = compute_insights(entries, [], as_of=AS_OF, resamples=RESAMPLES)
    recent_gap = any(
        e.ankle_left_cm is not None
        and e.ankle_right_cm is not None
        and (AS_OF - e.day).days < 7
        and round(abs(e.ankle_left_cm - e.ankle_right_cm), 2) >= 2.0
        for e in entries
    )
    ids = {(f.id, f.level.value) for f in result.escalation}
    assert (("one_leg_swelling", "urgent") in ids) == recent_gap
    if recent_gap:
        assert result.summary.startswith("Urgent: ")
