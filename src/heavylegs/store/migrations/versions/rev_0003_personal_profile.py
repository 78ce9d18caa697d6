"""The personal profile: sex, age, resting and maximum heart rate, working hours.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Column types are spelled out here (not imported from the models) so this revision keeps meaning
the same DDL when the models change later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("resting_hr", sa.Integer(), nullable=True),
        sa.Column("max_hr", sa.Integer(), nullable=True),
        sa.Column("work_start", sa.String(length=5), nullable=True),
        sa.Column("work_end", sa.String(length=5), nullable=True),
        sa.Column("work_days", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_profile")),
    )


def downgrade() -> None:
    op.drop_table("personal_profile")
