"""A person shares their data with a clinician; every read by the clinician is recorded.

Why it looks like this: a share is a row with a ``revoked_at``; every clinician read asks
:func:`share_active` (one indexed query) at the time of the read, so revoking ends access at
once on every worker. The clinician reads through :func:`shared_store`, which checks the share,
records the read in the audit log the person can see, and hands back the store scoped to the
person (:meth:`heavylegs.store.Store.for_owner`): the clinician's reads go through the same
owner-scoped functions as the person's own.

Sharing is not transitive: a clinician who shares their own data with another reads, and
passes on, nobody else's. What grows is bounded here, with no change of the tables: a person
keeps their newest :data:`MAX_REVOKED_SHARES` revoked shares (share and revoke in a loop), and
their newest :data:`MAX_AUDIT_ROWS` audit lines, where the same read by the same clinician
within :data:`AUDIT_SAME_READ` is one line (a page reloaded in a loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import aliased

from heavylegs.problems import Problems
from heavylegs.store.account_rows import AccountRow, AuditRow, ShareRow
from heavylegs.store.accounts import DISABLED, Role, forget_old_revoked, normal_email
from heavylegs.store.engine import Store

MAX_REVOKED_SHARES = 50
"""Revoked shares a person keeps for the record (older ones are deleted on their next share)."""
MAX_AUDIT_ROWS = 10_000
"""Audit lines kept per person, newest first: years of a clinician's daily reads."""
AUDIT_SAME_READ = timedelta(minutes=1)
"""The same read of the same person by the same clinician this soon after is not written again."""


class SharingError(Problems, ValueError):
    """A share that cannot be made or found; ``problems`` name the field (``clinician_email``,
    ``id``)."""


@dataclass(frozen=True)
class Share:
    """A share as the person sees it."""

    id: int
    clinician_id: int
    clinician_email: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class SharingPerson:
    """A person who shares with a clinician, as the clinician sees them."""

    share_id: int
    person_id: int
    email: str
    since: datetime


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    clinician_id: int
    clinician_email: str
    action: str


def share_with(store: Store, person_id: int, clinician_email: str, now: datetime) -> int:
    """Share ``person_id``'s data with the clinician of that email; the share's id (the active
    share's id when there is one already)."""
    try:
        email = normal_email(clinician_email)
    except Problems as exc:
        raise SharingError(
            [p.replace("email:", "clinician_email:", 1) for p in exc.problems]
        ) from None
    with store.session() as session:
        clinician = session.scalars(select(AccountRow).where(AccountRow.email == email)).first()
        if (
            clinician is None
            or clinician.role != Role.CLINICIAN.value
            or clinician.password_hash == DISABLED  # left the practice: see reset_account
        ):
            raise SharingError([f"clinician_email: no clinician has an account with {email}"])
        if clinician.id == person_id:
            raise SharingError(["clinician_email: that is your own account"])
        existing = session.scalars(
            select(ShareRow.id).where(
                ShareRow.person_id == person_id,
                ShareRow.clinician_id == clinician.id,
                ShareRow.revoked_at.is_(None),
            )
        ).first()
        if existing is not None:
            return int(existing)
        row = ShareRow(person_id=person_id, clinician_id=clinician.id, created_at=now)
        session.add(row)
        session.flush()
        forget_old_revoked(session, ShareRow.person_id, person_id, MAX_REVOKED_SHARES)
        return row.id


def revoke_share(store: Store, person_id: int, share_id: int, now: datetime) -> None:
    """End one of the person's shares at once; :class:`SharingError` when they have no such
    active share (another person's share is "not found" too)."""
    with store.session() as session:
        row = (
            session.get(ShareRow, share_id, with_for_update=True) if 0 < share_id < 2**31 else None
        )
        if row is None or row.person_id != person_id or row.revoked_at is not None:
            raise SharingError([f"id: no active share {share_id}"])
        # Every active share to that clinician ends: two made at once (a double click, two
        # workers) would otherwise leave one open while the person believes it revoked.
        session.execute(
            update(ShareRow)
            .where(
                ShareRow.person_id == person_id,
                ShareRow.clinician_id == row.clinician_id,
                ShareRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )


def shares_of(store: Store, person_id: int) -> list[Share]:
    """The person's shares, active and revoked, newest first."""
    clinician = aliased(AccountRow)
    with store.session() as session:
        rows = session.execute(
            select(ShareRow, clinician.email)
            .join(clinician, clinician.id == ShareRow.clinician_id)
            .where(ShareRow.person_id == person_id)
            .order_by(ShareRow.created_at.desc(), ShareRow.id.desc())
        ).all()
        return [Share(r.id, r.clinician_id, email, r.created_at, r.revoked_at) for r, email in rows]


def people_sharing_with(store: Store, clinician_id: int) -> list[SharingPerson]:
    """The people with an active share to the clinician, by email, each once (their first
    active share, should two have been made at once)."""
    with store.session() as session:
        rows = session.execute(
            select(ShareRow, AccountRow.email)
            .join(AccountRow, AccountRow.id == ShareRow.person_id)
            .where(ShareRow.clinician_id == clinician_id, ShareRow.revoked_at.is_(None))
            .order_by(AccountRow.email, ShareRow.id)
        ).all()
        seen: set[int] = set()
        people = []
        for r, email in rows:
            if r.person_id not in seen:
                seen.add(r.person_id)
                people.append(SharingPerson(r.id, r.person_id, email, r.created_at))
        return people


def share_active(store: Store, person_id: int, clinician_id: int) -> bool:
    """Whether the person shares with the clinician now."""
    with store.session() as session:
        found = session.scalars(
            select(ShareRow.id)
            .join(AccountRow, AccountRow.id == ShareRow.clinician_id)
            .where(
                ShareRow.person_id == person_id,
                ShareRow.clinician_id == clinician_id,
                ShareRow.revoked_at.is_(None),
                AccountRow.role == Role.CLINICIAN.value,
            )
            .limit(1)
        ).first()
        return found is not None


def record_access(
    store: Store, person_id: int, clinician_id: int, action: str, now: datetime
) -> None:
    """Write one line of the person's audit log ("read assessments"): not when the same
    clinician's same read is there from under :data:`AUDIT_SAME_READ` ago, and the person's
    lines past the newest :data:`MAX_AUDIT_ROWS` go (the one place the log is bounded)."""
    action = action[:200]
    with store.session() as session:
        recent = session.scalars(
            select(AuditRow.id)
            .where(
                AuditRow.person_id == person_id,
                AuditRow.clinician_id == clinician_id,
                AuditRow.action == action,
                AuditRow.at > now - AUDIT_SAME_READ,
                AuditRow.at <= now,
            )
            .limit(1)
        ).first()
        if recent is not None:
            return
        session.add(AuditRow(person_id=person_id, clinician_id=clinician_id, at=now, action=action))
        session.flush()
        oldest_kept = session.scalars(
            select(AuditRow.id)
            .where(AuditRow.person_id == person_id)
            .order_by(AuditRow.id.desc())
            .offset(MAX_AUDIT_ROWS - 1)
            .limit(1)
        ).first()
        if oldest_kept is not None:
            session.execute(
                delete(AuditRow).where(AuditRow.person_id == person_id, AuditRow.id < oldest_kept)
            )


def shared_store(
    store: Store, clinician_id: int, person_id: int, action: str, now: datetime
) -> Store | None:
    """The store scoped to ``person_id`` for the clinician's read ``action``, recorded in the
    audit log; ``None`` (record nothing) when there is no active share (the web answers 404)."""
    if not share_active(store, person_id, clinician_id):
        return None
    record_access(store, person_id, clinician_id, action, now)
    return store.for_owner(person_id)


def audit_for(store: Store, person_id: int, limit: int = MAX_AUDIT_ROWS) -> list[AuditEntry]:
    """The recorded reads of the person's data by a clinician, newest first (``limit`` of
    them)."""
    with store.session() as session:
        rows = session.execute(
            select(AuditRow, AccountRow.email)
            .join(AccountRow, AccountRow.id == AuditRow.clinician_id)
            .where(AuditRow.person_id == person_id)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
        ).all()
        return [AuditEntry(r.at, r.clinician_id, email, r.action) for r, email in rows]
