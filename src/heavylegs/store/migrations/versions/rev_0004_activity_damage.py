"""Activity details remember why a kept file is damaged (an undamaged copy then replaces it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

One nullable column: adding it needs no table rebuild on SQLite and no default on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("activity_details", sa.Column("damage", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_details") as batch:
        batch.drop_column("damage")
