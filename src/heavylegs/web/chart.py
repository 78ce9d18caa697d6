"""The diary chart as inline SVG, drawn on the server: no chart library, works without JavaScript.

Morning and evening heaviness differ in shape (circles and squares) and line (solid and dashed),
not only in colour; days with a measure done get a triangle on the bottom row. Every mark has a
``<title>`` (a tooltip and what a screen reader says) and the chart has a text summary; the diary
table under it holds the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from heavylegs.diary.rows import EntryRow, MeasureRow

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 30, 58
MORNING_COLOUR = "#1d4f91"
EVENING_COLOUR = "#a23b00"
MEASURE_COLOUR = "#2f6b2f"


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def heaviness_svg(
    entries: Sequence[EntryRow],
    measures: Sequence[MeasureRow],
    start: dt.date,
    end: dt.date,
    titles: dict[str, str] | None = None,
) -> str:
    """An SVG of heaviness from ``start`` to ``end`` (inclusive), one column per day."""
    titles = titles or {}
    days = max((end - start).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return round(LEFT + plot_w * (day - start).days / days, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / 10), 1)

    parts: list[str] = []
    shown = [e for e in entries if e.heaviness is not None and start <= e.day <= end]
    summary = _summary(shown, start, end)
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'data-entries="{len(shown)}">'
    )
    parts.append(
        f'<title id="chart-title">Heaviness, {_day_label(start)} to {_day_label(end)}</title>'
    )
    parts.append(f'<desc id="chart-desc">{escape(summary)}</desc>')
    for value in range(0, 11, 2):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(value) + 4}" text-anchor="end">{value}</text>'
        )
    step = 7 if days > 10 else 1
    for back in range(0, days + 1, step):
        day = end - dt.timedelta(days=back)
        anchor = "end" if back == 0 else "start" if back == days else "middle"
        parts.append(
            f'<text class="axis" x="{x(day)}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="{anchor}">{_day_label(day)}</text>'
        )
    for part, colour, dash in (("morning", MORNING_COLOUR, ""), ("evening", EVENING_COLOUR, "6 4")):
        points = [e for e in shown if e.part == part]
        if len(points) > 1:
            path = " ".join(f"{x(e.day)},{y(float(e.heaviness or 0))}" for e in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline class="line" points="{path}" stroke="{colour}"{dash_attr}/>')
        for e in points:
            label = f"{_day_label(e.day)} {part}: heaviness {e.heaviness}"
            cx, cy = x(e.day), y(float(e.heaviness or 0))
            attrs = f'data-day="{e.day.isoformat()}" data-part="{part}" data-value="{e.heaviness}"'
            if part == "morning":
                shape = f'<circle cx="{cx}" cy="{cy}" r="5" fill="{colour}"/>'
            else:
                shape = (
                    f'<rect x="{cx - 5}" y="{cy - 5}" width="10" height="10" fill="#fff" '
                    f'stroke="{colour}" stroke-width="2.5"/>'
                )
            parts.append(f'<g class="point" {attrs}><title>{escape(label)}</title>{shape}</g>')
    by_day: dict[dt.date, list[str]] = {}
    for m in measures:
        if start <= m.day <= end:
            by_day.setdefault(m.day, []).append(titles.get(m.measure, m.measure))
    row_y = HEIGHT - BOTTOM + 32
    for day, names in sorted(by_day.items()):
        cx = x(day)
        label = f"{_day_label(day)}: " + ", ".join(dict.fromkeys(names))
        parts.append(
            f'<g class="done" data-day="{day.isoformat()}"><title>{escape(label)}</title>'
            f'<path d="M{cx - 6},{row_y + 5} L{cx + 6},{row_y + 5} L{cx},{row_y - 6} Z" '
            f'fill="{MEASURE_COLOUR}"/></g>'
        )
    parts.append(_legend())
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    ly = 14
    return (
        f'<g class="legend" aria-hidden="true">'
        f'<circle cx="{LEFT + 6}" cy="{ly}" r="5" fill="{MORNING_COLOUR}"/>'
        f'<text x="{LEFT + 16}" y="{ly + 4}">morning</text>'
        f'<rect x="{LEFT + 91}" y="{ly - 5}" width="10" height="10" fill="#fff" '
        f'stroke="{EVENING_COLOUR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 108}" y="{ly + 4}">evening (dashed)</text>'
        f'<path d="M{LEFT + 236},{ly + 5} L{LEFT + 248},{ly + 5} L{LEFT + 242},{ly - 6} Z" '
        f'fill="{MEASURE_COLOUR}"/>'
        f'<text x="{LEFT + 256}" y="{ly + 4}">measure done (bottom row)</text>'
        f"</g>"
    )


def _summary(shown: Sequence[EntryRow], start: dt.date, end: dt.date) -> str:
    if not shown:
        return f"No heaviness recorded between {_day_label(start)} and {_day_label(end)}."
    values = [e.heaviness for e in shown if e.heaviness is not None]
    last = shown[-1]
    return (
        f"{len(values)} heaviness scores from {_day_label(start)} to {_day_label(end)}, "
        f"lowest {min(values)}, highest {max(values)}; latest {last.heaviness} "
        f"({last.part} of {_day_label(last.day)})."
    )
