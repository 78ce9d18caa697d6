"""Training commands: ``import``, ``activities``, ``training``. A thin face over ``training``.

Only Typer is imported at module level. Exit codes: 0 done (an import batch that skipped bad
files still ran: 0), 1 the database cannot do it, ``--on-error stop`` stopped the batch, or
nothing at all was imported and some file was refused (the JSON summary is printed all the same),
2 unusable arguments (one ``error: …`` line each on stderr, nothing on stdout).
``import`` reads the files in a child process with a memory cap and a time limit per file
(:mod:`heavylegs.training.isolation`, as the web does), so a file that crashes, floods or hangs
the reader is one skipped line; only an in-memory database is imported in this process.
The clock and the limits are module attributes so tests can replace them. The overview's text
(the weeks table and what its marks mean) is :mod:`heavylegs.cli.training_view`'s.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from heavylegs.cli.output import (
    DbOption,
    Fail,
    chart_file_problems,
    guard,
    now,
    open_db,
    print_json,
    writing_file,
)

if TYPE_CHECKING:
    from heavylegs.training.importer import FileNote, ImportReport, Progress
    from heavylegs.training.isolation import Limits


LIMITS: Limits | None = None
"""What one ``import`` may use (memory of the reading process, time per file); ``None`` is
:class:`~heavylegs.training.isolation.Limits`' defaults. Tests set smaller ones."""


Db = DbOption
Json = Annotated[bool, typer.Option("--json", help="Print JSON (the contract) on stdout.")]


# ------------------------------------------------------------------------------------ import


def _path(text: str) -> Path:
    """An import path as typed; an empty one (``"$UNSET"``) is refused, not read as ``.``,
    which imported every file under the working folder."""
    if not text.strip():
        raise typer.BadParameter("an empty path; give a file or folder")
    return Path(text)


def import_activities(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="FIT, GPX or TCX files (also .gz), folders, or Strava/Garmin export zips.",
            show_default=False,
            metavar="PATH...",
            parser=_path,
        ),
    ],
    json_output: Json = False,
    on_error: Annotated[
        str,
        typer.Option(
            "--on-error",
            metavar="skip|stop",
            help="A bad file is reported and skipped (skip), or stops the batch (stop).",
        ),
    ] = "skip",
    db: Db = None,
) -> None:
    """Import activities from your watch or app exports (never type them in)."""
    from heavylegs.training.importer import ImportStopped, OnError, import_paths
    from heavylegs.training.isolation import Limits, import_isolated, isolatable

    with guard():
        problems = [f"PATH: no such file or folder: {p}" for p in paths if not p.exists()]
        try:
            mode = OnError(on_error)
        except ValueError:
            problems.append(f"--on-error: must be skip or stop (got {on_error!r})")
            mode = OnError.SKIP
        if problems:
            raise Fail(problems)
        interrupted = False
        with open_db(db, creates=True) as store, _progress() as report_progress:
            try:
                url = store.engine.url.render_as_string(hide_password=False)
                if isolatable(url):  # a file that crashes or floods the reader is one line
                    report = import_isolated(
                        url, paths, now=now(), limits=LIMITS or Limits(), on_error=mode,
                        progress=report_progress,
                    )  # fmt: skip
                else:
                    report = import_paths(
                        store, paths, now=now(), on_error=mode, progress=report_progress
                    )
                # nothing at all came in and some file was refused: that is a failure
                came = report.imported or report.activities or report.duplicates or report.merged
                nothing = not came
                code = 1 if nothing and report.skipped else 0
            except ImportStopped as stopped:
                report = stopped.report
                code = 1
            except KeyboardInterrupt:  # caught here, so a new database is kept, not removed
                interrupted = True
        if interrupted:
            from heavylegs.cli.output import error_lines

            error_lines(
                ["interrupted: what was stored before stays; the same command again goes on "
                 "(files already imported are recognised)"]
            )  # fmt: skip
            raise typer.Exit(130)
        if json_output:
            print_json(report.to_json())
        else:
            _print_report(report)
        if code:
            from heavylegs.cli.output import error_lines

            last = report.skipped[-1]
            error_lines(
                [f"stopped at {last.file}: {last.message}"]
                if mode is OnError.STOP
                else ["nothing imported: no file was an activity heavylegs can read"]
            )
            raise typer.Exit(code)


@contextmanager
def _progress() -> Iterator[Any]:
    """A Rich progress bar on stderr (counts and ETA) when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich import progress as rich_progress
    from rich.console import Console

    bar = rich_progress.Progress(
        rich_progress.TextColumn("importing"),
        rich_progress.BarColumn(),
        rich_progress.MofNCompleteColumn(),
        rich_progress.TextColumn("{task.fields[counts]}"),
        rich_progress.TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("import", total=None, counts="")

    def update(step: Progress) -> None:
        bar.update(
            task,
            completed=step.done,
            total=step.total,
            counts=f"new {step.imported} · duplicate {step.duplicates} · skipped {step.skipped}",
        )

    with bar:
        yield update


def _print_report(report: ImportReport) -> None:
    from heavylegs.cli.output import console
    from heavylegs.training.import_report import LISTED

    out = console()
    out.print(
        f"Imported {report.activities} new activit{'y' if report.activities == 1 else 'ies'} "
        f"from {report.imported} new file(s); {report.duplicates} duplicate file(s); "
        f"{len(report.skipped)} skipped."
    )
    # names and reasons come from the files (a zip member called "[/bold].fit"): never markup
    for merge in report.merged[:LISTED]:
        out.print(
            f"  merged: {_shown(merge.file)} = {_shown(merge.kept)} (activity {merge.activity_id})"
        )
    if len(report.merged) > LISTED:
        out.print(f"  … and {len(report.merged) - LISTED} more merged (--json lists every file)")
    skipped, warned = "[red]skipped[/red]", "[yellow]warning[/yellow]"
    for word, notes in ((skipped, report.skipped), (warned, report.warnings)):
        for line in _lines(notes):
            out.print(f"  {word} {line}")


def _shown(text: str) -> str:
    """A file name or reason as printed: no markup, and control or format characters as "?".

    Names come from archives and CSV rows: a member called ``ESC [2J.fit`` cleared the screen.
    """
    import unicodedata

    from rich.markup import escape

    if not text.isprintable():
        text = "".join("?" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return escape(text)


def _lines(notes: list[FileNote]) -> list[str]:
    """Every note, or past ``LISTED`` the first files of each reason and how many more
    (:func:`heavylegs.training.import_report.note_lines`)."""
    from heavylegs.training.import_report import note_lines

    found, shortened = note_lines(notes)
    lines = [
        f"{_shown(n.file)}: {_shown(n.message)}"
        if n.file is not None
        else f"… and {n.more} more, for {n.other_reasons} other reasons"
        if n.other_reasons
        else f"… and {n.more} more: {_shown(n.message)}"
        for n in found
    ]
    if shortened:
        lines[-1] += " (--json lists every file)"
    return lines


# -------------------------------------------------------------------------------- activities


def _day(value: str | None, name: str, problems: list[str]) -> dt.datetime | None:
    """A ``YYYY-MM-DD`` option as midnight UTC; a day outside 1900–9998 is a problem (year 1
    or 9999 overflowed the date arithmetic behind it)."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{name}: a date as YYYY-MM-DD (got {value!r})")
        return None
    if not _FIRST_DAY <= day <= _LAST_DAY:
        problems.append(f"{name}: must be between {_FIRST_DAY} and {_LAST_DAY} (got {value})")
        return None
    return dt.datetime.combine(day, dt.time(), dt.UTC)


_FIRST_DAY, _LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)


def activities(
    json_output: Json = False,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="From this day on.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="YYYY-MM-DD", help="Up to and including this day."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, max=1_000_000, help="Only the newest N activities."),
    ] = None,
    db: Db = None,
) -> None:
    """List imported activities, newest first, with their names from Strava/Garmin exports."""
    from heavylegs.training.repository import listed_rows

    with guard():
        problems: list[str] = []
        start = _day(since, "--since", problems)
        end = _day(until, "--until", problems)
        if problems:
            raise Fail(problems)
        from heavylegs.store import Access

        with open_db(db) as store, store.session(Access.READ) as session:
            rows = listed_rows(
                session,
                since=start,
                until=end + dt.timedelta(days=1) if end is not None else None,
                limit=limit,
            )
    if json_output:
        print_json(rows)
        return
    from rich.table import Table
    from rich.text import Text

    from heavylegs.cli.output import console

    if not rows:
        filtered = since is not None or until is not None
        console().print(
            "No activities in that period."
            if filtered
            else "No activities yet: import your watch files with 'heavylegs import PATH'."
        )
        return
    from heavylegs.cli.terminal_text import terminal_text

    table = Table("id", "start (UTC)", "name", "type", "km", "time", "avg HR", "cadence")
    for row in rows:
        seconds = row["moving_s"] or row["duration_s"] or 0
        sub = row["sub_sport"]
        kind = row["sport"] + (f" ({sub})" if sub and sub != "generic" else "")
        table.add_row(
            str(row["id"]),
            row["start_utc"].replace("T", " ").rstrip("Z"),
            # a name from an export or a person: text, not markup, and never terminal controls
            # (a name stored before import cleaned them could clear or retitle the terminal)
            Text(terminal_text(row["name"] or "")),
            Text(terminal_text(kind)),
            "" if row["distance_m"] is None else f"{row['distance_m'] / 1000:.2f}",
            f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}",
            "" if row["avg_hr"] is None else f"{row['avg_hr']:.0f}",
            "" if row["avg_cadence_spm"] is None else f"{row['avg_cadence_spm']:.0f}",
        )
    console().print(table)


# ---------------------------------------------------------------------------------- training


def _heart_value(value: float | None, name: str, low: float, high: float) -> list[str]:
    if value is not None and not low <= value <= high:
        return [f"{name}: must be between {low:g} and {high:g} bpm (got {value:g})"]
    return []


def training(
    json_output: Json = False,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--plot", "--chart", metavar="FILE", help="Write the load chart to FILE.png or .svg."
        ),
    ] = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=1000, help="Weeks in the table.")
    ] = 12,
    hr_rest: Annotated[
        float | None, typer.Option("--hr-rest", help="Your resting heart rate (bpm).")
    ] = None,
    hr_max: Annotated[
        float | None, typer.Option("--hr-max", help="Your maximum heart rate (bpm).")
    ] = None,
    seed_load: Annotated[
        float | None,
        typer.Option(
            "--seed-load",
            min=0,
            max=1000,
            help="Your usual daily load (TRIMP) to start the load model from "
            "[default: the mean of your first 6 weeks].",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Daily series, cadence and diary scores from this day on "
            "[default: the weeks in the table].",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Weekly load, fitness/fatigue/form, load ratio, cadence, and heaviness against load."""
    with guard():
        problems = _heart_value(hr_rest, "--hr-rest", 25, 120)
        problems += _heart_value(hr_max, "--hr-max", 100, 240)
        problems += chart_file_problems(chart)
        if hr_rest is not None and hr_max is not None and hr_max <= hr_rest + 20:
            problems.append("--hr-max: must be well above --hr-rest")
        shown_from = _day(since, "--since", problems)
        if problems:
            raise Fail(problems)
        if json_output and chart is None and _nothing_stored(db):  # no numpy, no SQLAlchemy
            from heavylegs.training.empty import empty_overview

            print_json(empty_overview(now(), hr_rest, hr_max))
            return
        from heavylegs.training.overview import HeartInputs, training_overview

        with open_db(db) as store, store.session() as session:
            from heavylegs.store.person import load_profile

            saved = load_profile(session)  # heart rates given here win over the profile's
            heart = HeartInputs(
                hr_rest if hr_rest is not None else saved.resting_hr,
                hr_max if hr_max is not None else saved.max_hr,
                seed_load,
            )
            document = training_overview(
                session, now(), heart, weeks=weeks,
                since=shown_from.date() if shown_from is not None else None,
            )  # fmt: skip
        if chart is not None:
            from heavylegs.training.charts import render_chart

            with writing_file(chart, "--plot"):
                render_chart(document, chart, days=7 * weeks)
    if json_output:
        print_json(document)
        return
    from heavylegs.cli.training_view import print_training

    print_training(document, chart)


def _nothing_stored(db: str | None) -> bool:
    """Whether the local SQLite file holds nothing the training document reads (issue 15:
    start-up); ``False`` when only the store can tell."""
    from heavylegs import fastlite
    from heavylegs.cli.output import resolve_db
    from heavylegs.training.empty import EMPTY_TABLES

    return fastlite.is_empty(resolve_db(db)[0], EMPTY_TABLES) is True


def register(app: typer.Typer) -> None:
    """Add the training commands to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("import")(import_activities)
    app.command("activities")(activities)
    app.command("training")(training)
