"""Initial schema: profile, assessments, diary entries, measures done, guided sessions, activities.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Column types are spelled out here (not imported from the models) so this revision keeps meaning
the same DDL when the models change later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("about", _json(), nullable=False),
        sa.Column("history", _json(), nullable=False),
        sa.Column("lifestyle", _json(), nullable=False),
        sa.Column("running", _json(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("knowledge_version", sa.String(length=64), nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("output", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(op.f("ix_assessments_at"), "assessments", ["at"])
    op.create_table(
        "guided_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("routine", sa.String(length=64), nullable=False),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("ended_at", _utc(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guided_sessions")),
    )
    op.create_table(
        "diary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("part", sa.String(length=8), nullable=False),
        sa.Column("heaviness", sa.Integer(), nullable=True),
        sa.Column("ankle_left_cm", sa.Double(), nullable=True),
        sa.Column("ankle_right_cm", sa.Double(), nullable=True),
        sa.Column("swelling", sa.String(length=8), nullable=True),
        sa.Column("sock_marks", sa.Boolean(), nullable=True),
        sa.Column("cramps", sa.Integer(), nullable=True),
        sa.Column("night_cramps", sa.Boolean(), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("sleep_h", sa.Double(), nullable=True),
        sa.Column("water_l", sa.Double(), nullable=True),
        sa.Column("steps", sa.Integer(), nullable=True),
        sa.Column("walk_min", sa.Double(), nullable=True),
        sa.Column("hours_still", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint("part IN ('morning', 'evening')", name=op.f("ck_diary_entries_part")),
        sa.CheckConstraint(
            "heaviness IS NULL OR (heaviness >= 0 AND heaviness <= 10)",
            name=op.f("ck_diary_entries_heavy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_entries")),
        sa.UniqueConstraint("day", "part", name=op.f("uq_diary_entries_day")),
    )
    op.create_table(
        "measures_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", _utc(), nullable=True),
        sa.Column("minutes", sa.Double(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["guided_sessions.id"],
            name=op.f("fk_measures_done_session_id_guided_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures_done")),
    )
    op.create_index(op.f("ix_measures_done_day"), "measures_done", ["day"])
    op.create_index(op.f("ix_measures_done_measure"), "measures_done", ["measure"])
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sport", sa.String(length=32), nullable=False),
        sa.Column("start_utc", _utc(), nullable=False),
        sa.Column("utc_offset_s", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Double(), nullable=True),
        sa.Column("moving_s", sa.Double(), nullable=True),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column("avg_hr", sa.Double(), nullable=True),
        sa.Column("max_hr", sa.Double(), nullable=True),
        sa.Column("avg_cadence_spm", sa.Double(), nullable=True),
        sa.Column("elevation_gain_m", sa.Double(), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("source_sha256", name=op.f("uq_activities_source_sha256")),
    )
    op.create_index(op.f("ix_activities_start_utc"), "activities", ["start_utc"])


def downgrade() -> None:
    for table in (
        "activities",
        "measures_done",
        "diary_entries",
        "guided_sessions",
        "assessments",
        "profile",
    ):
        op.drop_table(table)
