"""``heavylegs assess``: read answers (file, stdin or interactive), assess, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from heavylegs.cli.output import console, error_lines


def _read(source: str) -> tuple[bytes | None, str | None]:
    if source == "-":
        return sys.stdin.buffer.read(), None
    try:
        return Path(source).read_bytes(), None
    except FileNotFoundError:
        return None, f"--answers: no such file: {source}"
    except IsADirectoryError:
        return None, f"--answers: is a folder, not a file: {source}"
    except OSError as exc:
        return None, f"--answers: cannot read {source}: {exc.strerror}"


def run_assess(
    source: str | None,
    *,
    json_output: bool,
    save: Path | None,
    store: bool = False,
    db: str | None = None,
    from_activities: bool = False,
) -> int:
    """Exit code: 0 done, 2 unusable input (one line per problem on stderr), 130 interrupted."""
    from heavylegs.assessment.validation import AnswersError, parse_answers, parse_answers_json

    if store or from_activities or source is None:
        from heavylegs.cli.output import Fail, resolve_db

        try:
            db = resolve_db(db)[0]
        except Fail as exc:
            error_lines(exc.problems)
            return 2
    running: dict[str, Any] = {}
    if from_activities:
        running, problem = _running_from_activities(db)
        if problem is not None:
            error_lines([problem])
            return 2
    if source is None:
        if not sys.stdin.isatty() and not _interactive_forced():
            error_lines(["--answers: give a file or '-' when not running in a terminal"])
            return 2
        from heavylegs.cli.interview import interview

        prefill = {"about": _profile_about(db), "running": running}
        raw = interview(console(), prefill={k: v for k, v in prefill.items() if v})
        if raw is None:
            return 130
        if save is not None:
            save.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
            console().print(f"[dim]Answers saved to {save}[/dim]")
        try:
            answers = parse_answers(raw)
        except AnswersError as exc:
            error_lines(exc.problems)
            return 2
    else:
        if save is not None:
            error_lines(["--save: only with interactive questions (without --answers)"])
            return 2
        data, problem = _read(source)
        if data is None:
            error_lines([problem or "--answers: unreadable"])
            return 2
        try:
            answers = parse_answers_json(data)
            if running:
                answers = _merge_running(answers, running)
        except AnswersError as exc:
            error_lines(exc.problems)
            return 2
    from heavylegs.assessment.engine import assess

    result = assess(answers)
    if store:
        _record(answers, result, db)
    if json_output:
        payload: dict[str, Any] = result.model_dump(mode="json")
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        from heavylegs.cli.render import render_assessment
        from heavylegs.knowledge import load_knowledge

        render_assessment(console(), result, load_knowledge())
    return 0


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


def _record(answers: Any, result: Any, db: str | None) -> None:
    """Keep the assessment for the diary and reports. A database that cannot be written must
    never hide the result, so a failure is a warning on stderr, not an error."""
    from datetime import UTC, datetime

    try:
        from heavylegs.store import (
            StoreError,
            default_url,
            open_store,
            record_assessment,
            upsert_profile,
        )
    except ImportError as exc:  # pragma: no cover - the store is part of the package
        sys.stderr.write(f"warning: assessment not stored ({exc})\n")
        return
    now = datetime.now(UTC)
    answers_json = answers.model_dump(mode="json", exclude_none=True)
    from heavylegs.cli.output import sqlite_file

    path = sqlite_file(db or default_url())
    existed = path is None or path.exists()
    try:
        with open_store(db) as opened, opened.session() as session:
            record_assessment(
                session, answers_json, result.model_dump(mode="json"), result.knowledge_version, now
            )
            upsert_profile(session, answers_json, now)
    except (StoreError, OSError) as exc:
        sys.stderr.write(f"warning: assessment not stored: {exc}\n")
        return
    except Exception as exc:  # the result still prints whatever the database did
        sys.stderr.write(f"warning: assessment not stored ({type(exc).__name__})\n")
        return
    if path is not None and not existed:
        sys.stderr.write(f"created the database {path}\n")


def _running_from_activities(db: str | None) -> tuple[dict[str, Any], str | None]:
    """The running answers the imported activities support, or a problem to report."""
    from datetime import UTC, datetime

    from heavylegs.cli.output import sqlite_file
    from heavylegs.store import StoreError, open_store
    from heavylegs.training.running import running_answers_from_activities

    path = sqlite_file(db) if db else None
    if path is not None and not path.exists():
        return {}, (
            f"--from-activities: no database at {path}; import your watch files first with "
            "`heavylegs import PATH`"
        )
    try:
        with open_store(db) as store, store.session() as session:
            found = running_answers_from_activities(session, datetime.now(UTC))
    except StoreError as exc:
        return {}, f"--from-activities: {exc}"
    if not found:
        return {}, (
            "--from-activities: no recent runs in the database; import your watch files "
            "first with `heavylegs import PATH`"
        )
    return found, None


def _merge_running(answers: Any, running: dict[str, Any]) -> Any:
    """What the person wrote wins; the data fills only the running fields they left out."""
    from heavylegs.assessment.validation import parse_answers

    doc = answers.model_dump(mode="json", exclude_none=True)
    doc["running"] = {**running, **doc.get("running", {})}
    return parse_answers(doc)
