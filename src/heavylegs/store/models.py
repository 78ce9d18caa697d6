"""Tables as SQLAlchemy 2 typed models. Rows only: no formulas, no validation beyond types.

Why these choices:

* Times are stored as naive UTC and handed back aware (:class:`UtcDateTime`), so SQLite (which
  has no time zones) and PostgreSQL return the same values and an export is byte-identical on both.
* Diary days are local calendar dates (``day``): "Tuesday evening" is what a person means, whatever
  the clock's zone was.
* Free-form documents (assessment input and output, the profile sections) are JSON columns: they
  follow the assessment schema, which evolves on its own; the diary fields that insights read are
  real columns.

A change here needs a new Alembic revision in ``migrations/versions`` (a test compares both).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from heavylegs.store.owners import Owned

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so batch migrations on SQLite can find and alter them later."""


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime in, an aware UTC datetime out; naive values are refused."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes given to the store must be time-zone aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class JsonDocument(TypeDecorator[Any]):
    """JSON, stored as JSONB on PostgreSQL. The PostgreSQL dialect is imported when a PostgreSQL
    database is used, not whenever the models load (~30 ms of every SQLite command's start-up)."""

    impl = JSON
    cache_ok = True
    should_evaluate_none = True  # as JSON(): None is stored as JSON null, not SQL NULL

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JsonDoc = JsonDocument()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Profile(Owned, Base):
    """The stable parts of the answers (about, history, lifestyle, running): one row a person."""

    __tablename__ = "profile"
    __table_args__ = (UniqueConstraint("owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    about: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    history: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    lifestyle: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    running: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssessmentRow(Owned, Base):
    """One run of the assessment engine: what went in, what came out, with which knowledge."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    triage_level: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    output: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class DiaryEntry(Owned, Base):
    """A morning or evening diary entry; ``(day, part)`` is unique a person (logging again
    updates it)."""

    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("owner_id", "day", "part"),
        CheckConstraint("part IN ('morning', 'evening')", name="part"),
        CheckConstraint("heaviness IS NULL OR (heaviness >= 0 AND heaviness <= 10)", name="heavy"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    part: Mapped[str] = mapped_column(String(8))
    heaviness: Mapped[int | None] = mapped_column(Integer)
    ankle_left_cm: Mapped[float | None] = mapped_column(Double)
    ankle_right_cm: Mapped[float | None] = mapped_column(Double)
    swelling: Mapped[str | None] = mapped_column(String(8))
    sock_marks: Mapped[bool | None] = mapped_column(Boolean)
    cramps: Mapped[int | None] = mapped_column(Integer)
    night_cramps: Mapped[bool | None] = mapped_column(Boolean)
    pain: Mapped[int | None] = mapped_column(Integer)
    sleep_h: Mapped[float | None] = mapped_column(Double)
    water_l: Mapped[float | None] = mapped_column(Double)
    steps: Mapped[int | None] = mapped_column(Integer)
    walk_min: Mapped[float | None] = mapped_column(Double)
    hours_still: Mapped[float | None] = mapped_column(Double)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeasureDone(Owned, Base):
    """A measure the person did on a day: minutes and/or reps, and when if known."""

    __tablename__ = "measures_done"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    minutes: Mapped[float | None] = mapped_column(Double)
    reps: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("guided_sessions.id", ondelete="SET NULL")
    )


class GuidedSession(Owned, Base):
    """One guided session (``heavylegs session``): which routine, when, and whether it finished."""

    __tablename__ = "guided_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routine: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(16))


class Activity(Owned, Base):
    """A training activity, shaped like the contract's ``heavylegs activities --json`` rows."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("owner_id", "source_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sport: Mapped[str] = mapped_column(String(32))
    start_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Double)
    moving_s: Mapped[float | None] = mapped_column(Double)
    distance_m: Mapped[float | None] = mapped_column(Double)
    avg_hr: Mapped[float | None] = mapped_column(Double)
    max_hr: Mapped[float | None] = mapped_column(Double)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Double)
    elevation_gain_m: Mapped[float | None] = mapped_column(Double)
    source_sha256: Mapped[str] = mapped_column(String(64))


class PersonalProfileRow(Owned, Base):
    """What the person says about themselves once (``heavylegs profile``): one row a person.

    Used to pre-fill the assessment (sex, age), for heart-rate training load (resting and
    maximum heart rate) and for reminders inside working hours (the calendar).
    """

    __tablename__ = "personal_profile"
    __table_args__ = (UniqueConstraint("owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(8))
    age: Mapped[int | None] = mapped_column(Integer)
    resting_hr: Mapped[int | None] = mapped_column(Integer)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    work_start: Mapped[str | None] = mapped_column(String(5))
    work_end: Mapped[str | None] = mapped_column(String(5))
    work_days: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
