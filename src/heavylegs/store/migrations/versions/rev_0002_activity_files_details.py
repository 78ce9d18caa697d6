"""Activity source files and details (samples, heart-rate seconds, export metadata).

Revision ID: 0002
Revises: 0001
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

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "activity_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_files_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_activity_files_sha256")),
    )
    op.create_index(op.f("ix_activity_files_activity_id"), "activity_files", ["activity_id"])
    op.create_table(
        "activity_details",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("sub_sport", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=True),
        sa.Column("rpe", sa.Double(), nullable=True),
        sa.Column("run_distance_m", sa.Double(), nullable=True),
        sa.Column("hr_seconds", _json(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("stream", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_details_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_activity_details")),
    )


def downgrade() -> None:
    op.drop_table("activity_details")
    op.drop_index(op.f("ix_activity_files_activity_id"), table_name="activity_files")
    op.drop_table("activity_files")
