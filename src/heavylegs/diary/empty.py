"""The insights document of a diary with no rows, without numpy (start-up time, issue 15).

``heavylegs insights --json`` on an empty database would import numpy and the knowledge base
to say that there is nothing yet; the answer depends on the day alone. The full computation
(:func:`heavylegs.diary.insights.compute_insights`) stays the reference: a test compares this
document with its ``to_json()`` for many days, so a change there that this does not follow fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

EMPTY_SUMMARY = (
    "Too few heaviness scores in the last 7 days to follow the trend; no measures recorded yet"
)
"""The weekly summary of a diary without entries or measures done."""


def empty_insights(as_of: dt.date) -> dict[str, Any]:
    """What ``compute_insights([], [], as_of=as_of).to_json()`` gives: no trend, no effects,
    no warnings, and the last eight weeks, each empty."""
    ends = [as_of - dt.timedelta(days=7 * k) for k in range(7, -1, -1)]
    weeks = [
        {
            "start": (end - dt.timedelta(days=6)).isoformat(),
            "end": end.isoformat(),
            "mean": None,
            "days": 0,
        }
        for end in ends
    ]
    trend = {
        "days_logged": 0,
        "first_day": None,
        "last_day": None,
        "direction": "not_enough_data",
        "last_7_days_mean": None,
        "previous_14_days_mean": None,
        "change": None,
        "slope_per_week": None,
        "weeks": weeks,
        "ankles": None,
    }
    return {
        "schema_version": 1,
        "as_of": as_of.isoformat(),
        "summary": EMPTY_SUMMARY,
        "trend": trend,
        "effects": [],
        "escalation": [],
    }
