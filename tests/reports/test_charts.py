"""The report's charts: only the weeks shown are drawn, at the raster size the pages expect."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from heavylegs.diary.rows import EntryRow
from heavylegs.reports.charts import (
    RASTER_DPI,
    WINDOW_DAYS,
    ChartFormat,
    diary_chart,
    training_chart,
)
from heavylegs.reports.gather import ReportData


def test_diary_chart_draws_only_the_last_weeks(full: ReportData) -> None:
    old = EntryRow(
        day=full.today - dt.timedelta(days=WINDOW_DAYS + 30),
        part="evening",
        heaviness=10,
        ankle_left_cm=30.0,
        ankle_right_cm=35.0,
    )
    with_old = dataclasses.replace(full, entries=[old, *full.entries])
    shown = diary_chart(full, ChartFormat.VECTOR)
    assert shown is not None and shown.startswith(b"<?xml")
    assert diary_chart(with_old, ChartFormat.VECTOR) == shown
    # an entry inside the window does change the picture
    recent = dataclasses.replace(old, day=full.today)  # nothing logged today yet
    assert diary_chart(dataclasses.replace(full, entries=[recent, *full.entries]),
                       ChartFormat.VECTOR) != shown  # fmt: skip


def test_raster_charts_are_pngs_of_the_expected_size(full: ReportData) -> None:
    from PIL import Image

    for chart, inches in ((diary_chart(full), (10, 5.5)), (training_chart(full), (10, 11))):
        assert chart is not None and chart.startswith(b"\x89PNG")
        with Image.open(io.BytesIO(chart)) as image:
            assert image.size == (round(inches[0] * RASTER_DPI), round(inches[1] * RASTER_DPI))


def test_no_diary_scores_no_diary_chart(full: ReportData) -> None:
    assert diary_chart(dataclasses.replace(full, entries=[])) is None
    assert training_chart(dataclasses.replace(full, training=None)) is None
