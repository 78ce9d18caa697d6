"""Reading the diary in the terminal: the table (``diary``), sparklines and a chart
(``trends``), and what it shows over time (``insights``).

The commands' options live in :mod:`heavylegs.cli.diary`, which passes today in; the numbers come
from the diary stage. Rich, numpy and matplotlib are imported by the functions that use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from heavylegs.cli.diary_entry import knowledge, parse_day, titles
from heavylegs.cli.output import (
    Fail,
    chart_file_problems,
    console,
    open_db,
    plural,
    print_json,
    writing_file,
)


def show_diary(*, days: int, json_output: bool, ids: bool, db: str | None, today: dt.date) -> None:
    """The last ``days`` days as a table, or as JSON rows."""
    since = today - dt.timedelta(days=days - 1)
    entries, measures = _read_diary(db, since=since)
    if json_output:
        import dataclasses

        print_json(
            {
                "entries": [_jsonable(dataclasses.asdict(e)) for e in entries],
                "measures": [_jsonable(dataclasses.asdict(m)) for m in measures],
            }
        )
        return
    _print_diary(entries, measures, ids=ids)


def _read_diary(
    db: str | None, *, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[list[Any], list[Any]]:
    """The diary's entries and measures done from ``since`` to ``until``: from the local file
    at the current schema without SQLAlchemy (start-up, issue 15), else through the store."""
    from heavylegs import fastlite
    from heavylegs.cli.output import resolve_db
    from heavylegs.diary.rows import EntryRow, MeasureRow

    read = fastlite.read_diary(resolve_db(db)[0], since, until)
    if read is not None:
        return [EntryRow(*row) for row in read[0]], [MeasureRow(*row) for row in read[1]]
    from heavylegs.diary.entries import list_entries, list_measures
    from heavylegs.store import Access

    with open_db(db) as store, store.session(Access.READ) as session:
        return list_entries(session, since, until), list_measures(session, since, until)


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def _print_diary(entries: list[Any], measures: list[Any], *, ids: bool = False) -> None:
    """One row per entry; columns that are empty for the whole period are left out."""
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from heavylegs.cli.terminal_text import terminal_text

    if not entries and not measures:
        console().print("No diary entries yet: heavylegs log --heaviness 4")
        return

    def f(value: Any) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    by_day: dict[dt.date, list[str]] = {}
    for m in measures:
        amount = f" {m.reps}×" if m.reps else f" {m.minutes:g} min" if m.minutes else ""
        label = f"#{m.id} " if ids else ""
        by_day.setdefault(m.day, []).append(f"{label}{m.measure}{amount}")
    rows: list[dict[str, str]] = []
    shown: set[dt.date] = set()
    for e in entries:
        has_ankle = e.ankle_left_cm is not None or e.ankle_right_cm is not None
        walk = [f"{f(e.walk_min)} min" if e.walk_min is not None else "", f(e.steps)]
        rows.append(
            {
                **({"id": str(e.id)} if ids else {}),
                "date": e.day.isoformat(),
                "part": e.part,
                "heavy": f(e.heaviness),
                "ankles L/R": f"{f(e.ankle_left_cm) or '–'}/{f(e.ankle_right_cm) or '–'}"
                if has_ankle
                else "",
                "swelling": f(e.swelling),
                "sock marks": {True: "yes", False: "no", None: ""}[e.sock_marks],
                "cramps": f(e.cramps) + (" (night)" if e.night_cramps else ""),
                "pain": f(e.pain),
                "sleep h": f(e.sleep_h),
                "water l": f(e.water_l),
                "walk/steps": " ".join(x for x in walk if x),
                "still h": f(e.hours_still),
                "measures": "" if e.day in shown else ", ".join(by_day.get(e.day, [])),
                "note": f(e.note),
            }
        )
        shown.add(e.day)
    for day in sorted(set(by_day) - shown):
        rows.append({"date": day.isoformat(), "measures": ", ".join(by_day[day])})
    rows.sort(key=lambda r: r["date"])
    every = list(dict.fromkeys(c for r in rows for c in r))
    columns = [c for c in every if c in ("date", "part") or any(r.get(c) for r in rows)]
    if ids and "id" not in columns:
        columns.insert(0, "id")
    out = console()
    table = Table(title="Diary")
    for column in columns:  # only the measures and the note may wrap, at spaces
        table.add_column(column, no_wrap=column not in _TEXT)
    for row in rows:
        # Notes are text, not markup; nor terminal commands (a backup's note may hold ESC).
        table.add_row(*(Text(terminal_text(row.get(c, ""))) for c in columns))
    if Measurement.get(out, out.options.update_width(10_000), table).minimum <= out.width:
        out.print(table)
        return
    # Too narrow for the table: a value cut in half, or a column squeezed to nothing, would
    # misread or hide a record, so each row becomes a line of its own ("2026-12-01 evening: …").
    out.print("Diary", style="bold")
    for row in rows:
        head = " ".join(row[c] for c in ("date", "part") if row.get(c))
        head += f" (id {row['id']})" if row.get("id") else ""
        # A note's line breaks shown as ↵: its next line read as a record of its own.
        values = " · ".join(
            f"{c} {row[c].replace(chr(10), ' ↵ ')}"
            for c in columns
            if c not in _HEAD and row.get(c)
        )
        out.print(Text(terminal_text(f"{head}: {values}" if values else head)))


_TEXT = frozenset({"measures", "note"})
"""Diary columns whose text may wrap; any other value broken over lines reads as another."""
_HEAD = frozenset({"id", "date", "part"})


def show_trends(*, days: int, plot: Path | None, db: str | None, today: dt.date) -> None:
    """Heaviness sparklines by part of the day, the latest ankles, measures done; a chart."""
    from heavylegs.diary.charts import render_plot, sparkline
    from heavylegs.diary.series import build_series

    problems = chart_file_problems(plot)
    if problems:
        raise Fail(problems)
    since = today - dt.timedelta(days=days - 1)
    entries, measures = _read_diary(db, since=since)
    series = build_series(entries, measures, today)
    pad = days - series.size
    out = console()
    if not entries:
        out.print("No diary entries in this period: heavylegs log --heaviness 4")
    else:
        out.print(f"Heaviness, last {days} days (0–10, · = not logged)")
        rows = (("day", series.daily), ("morning", series.morning), ("evening", series.evening))
        for label, values in rows:
            line = "·" * pad + sparkline(list(values))
            out.print(f"  {label:<8} [bold]{line}[/bold]")
        logged = series.window(since, today)
        if logged.size:
            out.print(
                f"  mean {logged.mean():.1f}, range {logged.min():g}–{logged.max():g}, "
                f"{plural(logged.size, 'day', 'days')} logged"
            )
        ankles = [e for e in entries if e.ankle_left_cm is not None or e.ankle_right_cm is not None]
        if ankles:
            last = ankles[-1]
            out.print(
                f"Ankles (latest {last.day.isoformat()} {last.part}): "
                f"{_cm('left', last.ankle_left_cm)}, {_cm('right', last.ankle_right_cm)}"
            )
        named = titles(knowledge())
        for measure in sorted(series.done):
            count = int(series.done[measure].sum())
            out.print(
                f"  {named.get(measure, measure)}: {plural(count, 'day', 'days')}", markup=False
            )
    if plot is not None:
        with writing_file(plot, "--plot"):
            render_plot(series, plot, titles(knowledge()))
        out.print(f"Chart written to {plot}", markup=False)  # a path is not markup


def _cm(side: str, value: float | None) -> str:
    return f"{side} not measured" if value is None else f"{side} {value:.1f} cm"


def show_insights(*, json_output: bool, as_of: str | None, db: str | None, today: dt.date) -> None:
    """Insights as of a day: warnings first, the trend, and each measure's comparison."""
    day = parse_day(as_of, today, "as_of")
    entries, measures = _read_diary(db, until=day)
    if json_output and not entries and not measures:  # nothing yet: no numpy (issue 15)
        from heavylegs.diary.empty import empty_insights

        print_json(empty_insights(day))
        return
    from heavylegs.diary.escalation import wording_from_kb
    from heavylegs.diary.insights import compute_insights

    kb = knowledge()
    result = compute_insights(
        entries, measures, as_of=day, wording=wording_from_kb(kb), titles=titles(kb)
    )
    if json_output:
        print_json(result.to_json())
        return
    _print_insights(result, titles(kb))


def _print_insights(result: Any, titles: dict[str, str]) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    from heavylegs.diary.charts import sparkline
    from heavylegs.diary.summary import signed
    from heavylegs.knowledge.models import Urgency

    out = console()
    colours = {Urgency.EMERGENCY: "red", Urgency.URGENT: "red", Urgency.ROUTINE: "yellow"}
    for flag in result.escalation:
        out.print(
            Panel(
                f"{escape(flag.message)}\n[dim]{escape(flag.wording.message)}[/dim]",
                title=flag.level.value.upper(),
                border_style=colours.get(flag.level, "cyan"),
            )
        )
    out.print(f"[bold]{escape(result.summary)}[/bold]")
    t = result.trend
    weekly = sparkline([w.mean for w in t.weeks])
    out.print(f"Trend: {t.direction.value.replace('_', ' ')}; last 8 weeks {weekly}")
    effects = [e for e in result.effects if e.verdict.value != "not_enough_data"]
    if len(effects) < len(result.effects):
        out.print(
            "[dim]A comparison needs at least 5 days with and 5 without a measure; "
            f"{plural(len(result.effects) - len(effects), 'is', 'are')} left out.[/dim]"
        )
    if not effects:
        return
    table = Table(title="Heaviness with vs without each measure")
    for name in ("measure", "compared on", "days with/without", "difference (95% CI)", "verdict"):
        table.add_column(name)
    for e in effects:
        diff = (
            ""
            if e.difference is None
            else f"{signed(e.difference)} ({signed(e.ci_low)} to {signed(e.ci_high)})"
        )
        table.add_row(
            titles.get(e.measure, e.measure),
            e.outcome.value.replace("_", " "),
            f"{e.n_with}/{e.n_without}",
            diff,
            e.verdict.value.replace("_", " "),
        )
    out.print(table)
