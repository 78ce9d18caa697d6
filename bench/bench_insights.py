"""Insights over ten years of daily diary (3,650 days, morning + evening, 8 measures).

Target: ``compute_insights`` under 200 ms. Baseline, measured in the same run: the same effect
numbers computed the plain numpy way (groups gathered in Python, bootstrap by resampling indices).
Point estimates must agree exactly; intervals to Monte-Carlo precision. Also timed: reading the
rows from a SQLite file first (what ``heavylegs insights`` does).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from heavylegs.diary.insights import MIN_DAYS, Outcome, compute_insights
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.stats import CONFIDENCE, DEFAULT_RESAMPLES

DAYS = 3650
AS_OF = dt.date(2026, 11, 21)
MEASURES = (
    "ankle_pumps",
    "calf_raises",
    "legs_up_the_wall",
    "walking",
    "compression_stockings",
    "leg_elevation",
    "stretching",
    "massage",
)
TARGET_MS = 200.0


def synthetic(seed: int = 7) -> tuple[list[EntryRow], list[MeasureRow]]:
    """A diary where legs_up_the_wall and walking help, the others do nothing; slow improvement."""
    rng = random.Random(seed)
    entries: list[EntryRow] = []
    measures: list[MeasureRow] = []
    start = AS_OF - dt.timedelta(days=DAYS - 1)
    yesterday: set[str] = set()
    for i in range(DAYS):
        day = start + dt.timedelta(days=i)
        today = {m for m in MEASURES if rng.random() < 0.45}
        base = 6.0 - 2.5 * i / DAYS
        morning = base - 1.5 - (1.2 if "legs_up_the_wall" in yesterday else 0) + rng.gauss(0, 1)
        evening = base - (0.8 if "walking" in today else 0) + rng.gauss(0, 1.2)
        entries.append(EntryRow(day, "morning", heaviness=round(min(10, max(0, morning)))))
        entries.append(
            EntryRow(
                day,
                "evening",
                heaviness=round(min(10, max(0, evening))),
                ankle_left_cm=round(23 + rng.gauss(0, 0.3), 1),
                ankle_right_cm=round(23.2 + rng.gauss(0, 0.3), 1),
            )
        )
        measures.extend(MeasureRow(m, day, minutes=10.0) for m in sorted(today))
        yesterday = today
    return entries, measures


def baseline_effects(
    entries: list[EntryRow], measures: list[MeasureRow], seed: int = 1
) -> dict[tuple[str, str], tuple[int, int, float, float, float]]:
    """The same effects, the obvious way: dicts per day, then an index bootstrap per group."""
    rng = np.random.default_rng(seed)
    evening = {e.day: e.heaviness for e in entries if e.part == "evening" and e.day <= AS_OF}
    morning = {e.day: e.heaviness for e in entries if e.part == "morning" and e.day <= AS_OF}
    first = min([e.day for e in entries] + [m.day for m in measures])
    done: dict[str, set[dt.date]] = {}
    for m in measures:
        done.setdefault(m.measure, set()).add(m.day)
    one = dt.timedelta(days=1)
    out: dict[tuple[str, str], tuple[int, int, float, float, float]] = {}
    tail = (1 - CONFIDENCE) / 2
    for measure in sorted(done):
        for outcome in (Outcome.EVENING, Outcome.NEXT_MORNING):
            with_: list[float] = []
            without: list[float] = []
            day = first
            while day <= AS_OF:
                score = evening.get(day) if outcome is Outcome.EVENING else morning.get(day + one)
                if score is not None:
                    (with_ if day in done[measure] else without).append(score)
                day += one
            if len(with_) < MIN_DAYS or len(without) < MIN_DAYS:
                continue
            a, b = np.array(with_, dtype=float), np.array(without, dtype=float)
            boot = np.empty(DEFAULT_RESAMPLES)
            for k in range(DEFAULT_RESAMPLES):
                boot[k] = (
                    a[rng.integers(0, a.size, a.size)].mean()
                    - b[rng.integers(0, b.size, b.size)].mean()
                )
            low, high = np.quantile(boot, [tail, 1 - tail])
            out[(measure, outcome.value)] = (
                a.size,
                b.size,
                a.mean() - b.mean(),
                float(low),
                float(high),
            )
    return out


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU ms of ``fn`` (this process's: steadier than wall time on a shared machine),
    each call computing afresh (the bootstraps are remembered for
    an unchanged diary: that memo is forgotten before every call)."""
    from heavylegs.diary import insights

    times = []
    for _ in range(repeat):
        insights._remembered_difference.cache_clear()
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


def _load_from_sqlite(entries: list[EntryRow], measures: list[MeasureRow]) -> float:
    from heavylegs.diary.entries import list_entries, list_measures
    from heavylegs.store import open_store
    from heavylegs.store.models import Base

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        now = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
        with store.session() as s:
            s.execute(
                Base.metadata.tables["diary_entries"].insert(),
                [
                    {
                        "day": e.day,
                        "part": e.part,
                        "heaviness": e.heaviness,
                        "ankle_left_cm": e.ankle_left_cm,
                        "ankle_right_cm": e.ankle_right_cm,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for e in entries
                ],
            )
            s.execute(
                Base.metadata.tables["measures_done"].insert(),
                [
                    {"measure": m.measure, "day": m.day, "minutes": m.minutes, "source": "manual"}
                    for m in measures
                ],
            )

        def run() -> None:
            with store.session() as s:
                rows, done = list_entries(s), list_measures(s)
            compute_insights(rows, done, as_of=AS_OF)

        ms = _median_ms(run, 5)
        store.close()
    return ms


def main() -> int:
    """0 when the target is met, 1 otherwise (``bench/run.py`` lists the misses)."""
    entries, measures = synthetic()
    compute_insights(entries, measures, as_of=AS_OF)  # warm imports
    ours_ms = _median_ms(lambda: compute_insights(entries, measures, as_of=AS_OF), 7)
    t0 = time.process_time()
    base = baseline_effects(entries, measures)
    base_ms = (time.process_time() - t0) * 1000
    result = compute_insights(entries, measures, as_of=AS_OF)
    worst_ci = 0.0
    for e in result.effects:
        if e.difference is None:
            continue
        n_a, n_b, diff, low, high = base[(e.measure, e.outcome.value)]
        assert (e.n_with, e.n_without) == (n_a, n_b), e
        assert abs(e.difference - diff) < 1e-9, e
        assert e.ci_low is not None and e.ci_high is not None
        worst_ci = max(worst_ci, abs(e.ci_low - low), abs(e.ci_high - high))
    assert len(base) == sum(e.difference is not None for e in result.effects)
    db_ms = _load_from_sqlite(entries, measures)
    print(
        f"diary: {DAYS} days, {len(entries)} entries, {len(measures)} measures done ({len(MEASURES)} kinds)"
    )
    print(f"insights (trend, {len(result.effects)} effects, escalation, summary): {ours_ms:.1f} ms CPU "
          f"(target < {TARGET_MS:.0f} ms: {'ok' if ours_ms < TARGET_MS else 'MISSED'})")  # fmt: skip
    print(f"baseline numpy (index bootstrap, effects only): {base_ms:.1f} ms")
    print(f"ratio baseline / ours: {base_ms / ours_ms:.1f}x")
    print(f"same n and differences: yes; largest CI bound gap (Monte-Carlo): {worst_ci:.3f} points")
    print(f"read rows from SQLite + insights: {db_ms:.1f} ms")
    print(f"summary: {result.summary}")
    return 0 if ours_ms < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
