"""Assessments and the profile: what the lead's ``assess`` command stores after each run.

The profile keeps the *stable* parts of the answers (about, history, lifestyle, running) so the
next assessment can start from them. Answers omit what is unknown, so a later assessment that
leaves a field out must not erase what an earlier one said: :func:`merge_profile` only overwrites
the fields the new answers actually contain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from heavylegs.store.models import AssessmentRow, Base, Profile

PROFILE_SECTIONS = ("about", "history", "lifestyle", "running")
_ASSESSMENTS: Table = Base.metadata.tables["assessments"]
_INSERT_ASSESSMENT = insert(_ASSESSMENTS).returning(_ASSESSMENTS.c.id)


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
