"""Every read and write the web does, each scoped to an owner.

Why an explicit owner: the local app has exactly one person and the store has no owner column
yet. Routes still pass the owner to these functions, so when the store grows one (a multi-user
server) the scoping is added here, in one place, instead of being hunted down across the routes.
Until then any owner but the local one is refused: data is never served to the wrong person.

Heavy imports (SQLAlchemy through the store, numpy through the diary) happen inside the functions.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from heavylegs.web.context import LOCAL_OWNER, known_owner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.diary.entries import SessionRecord
    from heavylegs.diary.rows import EntryRow, MeasureRow
    from heavylegs.diary.validation import EntryIn, MeasureDoneIn
    from heavylegs.store import Store, StoredAssessment
    from heavylegs.training.importer import ImportReport
    from heavylegs.training.sources import Upload


def _check_owner(owner: str) -> None:
    if not known_owner(owner):
        raise PermissionError(f"unknown owner {owner!r}: this store holds one person's data")


def save_assessment(
    session: Session,
    owner: str,
    answers: dict[str, Any],
    output: dict[str, Any],
    at: dt.datetime,
    *,
    update_profile: bool = True,
) -> int:
    """Keep one assessment (``answers`` and ``output``: their JSON documents) and, unless told
    not to, fold its stable answers into the profile that pre-fills the next one (the wizard
    does; the API only with ``?profile=true``)."""
    from heavylegs.store import save_assessment as keep

    _check_owner(owner)
    version = output["knowledge_version"]
    return keep(session, answers, output, version, at, update_profile=update_profile)


def append_assessment(
    store: Store,
    owner: str,
    answers: dict[str, Any],
    output: dict[str, Any],
    output_json: str,
    at: dt.datetime,
) -> int | None:
    """Keep one assessment without a profile change by the store's one-INSERT path, its output
    being ``output_json`` (the JSON the API answers with); ``None`` when the store has no such
    path (not SQLite): the caller keeps it with :func:`save_assessment` in a session."""
    from heavylegs.store.assessments import append_assessment as append

    _check_owner(owner)
    level = output["triage"]["level"]
    return append(store, answers, output_json, output["knowledge_version"], level, at)


def load_assessment(session: Session, owner: str, assessment_id: int) -> StoredAssessment | None:
    """One stored assessment by id, or ``None``."""
    from heavylegs.store import get_assessment

    _check_owner(owner)
    return get_assessment(session, assessment_id)


def latest_assessment(session: Session, owner: str) -> StoredAssessment | None:
    from heavylegs.store import latest_assessment as newest

    _check_owner(owner)
    return newest(session)


def profile(session: Session, owner: str) -> dict[str, dict[str, Any]]:
    """The answers that pre-fill the wizard: the last assessment's stable sections, with sex
    and age from the saved profile (the profile page) where it has them."""
    from heavylegs.store import get_profile
    from heavylegs.store.person import load_profile

    _check_owner(owner)
    sections = get_profile(session)
    sections["about"] = {**sections.get("about", {}), **load_profile(session).about()}
    return sections


def add_entry(session: Session, owner: str, entry: EntryIn, now: dt.datetime) -> int:
    from heavylegs.diary.entries import record_entry

    _check_owner(owner)
    return record_entry(session, entry, now)


def add_measure(session: Session, owner: str, done: MeasureDoneIn) -> int:
    from heavylegs.diary.entries import record_measure

    _check_owner(owner)
    return record_measure(session, done)


def add_session(session: Session, owner: str, record: SessionRecord) -> int:
    from heavylegs.diary.entries import record_session

    _check_owner(owner)
    return record_session(session, record)


def entries(
    session: Session, owner: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[EntryRow]:
    from heavylegs.diary.entries import list_entries

    _check_owner(owner)
    return list_entries(session, since=since, until=until)


def first_measure_day(session: Session, owner: str, until: dt.date) -> dt.date | None:
    """The first day a measure was done (up to ``until``), or ``None``."""
    from sqlalchemy import func, select

    from heavylegs.store.models import MeasureDone

    _check_owner(owner)
    return session.scalar(select(func.min(MeasureDone.day)).where(MeasureDone.day <= until))


def measures(
    session: Session, owner: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[MeasureRow]:
    from heavylegs.diary.entries import list_measures

    _check_owner(owner)
    return list_measures(session, since=since, until=until)


def backup_text(session: Session, owner: str) -> str:
    """Everything stored, as the canonical backup JSON (``heavylegs export`` writes the same)."""
    from heavylegs.store import dumps_backup, export_backup

    _check_owner(owner)
    return dumps_backup(export_backup(session))


def import_activities(
    store: Store,
    owner: str,
    uploads: list[Upload],
    now: dt.datetime,
    max_activities: int | None = None,
) -> ImportReport:
    """Import uploaded activity files (archives are never unpacked to disk).

    The importer runs its own short transactions, so it takes the store, not a session. The
    files are read in a separate process with a memory cap and a time limit per file
    (:mod:`heavylegs.training.isolation`): no upload can take the server down. Only an
    in-memory database, which no other process can open, is imported in this process.
    ``max_activities``: the most activities the person may hold (a shared server's limit).
    """
    from heavylegs.training.importer import import_sources
    from heavylegs.training.isolation import Limits, import_uploads, isolatable

    _check_owner(owner)
    url = store.engine.url.render_as_string(hide_password=False)
    if isolatable(url):
        owner_id = None if owner == LOCAL_OWNER else store.owner
        limits = Limits(max_activities=max_activities)
        return import_uploads(url, list(uploads), now=now, limits=limits, owner=owner_id)
    return import_sources(store, list(uploads), now=now, max_activities=max_activities)


def training_overview(session: Session, owner: str, now: dt.datetime) -> dict[str, Any]:
    """The training document the CLI's ``heavylegs training --json`` prints."""
    from heavylegs.store.person import load_profile
    from heavylegs.training.overview import HeartInputs
    from heavylegs.training.overview import training_overview as overview

    _check_owner(owner)
    saved = load_profile(session)  # the heart rates set on the profile page
    return overview(session, now, HeartInputs(saved.resting_hr, saved.max_hr))
