"""Database errors become the store's own: busy (a lock held too long), and never a value in a
message; NUL characters are dropped from text on every backend."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from heavylegs.store import open_store
from heavylegs.store.engine import DatabaseBusy, strip_nul
from heavylegs.store.models import DiaryEntry

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SECRET = "private-note-0815"


def _entry(note: str = SECRET) -> DiaryEntry:
    return DiaryEntry(
        day=dt.date(2025, 12, 31), part="morning", heaviness=3, note=note,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_a_row_lock_held_too_long_is_database_busy(db_url: str) -> None:
    with open_store(db_url) as setup, setup.session() as session:
        session.add(_entry())
    holder = open_store(db_url)
    waiter = open_store(db_url, busy_timeout_ms=100)
    try:
        with holder.session() as held:
            held.execute(text("UPDATE diary_entries SET heaviness = 4"))
            with pytest.raises(DatabaseBusy) as info, waiter.session() as session:
                session.execute(text("UPDATE diary_entries SET heaviness = 5"))
        assert SECRET not in str(info.value) and "UPDATE" not in str(info.value)
    finally:
        holder.close()
        waiter.close()


def test_nul_characters_are_dropped_from_text_and_documents(db_url: str) -> None:
    from heavylegs.store import get_profile, upsert_profile

    with open_store(db_url) as store:
        with store.session() as session:
            session.add(_entry("a\x00b"))
            upsert_profile(session, {"about": {"occupation\x00": "desk\x00work"}}, NOW)
        with store.session() as session:
            assert session.execute(text("SELECT note FROM diary_entries")).scalar_one() == "ab"
            assert get_profile(session)["about"] == {"occupation": "deskwork"}


def test_strip_nul_reaches_keys_and_nested_values() -> None:
    assert strip_nul({"a\x00": ["b\x00", {"c": "d\x00"}], "n": 1}) == {
        "a": ["b", {"c": "d"}],
        "n": 1,
    }
