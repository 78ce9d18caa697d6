"""Build diary rows for tests from simple per-day descriptions."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable

from heavylegs.diary.rows import EntryRow, MeasureRow

AS_OF = dt.date(2026, 11, 21)


def day(offset: int) -> dt.date:
    """``offset`` days before AS_OF (0 = AS_OF)."""
    return AS_OF - dt.timedelta(days=offset)


def diary(
    days: int,
    *,
    done: Callable[[int], Iterable[str]] = lambda i: (),
    morning: Callable[[int, set[str]], float | None] = lambda i, prev: 3,
    evening: Callable[[int, set[str]], float | None] = lambda i, today: 5,
    seed: int = 1,
    noise: float = 0.0,
) -> tuple[list[EntryRow], list[MeasureRow]]:
    """``days`` days ending at AS_OF. Day index i = 0 is the first day. ``morning(i, done
    yesterday)`` and ``evening(i, done today)`` give the scores (rounded, clipped to 0–10)."""
    rng = random.Random(seed)
    entries: list[EntryRow] = []
    measures: list[MeasureRow] = []
    previous: set[str] = set()
    for i in range(days):
        d = AS_OF - dt.timedelta(days=days - 1 - i)
        today = set(done(i))
        for part, fn, arg in (("morning", morning, previous), ("evening", evening, today)):
            value = fn(i, arg)
            if value is not None:
                score = round(min(10, max(0, value + rng.gauss(0, noise) if noise else value)))
                entries.append(EntryRow(d, part, heaviness=score))
        measures.extend(MeasureRow(m, d, minutes=10.0) for m in sorted(today))
        previous = today
    return entries, measures
