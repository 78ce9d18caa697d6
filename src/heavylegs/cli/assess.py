"""``heavylegs assess``: read answers (file, stdin or interactive), assess, print.

Exit codes: 0 done, 2 unusable input (one line per problem on stderr, through ``guard``),
130 interrupted. A database that cannot be written never hides the result: that is a warning.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from heavylegs.cli.output import Fail, console, guard, print_json


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise Fail([f"--answers: no such file: {source}"]) from None
    except IsADirectoryError:
        raise Fail([f"--answers: is a folder, not a file: {source}"]) from None
    except OSError as exc:
        raise Fail([f"--answers: cannot read {source}: {exc.strerror}"]) from None


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
    from heavylegs.assessment.validation import AnswersError

    with guard({AnswersError: 2}):
        answers = _answers(source, save=save, db=db, resolve=store, from_activities=from_activities)
        from heavylegs.assessment.dump import dump_json
        from heavylegs.assessment.engine import assess

        result = assess(answers)
        output = dump_json(result)  # pydantic's model_dump(mode="json"), without its serializers
        if store:
            _record(answers, output, result.knowledge_version, db)
        if json_output:
            print_json(output)
        else:
            from heavylegs.cli.render import render_assessment
            from heavylegs.knowledge import load_knowledge

            render_assessment(console(), result, load_knowledge())


def _answers(
    source: str | None, *, save: Path | None, db: str | None, resolve: bool, from_activities: bool
) -> Any:
    """The parsed answers; raises ``Fail`` or ``AnswersError`` (exit 2), ``typer.Exit(130)``."""
    from heavylegs.assessment.validation import parse_answers, parse_answers_json
    from heavylegs.cli.output import resolve_db

    if resolve or from_activities or source is None:
        db = resolve_db(db)[0]
    running = _running_from_activities(db) if from_activities else {}
    if source is not None:
        if save is not None:
            raise Fail(["--save: only with interactive questions (without --answers)"])
        answers = parse_answers_json(_read(source))
        return _merge_running(answers, running) if running else answers
    if not sys.stdin.isatty() and not _interactive_forced():
        raise Fail(["--answers: give a file or '-' when not running in a terminal"])
    from heavylegs.cli.interview import interview

    prefill = {"about": _profile_about(db), "running": running}
    raw = interview(console(), prefill={k: v for k, v in prefill.items() if v})
    if raw is None:
        raise typer.Exit(130)
    if save is not None:
        import json

        save.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
        console().print(f"[dim]Answers saved to {save}[/dim]")
    return parse_answers(raw)


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


def _record(answers: Any, output: dict[str, Any], version: str, db: str | None) -> None:
    """Keep the assessment (``output``: its JSON form) and its profile for the diary and
    reports. A database that cannot be written must never hide the result, so a failure is a
    warning on stderr, not an error."""
    from heavylegs import fastlite
    from heavylegs.assessment.dump import dump_json
    from heavylegs.cli.output import now, open_db, resolve_db

    answers_json = dump_json(answers, exclude_none=True)
    at = now()
    if fastlite.save_assessment(resolve_db(db)[0], answers_json, output, version, at) is not None:
        return  # the local file at the current schema, written without SQLAlchemy (issue 15)
    from heavylegs.store import StoreError, save_assessment

    try:
        with open_db(db, creates=True) as opened, opened.session() as session:
            save_assessment(session, answers_json, output, version, at)
    except (StoreError, OSError) as exc:
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
