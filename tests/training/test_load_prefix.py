"""The remembered older part of the load series (training.prefix) is only a cache: a view with
it, cold, warm or after any change to the history, gives exactly what the whole computation
gives (the oracle: the overview with every activity read as a session)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from heavylegs.store import Store
from heavylegs.store.models import Base
from heavylegs.training import history as history_module
from heavylegs.training import overview
from heavylegs.training.history import HeartInputs, History, load_history
from heavylegs.training.prefix import checkpoint, forget
from heavylegs.training.series import SEED_DAYS, LoadSeries
from tests.training.helpers import insert_heart_rate_run

TABLES = Base.metadata.tables
FIRST = dt.datetime(2023, 3, 1, 6, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 1, 18, tzinfo=dt.UTC)
TODAY = NOW.date()
SERIES = ("load", "fitness", "fatigue", "acute", "chronic")


def _insert(session: Any, ident: int, when: dt.datetime, rng: random.Random) -> None:
    """One run with heart rate all the way (the offsets move some local days)."""
    offset = rng.choice((-11 * 3600, 0, 13 * 3600, None))
    insert_heart_rate_run(session, ident, when, rng, offset)


@pytest.fixture
def runs(store: Store) -> Iterator[Store]:
    """Three years of runs, every one to three days, ending yesterday."""
    rng = random.Random(7)
    with store.session() as session:
        when, ident = FIRST, 0
        while when < NOW - dt.timedelta(days=1):
            ident += 1
            _insert(session, ident, when, rng)
            when += dt.timedelta(hours=rng.uniform(20, 70))
    forget()
    yield store
    forget()


def _since() -> dt.datetime | None:
    return overview.detail_since(NOW, overview.shown_since(TODAY, 12))


def _same_as_the_oracle(store: Store, heart: HeartInputs | None = None) -> History:
    """The overview and the series with the prefix equal the whole computation's, exactly."""
    seed = (heart or HeartInputs()).seed_load
    with store.session() as session:
        document = overview.training_overview(session, NOW, heart, default_offset_s=0)
    with store.session() as session:
        quick = load_history(session, NOW, heart, 0, detail_since=_since())
    with store.session() as session:
        full = load_history(session, NOW, heart, 0)
    original = overview.detail_since
    overview.detail_since = lambda now, shown: None  # type: ignore[assignment]
    try:
        with store.session() as session:
            oracle = overview.training_overview(session, NOW, heart, default_offset_s=0)
    finally:
        overview.detail_since = original
    assert document == oracle
    mine, whole = quick.series(TODAY, seed), full.series(TODAY, seed)
    assert mine is not None and whole is not None
    assert (mine.start, mine.seed, mine.seed_set) == (whole.start, whole.seed, whole.seed_set)
    for name in SERIES:  # bit for bit, not only as rounded in the document
        assert np.array_equal(getattr(mine, name), getattr(whole, name)), name
    assert (quick.count, quick.last_day, quick.first_start, quick.first_day) == (
        full.count, full.last_day, full.first_start, full.first_day,
    )  # fmt: skip
    return quick


class Builds:
    """Counts the prefixes worked out from the activities."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        build = history_module._build_prefix

        def counted(*args: Any) -> Any:
            self.count += 1
            return build(*args)

        monkeypatch.setattr(history_module, "_build_prefix", counted)


def test_cold_warm_and_stale_prefixes_give_the_whole_computation(
    runs: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heavylegs.store.undo import put_back
    from heavylegs.training.repository import delete_activity, edit_activity

    builds = Builds(monkeypatch)
    store = runs
    since = _since()
    assert since is not None
    through = checkpoint(since)
    _same_as_the_oracle(store)  # the first view stores every run's heart-rate figures
    first = _same_as_the_oracle(store)
    assert first.prefix is not None and first.prefix.through == through
    assert first.prefix.count > first.count / 2, "most of the history is in the prefix"
    built = builds.count
    assert _same_as_the_oracle(store).prefix is first.prefix, "warm: the same prefix"
    assert builds.count == built

    rng = random.Random(3)
    with store.session() as session:  # a recent run: the prefix still holds
        _insert(session, 9001, NOW - dt.timedelta(days=3, hours=2), rng)
    assert _same_as_the_oracle(store).prefix is first.prefix

    with store.session() as session:  # an old run imported now
        _insert(session, 9002, FIRST + dt.timedelta(days=200, hours=5), rng)
    after_import = _same_as_the_oracle(store)
    assert after_import.prefix is not first.prefix
    assert after_import.count == first.count + 2

    with store.session() as session:  # an old run deleted, then the delete undone
        old = session.scalars(
            select(TABLES["activities"].c.id).where(TABLES["activities"].c.start_utc < through)
        ).all()[100]
        snapshot = delete_activity(session, old)
    assert snapshot is not None
    assert _same_as_the_oracle(store).count == after_import.count - 1
    with store.session() as session:
        put_back(session, snapshot)
    assert _same_as_the_oracle(store).count == after_import.count
    before = builds.count
    with store.session() as session:  # what the load does not depend on: a title, an RPE
        assert edit_activity(session, old, title="Hill repeats", rpe=7.0) is not None
    _same_as_the_oracle(store)
    assert builds.count == before, "kept: the sums do not follow the rows' order on disk"

    details, activities = TABLES["activity_details"], TABLES["activities"]
    with store.session() as session:  # an old run's stored TRIMP and start change in place
        session.execute(
            update(details).where(details.c.activity_id == old).values(trimp=details.c.trimp * 2)
        )
    before = builds.count
    _same_as_the_oracle(store)
    assert builds.count == before + 1
    with store.session() as session:
        start = session.scalar(select(activities.c.start_utc).where(activities.c.id == old))
        moved = start + dt.timedelta(hours=14)
        session.execute(update(activities).where(activities.c.id == old).values(start_utc=moved))
    _same_as_the_oracle(store)
    assert builds.count == before + 2

    # the heart profile, the seed: another key, and the figures follow
    _same_as_the_oracle(store, HeartInputs(hr_rest=48.0, hr_max=191.0))
    assert _same_as_the_oracle(store, HeartInputs(hr_rest=48.0, hr_max=191.0)).prefix
    assert _same_as_the_oracle(store, HeartInputs(hr_rest=48.0, hr_max=191.0, seed_load=40.0))
    forget()  # the cache dropped: nothing is lost
    assert _same_as_the_oracle(store).prefix is not None


def test_with_many_recent_activities_the_older_ones_are_read_as_loads(
    runs: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heavylegs.training import prefix

    monkeypatch.setattr(prefix, "MAX_RECENT", 5)
    _same_as_the_oracle(runs)
    quick = _same_as_the_oracle(runs)
    assert quick.prefix is None and len(quick.earlier) > quick.count / 2


def test_an_offset_of_more_than_a_day_after_the_checkpoint_reads_everything(
    runs: Store,
) -> None:
    """A local day is at most a day before the UTC date, the prefix assumes; a file that says
    otherwise makes the view read every activity (same document)."""
    since = _since()
    assert since is not None
    through = checkpoint(since)
    _same_as_the_oracle(runs)
    assert _same_as_the_oracle(runs).prefix is not None
    with runs.session() as session:
        insert_heart_rate_run(session, 9100, through + dt.timedelta(hours=1), random.Random(1), 0)
        activities = TABLES["activities"]
        odd = update(activities).where(activities.c.id == 9100).values(utc_offset_s=-30 * 3600)
        session.execute(odd)
    _same_as_the_oracle(runs)
    assert _same_as_the_oracle(runs).prefix is None


def test_a_short_history_has_no_prefix(store: Store) -> None:
    rng = random.Random(5)
    with store.session() as session:
        for k in range(60):
            _insert(session, k + 1, NOW - dt.timedelta(days=300 - 4 * k), rng)
    forget()
    for _ in range(3):
        assert _same_as_the_oracle(store).prefix is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.floats(0, 300)), max_size=120),
    st.integers(1, 400),
    st.one_of(st.none(), st.floats(0, 200)),
)
def test_a_resumed_series_is_the_built_one(
    loads: list[tuple[int, float]], split: int, seed: float | None
) -> None:
    """Carrying the averages on from a finished first part gives the whole series, bit for bit
    (the seed's weeks inside the first part when it is the first weeks' mean)."""
    if seed is None and split < SEED_DAYS:
        split = SEED_DAYS
    start = dt.date(2020, 1, 1)
    end = start + dt.timedelta(days=420)
    days = [(start + dt.timedelta(days=d), value) for d, value in loads]
    whole = LoadSeries.build(days, start, end, seed)
    cut = start + dt.timedelta(days=split)
    first = LoadSeries.build(days, start, cut - dt.timedelta(days=1), seed)
    resumed = first.resumed([(d, v) for d, v in days if d >= cut], end)
    assert (resumed.seed, resumed.seed_set) == (whole.seed, whole.seed_set)
    for name in SERIES:
        assert np.array_equal(getattr(resumed, name), getattr(whole, name)), name
    if any(d < cut for d, _ in days):
        with pytest.raises(ValueError, match="not after"):
            first.resumed(days, end)
