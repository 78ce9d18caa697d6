"""Clinician commands: ``report``, ``calendar``, ``import-fhir`` (and ``export --format fhir``).

A thin face over :mod:`heavylegs.reports`. Only Typer is imported at module level. Exit codes:
0 written, 1 the database or the file system cannot do it, 2 nothing to write or bad input (one
``error: …`` line on stderr, and no file). The clock is a module attribute so tests can fix it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from heavylegs.cli.output import (
    DbOption,
    Fail,
    guard,
    now,
    open_db,
    read_input,
    write_atomically,
)

if TYPE_CHECKING:
    from heavylegs.reports.gather import ReportData
    from heavylegs.store.person import PersonalProfile


T = TypeVar("T")
Db = DbOption


@contextmanager
def _guard() -> Iterator[None]:
    from heavylegs.reports import NoRoutineCalendar, NothingToReport
    from heavylegs.reports.calendar import HoursError
    from heavylegs.reports.fhir_import import BundleError

    with guard({NothingToReport: 2, NoRoutineCalendar: 2, BundleError: 2, HoursError: 2}):
        yield


def _build(db: str | None, build: Callable[[ReportData], T], *, with_training: bool = True) -> T:
    """Gather the stored data and build a document from it, inside the database's context.

    A new database holds nothing: building then fails (exit 2), and because it fails inside
    the context the new, empty file is removed again.
    """
    from heavylegs.knowledge import load_knowledge
    from heavylegs.reports.gather import gather
    from heavylegs.store import Access, DatabaseBusy

    # With training a writing session: it keeps the heart-rate figures it computes for the next
    # view; without, only reading, so it does not wait for another program's write.
    access = Access.WRITE if with_training else Access.READ
    try:
        with open_db(db, creates=True) as store, store.session(access) as session:
            return build(gather(session, now(), load_knowledge(), with_training=with_training))
    except DatabaseBusy:
        if access is Access.READ:
            raise
    # Another program held the write lock past the busy timeout (its "begin" waited, nothing
    # was read yet): the report only reads, so it is built without keeping the figures. It
    # failed "busy" instead, though reading never waits for a writer.
    with open_db(db, creates=True) as store, store.session(Access.READ) as session:
        return build(gather(session, now(), load_knowledge(), with_training=with_training))


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


def _done(message: str, out: str) -> None:
    if out != "-":
        from heavylegs.cli.output import console

        console().print(message, markup=False)


def report(
    out: Annotated[str, typer.Option("--out", help="PDF file to write ('-' = standard output)")],
    paper: Annotated[str, typer.Option("--paper", metavar="a4|letter", help="Paper size")] = "a4",
    charts: Annotated[
        str,
        typer.Option(
            "--charts",
            metavar="raster|vector",
            help="raster: 120 dpi images (fast); vector: sharp at any zoom (about a second more)",
        ),
    ] = "raster",
    db: Db = None,
) -> None:
    """Write a one-to-three page PDF for a clinician: triage, symptoms, diary, running load."""
    with _guard():
        from heavylegs.reports.charts import ChartFormat
        from heavylegs.reports.pdf import Paper, render_report

        try:
            size = Paper(paper.lower())
        except ValueError:
            raise Fail([f"--paper: must be a4 or letter (got {paper!r})"]) from None
        try:
            kind = ChartFormat(charts.lower())
        except ValueError:
            raise Fail([f"--charts: must be raster or vector (got {charts!r})"]) from None
        if out == "-" and _is_terminal(sys.stdout):  # a PDF's bytes would garble the terminal
            raise Fail(
                [
                    "--out: standard output is a terminal, which cannot show a PDF; give a file"
                    " name (--out report.pdf) or send it on (--out - | lpr)"
                ]
            )
        content = _build(db, lambda data: render_report(data, size, kind))
        write_atomically(out, content)
        _done(f"Report written to {out}", out)


def calendar(
    out: Annotated[str, typer.Option("--out", help="iCalendar file to write ('-' = stdout)")],
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="HH:MM",
            help="Start of the working day [default: your profile's, else 09:00]",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end",
            metavar="HH:MM",
            help="End of the working day [default: your profile's, else 17:30]",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Write your plan's recurring measures as calendar events with reminders (.ics)."""
    with _guard():
        from heavylegs.reports.calendar import WorkingDay, calendar_zone, render_calendar

        zone = calendar_zone()
        for name, given in (("start", start), ("end", end)):
            if given is not None and not given.strip():  # not "use the default"
                raise Fail([f"{name}: give a time of day such as 9:00, or leave out --{name}"])
        hours = WorkingDay.choose(start, end, _saved_profile(db))
        content = _build(db, lambda data: render_calendar(data, hours, zone), with_training=False)
        write_atomically(out, content)
        _done(f"Calendar written to {out}: import it or subscribe to it in your calendar", out)


def _saved_profile(db: str | None) -> PersonalProfile | None:
    """The saved profile (``heavylegs profile``), or None where there is no database yet."""
    from heavylegs.cli.output import resolve_db, sqlite_file
    from heavylegs.store import Access, open_store
    from heavylegs.store.person import load_profile

    url = resolve_db(db)[0]
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return None
    with open_store(url) as store, store.session(Access.READ) as session:
        return load_profile(session)


def export_fhir(out: str, db: str | None) -> None:
    """``heavylegs export --format fhir``: the FHIR R4 bundle (called by the export command)."""
    with _guard():
        from heavylegs.reports.fhir import dumps_bundle, render_bundle

        bundle = _build(db, render_bundle, with_training=False)
        content = dumps_bundle(bundle).encode()
        write_atomically(out, content)
        _done(f"FHIR R4 bundle written to {out}", out)


def import_fhir(
    file: Annotated[
        Path, typer.Argument(help="A bundle written by 'heavylegs export --format fhir'")
    ],
    db: Db = None,
) -> None:
    """Read a heavylegs FHIR bundle back into an empty database (all or nothing)."""
    with _guard():
        from heavylegs.cli.backup import BACKUP_MAX_BYTES
        from heavylegs.knowledge import load_knowledge
        from heavylegs.reports.fhir_import import import_bundle
        from heavylegs.safejson import JsonInputError, loads

        data = read_input(str(file), "file", BACKUP_MAX_BYTES, "a FHIR bundle")
        try:
            document = loads(data)  # within limits: deep nesting or huge numbers are refused
        except JsonInputError as exc:
            raise Fail([f"$: not JSON: {exc}"]) from None
        with open_db(db, creates=True) as store, store.session() as session:
            counts = import_bundle(session, document, load_knowledge(), now())
        listed = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        _done(f"Imported {listed or 'an empty bundle'}", str(file))


def register(app: typer.Typer) -> None:
    """Add the clinician commands to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("report")(report)
    app.command("calendar")(calendar)
    app.command("import-fhir")(import_fhir)
