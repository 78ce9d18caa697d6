"""Diary commands: ``log``, ``done``, ``diary``, ``trends``, ``session``, ``insights``, ``export``,
``import-backup``. A thin face over ``heavylegs.diary`` and ``heavylegs.store``.

This module holds the commands' options and the clocks; each command hands over to the module of
its concept: recording (:mod:`~heavylegs.cli.diary_entry`), reading
(:mod:`~heavylegs.cli.diary_view`), guided sessions (:mod:`~heavylegs.cli.guided`) and the backup
(:mod:`~heavylegs.cli.backup`). Only Typer is imported at module level; SQLAlchemy, numpy, Rich
and matplotlib are imported in the commands that use them. Exit codes: 0 done, 1 the database
cannot do it (message on stderr), 2 bad input (one ``error: field: message`` line per problem on
stderr, nothing on stdout). The clocks below are module attributes so tests can replace them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from heavylegs.cli.output import DbOption, Fail, console, guard, now

if TYPE_CHECKING:
    from rich.console import Console

monotonic: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep

Db = DbOption
DateOpt = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="[default: today]", show_default=False),
]


def _today() -> dt.date:
    return now().astimezone().date()


def _console() -> Console:
    """The shared console (tests set its width)."""
    return console()


# --------------------------------------------------------------------------------- recording


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
    from heavylegs.cli.diary_entry import entry_values, log_entry

    given = entry_values(locals())  # the options named after the entry's fields
    with guard():
        log_entry(given, date=date, part=part, interactive=interactive, db=db, now=now())


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
    with guard():
        from heavylegs.cli.diary_entry import record_done

        record_done(measure, date=date, minutes=minutes, reps=reps, at=at, db=db, now=now())


# ----------------------------------------------------------------------------------- reading

MAX_DAYS = 36_600
"""``--days`` at most a hundred years back (a larger number overflowed the date arithmetic)."""


def diary(
    days: Annotated[int, typer.Option(help="How many days back", min=1, max=MAX_DAYS)] = 14,
    json_output: Annotated[bool, typer.Option("--json", help="Print rows as JSON.")] = False,
    ids: Annotated[
        bool, typer.Option("--ids", help="Show the ids that heavylegs edit and delete take.")
    ] = False,
    db: Db = None,
) -> None:
    """Show the diary as a table (the last 14 days by default)."""
    with guard():
        from heavylegs.cli.diary_view import show_diary

        show_diary(days=days, json_output=json_output, ids=ids, db=db, today=_today())


def trends(
    days: Annotated[int, typer.Option(help="How many days to show", min=2, max=MAX_DAYS)] = 30,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw a chart to FILE.png or FILE.svg")
    ] = None,
    db: Db = None,
) -> None:
    """Heaviness and ankle sparklines in the terminal; --plot draws a chart."""
    with guard():
        from heavylegs.cli.diary_view import show_trends

        show_trends(days=days, plot=plot, db=db, today=_today())


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
    with guard():
        from heavylegs.cli.diary_view import show_insights

        show_insights(json_output=json_output, as_of=as_of, db=db, today=_today())


# ------------------------------------------------------------------------------------ backup


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
    with guard():
        if format != "json":
            raise Fail([f"--format: must be json or fhir (got {format!r})"])
        from heavylegs.cli.backup import export_backup

        export_backup(out, db)


def import_backup(
    file: Annotated[Path, typer.Argument(help="A JSON file written by 'heavylegs export'")],
    db: Db = None,
) -> None:
    """Restore an export into an empty database (all or nothing)."""
    from heavylegs.store import BackupError

    with guard({BackupError: 1}):  # a backup that cannot be restored: exit 1, not 2
        from heavylegs.cli.backup import restore_backup

        restore_backup(file, db)


# ----------------------------------------------------------------------------------- session


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
    with guard():
        from heavylegs.cli.guided import run_guided

        run_guided(
            routine,
            auto=auto,
            yes=yes,
            rep_seconds=rep_seconds,
            db=db,
            wall=now,
            monotonic=monotonic,
            sleep=sleep,
        )


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
