"""Accounts, more: passwords in any Unicode form, the sign-in back-off that cannot lock the
owner out, the bounded audit log and share rows (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from sqlalchemy import update

from heavylegs.store import Store
from heavylegs.store.account_rows import AccountRow
from heavylegs.store.accounts import (
    LoginRefused,
    Role,
    authenticate,
    change_password,
    create_invite,
    sign_up,
)

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
COMPOSED = unicodedata.normalize("NFC", "café crème brûlée")
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def _join(store: Store, email: str, password: str, role: Role = Role.PERSON) -> int:
    return sign_up(store, create_invite(store, email, role, NOW), email, password, NOW).id


def test_a_password_typed_composed_or_decomposed_is_the_same(store: Store) -> None:
    assert COMPOSED != DECOMPOSED
    me = _join(store, "p@example.org", DECOMPOSED)
    assert authenticate(store, "p@example.org", COMPOSED, "phone", NOW).id == me
    assert authenticate(store, "p@example.org", DECOMPOSED, "laptop", NOW).id == me
    wide = "ｃａｆé crème brûlée"  # full-width letters, as some keyboards give them
    assert authenticate(store, "p@example.org", wide, "tablet", NOW).id == me
    token = change_password(store, me, COMPOSED, "nouveau mot de passe é", NOW)
    assert token
    later = NOW + dt.timedelta(minutes=1)
    new_nfd = unicodedata.normalize("NFD", "nouveau mot de passe é")
    assert authenticate(store, "p@example.org", new_nfd, "phone", later).id == me
    with pytest.raises(LoginRefused):
        authenticate(store, "p@example.org", COMPOSED, "phone", later)


def test_an_account_hashed_before_normalising_still_signs_in(store: Store) -> None:
    """A hash made from the raw (decomposed) form, as every hash was before: the person still
    signs in with what they type, and the hash is remade so both forms work from then on."""
    from heavylegs.store import accounts

    me = _join(store, "p@example.org", "placeholder password")
    with store.session() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.id == me)
            .values(password_hash=accounts._HASHER.hash(DECOMPOSED))
        )
    assert authenticate(store, "p@example.org", DECOMPOSED, "laptop", NOW).id == me
    assert authenticate(store, "p@example.org", COMPOSED, "phone", NOW).id == me


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lightest: these tests make a few hundred checks."""
    from argon2 import PasswordHasher

    from heavylegs.store import accounts

    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64))


def _guess(store: Store, client: str, at: dt.datetime, email: str = "p@example.org") -> str:
    from heavylegs.store.accounts import RateLimited

    try:
        authenticate(store, email, "a wrong guess", client, at)
    except LoginRefused:
        return "refused"
    except RateLimited as exc:
        return f"wait {exc.retry_after}"
    return "signed in"


def test_guessing_backs_off_to_a_ceiling_and_never_locks_the_owner_out(
    store: Store, cheap_hashes: None
) -> None:
    """An attacker guessing from one address: a few tries, then waits of 1, 2, 4, 8 minutes
    and at most 15, measured from their own latest failure. The owner, from their own address,
    signs in all along; the attacker never gets more than a bounded number of guesses a day."""
    from heavylegs.store.accounts import FAILURE_WINDOW, MAX_FAILURES

    me = _join(store, "p@example.org", "the right password")
    assert [_guess(store, "attacker", NOW) for _ in range(MAX_FAILURES)] == ["refused"] * 5
    assert _guess(store, "attacker", NOW) == "wait 60"
    at = NOW
    waits = []
    for _ in range(6):  # each try made as soon as it is allowed
        at += dt.timedelta(seconds=1)
        waits.append(_guess(store, "attacker", at))
        at += dt.timedelta(seconds=int(waits[-1].split()[1]))
        assert _guess(store, "attacker", at) == "refused"
    assert waits == ["wait 59", "wait 119", "wait 239", "wait 479", "wait 899", "wait 899"]
    assert authenticate(store, "p@example.org", "the right password", "owner", at).id == me
    # a day of guessing as fast as allowed: about 5 + 4 + 96 tries, not thousands
    tries, day_end = 0, NOW + dt.timedelta(hours=24)
    at = NOW + dt.timedelta(hours=1)
    while at < day_end:
        if _guess(store, "attacker", at) == "refused":
            tries += 1
        at += dt.timedelta(minutes=1)
        if at.minute == 0:
            assert authenticate(store, "p@example.org", "the right password", "owner", at).id == me
    assert tries <= 24 * 60 // int(FAILURE_WINDOW.total_seconds() // 60) + 1


def test_one_address_trying_many_accounts_is_held_and_a_success_clears_its_own(
    store: Store, cheap_hashes: None
) -> None:
    from heavylegs.store.accounts import MAX_CLIENT_FAILURES, RateLimited

    me = _join(store, "p@example.org", "the right password")
    for i in range(MAX_CLIENT_FAILURES):
        assert _guess(store, "sprayer", NOW, f"n{i}@example.org") == "refused"
    assert _guess(store, "sprayer", NOW, "someone@example.org").startswith("wait")
    with pytest.raises(RateLimited):
        authenticate(store, "p@example.org", "the right password", "sprayer", NOW)
    # a person's own typos are forgiven by their next success
    for _ in range(4):
        assert _guess(store, "home", NOW) == "refused"
    assert authenticate(store, "p@example.org", "the right password", "home", NOW).id == me
    assert [_guess(store, "home", NOW) for _ in range(5)] == ["refused"] * 5


@pytest.fixture
def trio(store: Store) -> tuple[int, int, int]:
    """A person and two clinicians."""
    return (
        _join(store, "p@example.org", "a long enough password"),
        _join(store, "a@clinic.example", "a long enough password", Role.CLINICIAN),
        _join(store, "b@clinic.example", "a long enough password", Role.CLINICIAN),
    )


def test_the_audit_log_is_bounded_per_person(
    store: Store, trio: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page reloaded in a loop is one line a minute, and a person keeps their newest lines
    only; another person's log is untouched by it."""
    from heavylegs.store import sharing

    monkeypatch.setattr(sharing, "MAX_AUDIT_ROWS", 5)
    person, doc, other_doc = trio
    other = _join(store, "o@example.org", "a long enough password")
    sharing.record_access(store, other, doc, "read diary", NOW)
    for i in range(30):  # twice a minute for a quarter of an hour
        sharing.record_access(store, person, doc, "read diary", NOW + dt.timedelta(seconds=30 * i))
    sharing.record_access(store, person, other_doc, "read diary", NOW)
    log = sharing.audit_for(store, person)
    assert len(log) == 5
    assert [e.at for e in log[:4]] == [NOW + dt.timedelta(minutes=m) for m in (14, 13, 12, 11)]
    assert len(sharing.audit_for(store, other)) == 1
    assert len(sharing.audit_for(store, person, limit=2)) == 2


def test_share_loops_and_many_shares_stay_bounded_and_not_transitive(
    store: Store, trio: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from heavylegs.store import sharing
    from heavylegs.store.account_rows import ShareRow

    monkeypatch.setattr(sharing, "MAX_REVOKED_SHARES", 3)
    person, doc_a, doc_b = trio
    sharing.share_with(store, person, "a@clinic.example", NOW)
    sharing.share_with(store, doc_a, "b@clinic.example", NOW)  # A shares with B
    sharing.share_with(store, doc_b, "a@clinic.example", NOW)  # and B with A: a loop
    assert [p.person_id for p in sharing.people_sharing_with(store, doc_a)] == [doc_b, person]
    assert [p.person_id for p in sharing.people_sharing_with(store, doc_b)] == [doc_a]
    assert sharing.shared_store(store, doc_b, person, "read diary", NOW) is None  # not via A
    # share and revoke in a loop: the revoked rows kept are bounded
    for i in range(10):
        at = NOW + dt.timedelta(minutes=i)
        share_id = sharing.share_with(store, person, "b@clinic.example", at)
        sharing.revoke_share(store, person, share_id, at)
    shares = sharing.shares_of(store, person)
    assert len([s for s in shares if s.revoked_at is not None]) <= 4
    assert [s.clinician_id for s in shares if s.revoked_at is None] == [doc_a]
    # two active shares to one clinician (two requests at once): one revoke ends both
    with store.session() as session:
        session.add(ShareRow(person_id=person, clinician_id=doc_b, created_at=NOW))
        session.add(ShareRow(person_id=person, clinician_id=doc_b, created_at=NOW))
    assert [p.person_id for p in sharing.people_sharing_with(store, doc_b)] == [doc_a, person]
    first = next(
        s
        for s in sharing.shares_of(store, person)
        if s.clinician_id == doc_b and s.revoked_at is None
    )
    sharing.revoke_share(store, person, first.id, NOW)
    assert not sharing.share_active(store, person, doc_b)


def test_an_ipv6_network_counts_as_one_address(store: Store, cheap_hashes: None) -> None:
    """Anyone with an IPv6 /64 has 2**64 addresses: a new one for each guess must not mean
    a fresh allowance each time."""
    from heavylegs.store.accounts import MAX_FAILURES, client_group

    assert client_group("2001:db8:1:2:aaaa::1") == client_group("2001:db8:1:2:bbbb::7")
    assert client_group("2001:db8:1:3::1") != client_group("2001:db8:1:2::1")
    assert client_group("::ffff:192.0.2.7") == "192.0.2.7" == client_group("192.0.2.7")
    assert client_group("testclient") == "testclient"
    _join(store, "p@example.org", "the right password")
    for i in range(MAX_FAILURES):
        assert _guess(store, f"2001:db8:1:2::{i + 1:x}", NOW) == "refused"
    assert _guess(store, "2001:db8:1:2::ffff", NOW).startswith("wait")
    assert _guess(store, "2001:db8:1:3::1", NOW) == "refused"  # another network


def test_a_decomposed_guess_takes_as_long_for_no_account_as_for_one(
    monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    """The raw form is tried as well for an unknown email: how many hashes were checked must
    not tell whether an account exists."""
    from heavylegs.store import accounts

    _join(store, "p@example.org", "the right password")
    checks: list[int] = []
    real = accounts._verify

    def counting(hashed: str | None, password: str) -> bool:
        checks.append(1)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "_verify", counting)
    counts = []
    for email in ("p@example.org", "nobody@example.org"):
        checks.clear()
        with pytest.raises(LoginRefused):
            authenticate(store, email, DECOMPOSED, "c", NOW)
        counts.append(len(checks))
    assert counts == [2, 2]


def test_an_admin_resets_or_disables_an_account(store: Store, trio: tuple[int, int, int]) -> None:
    """A forgotten password or a clinician who left: every session and token ends at once; a
    reset code sets a new password on the same account; a disabled clinician's shares end."""
    from heavylegs.store import sharing
    from heavylegs.store.accounts import (
        AccountError,
        new_api_token,
        new_session,
        reset_account,
        session_account,
        token_account,
    )

    person, doc, _ = trio
    sharing.share_with(store, person, "a@clinic.example", NOW)
    browser, token = new_session(store, person, NOW), new_api_token(store, person, NOW)
    code = reset_account(store, "P@example.org", NOW)
    assert code and session_account(store, browser, NOW) is None
    assert token_account(store, token, NOW) is None
    with pytest.raises(LoginRefused):
        authenticate(store, "p@example.org", "a long enough password", "c", NOW)
    again = sign_up(store, code, "p@example.org", "a brand new password", NOW)
    assert again.id == person and again.role is Role.PERSON
    assert authenticate(store, "p@example.org", "a brand new password", "c", NOW).id == person
    with pytest.raises(AccountError):  # once
        sign_up(store, code, "p@example.org", "another new password", NOW)
    assert sharing.share_active(store, person, doc)  # the person's shares stay
    # the clinician leaves: shut out, and nobody's data is shared with them any more
    doc_session = new_session(store, doc, NOW)
    assert reset_account(store, "a@clinic.example", NOW, disable=True) is None
    assert session_account(store, doc_session, NOW) is None
    assert not sharing.share_active(store, person, doc)
    with pytest.raises(LoginRefused):
        authenticate(store, "a@clinic.example", "a long enough password", "c", NOW)
    with pytest.raises(sharing.SharingError):  # nor can anyone share with them anew
        sharing.share_with(store, person, "a@clinic.example", NOW)
    with pytest.raises(AccountError):
        reset_account(store, "nobody@example.org", NOW)


def test_a_disabled_first_admin_is_never_claimed_by_a_new_admin(store: Store) -> None:
    """Account 1 without a password is claimed by the first admin invite (it holds the data of
    the single-person app): a disabled first admin must not be claimed by the next admin."""
    from heavylegs.store.accounts import reset_account

    first = _join(store, "first@clinic.example", "a long enough password", Role.ADMIN)
    assert first == 1
    reset_account(store, "first@clinic.example", NOW, disable=True)
    second = _join(store, "second@clinic.example", "a long enough password", Role.ADMIN)
    assert second != 1


def test_making_and_revoking_api_tokens_in_a_loop_keeps_few_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import func, select

    from heavylegs.store import accounts
    from heavylegs.store.account_rows import ApiTokenRow

    monkeypatch.setattr(accounts, "MAX_API_TOKENS", 3)
    me = _join(store, "p@example.org", "a long enough password")
    kept = accounts.new_api_token(store, me, NOW)
    for i in range(12):
        at = NOW + dt.timedelta(minutes=i)
        accounts.revoke_api_token(store, me, accounts.new_api_token(store, me, at), at)
    with store.session() as session:
        rows = session.scalar(select(func.count()).select_from(ApiTokenRow))
    assert rows is not None and rows <= 1 + 3 + 1
    assert accounts.token_account(store, kept, NOW) is not None


def test_many_addresses_together_are_held_but_never_the_persons_known_browsers(
    store: Store, cheap_hashes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A botnet (or the /64s of an IPv6 /48) each under its own address allowance: past the
    account's allowance over every address, unknown clients back off together; a browser the
    person signed in from before (``known``) still signs in, and its typos count as before."""
    from heavylegs.store import accounts
    from heavylegs.store.accounts import RateLimited

    monkeypatch.setattr(accounts, "MAX_ACCOUNT_FAILURES", 6)
    me = _join(store, "p@example.org", "the right password")
    for i in range(6):
        assert _guess(store, f"198.51.100.{i}", NOW) == "refused"
    assert _guess(store, "203.0.113.9", NOW) == "wait 60"
    with pytest.raises(RateLimited):  # a new device of the person's waits too, a minute
        authenticate(store, "p@example.org", "the right password", "new phone", NOW)
    known = authenticate(store, "p@example.org", "the right password", "home", NOW, known=True)
    assert known.id == me
    with pytest.raises(LoginRefused):
        authenticate(store, "p@example.org", "a typo", "home", NOW, known=True)
    later = NOW + dt.timedelta(minutes=1)
    assert authenticate(store, "p@example.org", "the right password", "new phone", later).id == me
