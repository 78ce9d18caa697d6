"""Assessments and the profile: what the lead's ``assess`` command stores after each run.

The profile keeps the *stable* parts of the answers (about, history, lifestyle, running) so the
next assessment can start from them. Answers omit what is unknown, so a later assessment that
leaves a field out must not erase what an earlier one said: :func:`merge_profile` only overwrites
the fields the new answers actually contain.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from heavylegs.store.driver_errors import store_error
from heavylegs.store.engine import begin_raw_write, strip_nul
from heavylegs.store.models import AssessmentRow, Base, Profile
from heavylegs.store.owners import Unscoped

if TYPE_CHECKING:
    from heavylegs.store.engine import Store

PROFILE_SECTIONS = ("about", "history", "lifestyle", "running")
_ASSESSMENTS: Table = Base.metadata.tables["assessments"]
_INSERT_ASSESSMENT = insert(_ASSESSMENTS).returning(_ASSESSMENTS.c.id)
_APPEND_SQL = (
    "INSERT INTO assessments (owner_id, at, knowledge_version, triage_level, answers, output)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id"
)


@dataclass(frozen=True)
class StoredAssessment:
    id: int
    at: datetime
    knowledge_version: str
    answers: dict[str, Any]
    output: dict[str, Any]


def record_assessment(
    session: Session,
    answers: Mapping[str, Any],
    output: Mapping[str, Any],
    knowledge_version: str,
    at: datetime,
) -> int:
    """Store one assessment (input JSON, output JSON, knowledge version, aware time); its id."""
    level = output.get("triage", {}).get("level")
    if not isinstance(level, str):
        raise ValueError("output.triage.level: missing; pass the assessment output JSON")
    # One Core INSERT ... RETURNING: no ORM unit of work for a row that is written and let go.
    new_id = session.execute(
        _INSERT_ASSESSMENT,
        {
            "at": at,
            "knowledge_version": knowledge_version,
            "triage_level": level,
            "answers": dict(answers),
            "output": dict(output),
        },
    ).scalar_one()
    return int(new_id)


Binder = Callable[[Any], Any]
_BINDERS: weakref.WeakKeyDictionary[Engine, tuple[Binder, Binder]] = weakref.WeakKeyDictionary()


def _binders(engine: Engine) -> tuple[Binder, Binder]:
    """The column types' own bind processors (time, JSON) for ``engine``: a row written by
    :func:`append_assessment` holds the very values :func:`record_assessment` writes."""
    found = _BINDERS.get(engine)
    if found is None:
        dialect = engine.dialect
        at = _ASSESSMENTS.c.at.type.dialect_impl(dialect).bind_processor(dialect)
        doc = _ASSESSMENTS.c.answers.type.dialect_impl(dialect).bind_processor(dialect)
        assert at is not None and doc is not None
        found = _BINDERS[engine] = (at, doc)
    return found


def append_assessment(
    store: Store,
    answers: Mapping[str, Any],
    output_json: str,
    knowledge_version: str,
    level: str,
    at: datetime,
) -> int | None:
    """:func:`record_assessment` in a transaction of its own, for a SQLite store, with the
    output already JSON text (``output_json``: the assessment's ``model_dump_json()``, the
    bytes an API answers with); the new id, or ``None`` for another database (the caller then
    uses :func:`save_assessment` in ``store.session()``).

    Why: the web API keeps an assessment with each request. The ORM session around its one
    INSERT (unit of work, owner hooks, events, statement cache) cost about three times the
    INSERT and the COMMIT together, and the output was turned into a dict only to be written
    back as the same JSON text. So on SQLite the row goes through the pool's driver connection
    (with the store's pragmas), in a ``BEGIN IMMEDIATE`` transaction, for the owner of
    ``store`` (:class:`Unscoped` without one), its values made by the columns' own bind
    processors, NUL characters dropped as the engine drops them. A test writes the same inputs
    through both paths and compares every column.
    """
    if store.dialect != "sqlite":
        return None
    if store.owner is None:
        raise Unscoped("an assessment was written by a store without an owner")
    bind_time, bind_json = _binders(store.engine)
    # JSON writes NUL as \\u0000; only then is the text rebuilt, without it (as the store does).
    output = output_json if "\\u0000" not in output_json else bind_json(json.loads(output_json))
    row = (
        store.owner,
        bind_time(at),
        strip_nul(knowledge_version),
        strip_nul(level),
        bind_json(dict(answers)),
        output,
    )
    try:
        fairy = store.engine.raw_connection()
        try:
            conn = fairy.driver_connection
            assert isinstance(conn, sqlite3.Connection)
            begin_raw_write(conn, fairy.info)
            try:
                new_id = conn.execute(_APPEND_SQL, row).fetchone()[0]
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            fairy.close()
    except (sqlite3.OperationalError, sqlite3.InterfaceError, sqlite3.InternalError) as exc:
        raise store_error(store.engine, OperationalError(None, None, exc)) from None
    except OperationalError as exc:  # the pool could not connect
        raise store_error(store.engine, exc) from None
    return int(new_id)


def latest_assessment(session: Session) -> StoredAssessment | None:
    """The most recent assessment (by time, then id), or ``None``."""
    row = session.scalars(
        select(AssessmentRow).order_by(AssessmentRow.at.desc(), AssessmentRow.id.desc()).limit(1)
    ).first()
    return None if row is None else _stored(row)


def get_assessment(session: Session, assessment_id: int) -> StoredAssessment | None:
    """One assessment by id, or ``None`` (also for ids no database column could hold)."""
    if not 0 < assessment_id < 2**31:
        return None
    row = session.get(AssessmentRow, assessment_id)
    return None if row is None else _stored(row)


def _stored(row: AssessmentRow) -> StoredAssessment:
    return StoredAssessment(row.id, row.at, row.knowledge_version, row.answers, row.output)


def merge_profile(
    old: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Profile sections after ``answers``: fields present (not ``None``) replace old values."""
    merged: dict[str, dict[str, Any]] = {}
    for section in PROFILE_SECTIONS:
        fields = dict(old.get(section) or {})
        new = answers.get(section)
        if isinstance(new, Mapping):
            fields.update({k: v for k, v in new.items() if v is not None})
        merged[section] = fields
    return merged


def upsert_profile(session: Session, answers: Mapping[str, Any], at: datetime) -> None:
    """Fold the stable sections of ``answers`` (the input JSON) into the stored profile."""
    row = session.scalars(select(Profile).with_for_update()).first()  # the owner's one row
    if row is None:
        row = Profile(about={}, history={}, lifestyle={}, running={}, updated_at=at)
        session.add(row)
    old = {section: getattr(row, section) for section in PROFILE_SECTIONS}
    merged = merge_profile(old, answers)
    if row.id is not None and merged == old:
        return  # nothing new (the usual case): no write; ``updated_at`` says when it changed
    for section, fields in merged.items():
        setattr(row, section, fields)
    row.updated_at = at
    session.flush()


def save_assessment(
    session: Session,
    answers: Mapping[str, Any],
    output: Mapping[str, Any],
    knowledge_version: str,
    at: datetime,
    *,
    update_profile: bool = True,
) -> int:
    """Keep one assessment and, unless told not to, fold its stable answers into the profile
    that pre-fills the next one, in the caller's transaction; the assessment's id.

    What every face does after an assessment (the CLI's ``assess``, the web wizard, the API
    with ``?profile=true``), so they keep the same things the same way.
    """
    assessment_id = record_assessment(session, answers, output, knowledge_version, at)
    if update_profile:
        upsert_profile(session, answers, at)
    return assessment_id


def get_profile(session: Session) -> dict[str, dict[str, Any]]:
    """The stored profile sections (empty sections when nothing is stored yet)."""
    row = session.scalars(select(Profile)).first()  # the owner's one row
    if row is None:
        return {section: {} for section in PROFILE_SECTIONS}
    return {section: dict(getattr(row, section)) for section in PROFILE_SECTIONS}
