"""Diary commands: ``log``, ``done``, ``diary``, ``trends``, ``session``, ``insights``, ``export``,
``import-backup``. A thin face over ``heavylegs.diary`` and ``heavylegs.store``.

Only Typer is imported at module level; SQLAlchemy, numpy, Rich and matplotlib are imported in the
commands that use them. Exit codes: 0 done, 1 the database cannot do it (message on stderr),
2 bad input (one ``error: field: message`` line per problem on stderr, nothing on stdout).
The clock and sleep below are module attributes so tests can replace them.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from heavylegs.cli.output import (
    DbOption,
    Fail,
    duration_text,
    guard,
    open_db,
    plural,
    write_atomically,
)

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.diary.routines import Step
    from heavylegs.diary.session import Pacing
    from heavylegs.knowledge.models import KnowledgeBase
    from heavylegs.store import Store

monotonic: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


def now() -> dt.datetime:
    """The wall clock (aware, UTC); tests replace it."""
    return dt.datetime.now(dt.UTC)


Db = DbOption
DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="[default: today]", show_default=False),
]


def _local_now() -> dt.datetime:
    return now().astimezone()


def _today() -> dt.date:
    return _local_now().date()


@contextmanager
def _guard() -> Iterator[None]:
    """The shared guard, plus the diary's own input and backup errors."""
    from heavylegs.diary.validation import DiaryInputError
    from heavylegs.store import BackupError

    with guard({DiaryInputError: 2, BackupError: 1}):
        yield


def _console() -> Console:
    from heavylegs.cli.output import console

    return console()


def _kb() -> KnowledgeBase:
    from heavylegs.knowledge import load_knowledge

    return load_knowledge()


def _titles(kb: KnowledgeBase) -> dict[str, str]:
    return {mid: m.title for mid, m in kb.measures.items()}


def _parse_day(value: str | None, field: str = "date") -> dt.date:
    if value is None:
        return _today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Fail([f"{field}: must be a date YYYY-MM-DD (got {value!r})"]) from None


# --------------------------------------------------------------------------------------- log


ENTRY_PROMPTS: tuple[tuple[str, str], ...] = (
    ("heaviness", "Heaviness 0–10"),
    ("ankle_left_cm", "Left ankle circumference, cm (same spot each time)"),
    ("ankle_right_cm", "Right ankle circumference, cm"),
    ("swelling", "Swelling: none, both, left or right"),
    ("sock_marks", "Sock marks? y/n"),
    ("cramps", "Number of cramps"),
    ("night_cramps", "Cramps at night? y/n"),
    ("pain", "Pain 0–10"),
    ("sleep_h", "Sleep, hours"),
    ("water_l", "Water, litres"),
    ("steps", "Steps"),
    ("walk_min", "Minutes walked"),
    ("hours_still", "Hours sitting or standing still"),
    ("note", "Note"),
)


def log(
    date: DateOpt = None,
    part: Annotated[
        str | None,
        typer.Option("--part", metavar="morning|evening", help="[default: morning before 14:00]"),
    ] = None,
    heaviness: Annotated[
        str | None, typer.Option(metavar="0-10", help="Needed for a new entry.")
    ] = None,
    ankle_left_cm: Annotated[
        str | None, typer.Option(metavar="CM", help="Same spot each time.")
    ] = None,
    ankle_right_cm: Annotated[str | None, typer.Option(metavar="CM")] = None,
    swelling: Annotated[str | None, typer.Option(metavar="none|both|left|right")] = None,
    sock_marks: Annotated[bool | None, typer.Option("--sock-marks/--no-sock-marks")] = None,
    cramps: Annotated[str | None, typer.Option(metavar="N", help="How many cramps")] = None,
    night_cramps: Annotated[bool | None, typer.Option("--night-cramps/--no-night-cramps")] = None,
    pain: Annotated[str | None, typer.Option(metavar="0-10")] = None,
    sleep_h: Annotated[str | None, typer.Option(metavar="H", help="Hours slept")] = None,
    water_l: Annotated[str | None, typer.Option(metavar="L", help="Litres drunk")] = None,
    steps: Annotated[str | None, typer.Option(metavar="N", help="Steps walked")] = None,
    walk_min: Annotated[str | None, typer.Option(metavar="M", help="Minutes walked")] = None,
    hours_still: Annotated[
        str | None, typer.Option(metavar="H", help="Hours sitting or standing still")
    ] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT")] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Ask for each value.")
    ] = False,
    db: Db = None,
) -> None:
    """Record a morning or evening diary entry (the same date and part again updates it)."""
    given: dict[str, Any] = {
        "heaviness": heaviness,
        "ankle_left_cm": ankle_left_cm,
        "ankle_right_cm": ankle_right_cm,
        "swelling": swelling,
        "sock_marks": sock_marks,
        "cramps": cramps,
        "night_cramps": night_cramps,
        "pain": pain,
        "sleep_h": sleep_h,
        "water_l": water_l,
        "steps": steps,
        "walk_min": walk_min,
        "hours_still": hours_still,
        "note": note,
    }
    with _guard():
        from heavylegs.diary.entries import record_entry
        from heavylegs.diary.validation import parse_entry

        today = _today()
        values = {k: v for k, v in given.items() if v is not None}
        data: dict[str, Any] = {
            "date": date or today.isoformat(),
            "part": part or ("morning" if _local_now().hour < 14 else "evening"),
            **values,
        }
        if interactive or (not values and sys.stdin.isatty()):
            data = _ask_entry(data, today)
        elif not values:
            raise Fail(["(entry): give at least --heaviness, or use --interactive"])
        entry = parse_entry(data, today=today)
        with open_db(db, creates=True) as store:
            with store.session() as session:
                record_entry(session, entry, now())
            recorded = ", ".join(_plain(k, v) for k, v in entry.recorded().items())
            _console().print(
                f"Logged {entry.date.isoformat()} {entry.part.value}: {recorded}", markup=False
            )
            _warn_escalations(store, today)


PLAIN: dict[str, tuple[str, str]] = {
    "ankle_left_cm": ("ankle left", " cm"),
    "ankle_right_cm": ("ankle right", " cm"),
    "sock_marks": ("sock marks", ""),
    "night_cramps": ("cramps at night", ""),
    "pain": ("pain", "/10"),
    "heaviness": ("heaviness", "/10"),
    "sleep_h": ("sleep", " h"),
    "water_l": ("water", " l"),
    "walk_min": ("walked", " min"),
    "hours_still": ("still", " h"),
}
"""How a recorded value reads in a sentence: "ankle left 24.0 cm", not ``ankle_left_cm 24.0``."""


def _plain(name: str, value: Any) -> str:
    label, unit = PLAIN.get(name, (name.replace("_", " "), ""))
    if isinstance(value, bool):
        return label if value else f"no {label}"
    if name == "note":
        return f"note “{value}”"
    return f"{label} {getattr(value, 'value', value)}{unit}"


def _cm(side: str, value: float | None) -> str:
    return f"{side} not measured" if value is None else f"{side} {value:.1f} cm"


def _ask_entry(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Ask each value (Enter skips it); ask again for the values that were refused."""
    from heavylegs.diary.validation import DiaryInputError, parse_entry

    console = _console()
    console.print(f"Diary entry for {data['date']} ({data['part']}). Press Enter to skip a value.")
    todo = [name for name, _ in ENTRY_PROMPTS if name not in data]
    while True:
        for name in todo:
            label = dict(ENTRY_PROMPTS)[name]
            answer = typer.prompt(label, default="", show_default=False).strip()
            if answer:
                data[name] = _yes_no(answer) if name in ("sock_marks", "night_cramps") else answer
            else:
                data.pop(name, None)
        try:
            parse_entry(data, today=today)
            return data
        except DiaryInputError as exc:
            for problem in exc.problems:
                console.print(problem, style="red", markup=False)
            todo = [n for n, _ in ENTRY_PROMPTS if any(p.startswith(n + ":") for p in exc.problems)]
            if not todo:
                raise


def _yes_no(answer: str) -> bool | str:
    lowered = answer.lower()
    if lowered in ("y", "yes", "j", "ja", "true", "1"):
        return True
    if lowered in ("n", "no", "nein", "false", "0"):
        return False
    return answer


def _warn_escalations(store: Store, today: dt.date) -> None:
    """After a write: show any warning the diary now triggers (never wait for 'insights')."""
    from rich.markup import escape

    from heavylegs.diary.entries import list_entries, list_measures
    from heavylegs.diary.escalation import escalations, wording_from_kb
    from heavylegs.diary.series import build_series
    from heavylegs.knowledge.models import Urgency

    with store.session() as session:
        series = build_series(list_entries(session), list_measures(session), today)
    for flag in escalations(series, None, wording_from_kb(_kb())):
        if flag.level.rank >= Urgency.ROUTINE.rank:
            colour = "red" if flag.level.rank >= Urgency.URGENT.rank else "yellow"
            _console().print(
                f"[bold {colour}]{flag.level.value.upper()}[/]: {escape(flag.message)}"
            )


# -------------------------------------------------------------------------------------- done


def done(
    measure: Annotated[str, typer.Argument(help="Measure id, e.g. ankle_pumps")],
    date: DateOpt = None,
    minutes: Annotated[str | None, typer.Option(metavar="M", help="How long")] = None,
    reps: Annotated[str | None, typer.Option(metavar="N", help="How many repetitions")] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="HH:MM", help="[default: now, for today]")
    ] = None,
    db: Db = None,
) -> None:
    """Record a measure you did (e.g. heavylegs done ankle_pumps --reps 20)."""
    with _guard():
        from rich.markup import escape

        from heavylegs.diary.caution import caution_for
        from heavylegs.diary.entries import record_measure
        from heavylegs.diary.validation import parse_measure_done
        from heavylegs.store import latest_assessment

        if minutes is not None and reps is not None:
            raise Fail(["--minutes/--reps: give one of them, not both"])
        today = _today()
        day = _parse_day(date)
        when = _at(day, at, today)
        data = {"measure": measure, "date": day, "minutes": minutes, "reps": reps, "at": when}
        known = frozenset(_kb().measures)
        parsed = parse_measure_done(
            {k: v for k, v in data.items() if v is not None}, today=today, known=known
        )
        with open_db(db, creates=True) as store, store.session() as session:
            measure_id = record_measure(session, parsed)
            latest = latest_assessment(session)
        amount = (
            f"{parsed.reps} reps"
            if parsed.reps is not None
            else f"{parsed.minutes:g} min"
            if parsed.minutes is not None
            else "done"
        )
        title = _titles(_kb()).get(parsed.measure, parsed.measure)
        _console().print(
            f"Recorded {title} on {parsed.date.isoformat()}: {amount} (id {measure_id})",
            markup=False,
        )
        caution = caution_for(None if latest is None else latest.output, parsed.measure)
        if caution is not None:
            colour = "red" if caution.serious else "yellow"
            _console().print(f"[bold {colour}]Careful:[/] {escape(caution.message())}")


def _at(day: dt.date, at: str | None, today: dt.date) -> dt.datetime | None:
    if at is None:
        return now() if day == today else None
    try:
        clock = dt.time.fromisoformat(at)
    except ValueError:
        raise Fail([f"at: must be a time HH:MM (got {at!r})"]) from None
    local = dt.datetime.combine(day, clock).astimezone()
    return local.astimezone(dt.UTC)


# ------------------------------------------------------------------------------------- diary


def diary(
    days: Annotated[int, typer.Option(help="How many days back", min=1)] = 14,
    json_output: Annotated[bool, typer.Option("--json", help="Print rows as JSON.")] = False,
    ids: Annotated[
        bool, typer.Option("--ids", help="Show the ids that heavylegs edit and delete take.")
    ] = False,
    db: Db = None,
) -> None:
    """Show the diary as a table (the last 14 days by default)."""
    with _guard():
        from heavylegs.diary.entries import list_entries, list_measures

        since = _today() - dt.timedelta(days=days - 1)
        with open_db(db) as store, store.session() as session:
            entries = list_entries(session, since=since)
            measures = list_measures(session, since=since)
        if json_output:
            import dataclasses
            import json

            payload = {
                "entries": [_jsonable(dataclasses.asdict(e)) for e in entries],
                "measures": [_jsonable(dataclasses.asdict(m)) for m in measures],
            }
            sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
            return
        _print_diary(entries, measures, ids=ids)


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def _print_diary(entries: list[Any], measures: list[Any], *, ids: bool = False) -> None:
    """One row per entry; columns that are empty for the whole period are left out."""
    from rich.table import Table
    from rich.text import Text

    if not entries and not measures:
        _console().print("No diary entries yet: heavylegs log --heaviness 4")
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
    table = Table(title="Diary")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(row.get(c, "")) for c in columns))  # notes are text, not markup
    _console().print(table)


# ------------------------------------------------------------------------------------ trends


def trends(
    days: Annotated[int, typer.Option(help="How many days to show", min=2)] = 30,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw a chart to FILE.png or FILE.svg")
    ] = None,
    db: Db = None,
) -> None:
    """Heaviness and ankle sparklines in the terminal; --plot draws a chart."""
    with _guard():
        from heavylegs.chart_files import ChartFormatError, chart_format
        from heavylegs.diary.charts import render_plot, sparkline
        from heavylegs.diary.entries import list_entries, list_measures
        from heavylegs.diary.series import build_series

        if plot is not None:
            try:
                chart_format(plot)
            except ChartFormatError as exc:
                raise Fail([f"--plot: {exc}"]) from None
        today = _today()
        since = today - dt.timedelta(days=days - 1)
        with open_db(db) as store, store.session() as session:
            entries = list_entries(session, since=since)
            measures = list_measures(session, since=since)
        series = build_series(entries, measures, today)
        pad = days - series.size
        console = _console()
        if not entries:
            console.print("No diary entries in this period: heavylegs log --heaviness 4")
        else:
            console.print(f"Heaviness, last {days} days (0–10, · = not logged)")
            rows = (("day", series.daily), ("morning", series.morning), ("evening", series.evening))
            for label, values in rows:
                line = "·" * pad + sparkline(list(values))
                console.print(f"  {label:<8} [bold]{line}[/bold]")
            logged = series.window(since, today)
            if logged.size:
                console.print(
                    f"  mean {logged.mean():.1f}, range {logged.min():g}–{logged.max():g}, "
                    f"{plural(logged.size, 'day', 'days')} logged"
                )
            ankles = [
                e for e in entries if e.ankle_left_cm is not None or e.ankle_right_cm is not None
            ]
            if ankles:
                last = ankles[-1]
                console.print(
                    f"Ankles (latest {last.day.isoformat()} {last.part}): "
                    f"{_cm('left', last.ankle_left_cm)}, {_cm('right', last.ankle_right_cm)}"
                )
            titles = _titles(_kb())
            for measure in sorted(series.done):
                count = int(series.done[measure].sum())
                console.print(
                    f"  {titles.get(measure, measure)}: {plural(count, 'day', 'days')}",
                    markup=False,
                )
        if plot is not None:
            render_plot(series, plot, _titles(_kb()))
            console.print(f"Chart written to {plot}")


# ----------------------------------------------------------------------------------- insights


def insights(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the insights as JSON.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Compute as if today were YYYY-MM-DD.")
    ] = None,
    db: Db = None,
) -> None:
    """Is it improving, which measures go with less heaviness for you, and when to get checked."""
    with _guard():
        from heavylegs.diary.entries import list_entries, list_measures
        from heavylegs.diary.escalation import wording_from_kb
        from heavylegs.diary.insights import compute_insights

        day = _parse_day(as_of, "as_of")
        with open_db(db) as store, store.session() as session:
            entries = list_entries(session, until=day)
            measures = list_measures(session, until=day)
        kb = _kb()
        result = compute_insights(
            entries, measures, as_of=day, wording=wording_from_kb(kb), titles=_titles(kb)
        )
        if json_output:
            import json

            sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
            return
        _print_insights(result, _titles(kb))


def _print_insights(result: Any, titles: dict[str, str]) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    from heavylegs.diary.charts import sparkline
    from heavylegs.diary.summary import signed
    from heavylegs.knowledge.models import Urgency

    console = _console()
    colours = {Urgency.EMERGENCY: "red", Urgency.URGENT: "red", Urgency.ROUTINE: "yellow"}
    for flag in result.escalation:
        console.print(
            Panel(
                f"{escape(flag.message)}\n[dim]{escape(flag.wording.message)}[/dim]",
                title=flag.level.value.upper(),
                border_style=colours.get(flag.level, "cyan"),
            )
        )
    console.print(f"[bold]{escape(result.summary)}[/bold]")
    t = result.trend
    weekly = sparkline([w.mean for w in t.weeks])
    console.print(f"Trend: {t.direction.value.replace('_', ' ')}; last 8 weeks {weekly}")
    effects = [e for e in result.effects if e.verdict.value != "not_enough_data"]
    if len(effects) < len(result.effects):
        console.print(
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
    console.print(table)


# ------------------------------------------------------------------------------ export/import


def export(
    out: Annotated[str, typer.Option("--out", help="File to write ('-' = standard output)")],
    db: Db = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="json|fhir",
            help="json: the backup (restorable with import-backup); fhir: a FHIR R4 Bundle "
            "for a clinic's system (readable with import-fhir).",
        ),
    ] = "json",
) -> None:
    """Write everything in the database to one JSON file (restorable with import-backup)."""
    if format == "fhir":
        from heavylegs.cli.report import export_fhir

        export_fhir(out, db)
        return
    with _guard():
        if format != "json":
            raise Fail([f"--format: must be json or fhir (got {format!r})"])
        from heavylegs.store import dumps_backup, export_backup

        with open_db(db) as store, store.session() as session:
            text = dumps_backup(export_backup(session))
        write_atomically(out, text.encode("utf-8"))
        if out != "-":
            _console().print(f"Exported to {out}")


def import_backup(
    file: Annotated[Path, typer.Argument(help="A JSON file written by 'heavylegs export'")],
    db: Db = None,
) -> None:
    """Restore an export into an empty database (all or nothing)."""
    with _guard():
        from heavylegs.safejson import JsonInputError, loads
        from heavylegs.store import import_backup as restore

        try:
            document = loads(file.read_bytes())
        except OSError as exc:
            raise Fail([f"file: cannot read {file}: {exc.strerror}"]) from None
        except JsonInputError as exc:
            raise Fail([f"file: not JSON heavylegs can read: {exc}"]) from None
        with open_db(db, creates=True) as store, store.session() as session:
            counts = restore(session, document)
        listed = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()) if n)
        _console().print(f"Restored {listed or 'an empty backup'}")


# ------------------------------------------------------------------------------------ session


def session(
    routine: Annotated[
        str | None,
        typer.Argument(help="A routine (desk, evening, …) or a measure id [default: your plan]"),
    ] = None,
    auto: Annotated[bool, typer.Option("--auto", help="Count reps at a steady pace.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Start at once and pace reps (no key presses).")
    ] = False,
    rep_seconds: Annotated[
        float, typer.Option(help="Seconds per rep with --auto", min=0.5, max=30)
    ] = 2.0,
    db: Db = None,
) -> None:
    """A guided session: timers, rep counts and what to expect, recorded in the diary."""
    with _guard():
        from heavylegs.diary.entries import SessionRecord, record_session
        from heavylegs.diary.routines import UnknownRoutine, resolve
        from heavylegs.diary.session import Pacing, run_session
        from heavylegs.store import latest_assessment

        kb = _kb()
        with open_db(db, creates=True) as store:
            with store.session() as s:
                latest = latest_assessment(s)
            plan_do, avoid = None, None
            if latest is not None:
                plan = latest.output.get("plan", {})
                plan_do = [item["id"] for item in plan.get("do", [])]
                avoid = {item["id"]: item.get("why", "") for item in plan.get("avoid", [])}
            try:
                plan_steps = resolve(routine, kb.measures, plan_do, avoid)
            except UnknownRoutine as exc:
                raise Fail([str(exc)]) from None
            if not plan_steps.steps:
                skipped = "; ".join(f"{k.measure}: {k.reason}" for k in plan_steps.skipped)
                raise Fail([f"routine: nothing to run ({skipped or 'no guided measures'})"])
            interactive = not yes
            if interactive and not sys.stdin.isatty():
                raise Fail(["session: needs a terminal; use --yes to run without key presses"])
            console = _console()
            _session_preamble(console, latest, plan_steps)
            pacing = Pacing.AUTO if (auto or yes) else Pacing.ENTER
            if interactive:
                try:
                    console.input("Press Enter to start (Ctrl-C stops and keeps what you did) ")
                except (KeyboardInterrupt, EOFError):
                    console.print("\nNot started.")
                    raise typer.Exit(130) from None
            started = now()
            view = _RichSessionView(console, pacing)
            result = run_session(
                plan_steps,
                view,
                pacing=pacing,
                clock=monotonic,
                sleep=sleep,
                rep_seconds=rep_seconds,
            )
            view.close()
            ended = now()
            done_list = result.done(ended.astimezone().date(), ended)
            with store.session() as s:
                record_session(
                    s,
                    SessionRecord(plan_steps.name, started, ended, result.outcome.value, done_list),
                )
        what = "; ".join(
            f"{d.measure} " + (f"{d.reps} reps" if d.reps is not None else f"{d.minutes:g} min")
            if d.reps is not None or d.minutes is not None
            else d.measure
            for d in done_list
        )
        head = "Stopped early" if result.outcome.value == "stopped" else "Session complete"
        console.print(f"{head}. Recorded: {what or 'nothing yet'}")


def _session_preamble(console: Console, latest: Any, plan: Any) -> None:
    from rich.markup import escape

    if latest is not None and latest.output.get("triage", {}).get("level") in (
        "urgent",
        "emergency",
    ):
        headline = latest.output["triage"].get("headline", "")
        console.print(f"[bold red]Your last assessment said:[/] {escape(headline)}")
        console.print("[red]A session does not replace that.[/]")
    console.print(f"[bold]Session: {plan.name}[/bold]")
    for step in plan.steps:
        amount = f"{step.reps} reps" if step.reps else duration_text(step.seconds or 0)
        console.print(f"  • {step.title}: set {step.set_no}/{step.sets}, {amount}", markup=False)
    for skipped in plan.skipped:
        console.print(f"  skipped {skipped.measure}: {skipped.reason}", style="dim", markup=False)


class _RichSessionView:
    """Countdown and rep bars with Rich; cues printed above the bar; Enter counts a rep."""

    def __init__(self, console: Console, pacing: Pacing) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        self.console = console
        self.pacing = pacing
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            auto_refresh=False,
        )
        self.task: Any = None

    def _live(self, step: Step) -> bool:
        return step.reps is None or self.pacing.value == "auto"

    def step_started(self, step: Step) -> None:
        from rich.markup import escape

        self.console.print(
            f"\n[bold]{escape(step.title)}[/bold] — set {step.set_no} of {step.sets}"
        )
        for line in step.instructions:
            self.console.print(f"  {line}", markup=False)
        if self._live(step):
            total = step.reps or step.seconds or 1
            self.task = self.bar.add_task(step.title, total=total, status="")
            self.bar.start()

    def progress(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        if self.task is None:
            return
        if step.reps is not None:
            self.bar.update(self.task, completed=reps_done, status=f"{reps_done}/{step.reps} reps")
        else:
            left = max((step.seconds or 0) - elapsed_s, 0)
            self.bar.update(
                self.task,
                completed=elapsed_s,
                status=f"{int(left) // 60}:{int(left) % 60:02d} left",
            )
        self.bar.refresh()

    def cue(self, step: Step, text: str) -> None:
        self.console.print(f"  › {text}", style="cyan", markup=False)

    def wait_for_rep(self, step: Step, rep: int) -> None:
        total = step.reps or 1
        self.console.input(f"  rep {rep}/{total} — Enter ")

    def step_finished(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        if self.task is not None:
            self.bar.stop()
            self.bar.remove_task(self.task)
            self.task = None

    def close(self) -> None:
        self.bar.stop()


def register(app: typer.Typer) -> None:
    """Add the diary commands to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("log")(log)
    app.command("done")(done)
    app.command("diary")(diary)
    app.command("trends")(trends)
    app.command("session")(session)
    app.command("insights")(insights)
    app.command("export")(export)
    app.command("import-backup")(import_backup)
