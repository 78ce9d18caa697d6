"""The backup from the terminal: everything in the database to one JSON file (``export``), and
back into an empty database (``import-backup``), all or nothing. The store does the work
(:mod:`heavylegs.store.backup`); the options live in :mod:`heavylegs.cli.diary`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from heavylegs.cli.output import Fail, console, now, open_db, read_input, write_atomically

BACKUP_MAX_BYTES = 1024 * 1024 * 1024
"""A backup or FHIR bundle larger than this is refused before it is read (years of diary
and activities make tens of megabytes; a wrong file, or ``/dev/zero``, must not fill memory)."""


def export_backup(out: str, db: str | None) -> None:
    """Write the canonical backup JSON to ``out`` ('-' = standard output)."""
    from heavylegs.store import Access, dumps_backup, export_backup

    with open_db(db) as store, store.session(Access.READ) as session:
        text = dumps_backup(export_backup(session))
    write_atomically(out, text.encode("utf-8"))
    if out != "-":
        console().print(f"Exported to {out}", markup=False)  # a path is not markup


def restore_backup(file: Path, db: str | None) -> None:
    """Restore ``file`` into an empty database; say what came back."""
    from heavylegs.safejson import JsonInputError, loads
    from heavylegs.store import import_backup

    try:
        document = loads(read_input(str(file), "file", BACKUP_MAX_BYTES, "a heavylegs backup"))
    except JsonInputError as exc:
        raise Fail([f"file: not JSON heavylegs can read: {exc}"]) from None
    _check_assessments(document)
    _check_diary(document, now().astimezone().date())
    try:
        with open_db(db, creates=True) as store, store.session() as session:
            counts = import_backup(session, document)
    except KeyboardInterrupt:  # the restore is one transaction: nothing of it was kept
        sys.stderr.write("Stopped — nothing was restored.\n")
        raise typer.Exit(130) from None
    listed = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()) if n)
    console().print(f"Restored {listed or 'an empty backup'}")


def _check_assessments(document: object) -> None:
    """Refuse a backup whose assessments heavylegs could not have written (the store checks
    only their JSON shape: it knows nothing of answers and results), before any database is
    opened or made."""
    from heavylegs.assessment.validation import capped, stored_problems
    from heavylegs.store import BackupError

    tables = document.get("tables") if isinstance(document, dict) else None
    rows = tables.get("assessments") if isinstance(tables, dict) else None
    if not isinstance(rows, list):
        return  # the store names what is wrong with the document itself
    problems = [
        f"tables.assessments[{i}].{line}"
        for i, row in enumerate(rows)
        if isinstance(row, dict)
        and row.get("answers") is not None
        and row.get("output") is not None
        for line in stored_problems(row["answers"], row["output"])
    ]
    if problems:
        raise BackupError(capped(problems))


DIARY_ROWS = {
    "diary_entries": ("id", "created_at", "updated_at"),
    "measures_done": ("id", "session_id"),
}
"""The diary tables a backup restores, and the columns that are the store's, not the person's
(what is left is what ``log`` and ``done`` take, with ``day`` for their ``date``)."""


def _check_diary(document: object, today: dt.date) -> None:
    """Refuse diary rows that ``log`` or ``done`` would refuse, naming each value by its place
    in the file: the store checks only types and broad dates, so a note of 100,000 characters,
    heaviness 99 or an entry dated 2090 restored and then filled or broke the diary, insights
    and reports. One set of limits (:mod:`heavylegs.diary.fields`), whether typed or restored.
    """
    from heavylegs.assessment.validation import capped
    from heavylegs.diary.validation import DiaryInputError, parse_entry, parse_measure_done
    from heavylegs.store import BackupError

    tables = document.get("tables") if isinstance(document, dict) else None
    if not isinstance(tables, dict):
        return  # the store names what is wrong with the document itself
    problems: list[str] = []
    for name, stores in DIARY_ROWS.items():
        rows = tables.get(name)
        parse = parse_entry if name == "diary_entries" else parse_measure_done
        for i, row in enumerate(rows if isinstance(rows, list) else []):
            if not isinstance(row, dict):
                continue  # the store says it must be an object
            values = {k: v for k, v in row.items() if k not in stores and v is not None}
            if "day" in values:
                values["date"] = values.pop("day")
            try:
                parse(values, today=today)
            except DiaryInputError as exc:
                problems.extend(f"tables.{name}[{i}].{_column(line)}" for line in exc.problems)
    problems += _session_problems(tables.get("guided_sessions"), today)
    if problems:
        raise BackupError(capped(problems))


def _session_problems(rows: object, today: dt.date) -> list[str]:
    """A guided session as a session records it: a known outcome, ended after it started,
    not after tomorrow (the store would take any order and any date up to a year ahead)."""
    from heavylegs.diary.session import Outcome

    problems: list[str] = []
    latest = today + dt.timedelta(days=1)
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        where = f"tables.guided_sessions[{i}]"
        if "outcome" in row and row["outcome"] not in {o.value for o in Outcome}:
            known = " or ".join(repr(o.value) for o in Outcome)
            problems.append(f"{where}.outcome: must be {known} (got {row['outcome']!r})")
        times = {name: _when(row.get(name)) for name in ("started_at", "ended_at")}
        for name, when in times.items():
            if when is not None and when.date() > latest:
                problems.append(f"{where}.{name}: must not be after tomorrow ({latest})")
        start, end = times["started_at"], times["ended_at"]
        if start is not None and end is not None and end < start:
            problems.append(f"{where}.ended_at: must not be before started_at")
    return problems


def _when(value: object) -> dt.datetime | None:
    """An aware date-time from the file (``None`` for anything else: the store names it)."""
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _column(problem: str) -> str:
    """A diary problem named by the backup's column (``date: …`` is the row's ``day``)."""
    return "day" + problem.removeprefix("date") if problem.startswith("date:") else problem
