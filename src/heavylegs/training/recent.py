"""The recent running load only: what the clinician report shows of the training overview.

Why a narrower document than :func:`heavylegs.training.overview.training_overview`: the report
shows the weekly table, today's load ratio, cadence and the daily series of the weeks shown, not
the heaviness-against-load comparison (a bootstrap over a year of diary), the running answers
for the assessment or the heart-rate profile. The keys it has are the overview's, computed by
the same stage functions, so the report reads either document alike.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from heavylegs.training.overview import _cadence_since, series_json, shown_since, today_json
from heavylegs.training.repository import load_sessions, local_offset_s
from heavylegs.training.signals import build_series, cadence_trend, weekly

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def recent_load(session: Session, now: dt.datetime, *, weeks: int = 12) -> dict[str, Any]:
    """Activities count, today, the last ``weeks`` weeks, their daily series, cadence points and
    diary scores, as in :func:`~heavylegs.training.overview.training_overview` (same keys)."""
    from heavylegs.diary.entries import list_entries

    items, _profile = load_sessions(session, now)
    today = (now + dt.timedelta(seconds=local_offset_s(now))).date()
    shown = shown_since(today, weeks)
    assert shown is not None  # a number of weeks always gives a first Monday
    series = build_series(items, today, None)
    # diary scores from the first day of the load model on, as the overview reads them
    entries = list_entries(session, shown if series is None else max(shown, series.start), today)
    estimated_days = {s.day for s in items if s.estimated}
    return {
        "as_of": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "activities": len(items),
        "today": today_json(series, today),
        "weeks": [w.to_json() for w in weekly(items, series, today, shown=weeks)],
        "series": series_json(series, estimated_days, shown) if series is not None else None,
        "cadence": [p.to_json() for p in cadence_trend(items, _cadence_since(items, shown))],
        "diary": [
            {"day": e.day.isoformat(), "part": e.part, "heaviness": e.heaviness}
            for e in entries
            if e.heaviness is not None
        ],
    }
