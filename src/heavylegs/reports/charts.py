"""The report's charts, drawn by the diary and training stages' own chart functions so the
report shows exactly what ``heavylegs trends --plot`` and ``heavylegs training --chart`` show.

Raster (PNG at :data:`RASTER_DPI` dpi) by default, vector (SVG, drawn as PDF paths by fpdf2) on
request. Why raster by default: fpdf2 rebuilds every SVG marker and glyph as PDF drawing objects,
about a second of CPU for the diary chart's hundreds of points, which alone breaks the report's
2 s budget; at 120 dpi (about 185 dpi once scaled onto the page) the PNGs print clearly.

Only the last :data:`WINDOW_DAYS` days are drawn: a clinician reads the recent weeks, and ten
years of daily points would be an unreadable smear (and slow). matplotlib's SVG ids are salted
with a constant so the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

from heavylegs.reports.gather import ReportData

WINDOW_DAYS = 84
RASTER_DPI = 120


class ChartFormat(StrEnum):
    RASTER = "raster"
    VECTOR = "vector"

    @property
    def suffix(self) -> str:
        return ".svg" if self is ChartFormat.VECTOR else ".png"


_METADATA = re.compile(rb"<metadata>.*?</metadata>", re.S)


def _settings() -> Any:
    """Same data, same bytes (salted SVG ids), and the raster resolution; for this chart only."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib.rc_context({"svg.hashsalt": "heavylegs-report", "savefig.dpi": RASTER_DPI})


def _read(path: Path) -> bytes:
    if path.suffix == ".png":
        return path.read_bytes()
    # fpdf2 does not read SVG <metadata> (matplotlib's RDF block): drop it instead of a warning
    return _METADATA.sub(b"", path.read_bytes())


def diary_chart(data: ReportData, fmt: ChartFormat = ChartFormat.RASTER) -> bytes | None:
    """Heaviness, ankles and measures over the last weeks; ``None`` without diary scores."""
    from heavylegs.diary.charts import render_plot
    from heavylegs.diary.series import build_series

    since = data.today - dt.timedelta(days=WINDOW_DAYS - 1)
    entries = [e for e in data.entries if e.day >= since]
    if not any(e.heaviness is not None for e in entries):
        return None
    measures = [m for m in data.measures if m.day >= since]
    series = build_series(entries, measures, data.today)
    with _settings(), tempfile.TemporaryDirectory(prefix="heavylegs-report-") as tmp:
        path = Path(tmp) / f"diary{fmt.suffix}"
        render_plot(series, path, data.measure_titles)
        return _read(path)


def recent_training(data: ReportData) -> bool:
    """Whether any imported activity falls in the overview's recent weeks (else: no chart)."""
    weeks = (data.training or {}).get("weeks") or []
    return any(w.get("runs") or w.get("hours") for w in weeks)


def training_chart(data: ReportData, fmt: ChartFormat = ChartFormat.RASTER) -> bytes | None:
    """Weekly km, load, load ratio, cadence and heaviness; ``None`` without recent activities."""
    from heavylegs.training.charts import render_chart

    if not data.training or not recent_training(data):
        return None
    with _settings(), tempfile.TemporaryDirectory(prefix="heavylegs-report-") as tmp:
        path = Path(tmp) / f"training{fmt.suffix}"
        render_chart(data.training, path, days=WINDOW_DAYS)
        return _read(path)
