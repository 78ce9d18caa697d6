"""Pictures of the diary: a one-line sparkline for the terminal and a PNG/SVG chart.

The sparkline uses a fixed 0–10 scale (not the data's own range) so "▂" always means mild:
a flat line of 7s must not look like a flat line of 1s. matplotlib is imported only when a chart
is drawn (it costs ~0.5 s), with the Agg backend so no display is ever needed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from heavylegs.chart_files import chart_format
from heavylegs.diary.series import DiarySeries

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = "·"
MARKERS = "ov^sD*Pxh<>p"


def sparkline(values: Sequence[float | None], low: float = 0.0, high: float = 10.0) -> str:
    """One character per value on the ``low``–``high`` scale; ``·`` where nothing was logged."""
    out = []
    for value in values:
        if value is None or math.isnan(value):
            out.append(GAP)
            continue
        frac = (min(max(value, low), high) - low) / (high - low)
        out.append(BLOCKS[min(int(frac * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(out)


def render_plot(series: DiarySeries, path: Path, titles: dict[str, str] | None = None) -> None:
    """Heaviness (morning, evening, day mean), ankles L/R on a second axis, measures as markers."""
    fmt = chart_format(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5.5), dpi=110, layout="constrained")
    ax = draw_plot(fig, series, titles)
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)


def draw_plot(fig: Figure, series: DiarySeries, titles: dict[str, str] | None = None) -> Axes:
    """Draw :func:`render_plot`'s chart on ``fig`` and return the heaviness axes.

    Why apart from saving: the clinician report draws the same chart on a figure with a fixed
    layout and its own date ticks (much cheaper than the constrained layout for ten years).
    """
    import numpy as np

    titles = titles or {}
    days = np.array([series.day(i) for i in range(series.size)], dtype="datetime64[D]")
    ax = fig.add_subplot()
    ax.plot(days, series.daily, color="#1f4e79", linewidth=2, label="heaviness (day)")
    ax.plot(days, series.morning, color="#7fa7d1", linestyle="none", marker=".", label="morning")
    ax.plot(days, series.evening, color="#1f4e79", linestyle="none", marker=".", label="evening")
    measures = sorted(series.done)
    for k, measure in enumerate(measures):
        mask = series.done[measure]
        y = np.full(int(mask.sum()), -1.0 - 0.6 * k)
        ax.plot(
            days[mask],
            y,
            linestyle="none",
            marker=MARKERS[k % len(MARKERS)],
            markersize=5,
            label=titles.get(measure) or measure.replace("_", " "),
        )
    ax.set_ylim(-1.6 - 0.6 * max(len(measures) - 1, 0), 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel("heaviness (0–10)")
    ax.axhline(-0.5, color="#999999", linewidth=0.5)

    handles, labels = ax.get_legend_handles_labels()
    ankles = _ankles_by_day(series)
    if ankles:
        ax2 = ax.twinx()
        when = np.array(list(ankles), dtype="datetime64[D]")
        left = np.array([np.nan if lr[0] is None else lr[0] for lr in ankles.values()])
        right = np.array([np.nan if lr[1] is None else lr[1] for lr in ankles.values()])
        for values, colour, marker, label in (
            (left, "#c0392b", "<", "ankle left (cm)"),
            (right, "#e67e22", ">", "ankle right (cm)"),
        ):
            ax2.plot(
                when, values, color=colour, marker=marker, markersize=3, linewidth=1, label=label
            )
        # at least 4 cm of axis: a few millimetres of tape-measure noise must not look like a trend
        both = np.concatenate([left, right])
        low, high = float(np.nanmin(both)), float(np.nanmax(both))
        middle, half = (low + high) / 2, max(2.0, (high - low) / 2 + 0.5)
        ax2.set_ylim(middle - half, middle + half)
        ax2.set_ylabel("ankle circumference (cm)")
        more_h, more_l = ax2.get_legend_handles_labels()
        handles, labels = handles + more_h, labels + more_l
    fig.legend(
        handles, labels, loc="outside lower center", ncols=4, fontsize="small", frameon=False
    )
    ax.set_title(f"Heaviness diary {series.start.isoformat()} – {series.as_of.isoformat()}")
    return ax


def _ankles_by_day(series: DiarySeries) -> dict[dt.date, tuple[float | None, float | None]]:
    """One reading per day and leg: the evening one when there is one (swelling peaks then)."""
    out: dict[dt.date, tuple[float | None, float | None]] = {}
    for e in sorted(series.entries, key=lambda r: (r.day, r.part == "evening")):
        if e.ankle_left_cm is None and e.ankle_right_cm is None:
            continue
        old = out.get(e.day, (None, None))
        out[e.day] = (
            e.ankle_left_cm if e.ankle_left_cm is not None else old[0],
            e.ankle_right_cm if e.ankle_right_cm is not None else old[1],
        )
    return out
