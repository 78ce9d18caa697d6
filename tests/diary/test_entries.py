"""Recording and listing through the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from heavylegs.diary.entries import (
    SessionRecord,
    list_entries,
    list_measures,
    record_entry,
    record_measure,
    record_session,
)
from heavylegs.diary.validation import DiaryInputError, MeasureDoneIn, parse_entry
from heavylegs.store import Store

TODAY = dt.date(2026, 11, 21)
T = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)


def log(store: Store, **data: object) -> int:
    with store.session() as s:
        return record_entry(
            s, parse_entry({"date": TODAY, "part": "evening", **data}, today=TODAY), T
        )


def test_logging_again_updates_and_keeps_other_values(store: Store) -> None:
    first = log(store, heaviness=6, ankle_left_cm=23.5, note="long shift")
    again = log(store, heaviness=4)
    assert again == first
    third = log(store, ankle_right_cm=23.9)  # an update needs no heaviness
    assert third == first
    with store.session() as s:
        (entry,) = list_entries(s)
    assert (entry.heaviness, entry.ankle_left_cm, entry.ankle_right_cm, entry.note) == (
        4,
        23.5,
        23.9,
        "long shift",
    )


def test_a_new_entry_needs_heaviness(store: Store) -> None:
    with pytest.raises(DiaryInputError) as info:
        log(store, ankle_left_cm=23.0)
    assert info.value.problems == ["heaviness: required for a new entry"]
    with store.session() as s:
        assert list_entries(s) == []


def test_an_empty_entry_is_refused(store: Store) -> None:
    with pytest.raises(DiaryInputError, match="nothing to record"):
        log(store)


def test_listing_is_by_day_then_morning_before_evening(store: Store) -> None:
    with store.session() as s:
        for day, part, h in [
            (2, "evening", 5),
            (1, "evening", 6),
            (2, "morning", 2),
            (1, "morning", 3),
        ]:
            entry = parse_entry(
                {"date": TODAY - dt.timedelta(days=day), "part": part, "heaviness": h}, today=TODAY
            )
            record_entry(s, entry, T)
    with store.session() as s:
        rows = list_entries(s)
        window = list_entries(s, since=TODAY - dt.timedelta(days=1), until=TODAY)
    assert [(r.day.day, r.part) for r in rows] == [
        (19, "morning"),
        (19, "evening"),
        (20, "morning"),
        (20, "evening"),
    ]
    assert [r.heaviness for r in window] == [3, 6]


def test_measures_and_sessions(store: Store) -> None:
    with store.session() as s:
        record_measure(s, MeasureDoneIn(measure="ankle_pumps", date=TODAY, reps=20, at=T))
        sid = record_session(
            s,
            SessionRecord(
                "evening",
                T,
                T + dt.timedelta(minutes=15),
                "completed",
                [MeasureDoneIn(measure="legs_up_the_wall", date=TODAY, minutes=12.0, at=T)],
            ),
        )
    with store.session() as s:
        rows = list_measures(s)
    assert [(m.measure, m.reps, m.minutes, m.source) for m in rows] == [
        ("ankle_pumps", 20, None, "manual"),
        ("legs_up_the_wall", None, 12.0, "session"),
    ]
    assert sid > 0
    assert rows[0].at == T
