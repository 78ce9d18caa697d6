"""Accounts of server mode: invites, sign-up, sign-in, sessions, API tokens, the rate limit.

Why it looks like this:

* Invite-only: an admin (``heavylegs users invite``) makes a one-time code for one email and
  role; only its SHA-256 is stored. Codes, session tokens and API tokens are 256-bit values from
  :mod:`secrets`, stored as SHA-256 (a copy of the database lets nobody sign in); passwords are
  hashed with argon2 (argon2-cffi's defaults, rehashed when those change).
* Everything is in the database, nothing in a worker's memory: a session created by one worker
  is valid on every other, and the sign-in back-off holds across workers.
* The back-off (:mod:`heavylegs.store.login_limits`) counts failures per account *and* client
  address, and per address: nobody can lock a person out by guessing from elsewhere.
* The clock is an argument (``now``), so expiry and the rate limit are tested without waiting.
* Account 1 is the single-person app's person (migration 0006 gives it the data of a database
  from before accounts). The first admin who signs up with an admin invite claims it while it
  has no password: existing data goes to the first admin account.

These functions open their own transactions on ``store`` (any store: the account tables are not
owned, see :mod:`heavylegs.store.owners`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from heavylegs.problems import Problems
from heavylegs.store.account_rows import (
    AccountRow,
    ApiTokenRow,
    InviteRow,
    LoginAttemptRow,
    ShareRow,
    WebSessionRow,
)
from heavylegs.store.engine import Store
from heavylegs.store.login_limits import FAILURE_MEMORY as FAILURE_MEMORY
from heavylegs.store.login_limits import FAILURE_WINDOW as FAILURE_WINDOW
from heavylegs.store.login_limits import MAX_ACCOUNT_FAILURES as MAX_ACCOUNT_FAILURES
from heavylegs.store.login_limits import MAX_CLIENT_FAILURES as MAX_CLIENT_FAILURES
from heavylegs.store.login_limits import MAX_FAILURES as MAX_FAILURES
from heavylegs.store.login_limits import account_key, failure_keys, password_key, retry_after
from heavylegs.store.login_limits import client_group as client_group
from heavylegs.store.owners import LOCAL_ACCOUNT_ID

INVITE_LIFETIME = timedelta(days=7)
SESSION_LIFETIME = timedelta(days=14)
SEEN_EVERY = timedelta(minutes=5)
"""``last_seen_at`` is written at most this often (not a write on every request)."""
MIN_PASSWORD = 10
MAX_SESSIONS = 50
"""Signed-in browsers of one account: a new sign-in past this ends the oldest (a script signing
in in a loop would otherwise add rows for a fortnight each)."""
MAX_API_TOKENS = 50
"""Active API tokens of one account: past this a new one is refused until one is revoked.
Revoked ones are kept for the record, this many of them too (the newest): making and revoking
tokens in a loop must not add rows without end."""
MAX_PASSWORD = 1024
"""Hashing a huge password costs the server, not the attacker: refuse it before hashing."""

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$")
"""One ``@`` between two runs of characters, none a space or a control character (an ESC in
an address was accepted, then written back to the terminal by ``users invite``)."""
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password anyone has")
"""Verified when there is no account, so a missing account costs what a wrong password does."""


class Role(StrEnum):
    PERSON = "person"
    CLINICIAN = "clinician"
    ADMIN = "admin"


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: Role


class AccountError(Problems, ValueError):
    """Bad account input; ``problems`` are ``field: message`` lines (``email``, ``invite``…)."""


class LoginRefused(Exception):
    """Wrong email or password (which one is not said)."""

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong")


class RateLimited(Exception):
    """Too many failed sign-ins: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a code or token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token that goes with a session token: derived, so no worker needs to keep it,
    and useless without the (HttpOnly) session cookie it was derived from."""
    return digest("csrf:" + session_token)


def folded_email(email: str) -> str:
    """``email`` as accounts are stored and looked up: trimmed, lowercased and in Unicode's
    NFKC form, so ``müller`` typed precomposed or with a combining mark, or full-width
    letters, is one address (never two look-alike accounts)."""
    return unicodedata.normalize("NFKC", email.strip().lower()).strip()


def normal_email(email: str) -> str:
    """``email`` folded (:func:`folded_email`); :class:`AccountError` when it is not an
    address."""
    cleaned = folded_email(email)
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise AccountError([f"email: not an email address: {email[:80]!r}"])
    return cleaned


def _account(row: AccountRow) -> Account:
    return Account(row.id, row.email, Role(row.role))


def normal_password(password: str) -> str:
    """``password`` as it is hashed: Unicode NFKC (NIST SP 800-63B's advice; RFC 8265's
    OpaqueString class asks NFC, NFKC also folds full-width letters and odd spaces).

    Why: ``é`` typed on one keyboard is one code point, on another (or pasted from macOS) an
    ``e`` and a combining accent; without this the same password typed on two devices fails.
    Passwords hashed before this (raw) still sign in: :func:`_verify_password` tries the raw
    form when the normalised one fails, and the hash is then remade from the normalised form.
    """
    return unicodedata.normalize("NFKC", password)


def _check_password(password: str, email: str) -> None:
    """``password`` is already :func:`normal_password`'s (its length is what is stored)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError([f"password: at least {MIN_PASSWORD} characters"])
    if len(password) > MAX_PASSWORD:
        raise AccountError([f"password: at most {MAX_PASSWORD} characters"])
    if password.strip().lower() == email:
        raise AccountError(["password: must not be the email address"])


def create_invite(store: Store, email: str, role: Role | str, now: datetime) -> str:
    """A one-time sign-up code for ``email`` with ``role`` (valid :data:`INVITE_LIFETIME`)."""
    address = normal_email(email)
    try:
        chosen = Role(role)
    except ValueError:
        raise AccountError([f"role: one of {', '.join(r.value for r in Role)}"]) from None
    with store.session() as session:
        if _by_email(session, address) is not None:
            raise AccountError([f"email: {address} already has an account"])
        return _add_invite(session, address, chosen.value, now)


def _add_invite(session: Session, address: str, role: str, now: datetime) -> str:
    """A new one-time code for ``address`` kept (as its digest) in ``session``; the code."""
    code = secrets.token_urlsafe(24)
    row = InviteRow(
        code_sha256=digest(code),
        email=address,
        role=role,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    session.add(row)
    return code


def _normal_checked(password: str, email: str) -> str:
    """A new password, normalised and checked (its raw length bounded before NFKC, which can
    lengthen a string several times)."""
    if len(password) > MAX_PASSWORD:
        raise AccountError([f"password: at most {MAX_PASSWORD} characters"])
    normal = normal_password(password)
    _check_password(normal, email)
    return normal


RESET = "!reset"
DISABLED = "!disabled"
"""``password_hash`` of an account whose password an admin took away (:func:`reset_account`):
no password matches it (not an argon2 hash), and unlike ``NULL`` it never lets the first admin
invite claim account 1."""


def reset_account(store: Store, email: str, now: datetime, *, disable: bool = False) -> str | None:
    """An admin takes an account's password away: every session and API token ends at once.

    Why: a person who forgot their password, or a clinician who left the practice (or whose
    laptop was stolen), otherwise keeps their access until each session expires, and there was
    no other way back in. Without ``disable`` a one-time code (an invite for that email, valid
    :data:`INVITE_LIFETIME`) is returned: signing up with it sets a new password on the same
    account, data and shares kept. With ``disable`` no code is made and every share to the
    account (as a clinician) is revoked too; a later reset lets them in again, without those.
    :class:`AccountError` when there is no such account.
    """
    address = normal_email(email)
    with store.session() as session:
        row = session.scalars(
            select(AccountRow).where(AccountRow.email == address).with_for_update()
        ).first()
        if row is None:
            raise AccountError([f"email: no account has {address}"])
        row.password_hash = DISABLED if disable else RESET
        row.password_changed_at = now
        session.execute(delete(WebSessionRow).where(WebSessionRow.account_id == row.id))
        session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.account_id == row.id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(  # codes sent before this one no longer work
            update(InviteRow)
            .where(InviteRow.email == address, InviteRow.used_at.is_(None))
            .values(used_at=now)
        )
        if disable:
            session.execute(
                update(ShareRow)
                .where(ShareRow.clinician_id == row.id, ShareRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return None
        return _add_invite(session, address, row.role, now)


def _by_email(session: Session, email: str) -> AccountRow | None:
    return session.scalars(select(AccountRow).where(AccountRow.email == email)).first()


def sign_up(store: Store, invite: str, email: str, password: str, now: datetime) -> Account:
    """Create the account an invite is for (or claim account 1, see the module docstring)."""
    address = normal_email(email)
    password = _normal_checked(password, address)
    with store.session() as session:
        row = session.scalars(
            select(InviteRow).where(InviteRow.code_sha256 == digest(invite)).with_for_update()
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= now or row.email != address:
            raise AccountError(["invite: not valid (unknown, used, expired or for another email)"])
        account = _by_email(session, address)
        if account is not None and account.password_hash != RESET:
            raise AccountError([f"email: {address} already has an account"])
        hashed = _hash(password)
        if account is None and row.role == Role.ADMIN:
            local = session.get(AccountRow, LOCAL_ACCOUNT_ID, with_for_update=True)
            if local is not None and local.password_hash is None:
                account = local
                account.email = address
                account.role = Role.ADMIN.value
        if account is None:
            account = AccountRow(email=address, role=row.role, created_at=now)
            session.add(account)
        account.password_hash = hashed
        account.password_changed_at = now
        row.used_at = now
        session.flush()
        return _account(account)


def authenticate(
    store: Store, email: str, password: str, client: str, now: datetime, *, known: bool = False
) -> Account:
    """The account whose email and password these are.

    ``client``: who is asking (the client address), the second key of the rate limit.
    ``known``: the client showed it signed in to this account before (a device cookie); then
    the account's limit over every address neither counts nor holds it. Raises
    :class:`RateLimited` (nothing checked, nothing counted) or :class:`LoginRefused` (the
    failure is counted, see :mod:`heavylegs.store.login_limits`).

    The attempt is written as a failure, and committed, before the password is checked: a burst
    of sign-ins sent at once cannot all pass the limit during the third of a second argon2
    takes, and no transaction (on SQLite: the write lock) is held while it runs. A success
    then takes back this account's failures from this client, and its own.
    """
    keys = failure_keys(folded_email(email), client)
    limits = [(keys[0], MAX_FAILURES), (keys[1], MAX_CLIENT_FAILURES)]
    if not known:
        limits.append((account_key(folded_email(email)), MAX_ACCOUNT_FAILURES))
    with store.session() as session:
        # Housekeeping: every failure past the window, not only this email's and client's (an
        # attacker trying ever new emails and addresses would otherwise grow the table forever).
        session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at <= now - FAILURE_MEMORY))
        wait = retry_after(session, tuple(limits), now)
        if wait is not None:
            raise RateLimited(wait)
        attempts = [LoginAttemptRow(key_sha256=key, at=now) for key, _free in limits]
        session.add_all(attempts)
        row = None
        if len(password) <= MAX_PASSWORD:
            row = _by_email(session, folded_email(email))
        hashed = row.password_hash if row is not None else None
        account = _account(row) if row is not None else None
        session.flush()
        mine = [a.id for a in attempts[1:]]
    matched = _verify_password(hashed, password)
    if matched is None or account is None:
        raise LoginRefused()
    with store.session() as session:
        session.execute(
            delete(LoginAttemptRow).where(
                (LoginAttemptRow.key_sha256 == keys[0]) | LoginAttemptRow.id.in_(mine)
            )
        )
        normal = normal_password(password)
        if hashed and (matched != normal or _HASHER.check_needs_rehash(hashed)):
            fresh = _hash(normal)  # a hash from before normalising is remade normalised
            session.execute(
                update(AccountRow)
                .where(AccountRow.id == account.id, AccountRow.password_hash == hashed)
                .values(password_hash=fresh)
            )
    return account


HASHES_AT_ONCE = 2
"""argon2 takes 64 MiB and a third of a second a check: one process runs this many at once
and queues the rest (forty sign-ins at once would otherwise take gigabytes)."""
_HASHING = threading.BoundedSemaphore(HASHES_AT_ONCE)


def _hash(password: str) -> str:
    with _HASHING:
        return _HASHER.hash(password)


def _verify_password(hashed: str | None, password: str) -> str | None:
    """Which form of ``password`` the hash is of: the normalised one (every hash made since
    :func:`normal_password`), else the raw one (a hash from before it), else ``None``.

    The raw form is tried only when it differs, so an ASCII password costs one argon2 check.
    """
    normal = normal_password(password)
    if _verify(hashed, normal):
        return normal
    # With no account the dummy hash is checked twice too: the time taken must not say
    # whether an email has an account.
    if normal != password and _verify(hashed, password) and hashed is not None:
        return password
    return None


def _verify(hashed: str | None, password: str) -> bool:
    try:
        with _HASHING:
            return _HASHER.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    store: Store, account_id: int, old: str, new: str, now: datetime, client: str = ""
) -> str:
    """Set a new password; every session and API token of the account ends. A fresh session
    token (for the browser that made the change). :class:`LoginRefused` when ``old`` is wrong
    (counted per account and client: :mod:`heavylegs.store.login_limits`), :class:`RateLimited`
    past the back-off: a stolen session cookie buys no more guesses than the sign-in page."""
    with store.session() as session:
        row = session.get(AccountRow, account_id, with_for_update=True)
        if row is None:
            raise LoginRefused()
        key = password_key(account_id, client)
        wait = retry_after(session, ((key, MAX_FAILURES),), now)
        if wait is not None:
            raise RateLimited(wait)
        if _verify_password(row.password_hash, old) is not None:
            row.password_hash = _hash(_normal_checked(new, row.email))
            row.password_changed_at = now
            session.execute(delete(WebSessionRow).where(WebSessionRow.account_id == account_id))
            session.execute(
                update(ApiTokenRow)
                .where(ApiTokenRow.account_id == account_id, ApiTokenRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return _new_session(session, account_id, now)
        session.add(LoginAttemptRow(key_sha256=key, at=now))
    raise LoginRefused()  # after the commit: the failure is counted


def _new_session(session: Session, account_id: int, now: datetime) -> str:
    session.execute(  # housekeeping: the account's expired sessions
        delete(WebSessionRow).where(
            WebSessionRow.account_id == account_id, WebSessionRow.expires_at <= now
        )
    )
    older = session.scalars(
        select(WebSessionRow.id)
        .where(WebSessionRow.account_id == account_id)
        .order_by(WebSessionRow.created_at.desc(), WebSessionRow.id.desc())
        .offset(MAX_SESSIONS - 1)
    ).all()
    if older:  # the oldest end, so this one makes MAX_SESSIONS
        session.execute(delete(WebSessionRow).where(WebSessionRow.id.in_(older)))
    token = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_sha256=digest(token),
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token


def new_session(store: Store, account_id: int, now: datetime) -> str:
    """A new session token (always new: a sign-in never reuses one, no session fixation)."""
    with store.session() as session:
        return _new_session(session, account_id, now)


def session_account(store: Store, token: str, now: datetime) -> Account | None:
    """The account of a session token; ``None`` when unknown, ended or expired."""
    if not token or len(token) > 200:
        return None
    with store.session() as session:
        found = session.execute(
            select(WebSessionRow, AccountRow)
            .join(AccountRow, AccountRow.id == WebSessionRow.account_id)
            .where(WebSessionRow.token_sha256 == digest(token))
        ).first()
        if found is None:
            return None
        web, account = found
        if web.expires_at <= now:
            session.delete(web)
            return None
        if now - web.last_seen_at >= SEEN_EVERY:
            web.last_seen_at = now
        return _account(account)


def end_session(store: Store, token: str) -> None:
    """Sign out: the token is forgotten (a no-op for an unknown one)."""
    with store.session() as session:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == digest(token)))


def new_api_token(store: Store, account_id: int, now: datetime) -> str:
    """A bearer token for API clients (valid until revoked or the password changes);
    :class:`AccountError` when the account holds :data:`MAX_API_TOKENS` already."""
    token = "hl_" + secrets.token_urlsafe(32)
    with store.session() as session:
        active = session.scalar(
            select(func.count())
            .select_from(ApiTokenRow)
            .where(ApiTokenRow.account_id == account_id, ApiTokenRow.revoked_at.is_(None))
        )
        if (active or 0) >= MAX_API_TOKENS:
            raise AccountError(
                [f"token: you have {active} API tokens, the most an account keeps; revoke one"]
            )
        session.add(ApiTokenRow(token_sha256=digest(token), account_id=account_id, created_at=now))
        forget_old_revoked(session, ApiTokenRow.account_id, account_id, MAX_API_TOKENS)
    return token


def forget_old_revoked(
    session: Session,
    owner: InstrumentedAttribute[int],
    owner_id: int,
    keep: int,
) -> None:
    """Delete the revoked rows of ``owner_id`` past the newest ``keep`` in the table of the
    ``owner`` column (API tokens, shares): kept for the record, but revoking in a loop must
    not add rows without end."""
    table = owner.class_
    old = session.scalars(
        select(table.id)
        .where(owner == owner_id, table.revoked_at.is_not(None))
        .order_by(table.revoked_at.desc(), table.id.desc())
        .offset(keep)
    ).all()
    if old:
        session.execute(delete(table).where(table.id.in_(old)))


def token_account(store: Store, token: str, now: datetime) -> Account | None:
    """The account of a bearer token; ``None`` when unknown or revoked."""
    if not token or len(token) > 200:
        return None
    with store.session() as session:
        row = session.scalars(
            select(AccountRow)
            .join(ApiTokenRow, ApiTokenRow.account_id == AccountRow.id)
            .where(ApiTokenRow.token_sha256 == digest(token), ApiTokenRow.revoked_at.is_(None))
        ).first()
        return None if row is None else _account(row)


def revoke_api_token(store: Store, account_id: int, token: str, now: datetime) -> bool:
    """Revoke one of the account's tokens; whether there was such a token."""
    with store.session() as session:
        done = session.execute(
            update(ApiTokenRow)
            .where(
                ApiTokenRow.token_sha256 == digest(token),
                ApiTokenRow.account_id == account_id,
                ApiTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return bool(getattr(done, "rowcount", 0))


def get_account(store: Store, account_id: int) -> Account | None:
    with store.session() as session:
        row = session.get(AccountRow, account_id)
        return None if row is None else _account(row)


def account_by_email(store: Store, email: str) -> Account | None:
    with store.session() as session:
        row = _by_email(session, folded_email(email))
        return None if row is None else _account(row)


def list_accounts(store: Store) -> list[Account]:
    """Every account, by id."""
    with store.session() as session:
        return [_account(r) for r in session.scalars(select(AccountRow).order_by(AccountRow.id))]


def forget_old_attempts(store: Store, now: datetime) -> int:
    """Delete failed sign-ins that no longer count (housekeeping); how many."""
    with store.session() as session:
        done = session.execute(
            delete(LoginAttemptRow).where(LoginAttemptRow.at <= now - FAILURE_MEMORY)
        )
        return int(getattr(done, "rowcount", 0) or 0)


def count_sessions(store: Store, account_id: int) -> int:
    with store.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(WebSessionRow)
                .where(WebSessionRow.account_id == account_id)
            )
            or 0
        )
