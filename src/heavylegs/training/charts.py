"""The training chart (PNG or SVG): five panels on one time axis.

Weekly running km; fitness, fatigue and form; the 7:28 load ratio over Gabbett's bands (shaded,
labelled as context, not a risk); cadence per run with the runner's own baseline; and diary
heaviness. Drawn from the :func:`heavylegs.training.overview.training_overview` document, so the
chart shows exactly what the table and the web page show. matplotlib is imported only here, with
the Agg backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heavylegs.chart_files import chart_format

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _days(values: list[str]) -> list[dt.date]:
    return [dt.date.fromisoformat(v) for v in values]


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def render_chart(overview: Mapping[str, Any], path: Path, days: int | None = 84) -> None:
    """Write the chart of ``overview`` to ``path`` (the last ``days`` days)."""
    fmt = chart_format(path)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 11), dpi=100, layout="constrained")
    draw_chart(fig, overview, days)
    fig.savefig(path, format=fmt)


def draw_chart(fig: Figure, overview: Mapping[str, Any], days: int | None = 84) -> list[Axes]:
    """Draw :func:`render_chart`'s five panels on ``fig``; returns their axes, top first.

    Why apart from saving: the clinician report draws the same panels on a figure with a fixed
    layout and its own date ticks (much cheaper than the constrained layout).
    """
    axes = fig.subplots(5, 1, sharex=True)
    series = overview.get("series")
    start: dt.date | None = None
    if series:
        x = _days(series["days"])
        keep = slice(-days if days is not None else None, None)
        if len(x[keep]):
            start = x[keep][0]  # every panel shares the series' span (no runs from years before)
        axes[1].plot(
            x[keep], _nan(series["fitness"])[keep], label="fitness (42 d)", color="#1f4e79"
        )
        axes[1].plot(x[keep], _nan(series["fatigue"])[keep], label="fatigue (7 d)", color="#c0504d")
        axes[1].plot(x[keep], _nan(series["form"])[keep], label="form", color="#4f9a3a")
        axes[1].axhline(0, color="grey", linewidth=0.5)
        calibrating = [d for d, flag in zip(x[keep], series.get("calibrating", [])[keep],
                                            strict=False) if flag]  # fmt: skip
        for ax in (axes[1], axes[2]):
            if calibrating:
                ax.axvspan(calibrating[0], calibrating[-1], color="#eeeeee", zorder=0,
                           label="calibrating" if ax is axes[1] else None)  # fmt: skip
        estimated = [d for d, flag in zip(x[keep], series.get("estimated", [])[keep],
                                          strict=False) if flag]  # fmt: skip
        if estimated:
            known = [v for v in _nan(series["form"])[keep] if v == v]
            low = min(known) if known else 0.0
            axes[1].plot(estimated, [low] * len(estimated), "^", color="#a23b00",
                         label="estimated load (no heart rate)")  # fmt: skip
        axes[1].legend(loc="upper left", fontsize=8)
        axes[2].axhspan(0, 0.8, color="#dde8f4", label="low < 0.8")
        axes[2].axhspan(0.8, 1.3, color="#e3f1dc", label="0.8-1.3")
        axes[2].axhspan(1.3, 1.5, color="#fbeccb", label="1.3-1.5")
        axes[2].axhspan(1.5, 2.5, color="#f6d5d4", label="> 1.5")
        axes[2].plot(x[keep], _nan(series["ratio"])[keep], color="black", linewidth=1.5)
        axes[2].set_ylim(0, 2.5)
        axes[2].legend(loc="upper left", fontsize=7, ncol=4)
    weeks = [w for w in overview.get("weeks", []) if start is None or
             dt.date.fromisoformat(w["week_start"]) >= start - dt.timedelta(days=6)]  # fmt: skip
    axes[0].bar(
        [dt.date.fromisoformat(w["week_start"]) + dt.timedelta(days=3) for w in weeks],
        [w["run_km"] for w in weeks],
        width=6,
        color="#5b8fc7",
    )
    axes[0].set_ylim(0, max((w["run_km"] for w in weeks), default=0.0) * 1.1 or 1.0)  # never < 0
    cadence = [c for c in overview.get("cadence", [])
               if start is None or dt.date.fromisoformat(c["day"]) >= start]  # fmt: skip
    if cadence:
        cx = [dt.date.fromisoformat(c["day"]) for c in cadence]
        axes[3].plot(cx, [c["cadence_spm"] for c in cadence], "o", color="#7f3f98", label="run")
        axes[3].plot(cx, _nan([c["baseline_spm"] for c in cadence]), "D", color="grey",
                     fillstyle="none", label="your usual at that pace")  # fmt: skip
        axes[3].legend(loc="upper left", fontsize=8)
    diary = [d for d in overview.get("diary", [])
             if start is None or dt.date.fromisoformat(d["day"]) >= start]  # fmt: skip
    if diary:
        for part, marker in (("morning", "^"), ("evening", "v")):
            points = [d for d in diary if d["part"] == part]
            axes[4].plot([dt.date.fromisoformat(d["day"]) for d in points],
                         [d["heaviness"] for d in points], marker, label=part)  # fmt: skip
        axes[4].legend(loc="upper left", fontsize=8)
    axes[4].set_ylim(0, 10.5)
    titles = (
        "Running per week (km)",
        "Fitness, fatigue and form (exponentially weighted load (TRIMP) per day)",
        "Load ratio 7:28: a ramp indicator, not an injury predictor (bands: Gabbett 2016)",
        "Cadence (steps/min)",
        "Diary: heaviness 0-10",
    )
    for ax, title in zip(axes, titles, strict=True):
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(alpha=0.3)
    return list(axes)
