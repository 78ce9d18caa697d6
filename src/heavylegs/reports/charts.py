"""The report's charts, drawn by the diary and training stages' own drawing functions so the
report shows what ``heavylegs trends --plot`` and ``heavylegs training --chart`` show.

Raster (PNG at :data:`RASTER_DPI` dpi) by default, vector (SVG, drawn as PDF paths by fpdf2) on
request. Why raster by default: fpdf2 rebuilds every SVG marker and glyph as PDF drawing objects,
about a second of CPU for the diary chart's hundreds of points, which alone breaks the report's
2 s budget; at 120 dpi (about 185 dpi once scaled onto the page) the PNGs print clearly.

Why cheaper than the stages' own files: only the last :data:`WINDOW_DAYS` days are drawn (a
clinician reads the recent weeks; ten years of daily points would be an unreadable smear), on a
plain Agg figure (no pyplot state) with a fixed layout instead of the constrained one (which
measures every label several times) and one date tick per week. matplotlib's SVG ids are salted
with a constant so the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from heavylegs.reports.gather import ReportData

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WINDOW_DAYS = 84
RASTER_DPI = 120


class ChartFormat(StrEnum):
    RASTER = "raster"
    VECTOR = "vector"

    @property
    def suffix(self) -> str:
        return ".svg" if self is ChartFormat.VECTOR else ".png"


_METADATA = re.compile(rb"<metadata>.*?</metadata>", re.S)


def _figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no backend switch, no layout engine."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=RASTER_DPI)
    FigureCanvasAgg(fig)
    return fig


def _fixed_titles() -> Any:
    """Titles sit just above their axes; matplotlib's default measures every tick label at
    draw time to lift a title over top ticks, which these charts do not have."""
    import matplotlib

    return matplotlib.rc_context({"axes.titley": 1.0})


def _weekly_ticks(ax: Axes) -> None:
    """One tick per Monday, "02 Nov", fixed once the data are drawn: matplotlib's date
    locators recompute their dates (through dateutil rules) for every axis at every draw."""
    import matplotlib.dates as mdates

    limits = ax.get_xlim()
    low, high = (mdates.num2date(v).date() for v in limits)  # type: ignore[no-untyped-call]
    first = low + dt.timedelta(days=-low.weekday() % 7)
    mondays = [first + dt.timedelta(weeks=k) for k in range((high - first).days // 7 + 1)]
    where = mdates.date2num(mondays)  # type: ignore[no-untyped-call]
    ax.set_xticks([float(v) for v in where], [f"{d:%d %b}" for d in mondays])
    ax.set_xlim(limits)


def _save(fig: Figure, fmt: ChartFormat) -> bytes:
    import matplotlib

    out = io.BytesIO()
    if fmt is ChartFormat.VECTOR:
        with matplotlib.rc_context({"svg.hashsalt": "heavylegs-report"}):
            fig.savefig(out, format="svg", metadata={"Date": None})
        # fpdf2 does not read SVG <metadata> (matplotlib's RDF block): drop it, not a warning
        return _METADATA.sub(b"", out.getvalue())
    fig.savefig(out, format="png", dpi=RASTER_DPI)
    return out.getvalue()


def diary_chart(data: ReportData, fmt: ChartFormat = ChartFormat.RASTER) -> bytes | None:
    """Heaviness, ankles and measures over the last weeks; ``None`` without diary scores."""
    from heavylegs.diary.charts import draw_plot
    from heavylegs.diary.series import build_series

    since = data.today - dt.timedelta(days=WINDOW_DAYS - 1)
    entries = [e for e in data.entries if e.day >= since]
    if not any(e.heaviness is not None for e in entries):
        return None
    measures = [m for m in data.measures if m.day >= since]
    series = build_series(entries, measures, data.today)
    fig = _figure(10, 5.5)
    with _fixed_titles():
        ax = draw_plot(fig, series, data.measure_titles)
    _weekly_ticks(ax)
    legend_rows = math.ceil((len(ax.get_lines()) + 1) / 4)
    fig.subplots_adjust(left=0.07, right=0.92, top=0.93, bottom=(0.55 + 0.2 * legend_rows) / 5.5)
    return _save(fig, fmt)


def recent_training(data: ReportData) -> bool:
    """Whether any imported activity falls in the overview's recent weeks (else: no chart)."""
    weeks = (data.training or {}).get("weeks") or []
    return any(w.get("runs") or w.get("hours") for w in weeks)


def training_chart(data: ReportData, fmt: ChartFormat = ChartFormat.RASTER) -> bytes | None:
    """Weekly km, load, load ratio, cadence and heaviness; ``None`` without recent activities."""
    from heavylegs.training.charts import draw_chart

    if not data.training or not recent_training(data):
        return None
    fig = _figure(10, 11)
    with _fixed_titles():
        axes = draw_chart(fig, data.training, days=WINDOW_DAYS)
    _weekly_ticks(axes[-1])
    fig.subplots_adjust(left=0.06, right=0.97, top=0.97, bottom=0.03, hspace=0.3)
    return _save(fig, fmt)
