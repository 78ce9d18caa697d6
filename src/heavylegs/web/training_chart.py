"""The training chart as inline SVG, drawn on the server like the diary chart (:mod:`.chart`).

Five panels share one time axis (the last :data:`DAYS` days): running km per week, fitness /
fatigue / form, the 7:28 load ratio over its context bands, cadence per run against the runner's
own baseline, and diary heaviness. Everything comes from the
:func:`heavylegs.training.overview.training_overview` document, so the chart, the table under it
and ``heavylegs training`` agree. Lines differ in dash as well as colour, points in shape; every
panel has a ``<title>`` and the chart a text summary, and the page's table holds the numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

DAYS = 84
WIDTH = 640
LEFT, RIGHT = 44, 12
PANEL_H, GAP, TOP, AXIS = 92, 34, 8, 26
BAND_COLOURS = (
    (0.0, 0.8, "#dde8f4", "low"),
    (0.8, 1.3, "#e3f1dc", "0.8–1.3"),
    (1.3, 1.5, "#fbeccb", "1.3–1.5"),
    (1.5, 2.5, "#f6d5d4", "above 1.5"),
)
FITNESS, FATIGUE, FORM = "#1d4f91", "#a23b00", "#2f6b2f"
CADENCE, MORNING, EVENING = "#5a2d82", "#1d4f91", "#a23b00"


def _label(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def _fmt(value: float) -> str:
    return f"{value:g}"


class _Panel:
    """One panel: a title, a y range and the shared x scale."""

    def __init__(self, index: int, low: float, high: float, x: Callable[[dt.date], float]):
        self.top = TOP + index * (PANEL_H + GAP) + 16
        self.low, self.high = low, high
        self.x = x

    def y(self, value: float) -> float:
        share = (min(max(value, self.low), self.high) - self.low) / (self.high - self.low or 1)
        return round(self.top + PANEL_H * (1 - share), 1)

    def frame(self, title: str, ticks: Sequence[float]) -> str:
        parts = [
            f'<text class="panel-title" x="{LEFT}" y="{self.top - 5}">{escape(title)}</text>',
            f'<rect class="panel" x="{LEFT}" y="{self.top}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{PANEL_H}" fill="none"/>',
        ]
        for tick in ticks:
            parts.append(
                f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{self.y(tick)}" '
                f'y2="{self.y(tick)}"/><text class="axis" x="{LEFT - 5}" y="{self.y(tick) + 4}" '
                f'text-anchor="end">{_fmt(tick)}</text>'
            )
        return "".join(parts)

    def line(
        self, points: Sequence[tuple[dt.date, float | None]], colour: str, dash: str = ""
    ) -> str:
        """A polyline broken where values are missing."""
        runs: list[list[str]] = [[]]
        for day, value in points:
            if value is None or not math.isfinite(value):
                runs.append([])
            else:
                runs[-1].append(f"{self.x(day)},{self.y(value)}")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return "".join(
            f'<polyline class="line" points="{" ".join(r)}" stroke="{colour}"{dash_attr}/>'
            for r in runs
            if len(r) > 1
        )


def _ticks(low: float, high: float) -> list[float]:
    """About three to five round values from ``low`` to ``high`` (0 included when in range)."""
    spread = max(high - low, 1e-9)
    base = 10 ** math.floor(math.log10(spread))
    step = base
    for factor in (0.1, 0.2, 0.5, 1, 2, 5):
        if spread / (base * factor) <= 5:
            step = base * factor
            break
    first = math.ceil(low / step)
    return [step * i for i in range(first, int(high // step) + 1)]


def training_svg(overview: Mapping[str, Any], days: int = DAYS) -> str:
    """The SVG of ``overview`` over its last ``days`` days (ending on the overview's day)."""
    today = overview.get("today") or {}
    series = overview.get("series") or {}
    series_days = [dt.date.fromisoformat(d) for d in series.get("days", [])]
    end = series_days[-1] if series_days else dt.date.fromisoformat(overview["as_of"][:10])
    if today.get("day"):
        end = dt.date.fromisoformat(today["day"])
    start = end - dt.timedelta(days=days - 1)
    span = max((end - start).days, 1)
    plot_w = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        return round(LEFT + plot_w * (day - start).days / span, 1)

    def shown(day: dt.date) -> bool:
        return start <= day <= end

    height = TOP + 5 * (PANEL_H + GAP) + AXIS - GAP + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart training-chart" role="img" '
        f'aria-labelledby="training-chart-title training-chart-desc">',
        f'<title id="training-chart-title">Training and heaviness, {_label(start)} to '
        f"{_label(end)}</title>",
        f'<desc id="training-chart-desc">{escape(_summary(overview))}</desc>',
    ]

    # 1. weekly running km (bars centred on each Monday-to-Sunday week)
    weeks = [w for w in overview.get("weeks", [])
             if dt.date.fromisoformat(w["week_start"]) + dt.timedelta(days=6) >= start]  # fmt: skip
    top_km = max([float(w["run_km"] or 0) for w in weeks] + [5.0])
    panel = _Panel(0, 0, top_km * 1.1, x)
    parts.append(panel.frame("Running km per week", _ticks(0, top_km)))
    bar_w = max(plot_w * 7 / span - 4, 2)
    for w in weeks:
        monday = dt.date.fromisoformat(w["week_start"])
        left = max(x(monday), LEFT)
        right = min(x(monday) + bar_w, WIDTH - RIGHT)
        km = float(w["run_km"] or 0)
        parts.append(
            f'<g class="bar" data-week="{monday.isoformat()}" data-km="{km}">'
            f"<title>Week of {_label(monday)}: {km:.1f} km in {w['runs']} run(s)</title>"
            f'<rect x="{left}" y="{panel.y(km)}" width="{max(right - left, 1):.1f}" '
            f'height="{round(panel.y(0) - panel.y(km), 1)}" fill="#5b8fc7"/></g>'
        )

    # 2. fitness, fatigue, form; 3. load ratio
    keep = [i for i, d in enumerate(series_days) if shown(d)]
    values = {k: [series[k][i] for i in keep] for k in ("fitness", "fatigue", "form", "ratio")
              } if series else {}  # fmt: skip
    kept_days = [series_days[i] for i in keep]
    finite = [v for k in ("fitness", "fatigue", "form") for v in values.get(k, []) if v is not None]
    high = max([*finite, 10.0])
    low = min([*finite, 0.0])
    panel = _Panel(1, low * 1.1, high * 1.1, x)
    parts.append(_calibrating(series, series_days, shown, x, panel))
    parts.append(panel.frame("Fitness (solid), fatigue (dashed), form (dotted), load (TRIMP)",
                             _ticks(low, high)))  # fmt: skip
    estimated = series.get("estimated") or []
    for i in keep:
        if i < len(estimated) and estimated[i]:
            day = series_days[i]
            bottom = panel.top + PANEL_H
            parts.append(
                f'<g class="estimated" data-day="{day.isoformat()}"><title>{_label(day)}: load '
                f'estimated (no heart rate)</title><path d="M{x(day) - 4},{bottom} '
                f'L{x(day) + 4},{bottom} L{x(day)},{bottom - 7} Z" fill="#a23b00"/></g>'
            )
    for key, colour, dash in (("fitness", FITNESS, ""), ("fatigue", FATIGUE, "6 4"),
                              ("form", FORM, "2 3")):  # fmt: skip
        parts.append(
            panel.line(list(zip(kept_days, values.get(key, []), strict=False)), colour, dash)
        )

    panel = _Panel(2, 0, 2.5, x)
    for low_band, high_band, colour, name in BAND_COLOURS:
        parts.append(
            f'<rect class="band" x="{LEFT}" y="{panel.y(high_band)}" width="{plot_w}" '
            f'height="{round(panel.y(low_band) - panel.y(high_band), 1)}" fill="{colour}">'
            f"<title>Band {name}</title></rect>"
        )
    parts.append(panel.frame("Load ratio 7:28 — a ramp indicator, not an injury predictor",
                             [0, 0.8, 1.3, 2]))  # fmt: skip
    for value, name in ((2.0, "above 1.5"), (1.05, "0.8–1.3"), (0.4, "below 0.8")):
        parts.append(
            f'<text class="axis band-label" x="{LEFT + 6}" y="{panel.y(value) + 4}" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{name}</text>'
        )
    parts.append(panel.line(list(zip(kept_days, values.get("ratio", []), strict=False)), "#1b1b1b"))

    # 4. cadence against the runner's baseline
    cadence = [c for c in overview.get("cadence", []) if shown(dt.date.fromisoformat(c["day"]))]
    spm = [float(c["cadence_spm"]) for c in cadence if c["cadence_spm"] is not None]
    spm += [float(c["baseline_spm"]) for c in cadence if c["baseline_spm"] is not None]
    low_spm = math.floor((min(spm) if spm else 150) / 10) * 10 - 10
    high_spm = math.ceil((max(spm) if spm else 190) / 10) * 10 + 10
    panel = _Panel(3, low_spm, high_spm, x)
    parts.append(panel.frame("Cadence, steps/min (dots: runs; diamonds: your usual at that pace)",
                             _ticks(low_spm, high_spm)))  # fmt: skip
    for c in cadence:  # the usual at each run's own pace: a point, not a line across paces
        if c["baseline_spm"] is None:
            continue
        day = dt.date.fromisoformat(c["day"])
        cy = panel.y(float(c["baseline_spm"]))
        parts.append(
            f'<g class="baseline" data-day="{day.isoformat()}"><title>{_label(day)}: your usual '
            f"at that pace {c['baseline_spm']:.0f} steps/min</title>"
            f'<rect x="{x(day) - 4}" y="{cy - 4}" width="8" height="8" fill="#fff" '
            f'stroke="#777777" stroke-width="1.5" transform="rotate(45 {x(day)} {cy})"/></g>'
        )
    for c in cadence:
        if c["cadence_spm"] is None:
            continue
        day = dt.date.fromisoformat(c["day"])
        delta = "" if c["delta_spm"] is None else f" ({c['delta_spm']:+.0f} vs your usual)"
        parts.append(
            f'<g class="run" data-day="{day.isoformat()}"><title>{_label(day)}: '
            f"{c['cadence_spm']:.0f} steps/min{delta}</title>"
            f'<circle cx="{x(day)}" cy="{panel.y(float(c["cadence_spm"]))}" r="4" '
            f'fill="{CADENCE}"/></g>'
        )

    # 5. diary heaviness
    panel = _Panel(4, 0, 10, x)
    parts.append(panel.frame("Diary heaviness 0–10 (circles: morning; squares: evening)",
                             [0, 5, 10]))  # fmt: skip
    for d in overview.get("diary", []):
        day = dt.date.fromisoformat(d["day"])
        if not shown(day) or d["heaviness"] is None:
            continue
        cx, cy = x(day), panel.y(float(d["heaviness"]))
        label = f"{_label(day)} {d['part']}: heaviness {d['heaviness']}"
        shape = (
            f'<circle cx="{cx}" cy="{cy}" r="4" fill="{MORNING}"/>'
            if d["part"] == "morning"
            else f'<rect x="{cx - 4}" y="{cy - 4}" width="8" height="8" fill="#fff" '
            f'stroke="{EVENING}" stroke-width="2"/>'
        )
        parts.append(
            f'<g class="point" data-day="{day.isoformat()}" data-part="{d["part"]}">'
            f"<title>{escape(label)}</title>{shape}</g>"
        )

    # the shared time axis
    axis_y = panel.top + PANEL_H + 16
    for back in range(0, span + 1, 14):
        day = end - dt.timedelta(days=back)
        anchor = "end" if back == 0 else "middle"
        parts.append(
            f'<text class="axis" x="{x(day)}" y="{axis_y}" text-anchor="{anchor}">'
            f"{_label(day)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _calibrating(
    series: Mapping[str, Any],
    days: Sequence[dt.date],
    shown: Callable[[dt.date], bool],
    x: Callable[[dt.date], float],
    panel: _Panel,
) -> str:
    """A hatched band over the calibrating days (the load model leans on its seed there)."""
    flags = series.get("calibrating") or []
    marked = [d for d, flag in zip(days, flags, strict=False) if flag and shown(d)]
    if not marked:
        return ""
    left, right = x(marked[0]), x(marked[-1])
    return (
        f'<g class="calibrating"><title>Calibrating until {_label(marked[-1])}: the numbers '
        f"start from your first weeks' average load</title>"
        f'<rect x="{left}" y="{panel.top}" width="{max(right - left, 2):.1f}" '
        f'height="{PANEL_H}" fill="#eeeeee"/>'
        f'<text class="axis" x="{left + 4}" y="{panel.top + 12}">calibrating</text></g>'
    )


def _summary(overview: Mapping[str, Any]) -> str:
    if not overview.get("activities"):
        return "No activities imported yet."
    bits = [f"{overview['activities']} activities."]
    today = overview.get("today")
    if today:
        bits.append(
            f"Today fitness {today['fitness']}, fatigue {today['fatigue']}, form {today['form']}."
        )
        if today.get("load_ratio") is not None:
            bits.append(f"Load ratio {today['load_ratio']} ({today['ratio_band']}).")
        if today.get("calibrating"):
            bits.append("Still calibrating (history shorter than 6 weeks).")
    if overview.get("estimated_activities"):
        bits.append(f"{overview['estimated_activities']} activities have an estimated load.")
    heaviness = overview.get("heaviness") or {}
    if heaviness.get("message"):
        bits.append(str(heaviness["message"]))
    return " ".join(bits)
