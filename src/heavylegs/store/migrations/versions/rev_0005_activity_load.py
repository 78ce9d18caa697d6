"""Activity details keep each activity's heart-rate figures under the heart profile last used.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Why: the training view needs every activity's load (TRIMP) to build fitness and fatigue, and
working it out from the seconds at each heart rate for ten years of runs on every view costs
seconds. The figures depend on the heart profile (rest, max, sex), so they are stored with the
profile they were computed for (``load_profile``) and recomputed, in one place
(:func:`heavylegs.training.repository.refresh_heart_figures`), when that differs or is empty.
Four nullable columns: empty after this migration, filled by the first view; adding them needs
no table rebuild on SQLite and no default on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("hr_covered_s", "load_profile", "trimp", "mean_reserve")


def upgrade() -> None:
    op.add_column("activity_details", sa.Column("hr_covered_s", sa.Double(), nullable=True))
    op.add_column(
        "activity_details", sa.Column("load_profile", sa.String(length=64), nullable=True)
    )
    op.add_column("activity_details", sa.Column("trimp", sa.Double(), nullable=True))
    op.add_column("activity_details", sa.Column("mean_reserve", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_details") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
