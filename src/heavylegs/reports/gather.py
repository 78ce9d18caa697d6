"""Read once what every clinician document needs, through the earlier stages' own readers.

Why one gathering step: the PDF, the FHIR bundle and the calendar must tell the same story.
Reading the store here (and nowhere else in this package) keeps the three documents pure
functions of one :class:`ReportData` value, which tests can also build by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heavylegs import __version__

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.diary.insights import Insights
    from heavylegs.diary.rows import EntryRow, MeasureRow
    from heavylegs.knowledge.models import KnowledgeBase
    from heavylegs.store import StoredAssessment


@dataclass(frozen=True)
class ReportData:
    """Everything stored about the person, plus what the stages compute from it."""

    now: dt.datetime
    """When the document is made (aware, local zone): the injected clock."""
    assessments: list[StoredAssessment]
    """Oldest first."""
    profile: dict[str, dict[str, Any]]
    entries: list[EntryRow]
    measures: list[MeasureRow]
    insights: Insights | None
    training: dict[str, Any] | None
    """The recent running load (the training overview's keys for the last 12 weeks, see
    :func:`heavylegs.training.recent.recent_load`), ``None`` when no activity was imported."""
    measure_titles: dict[str, str] = field(default_factory=dict)
    cause_titles: dict[str, str] = field(default_factory=dict)
    red_flag_titles: dict[str, str] = field(default_factory=dict)
    source_titles: dict[str, str] = field(default_factory=dict)
    version: str = __version__

    @property
    def latest(self) -> StoredAssessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def empty(self) -> bool:
        return not (self.assessments or self.entries or self.measures or self.training)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def about(self) -> Mapping[str, Any]:
        """The latest answers' "about" section, completed from the profile."""
        latest = self.latest
        answers = latest.answers.get("about") if latest is not None else None
        merged = dict(self.profile.get("about") or {})
        merged.update(answers if isinstance(answers, Mapping) else {})
        return merged


def all_assessments(session: Session) -> list[StoredAssessment]:
    """Every stored assessment, oldest first (the store offers only one at a time)."""
    from sqlalchemy import select

    from heavylegs.store import StoredAssessment
    from heavylegs.store.models import AssessmentRow

    rows = session.scalars(select(AssessmentRow).order_by(AssessmentRow.at, AssessmentRow.id))
    return [
        StoredAssessment(r.id, r.at, r.knowledge_version, dict(r.answers), dict(r.output))
        for r in rows
    ]


def titles(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Plain titles of measures, causes and sources, keyed by id."""
    return {
        "measures": {k: m.title for k, m in kb.measures.items()},
        "causes": {k: c.title for k, c in kb.causes.items()},
        "red_flags": {k: f.title for k, f in kb.red_flags.items()},
        "sources": {k: f"{s.publisher}: {s.title}" for k, s in kb.sources.items()},
    }


def gather(
    session: Session, now: dt.datetime, kb: KnowledgeBase, *, with_training: bool = True
) -> ReportData:
    """Read the store and compute insights and the recent running load as of ``now``."""
    from heavylegs.diary.entries import list_entries, list_measures
    from heavylegs.diary.escalation import wording_from_kb
    from heavylegs.diary.insights import compute_insights
    from heavylegs.store import get_profile
    from heavylegs.training.repository import count_rows

    local_now = now.astimezone()
    today = local_now.date()
    names = titles(kb)
    entries = list_entries(session, until=today)
    measures = list_measures(session, until=today)
    insights = None
    if entries or measures:
        insights = compute_insights(
            entries,
            measures,
            as_of=today,
            wording=wording_from_kb(kb),
            titles=names["measures"],
        )
    training = None
    if with_training and count_rows(session).get("activities", 0):
        from heavylegs.training.recent import recent_load

        training = recent_load(session, now)
    return ReportData(
        now=local_now,
        assessments=all_assessments(session),
        profile=get_profile(session),
        entries=entries,
        measures=measures,
        insights=insights,
        training=training,
        measure_titles=names["measures"],
        cause_titles=names["causes"],
        red_flag_titles=names["red_flags"],
        source_titles=names["sources"],
    )
