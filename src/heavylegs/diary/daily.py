"""The diary's daily heaviness in plain Python, for the warnings after ``log`` and ``done``.

Why not :mod:`heavylegs.diary.series`: importing numpy costs ~10x a bare ``python -c pass``,
most of what ``heavylegs log`` may take (issue 15), and the warnings' rules
(:func:`heavylegs.diary.escalation.escalations`) read a few days' means only. The numpy series
stays the reference: a test gives both the same diaries and compares windows and warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from heavylegs.diary.rows import EntryRow, MeasureRow


@dataclass(frozen=True)
class DailyHeaviness:
    as_of: dt.date
    daily: dict[dt.date, float]
    """A day's heaviness: the mean of its morning and evening scores (days without one absent)."""
    entries: Sequence[EntryRow]
    measures: Sequence[MeasureRow]

    def window(self, first: dt.date, last: dt.date) -> list[float]:
        """Logged daily heaviness from ``first`` to ``last`` inclusive, in day order."""
        last = min(last, self.as_of)
        return [value for day, value in sorted(self.daily.items()) if first <= day <= last]


def daily_heaviness(
    entries: Sequence[EntryRow], measures: Sequence[MeasureRow], as_of: dt.date
) -> DailyHeaviness:
    """As ``series.build_series``: rows after ``as_of`` left out, a later row of the same day
    and part replacing an earlier one."""
    entries = [e for e in entries if e.day <= as_of]
    measures = [m for m in measures if m.day <= as_of]
    scores: dict[tuple[dt.date, bool], float] = {}
    for entry in entries:
        if entry.heaviness is not None:
            scores[(entry.day, entry.part == "morning")] = float(entry.heaviness)
    by_day: dict[dt.date, list[float]] = {}
    for (day, _), value in sorted(scores.items()):
        by_day.setdefault(day, []).append(value)
    daily = {day: sum(values) / len(values) for day, values in by_day.items()}
    return DailyHeaviness(as_of, daily, entries, measures)
