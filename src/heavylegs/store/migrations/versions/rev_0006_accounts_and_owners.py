"""Accounts, sharing and an owner on every row of personal data (server mode, issue 13).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Why: one deployment serves many people, so every table with personal data gets ``owner_id``
(an account). A database from before has one person: account 1 is created for them (role
admin, no password; the email is a placeholder) and owns every existing row. In server mode the
first admin who signs up with an admin invite claims account 1 and with it that data; the local
app keeps using account 1 without ever signing in.

What was unique for the one person (a diary day and part, an activity's source file) is now
unique per owner: two people may import the same file. The profile tables keep one row per
owner instead of the row with id 1.

Downgrading keeps account 1's rows only (the older schema has room for one person).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from heavylegs.store.models import UtcDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCAL_EMAIL = "local@localhost"

OWNED = (
    "profile",
    "assessments",
    "guided_sessions",
    "diary_entries",
    "measures_done",
    "activities",
    "activity_files",
    "activity_details",
    "personal_profile",
)
"""Parents before children (the downgrade goes the other way)."""

UNIQUE: dict[str, tuple[tuple[str, list[str]], tuple[str, list[str]]]] = {
    "diary_entries": (
        ("uq_diary_entries_day", ["day", "part"]),
        ("uq_diary_entries_owner_id", ["owner_id", "day", "part"]),
    ),
    "activities": (
        ("uq_activities_source_sha256", ["source_sha256"]),
        ("uq_activities_owner_id", ["owner_id", "source_sha256"]),
    ),
    "activity_files": (
        ("uq_activity_files_sha256", ["sha256"]),
        ("uq_activity_files_owner_id", ["owner_id", "sha256"]),
    ),
}
"""Old (global) and new (per owner) unique constraints."""

ONE_ROW = ("profile", "personal_profile")
"""One row a person."""


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _account_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["accounts.id"],
        name=op.f(f"fk_{table}_{column}_accounts"),
        ondelete="CASCADE",
    )


def _create_accounts() -> None:
    accounts = op.create_table(
        "accounts",
        _id(),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("password_changed_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('person', 'clinician', 'admin')", name=op.f("ck_accounts_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
    )
    op.bulk_insert(
        accounts,
        [
            {
                "id": 1,
                "email": LOCAL_EMAIL,
                "role": "admin",
                "password_hash": None,
                "created_at": datetime.now(UTC),
                "password_changed_at": None,
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('accounts', 'id'), 1, true)")


def _create_account_tables() -> None:
    op.create_table(
        "invites",
        _id(),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code_sha256", name=op.f("uq_invites_code_sha256")),
    )
    for name in ("web_sessions", "api_tokens"):
        last: list[sa.Column[datetime]] = (
            [
                sa.Column("last_seen_at", UtcDateTime(), nullable=False),
                sa.Column("expires_at", UtcDateTime(), nullable=False),
            ]
            if name == "web_sessions"
            else [sa.Column("revoked_at", UtcDateTime(), nullable=True)]
        )
        op.create_table(
            name,
            _id(),
            sa.Column("token_sha256", sa.String(length=64), nullable=False),
            sa.Column("account_id", sa.Integer(), nullable=False),
            sa.Column("created_at", UtcDateTime(), nullable=False),
            *last,
            _account_fk("account_id", name),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
            sa.UniqueConstraint("token_sha256", name=op.f(f"uq_{name}_token_sha256")),
        )
        op.create_index(op.f(f"ix_{name}_account_id"), name, ["account_id"])
    op.create_table(
        "shares",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        _account_fk("person_id", "shares"),
        _account_fk("clinician_id", "shares"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
    )
    op.create_index(op.f("ix_shares_person_id"), "shares", ["person_id"])
    op.create_index(op.f("ix_shares_clinician_id"), "shares", ["clinician_id"])
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        _account_fk("person_id", "audit_log"),
        _account_fk("clinician_id", "audit_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_person_id"), "audit_log", ["person_id"])
    op.create_table(
        "login_attempts",
        _id(),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_key_sha256"), "login_attempts", ["key_sha256"])
    op.create_index(op.f("ix_login_attempts_at"), "login_attempts", ["at"])


def _own(table: str) -> None:
    """``owner_id`` on ``table``: every existing row to account 1, then NOT NULL, indexed, FK."""
    op.add_column(table, sa.Column("owner_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET owner_id = 1")
    with op.batch_alter_table(table) as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f(f"fk_{table}_owner_id_accounts"),
            "accounts",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f(f"ix_{table}_owner_id"), ["owner_id"])
        if table in UNIQUE:
            (old, _), (new, columns) = UNIQUE[table]
            batch.drop_constraint(old, type_="unique")
            batch.create_unique_constraint(op.f(new), columns)
        if table in ONE_ROW:
            batch.create_unique_constraint(op.f(f"uq_{table}_owner_id"), ["owner_id"])


def upgrade() -> None:
    _create_accounts()
    _create_account_tables()
    for table in OWNED:
        _own(table)


def downgrade() -> None:
    for table in reversed(OWNED):
        op.execute(f"DELETE FROM {table} WHERE owner_id <> 1")
    for table in reversed(OWNED):
        with op.batch_alter_table(table) as batch:
            if table in ONE_ROW:
                batch.drop_constraint(f"uq_{table}_owner_id", type_="unique")
            if table in UNIQUE:
                (old, columns), (new, _) = UNIQUE[table]
                batch.drop_constraint(new, type_="unique")
                batch.create_unique_constraint(old, columns)
            batch.drop_index(f"ix_{table}_owner_id")
            batch.drop_constraint(f"fk_{table}_owner_id_accounts", type_="foreignkey")
            batch.drop_column("owner_id")
    for name in ("login_attempts", "audit_log", "shares", "api_tokens", "web_sessions"):
        op.drop_table(name)
    op.drop_table("invites")
    op.drop_table("accounts")
