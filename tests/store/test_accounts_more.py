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
