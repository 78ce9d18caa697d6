"""Edit, delete and undo (diary entries, measures, activities) and the personal profile, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from heavylegs.diary import edits
from heavylegs.diary.caution import caution_for
from heavylegs.diary.entries import list_entries, list_measures, record_entry, record_measure
from heavylegs.diary.validation import DiaryInputError, parse_entry, parse_measure_done
from heavylegs.store import Store, upsert_profile
from heavylegs.store.backup import export_backup
from heavylegs.store.models import Activity
from heavylegs.store.person import (
    PersonalProfile,
    ProfileError,
    days_text,
    load_profile,
    parse_days,
    parse_profile,
    save_profile,
)
from heavylegs.store.undo import put_back
from heavylegs.training.repository import delete_activity, edit_activity
from tests.store.databases import db_url, store

__all__ = ["db_url", "store"]  # fixtures

NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 21)


def _tables(s: Store) -> dict[str, Any]:
    with s.session() as session:
        return export_backup(session)["tables"]


def _entry(s: Store, **values: Any) -> int:
    with s.session() as session:
        return record_entry(session, parse_entry(values, today=TODAY), NOW)


def test_edit_then_undo_restores_the_entry_exactly(store: Store) -> None:
    entry_id = _entry(store, date="2026-11-20", part="evening", heaviness=6, note="hot day")
    before = _tables(store)
    with store.session() as session:
        snap = edits.edit_entry(
            session, entry_id, {"heaviness": "2"}, clear=["note"], today=TODAY, now=NOW
        )
        (row,) = list_entries(session)
        assert (row.heaviness, row.note) == (2, None)
    assert snap.what == "diary entry 2026-11-20 evening"
    with store.session() as session:
        put_back(session, snap)
    assert _tables(store) == before


def test_delete_then_undo_puts_back_the_same_rows(store: Store) -> None:
    entry_id = _entry(store, date="2026-11-20", part="morning", heaviness=3, ankle_left_cm=24)
    with store.session() as session:
        done_id = record_measure(
            session,
            parse_measure_done({"measure": "walking", "date": TODAY, "minutes": 20}, today=TODAY),
        )
    before = _tables(store)
    with store.session() as session:
        gone = [edits.delete_entry(session, entry_id), edits.delete_measure(session, done_id)]
        assert list_entries(session) == [] and list_measures(session) == []
    with store.session() as session:
        for snap in gone:
            put_back(session, snap)
    assert _tables(store) == before


def test_edits_are_validated_like_new_input(store: Store) -> None:
    first = _entry(store, date="2026-11-20", part="morning", heaviness=3)
    _entry(store, date="2026-11-20", part="evening", heaviness=5)
    with pytest.raises(DiaryInputError) as bad, store.session() as session:
        edits.edit_entry(session, first, {"heaviness": "11"}, today=TODAY, now=NOW)
    assert bad.value.problems == ["heaviness: must be between 0 and 10 (got 11)"]
    with pytest.raises(DiaryInputError) as clash, store.session() as session:
        edits.edit_entry(session, first, {"part": "evening"}, today=TODAY, now=NOW)
    assert clash.value.problems == ["date: there is already a evening entry on 2026-11-20"]
    with pytest.raises(DiaryInputError) as cleared, store.session() as session:
        edits.edit_entry(session, first, {}, clear=["heaviness"], today=TODAY, now=NOW)
    assert cleared.value.problems == ["heaviness: cannot be cleared"]
    with pytest.raises(DiaryInputError) as both, store.session() as session:
        edits.edit_entry(session, first, {"note": "x"}, clear=["note"], today=TODAY, now=NOW)
    assert both.value.problems == ["note: given and cleared at once; give a value or clear it"]
    with pytest.raises(edits.NotFound), store.session() as session:
        edits.delete_measure(session, 12345)
    with store.session() as session:
        assert [e.heaviness for e in list_entries(session)] == [3, 5]


def test_delete_and_edit_an_activity_with_undo(store: Store) -> None:
    with store.session() as session:
        session.add(Activity(id=7, sport="running", start_utc=NOW, duration_s=1800.0,
                             distance_m=5000.0, source_sha256="a" * 64))  # fmt: skip
        session.flush()
        from heavylegs.store.activities import ActivityDetail, ActivityFile

        session.add(ActivityFile(sha256="b" * 64, activity_id=7, name="run.fit", format="fit",
                                 imported_at=NOW))  # fmt: skip
        session.add(ActivityDetail(activity_id=7, hr_seconds=[], samples=0, stream=""))
    before = _tables(store)
    with store.session() as session:
        changed = edit_activity(session, 7, title="Park loop", rpe=6)
        assert changed is not None
    assert _tables(store)["activity_details"][0]["title"] == "Park loop"
    with store.session() as session:
        put_back(session, changed)
        gone = delete_activity(session, 7)
        assert gone is not None and delete_activity(session, 7) is None
    after = _tables(store)
    assert after["activities"] == after["activity_files"] == after["activity_details"] == []
    with store.session() as session:
        put_back(session, gone)
    assert _tables(store) == before


# ---------------------------------------------------------------------------------- profile


def test_profile_round_trip_and_fallback_to_the_assessment(store: Store) -> None:
    with store.session() as session:
        assert load_profile(session) == PersonalProfile()
        upsert_profile(session, {"about": {"age": 61, "sex": "female"}}, NOW)
        assert load_profile(session).about() == {"age": 61, "sex": "female"}
        saved = parse_profile(
            {
                "age": "62",
                "resting_hr": "55",
                "max_hr": "170",
                "work_start": "8:30",
                "work_end": "16:45",
                "work_days": "mon,tue,thu-fri",
            }
        )
        save_profile(session, saved, NOW)
    with store.session() as session:
        loaded = load_profile(session)
    assert loaded.age == 62 and loaded.sex is not None and loaded.sex.value == "female"
    assert loaded.work_start == dt.time(8, 30) and loaded.work_days == (1, 2, 4, 5)
    assert loaded.shown()["work_days"] == "Mon, Tue, Thu, Fri"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"age": 200}, "age: input should be less than or equal to 110 (got 200)"),
        ({"max_hr": 300}, "max_hr: input should be less than or equal to 240 (got 300)"),
        ({"work_start": "09:00"}, "work_end: give both the start and the end of the working day"),
        ({"work_start": "25:00", "work_end": "26:00"}, "work_start: must be a time of day HH:MM, e.g. 09:00 (got '25:00')"),
        ({"sex": "robot"}, "sex: input should be 'female', 'male' or 'other' (got 'robot')"),
    ],
)  # fmt: skip
def test_profile_problems_name_the_field(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(changes)
    assert problem in info.value.problems


def test_working_days_in_words() -> None:
    assert parse_days("weekdays") == (1, 2, 3, 4, 5) == parse_days("Mon-Fri")
    assert parse_days("sat,sun") == (6, 7) and parse_days("none") == ()
    assert days_text((1, 2, 3, 4, 5)) == "Mon–Fri" and days_text((6, 7)) == "Sat, Sun"
    with pytest.raises(ValueError):
        parse_days("fri-mon")


# ---------------------------------------------------------------------------------- caution


def test_caution_for_a_measure_on_the_avoid_list() -> None:
    output = {
        "triage": {"level": "urgent"},
        "plan": {"avoid": [{"id": "walking", "title": "Regular walking", "why": "A clot…"}]},
    }
    caution = caution_for(output, "walking")
    assert caution is not None and caution.serious
    assert caution.message() == (
        "Your last assessment was URGENT, and its plan says to avoid Regular walking for now: "
        "A clot…"
    )
    assert caution_for(output, "ankle_pumps") is None and caution_for(None, "walking") is None
    calm = caution_for({**output, "triage": {"level": "self_care"}}, "walking")
    assert calm is not None and not calm.serious and calm.message().startswith("Your plan says")
