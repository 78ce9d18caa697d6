"""The computed interval for large groups against its oracle, the resampled percentile bootstrap.

:func:`percentile_limit` stands for what :func:`bootstrap_interval` approaches as its resamples
grow; these tests hold it to that, and the insights' verdicts to the ones the 2,000 resamples
gave before (issue 15).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.diary.insights import MIN_DAYS, Outcome, _rng, compute_insights, verdict_for
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.stats import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    LIMIT_MAX_SKEW,
    LIMIT_MIN_N,
    Difference,
    FloatArray,
    bootstrap_interval,
    mean_difference,
    percentile_limit,
)
from tests.diary.factory import AS_OF

ORACLE_RESAMPLES = 40_000
LIMIT_SLACK = 0.08
"""Standard errors the computed bounds may miss the 40,000-resample bounds by (the expansion's
own error and those resamples' noise), plus half a lattice step (see :func:`_half_steps`)."""
MONTE_CARLO_SLACK = 0.35
"""Standard errors the 2,000 resamples' bounds wander by (~0.06 each: about six of them)."""


def _se(a: FloatArray, b: FloatArray) -> float:
    return float(np.sqrt(a.var() / a.size + b.var() / b.size))


def _half_steps(a: FloatArray, b: FloatArray) -> float:
    """Half the spacing of the resampled means' possible values, summed over the groups: a group
    of few distinct scores has a lumpy resampled mean, whose quantiles jump a step at a time
    where the computed interval runs smoothly."""

    def step(values: FloatArray) -> float:
        distinct = np.unique(values)
        return float(np.diff(distinct).min()) / values.size if distinct.size > 1 else 0.0

    return (step(a) + step(b)) / 2


@st.composite
def groups(draw: st.DrawFn, low: int = LIMIT_MIN_N, high: int = 400) -> FloatArray:
    """Scores 0–10 (halves allowed, as days' means are) from a few values with random weights."""
    values = draw(st.lists(st.integers(0, 20), min_size=1, max_size=8, unique=True))
    weights = draw(st.lists(st.integers(1, 30), min_size=len(values), max_size=len(values)))
    n = draw(st.integers(low, high))
    seed = draw(st.integers(0, 2**32 - 1))
    p = np.array(weights, dtype=np.float64) / sum(weights)
    picked = np.random.default_rng(seed).choice(np.array(values) / 2, size=n, p=p)
    return np.asarray(picked, dtype=np.float64)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(groups(), groups())
def test_the_computed_interval_is_where_endless_resamples_go(a: FloatArray, b: FloatArray) -> None:
    limit = percentile_limit(a, b)
    s = _se(a, b)
    if limit is None:  # only a skewed resampled difference is left to the resamples
        third = ((a - a.mean()) ** 3).mean() / a.size**2 - ((b - b.mean()) ** 3).mean() / b.size**2
        assert s > 0 and abs(third / s**3) > LIMIT_MAX_SKEW
        return
    low, high = bootstrap_interval(a, b, np.random.default_rng(7), ORACLE_RESAMPLES)
    slack = LIMIT_SLACK * s + _half_steps(a, b)
    assert abs(limit[0] - low) <= slack + 1e-12
    assert abs(limit[1] - high) <= slack + 1e-12
    diff = float(a.mean() - b.mean())
    assert limit[0] <= diff <= limit[1]


def test_a_lopsided_resampled_difference_leans_as_the_resamples_do() -> None:
    """Rare high scores: the interval reaches further up than down, as the bootstrap's does."""
    a = np.array([0.0] * 190 + [10.0] * 10)
    b = np.array([1.0, 2.0] * 100)
    limit = percentile_limit(a, b)
    assert limit is not None
    diff = float(a.mean() - b.mean())
    assert limit[1] - diff > diff - limit[0]
    low, high = bootstrap_interval(a, b, np.random.default_rng(3), ORACLE_RESAMPLES)
    assert abs(limit[0] - low) < 0.02 and abs(limit[1] - high) < 0.02


def test_small_or_skewed_groups_keep_their_resamples_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    small = rng.integers(0, 11, LIMIT_MIN_N - 1).astype(np.float64)
    large = rng.integers(0, 11, 300).astype(np.float64)
    skewed = np.array([0.0] * 298 + [10.0] * 2)  # its resampled mean's skewness: 0.7
    for a, b in ((small, large), (large, small), (skewed, np.full(300, 2.0))):
        assert percentile_limit(a, b) is None
        found = mean_difference(a, b, np.random.default_rng(9))
        low, high = bootstrap_interval(a, b, np.random.default_rng(9), DEFAULT_RESAMPLES)
        diff = float(a.mean()) - float(b.mean())
        assert (found.ci_low, found.ci_high) == (min(low, diff), max(high, diff))


def test_constant_groups_have_no_width() -> None:
    a, b = np.full(60, 3.0), np.full(80, 5.0)
    assert percentile_limit(a, b) == (-2.0, -2.0)
    assert mean_difference(a, b, np.random.default_rng(1)).ci_low == -2.0


day_strategy = st.tuples(
    st.one_of(st.none(), st.integers(0, 10)),
    st.one_of(st.none(), st.integers(0, 10)),
    st.lists(st.booleans(), min_size=2, max_size=2),
)


@st.composite
def long_diaries(draw: st.DrawFn) -> tuple[list[EntryRow], list[MeasureRow]]:
    """Four to twelve months of diary in which two measures shift the scores by some amount."""
    n = draw(st.integers(120, 365))
    seed = draw(st.integers(0, 2**32 - 1))
    shift = draw(st.sampled_from([0.0, 0.4, 0.8, 1.5]))
    often = draw(st.sampled_from([0.2, 0.5, 0.8]))
    rng = np.random.default_rng(seed)
    base = draw(st.integers(1, 8))
    spread = draw(st.sampled_from([0.5, 1.0, 2.0]))
    entries: list[EntryRow] = []
    measures: list[MeasureRow] = []
    yesterday = False
    for i in range(n):
        d = AS_OF - dt.timedelta(days=n - 1 - i)
        walking = bool(rng.random() < often)
        elevation = bool(rng.random() < 0.5)
        morning = base - (shift if yesterday else 0.0) + rng.normal(0, spread)
        evening = base + 1 - (shift if walking else 0.0) + rng.normal(0, spread)
        for part, value in (("morning", morning), ("evening", evening)):
            if rng.random() < 0.9:
                entries.append(EntryRow(d, part, heaviness=round(float(min(10, max(0, value))))))
        measures.extend(
            MeasureRow(m, d) for m, on in (("walking", walking), ("leg_elevation", elevation)) if on
        )
        yesterday = elevation
    return entries, measures


def _groups(
    entries: list[EntryRow], measures: list[MeasureRow], measure: str, outcome: Outcome
) -> tuple[FloatArray, FloatArray]:
    """The two groups the slow obvious way (days in order, as the series holds them)."""
    done = {m.day for m in measures if m.measure == measure}
    part = "evening" if outcome is Outcome.EVENING else "morning"
    back = dt.timedelta(days=0 if outcome is Outcome.EVENING else 1)
    first = min([e.day for e in entries] + [m.day for m in measures])
    with_: list[float] = []
    without: list[float] = []
    for e in sorted(entries, key=lambda r: r.day):
        if e.part != part or e.heaviness is None or e.day - back < first:
            continue
        (with_ if e.day - back in done else without).append(float(e.heaviness))
    return np.array(with_), np.array(without)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(long_diaries())
def test_verdicts_are_the_ones_two_thousand_resamples_gave(
    diary: tuple[list[EntryRow], list[MeasureRow]],
) -> None:
    """The old way (2,000 resamples for every question) as the oracle: the same verdict, unless
    one of its bounds was within its own Monte-Carlo noise of zero."""
    entries, measures = diary
    for e in compute_insights(entries, measures, as_of=AS_OF).effects:
        a, b = _groups(entries, measures, e.measure, e.outcome)
        assert (e.n_with, e.n_without) == (a.size, b.size)
        if a.size < MIN_DAYS or b.size < MIN_DAYS:
            continue
        rng = _rng(DEFAULT_SEED, f"{e.measure}:{e.outcome}")
        low, high = bootstrap_interval(a, b, rng, DEFAULT_RESAMPLES)
        diff = float(a.mean()) - float(b.mean())
        old = Difference(a.size, b.size, 0.0, 0.0, diff, min(low, diff), max(high, diff))
        assert e.ci_low is not None and e.ci_high is not None
        noise = MONTE_CARLO_SLACK * _se(a, b) + _half_steps(a, b)
        assert abs(e.ci_low - old.ci_low) <= noise + 1e-12
        assert abs(e.ci_high - old.ci_high) <= noise + 1e-12
        if min(abs(old.ci_low), abs(old.ci_high)) > noise:
            assert e.verdict is verdict_for(old), (e, old)
