"""Sharing with a clinician: read-only access while the share is active, every read audited."""

from __future__ import annotations

import datetime as dt

import pytest

from heavylegs.diary.entries import list_entries
from heavylegs.store import Store
from heavylegs.store.accounts import Role, create_invite, sign_up
from heavylegs.store.sharing import (
    SharingError,
    audit_for,
    people_sharing_with,
    record_access,
    revoke_share,
    share_active,
    share_with,
    shared_store,
    shares_of,
)
from tests.store.sample import populate

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)


def _join(store: Store, email: str, role: Role) -> int:
    code = create_invite(store, email, role, NOW)
    return sign_up(store, code, email, "a long enough password", NOW).id


@pytest.fixture
def people(store: Store) -> tuple[int, int, int]:
    """Person (account 1, with the sample data), a clinician and another person."""
    populate(store)
    return (
        1,
        _join(store, "doc@clinic.example", Role.CLINICIAN),
        _join(store, "b@x.org", Role.PERSON),
    )


def test_share_read_revoke(store: Store, people: tuple[int, int, int]) -> None:
    person, doc, _other = people
    assert shared_store(store, doc, person, "read diary", NOW) is None  # no share yet
    share = share_with(store, person, " Doc@Clinic.example", NOW)
    assert share_with(store, person, "doc@clinic.example", NOW) == share  # already shared
    assert share_active(store, person, doc)
    [listed] = people_sharing_with(store, doc)
    assert (listed.share_id, listed.person_id, listed.email) == (share, person, "local@localhost")
    view = shared_store(store, doc, person, "read diary", NOW)
    assert view is not None and view.owner == person
    with view.session() as s:
        assert len(list_entries(s)) == 24
    later = NOW + dt.timedelta(hours=1)
    revoke_share(store, person, share, later)
    assert not share_active(store, person, doc)
    assert people_sharing_with(store, doc) == []
    assert shared_store(store, doc, person, "read diary", later) is None
    [entry] = audit_for(store, person)  # the refused reads are not "accesses"
    assert (entry.at, entry.clinician_email, entry.action) == (
        NOW,
        "doc@clinic.example",
        "read diary",
    )
    [mine] = shares_of(store, person)
    assert mine.revoked_at == later and mine.clinician_email == "doc@clinic.example"


def test_only_clinicians_can_be_shared_with(store: Store, people: tuple[int, int, int]) -> None:
    person, _doc, other = people
    for email in ("b@x.org", "nobody@x.org", "local@localhost"):
        with pytest.raises(SharingError) as caught:
            share_with(store, person, email, NOW)
        assert caught.value.locations == ["clinician_email"]
    with pytest.raises(SharingError, match="clinician_email"):
        share_with(store, other, "not an address", NOW)


def test_only_the_person_can_revoke_their_share(store: Store, people: tuple[int, int, int]) -> None:
    person, doc, other = people
    share = share_with(store, person, "doc@clinic.example", NOW)
    for who, which in ((other, share), (doc, share), (person, share + 99), (person, -1)):
        with pytest.raises(SharingError, match="id"):
            revoke_share(store, who, which, NOW)
    assert share_active(store, person, doc)
    revoke_share(store, person, share, NOW)
    with pytest.raises(SharingError):
        revoke_share(store, person, share, NOW)  # already revoked


def test_a_share_covers_one_person_only(store: Store, people: tuple[int, int, int]) -> None:
    person, doc, other = people
    share_with(store, person, "doc@clinic.example", NOW)
    assert shared_store(store, doc, other, "read diary", NOW) is None
    assert not share_active(store, other, doc)
    record_access(store, other, doc, "read assessments", NOW)
    assert [e.action for e in audit_for(store, other)] == ["read assessments"]
    assert audit_for(store, person) == []
