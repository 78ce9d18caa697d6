"""``heavylegs assess``: read answers (file, stdin or interactive), assess, print.

Exit codes: 0 done, 2 unusable input (one line per problem on stderr, through ``guard``),
130 interrupted. A database that cannot be written never hides the result: that is a warning.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from heavylegs.cli.output import (
    Fail,
    console,
    guard,
    print_json,
    read_input,
    write_atomically,
)

ANSWERS_MAX_BYTES = 1024 * 1024
"""An answers file is a few kilobytes; anything past a megabyte is the wrong file."""


def _read(source: str) -> bytes:
    return read_input(source, "--answers", ANSWERS_MAX_BYTES, "an answers file")


def _check_save(save: Path | None) -> None:
    """Refuse a ``--save`` file that cannot be written before the questions are asked, so
    nobody answers sixty questions to lose them at the end."""
    if save is None:
        return
    if not str(save).strip() or not save.name:
        raise Fail(["--save: give a file name"])
    if save.is_dir():
        raise Fail([f"--save: is a folder, not a file: {save}"])
    if not save.parent.is_dir():
        raise Fail([f"--save: no such folder: {save.parent}"])


def run_assess(
    source: str | None,
    *,
    json_output: bool,
    save: Path | None,
    store: bool = False,
    db: str | None = None,
    from_activities: bool = False,
) -> None:
    """Assess the answers from ``source`` (a file, ``-`` for stdin, ``None`` to ask them) and
    print the result; keep it in the database with ``store``."""
    data = None
    if source is not None and json_output and save is None and not from_activities:
        with guard():
            data = _read(source)
            if _quick(data, store=store, db=db):
                return
    from heavylegs.assessment.validation import AnswersError

    with guard({AnswersError: 2}):
        answers = _answers(
            source, data, save=save, db=db, resolve=store, from_activities=from_activities
        )
        from heavylegs.assessment.dump import dump_json
        from heavylegs.assessment.engine import assess_document

        output = assess_document(answers)
        if store:
            _record(dump_json(answers, exclude_none=True), output, db)
        if json_output:
            print_json(output)
        else:
            from heavylegs.assessment.result import from_document
            from heavylegs.cli.render import render_assessment
            from heavylegs.knowledge import load_knowledge

            render_assessment(console(), from_document(output), load_knowledge())


def _quick(data: bytes, *, store: bool, db: str | None) -> bool:
    """The JSON output without pydantic (``assessment.startup``), when the plain checks are
    sure of the answers; ``False``: nothing was done, take the full path."""
    from heavylegs.assessment.startup import quick_assess

    found = quick_assess(data)
    if found is None:
        return False
    answers, output = found
    if store:
        _record(answers, output, db)
    print_json(output)
    return True


def _answers(
    source: str | None,
    data: bytes | None,
    *,
    save: Path | None,
    db: str | None,
    resolve: bool,
    from_activities: bool,
) -> Any:
    """The parsed answers (``data``: the bytes of ``source`` when already read); raises
    ``Fail`` or ``AnswersError`` (exit 2), ``typer.Exit(130)``."""
    from heavylegs.assessment.validation import parse_answers, parse_answers_json
    from heavylegs.cli.output import resolve_db

    if resolve or from_activities or source is None:
        db = resolve_db(db)[0]
    running = _running_from_activities(db) if from_activities else {}
    if source is not None:
        if save is not None:
            raise Fail(["--save: only with interactive questions (without --answers)"])
        answers = parse_answers_json(_read(source) if data is None else data)
        return _merge_running(answers, running) if running else answers
    if not sys.stdin.isatty() and not _interactive_forced():
        raise Fail(["--answers: give a file or '-' when not running in a terminal"])
    _check_save(save)
    from heavylegs.cli.interview import interview

    prefill = {"about": _profile_about(db), "running": running}
    raw = interview(console(), prefill={k: v for k, v in prefill.items() if v})
    if raw is None:
        raise typer.Exit(130)
    if save is not None:
        _save(raw, save)
    return parse_answers(raw)


def _save(raw: dict[str, Any], save: Path) -> None:
    """Write the answers given to ``save``; if that fails now, say so and still assess them."""
    import json

    try:
        write_atomically(str(save), (json.dumps(raw, indent=2) + "\n").encode(), "--save")
    except Fail as exc:
        sys.stderr.write(
            "".join(f"warning: {p} (the answers are assessed below)\n" for p in exc.problems)
        )
        return
    console().print(f"Answers saved to {save}", style="dim", markup=False)


def _profile_about(db: str | None) -> dict[str, Any]:
    """Sex and age from the saved profile, to pre-fill the questions (nothing if none saved).

    Looking never creates a database, and a database that cannot be read only means asking.
    """
    from heavylegs.cli.output import sqlite_file
    from heavylegs.store import StoreError, default_url, open_store
    from heavylegs.store.person import load_profile

    url = db or default_url()
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return {}
    try:
        with open_store(url) as opened, opened.session() as session:
            return load_profile(session).about()
    except (StoreError, OSError):
        return {}


def _interactive_forced() -> bool:
    import os

    return os.environ.get("HEAVYLEGS_INTERACTIVE") == "1"


def _record(answers: dict[str, Any], output: dict[str, Any], db: str | None) -> None:
    """Keep the assessment (``answers`` and ``output``: their JSON forms) and its profile for
    the diary and reports. A database that cannot be written must never hide the result, so a
    failure is a warning on stderr, not an error."""
    from heavylegs import fastlite
    from heavylegs.cli.output import now, open_db, resolve_db

    version = output["knowledge_version"]
    at = now()
    try:
        if fastlite.save_assessment(resolve_db(db)[0], answers, output, version, at) is not None:
            return  # the local file at the current schema, written without SQLAlchemy (issue 15)
    except fastlite.Busy as exc:
        sys.stderr.write(f"warning: assessment not stored: {exc}\n")
        return
    from heavylegs.store import StoreError, save_assessment

    try:
        with open_db(db, creates=True) as opened, opened.session() as session:
            save_assessment(session, answers, output, version, at)
    except (StoreError, OSError, Fail) as exc:  # Fail: a database in memory, another program's
        sys.stderr.write(f"warning: assessment not stored: {exc}\n")
    except Exception as exc:  # the result still prints whatever the database did
        sys.stderr.write(f"warning: assessment not stored ({type(exc).__name__})\n")


def _running_from_activities(db: str | None) -> dict[str, Any]:
    """The running answers the imported activities support; ``Fail`` when there are none."""
    from heavylegs.cli.output import now, sqlite_file
    from heavylegs.store import StoreError, open_store
    from heavylegs.training.running import running_answers_from_activities

    path = sqlite_file(db) if db else None
    if path is not None and not path.exists():
        raise Fail(
            [
                f"--from-activities: no database at {path}; import your watch files first with "
                "`heavylegs import PATH`"
            ]
        )
    try:
        with open_store(db) as store, store.session() as session:
            found = running_answers_from_activities(session, now())
    except StoreError as exc:
        raise Fail([f"--from-activities: {exc}"]) from None
    if not found:
        raise Fail(
            [
                "--from-activities: no recent runs in the database; import your watch files "
                "first with `heavylegs import PATH`"
            ]
        )
    return found


def _merge_running(answers: Any, running: dict[str, Any]) -> Any:
    """What the person wrote wins; the data fills only the running fields they left out."""
    from heavylegs.assessment.dump import dump_json
    from heavylegs.assessment.validation import parse_answers

    doc = dump_json(answers, exclude_none=True)
    doc["running"] = {**running, **doc.get("running", {})}
    return parse_answers(doc)
