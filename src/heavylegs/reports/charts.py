"""The report's charts as SVG (vector in the PDF), drawn by the diary and training stages' own
chart functions so the report shows exactly what ``heavylegs trends --plot`` and
``heavylegs training --chart`` show.

Only the last :data:`WINDOW_DAYS` days are drawn: a clinician reads the recent weeks, and ten
years of daily points would be an unreadable smear (and slow). matplotlib's SVG ids are salted
with a constant so the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from heavylegs.reports.gather import ReportData

WINDOW_DAYS = 84
_METADATA = re.compile(rb"<metadata>.*?</metadata>", re.S)


def _deterministic() -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "heavylegs-report"


def _read_svg(path: Path) -> bytes:
    # fpdf2 does not read SVG <metadata> (matplotlib's RDF block): drop it instead of a warning
    return _METADATA.sub(b"", path.read_bytes())


def diary_chart_svg(data: ReportData) -> bytes | None:
    """Heaviness, ankles and measures over the last weeks; ``None`` without diary scores."""
    from heavylegs.diary.charts import render_plot
    from heavylegs.diary.series import build_series

    since = data.today - dt.timedelta(days=WINDOW_DAYS - 1)
    entries = [e for e in data.entries if e.day >= since]
    if not any(e.heaviness is not None for e in entries):
        return None
    measures = [m for m in data.measures if m.day >= since]
    series = build_series(entries, measures, data.today)
    _deterministic()
    with tempfile.TemporaryDirectory(prefix="heavylegs-report-") as tmp:
        path = Path(tmp) / "diary.svg"
        render_plot(series, path, data.measure_titles)
        return _read_svg(path)


def recent_training(data: ReportData) -> bool:
    """Whether any imported activity falls in the overview's recent weeks (else: no chart)."""
    weeks = (data.training or {}).get("weeks") or []
    return any(w.get("runs") or w.get("hours") for w in weeks)


def training_chart_svg(data: ReportData) -> bytes | None:
    """Weekly km, load, load ratio, cadence and heaviness; ``None`` without recent activities."""
    from heavylegs.training.charts import render_chart

    if not data.training or not recent_training(data):
        return None
    _deterministic()
    with tempfile.TemporaryDirectory(prefix="heavylegs-report-") as tmp:
        path = Path(tmp) / "training.svg"
        render_chart(data.training, path, days=WINDOW_DAYS)
        return _read_svg(path)
