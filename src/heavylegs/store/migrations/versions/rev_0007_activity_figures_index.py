"""An index holding what the training views read of every activity's details.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Why: the training page reads each activity's stored heart-rate figures (TRIMP, covered seconds,
the profile they were computed for), its exertion, running distance and sub-sport. On SQLite
those columns come after the packed samples (~20 KB an hour) in the row, so reading them from
the table walks every run's samples: at ten years most of the page's time. A covering index
(``ix_activity_details_figures``) answers the read without touching the rows
(:func:`heavylegs.training.repository.activity_rows` names it). An index only: no data changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_activity_details_figures"
COLUMNS = [
    "owner_id", "activity_id", "sub_sport", "run_distance_m", "rpe", "hr_covered_s",
    "load_profile", "trimp", "mean_reserve",
]  # fmt: skip


def upgrade() -> None:
    op.create_index(NAME, "activity_details", COLUMNS)


def downgrade() -> None:
    op.drop_index(NAME, table_name="activity_details")
