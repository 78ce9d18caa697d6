"""The training chart's panels: no negative distance, one time span for every panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matplotlib.figure import Figure

from heavylegs.training.charts import draw_chart


def _overview(first: dt.date, days: int, km: float) -> dict[str, Any]:
    span = [(first + dt.timedelta(days=i)).isoformat() for i in range(days)]
    zeros = [0.0] * days
    return {
        "series": {
            "days": span,
            "fitness": zeros,
            "fatigue": zeros,
            "form": zeros,
            "ratio": [None] * days,
            "calibrating": [False] * days,
            "estimated": [False] * days,
        },
        "weeks": [{"week_start": span[i], "run_km": km} for i in range(0, days, 7)],
        "cadence": [
            {"day": "2019-06-01", "cadence_spm": 150.0, "baseline_spm": None},  # years before
            {"day": span[-3], "cadence_spm": 170.0, "baseline_spm": 168.0},
        ],
        "diary": [],
    }


def test_weeks_without_runs_never_show_negative_km() -> None:
    axes = draw_chart(Figure(), _overview(dt.date(2026, 1, 5), 84, 0.0), days=84)
    assert axes[0].get_ylim()[0] == 0.0 and axes[0].get_ylim()[1] > 0.0
    axes = draw_chart(Figure(), _overview(dt.date(2026, 1, 5), 84, 30.0), days=84)
    assert axes[0].get_ylim() == (0.0, 33.0)


def test_every_panel_keeps_to_the_span_of_the_series() -> None:
    first = dt.date(2026, 1, 5)
    axes = draw_chart(Figure(), _overview(first, 84, 10.0), days=84)
    cadence_days = [x for line in axes[3].get_lines() for x in line.get_xdata()]
    assert cadence_days and min(cadence_days) >= first  # the 2019 run is not drawn
