"""Accounts: invites, sign-up, sign-in, sessions, API tokens, password change, rate limit."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from heavylegs.store import Store, open_store
from heavylegs.store.account_rows import AccountRow, InviteRow, LoginAttemptRow, WebSessionRow
from heavylegs.store.accounts import (
    FAILURE_MEMORY,
    FAILURE_WINDOW,
    INVITE_LIFETIME,
    MAX_CLIENT_FAILURES,
    MAX_FAILURES,
    SESSION_LIFETIME,
    Account,
    AccountError,
    LoginRefused,
    RateLimited,
    Role,
    authenticate,
    change_password,
    count_sessions,
    create_invite,
    csrf_token,
    end_session,
    list_accounts,
    new_api_token,
    new_session,
    revoke_api_token,
    session_account,
    sign_up,
    token_account,
)

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


def _join(store: Store, email: str, role: Role = Role.PERSON, at: dt.datetime = NOW) -> Account:
    return sign_up(store, create_invite(store, email, role, at), email, PASSWORD, at)


def test_the_local_person_is_account_one_without_a_password(store: Store) -> None:
    assert list_accounts(store) == [Account(1, "local@localhost", Role.ADMIN)]
    with pytest.raises(LoginRefused):
        authenticate(store, "local@localhost", "", "c", NOW)


def test_the_first_admin_claims_account_one_and_later_admins_do_not(store: Store) -> None:
    first = _join(store, "Admin@Clinic.example", Role.ADMIN)
    assert first == Account(1, "admin@clinic.example", Role.ADMIN)
    second = _join(store, "other@clinic.example", Role.ADMIN)
    assert second.id != 1
    assert authenticate(store, " ADMIN@clinic.example", PASSWORD, "c", NOW) == first


def test_a_person_invite_makes_a_new_account(store: Store) -> None:
    person = _join(store, "p@example.org")
    assert person.id > 1 and person.role is Role.PERSON
    assert [a.email for a in list_accounts(store)] == ["local@localhost", "p@example.org"]


def test_only_a_hash_of_codes_tokens_and_passwords_is_stored(store: Store) -> None:
    code = create_invite(store, "p@example.org", "person", NOW)
    sign_up(store, code, "p@example.org", PASSWORD, NOW)
    token = new_session(store, 2, NOW)
    api = new_api_token(store, 2, NOW)
    with store.engine.connect() as conn:
        dump = "\n".join(
            str(row)
            for table in ("accounts", "invites", "web_sessions", "api_tokens")
            for row in conn.exec_driver_sql(f"SELECT * FROM {table}")
        )
    for secret in (code, token, api, PASSWORD):
        assert secret not in dump
    assert "$argon2" in dump


@pytest.mark.parametrize(
    ("email", "password", "when", "field"),
    [
        ("other@example.org", PASSWORD, NOW, "invite"),  # another email
        ("p@example.org", PASSWORD, NOW + INVITE_LIFETIME, "invite"),  # expired
        ("p@example.org", "short", NOW, "password"),
        ("p@example.org", "p@example.org", NOW, "password"),
        ("not an email", PASSWORD, NOW, "email"),
    ],
)
def test_sign_up_refusals_name_the_field(
    store: Store, email: str, password: str, when: dt.datetime, field: str
) -> None:
    code = create_invite(store, "p@example.org", Role.PERSON, NOW)
    with pytest.raises(AccountError) as caught:
        sign_up(store, code, email, password, when)
    assert caught.value.locations == [field]


def test_an_invite_is_used_once(store: Store) -> None:
    code = create_invite(store, "p@example.org", Role.PERSON, NOW)
    sign_up(store, code, "p@example.org", PASSWORD, NOW)
    with pytest.raises(AccountError, match="invite"):
        sign_up(store, code, "p@example.org", PASSWORD, NOW)
    with pytest.raises(AccountError, match="already has an account"):
        create_invite(store, "P@example.org", Role.PERSON, NOW)
    with pytest.raises(AccountError, match="role"):
        create_invite(store, "q@example.org", "superuser", NOW)
    with store.session() as s:
        assert s.scalars(select(InviteRow.used_at)).all() == [NOW]


def test_sessions_rotate_expire_and_end(store: Store) -> None:
    person = _join(store, "p@example.org")
    first = new_session(store, person.id, NOW)
    second = new_session(store, person.id, NOW)
    assert first != second  # a sign-in always gets a new token
    assert session_account(store, first, NOW + dt.timedelta(days=1)) == person
    assert session_account(store, first, NOW + SESSION_LIFETIME) is None  # expired
    assert session_account(store, "forged", NOW) is None
    end_session(store, second)
    assert session_account(store, second, NOW) is None
    assert count_sessions(store, person.id) == 0
    assert csrf_token(first) != csrf_token(second) and len(csrf_token(first)) == 64


def test_a_session_made_by_one_process_is_valid_in_another(db_url: str) -> None:
    one, two = open_store(db_url), open_store(db_url, owner=None)
    try:
        person = _join(one, "p@example.org")
        token = new_session(one, person.id, NOW)
        assert session_account(two, token, NOW) == person
    finally:
        one.close()
        two.close()


def test_password_change_ends_every_other_session_and_api_token(store: Store) -> None:
    person = _join(store, "p@example.org")
    other_browser = new_session(store, person.id, NOW)
    api = new_api_token(store, person.id, NOW)
    with pytest.raises(LoginRefused):
        change_password(store, person.id, "wrong password!", "new password 123", NOW)
    with pytest.raises(AccountError, match="password"):
        change_password(store, person.id, PASSWORD, "short", NOW)
    assert session_account(store, other_browser, NOW) == person  # nothing changed yet
    fresh = change_password(store, person.id, PASSWORD, "new password 123", NOW)
    assert session_account(store, other_browser, NOW) is None
    assert token_account(store, api, NOW) is None
    assert session_account(store, fresh, NOW) == person
    with pytest.raises(LoginRefused):
        authenticate(store, "p@example.org", PASSWORD, "c", NOW)
    assert authenticate(store, "p@example.org", "new password 123", "c", NOW) == person


def test_api_tokens(store: Store) -> None:
    person = _join(store, "p@example.org")
    token = new_api_token(store, person.id, NOW)
    assert token_account(store, token, NOW) == person
    assert not revoke_api_token(store, 1, token, NOW)  # not account 1's token
    assert revoke_api_token(store, person.id, token, NOW)
    assert token_account(store, token, NOW) is None


def test_the_rate_limit_holds_per_email_and_client_and_per_client(store: Store) -> None:
    """(The back-off itself: tests/store/test_accounts_more.py.)"""
    person = _join(store, "p@example.org")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            authenticate(store, "p@example.org", "wrong", "attacker", NOW)
    with pytest.raises(RateLimited) as limited:  # even with the right password
        authenticate(store, "p@example.org", PASSWORD, "attacker", NOW)
    assert limited.value.retry_after == 60
    # the owner, from their own address, is not held by someone else's guesses
    assert authenticate(store, "p@example.org", PASSWORD, "owner", NOW) == person
    later = NOW + FAILURE_WINDOW + dt.timedelta(seconds=1)
    for i in range(MAX_CLIENT_FAILURES):  # one client trying many emails
        with pytest.raises(LoginRefused):
            authenticate(store, f"nobody{i}@example.org", "x", "sprayer", later)
    with pytest.raises(RateLimited):
        authenticate(store, "p@example.org", PASSWORD, "sprayer", later)


def test_unknown_and_passwordless_accounts_are_refused_alike(store: Store) -> None:
    with pytest.raises(LoginRefused) as unknown:
        authenticate(store, "nobody@example.org", PASSWORD, "c", NOW)
    with pytest.raises(LoginRefused) as local:
        authenticate(store, "local@localhost", PASSWORD, "c", NOW)
    assert str(unknown.value) == str(local.value)


def test_sessions_are_deleted_with_their_account(store: Store) -> None:
    person = _join(store, "p@example.org")
    new_session(store, person.id, NOW)
    with store.session() as s:
        s.delete(s.get(AccountRow, person.id))
    with store.session() as s:
        assert s.scalars(select(WebSessionRow)).all() == []


def test_guessing_the_old_password_is_rate_limited_like_a_sign_in(store: Store) -> None:
    """A stolen session cookie must not buy unlimited guesses at the password (and, with the
    right guess, the account): the password change counts its failures per account and client,
    and is refused past the limit, even with the right password. The owner's sign-in is not
    held: that would only keep the owner from ending the stolen session."""
    person = _join(store, "p@example.org")
    for i in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            change_password(store, person.id, f"guess number {i}", "taken over 123", NOW)
    with pytest.raises(RateLimited):
        change_password(store, person.id, PASSWORD, "taken over 123", NOW)
    assert authenticate(store, "p@example.org", PASSWORD, "the owner's client", NOW) == person
    later = NOW + FAILURE_WINDOW + dt.timedelta(seconds=1)
    assert (
        session_account(
            store, change_password(store, person.id, PASSWORD, "mine 123456", later), later
        )
        == person
    )


def test_an_email_written_in_other_unicode_forms_is_the_same_account(store: Store) -> None:
    """``müller`` typed precomposed or with a combining mark (a copied macOS name), or in
    full-width letters, is one address: no second look-alike account can be made for it, and
    the person signs in and shares with it whichever way it is written."""
    from heavylegs.store.sharing import people_sharing_with, share_with

    composed = "dr.m\u00fcller@clinic.example"
    decomposed = "dr.mu\u0308ller@clinic.example"
    doctor = _join(store, composed, Role.CLINICIAN)
    with pytest.raises(AccountError, match="already has an account"):
        _join(store, decomposed, Role.CLINICIAN)
    assert authenticate(store, decomposed.upper(), PASSWORD, "c", NOW) == doctor
    person = _join(store, "\uff30at@example.org")  # a full-width P
    assert person.email == "pat@example.org"
    assert authenticate(store, "pat@example.org", PASSWORD, "c", NOW) == person
    share_with(store, person.id, decomposed, NOW)
    assert [p.person_id for p in people_sharing_with(store, doctor.id)] == [person.id]


class _Watching(PasswordHasher):
    """argon2's own hasher, noting how many verifications run at once and what the database
    holds while one runs."""

    def __init__(self, look: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.look = look
        self.lock = threading.Lock()
        self.inside = 0
        self.peak = 0
        self.seen: list[int] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self.lock:
            self.inside += 1
            self.peak = max(self.peak, self.inside)
        try:
            if self.look is not None:
                self.seen.append(self.look())
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.inside -= 1


def test_a_failure_is_counted_before_the_password_is_checked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking a password takes a third of a second: a burst of sign-ins sent at once must not
    all pass the limit before the first failure is written. So the attempt is written (and
    committed) first, and no transaction is held open while argon2 runs."""
    from heavylegs.store import accounts

    _join(store, "p@example.org")

    def attempts() -> int:
        with store.session() as session:
            return len(session.scalars(select(LoginAttemptRow.id)).all())

    watching = _Watching(attempts)
    monkeypatch.setattr(accounts, "_HASHER", watching)
    with pytest.raises(LoginRefused):
        authenticate(store, "p@example.org", "wrong password", "c", NOW)
    assert watching.seen == [3]  # the email+client's, the client's, the account's: there
    assert attempts() == 3
    assert authenticate(store, "p@example.org", PASSWORD, "c", NOW).email == "p@example.org"
    assert watching.seen[-1] == 6
    with store.session() as session:  # a success clears the email+client's failures and itself
        assert len(session.scalars(select(LoginAttemptRow.id)).all()) == 2


def test_only_a_few_passwords_are_hashed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each argon2 check takes 64 MiB: forty sign-ins at once (the thread pool's size) would
    take gigabytes. The checks of one process queue behind :data:`HASHES_AT_ONCE`."""
    from heavylegs.store import accounts

    watching = _Watching()
    monkeypatch.setattr(accounts, "_HASHER", watching)
    start = threading.Barrier(6)

    def check() -> None:
        start.wait()
        accounts._verify(accounts._DUMMY_HASH, "a guess")

    threads = [threading.Thread(target=check) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= watching.peak <= accounts.HASHES_AT_ONCE


def test_old_failures_of_every_key_are_forgotten_by_the_next_sign_in(store: Store) -> None:
    """Anyone can add failed sign-ins, under as many emails and addresses as they like: the
    rows past the window must go, whoever's they are, or the table only grows."""
    for i in range(3):
        with pytest.raises(LoginRefused):
            authenticate(store, f"n{i}@example.org", "x", f"client-{i}", NOW)
    later = NOW + FAILURE_MEMORY + dt.timedelta(seconds=1)
    with pytest.raises(LoginRefused):
        authenticate(store, "someone@example.org", "x", "another client", later)
    with store.session() as session:
        kept = session.scalars(select(LoginAttemptRow.at)).all()
    assert kept == [later, later, later]


def test_one_account_keeps_a_bounded_number_of_sessions_and_tokens(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script signing in or making API tokens in a loop must not add rows without end: the
    oldest session ends, and a token past the limit is refused until one is revoked."""
    from heavylegs.store import accounts

    monkeypatch.setattr(accounts, "MAX_SESSIONS", 2)
    monkeypatch.setattr(accounts, "MAX_API_TOKENS", 2)
    person = _join(store, "p@example.org")
    other = _join(store, "o@example.org")
    theirs = new_session(store, other.id, NOW)
    first = new_session(store, person.id, NOW)
    second = new_session(store, person.id, NOW + dt.timedelta(minutes=1))
    third = new_session(store, person.id, NOW + dt.timedelta(minutes=2))
    assert session_account(store, first, NOW) is None
    assert session_account(store, second, NOW) == session_account(store, third, NOW) == person
    assert session_account(store, theirs, NOW) == other
    tokens = [new_api_token(store, person.id, NOW) for _ in range(2)]
    with pytest.raises(AccountError, match="revoke"):
        new_api_token(store, person.id, NOW)
    assert new_api_token(store, other.id, NOW)  # the limit is each account's
    assert revoke_api_token(store, person.id, tokens[0], NOW)
    assert token_account(store, new_api_token(store, person.id, NOW), NOW) == person


@pytest.mark.parametrize("email", ["x\x1b[2J@b.example", "a@b\x07.example", "a\x9b@b.example"])
def test_an_address_with_a_control_character_is_refused(store: Store, email: str) -> None:
    with pytest.raises(AccountError) as caught:
        create_invite(store, email, Role.PERSON, NOW)
    assert caught.value.locations == ["email"]
