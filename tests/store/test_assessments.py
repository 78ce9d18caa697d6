"""Assessments and the profile as the ``assess`` command stores them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heavylegs.store import (
    Store,
    get_assessment,
    get_profile,
    latest_assessment,
    merge_profile,
    record_assessment,
    upsert_profile,
)

T0 = datetime(2026, 11, 21, 8, 30, 15, 123456, tzinfo=UTC)
ANSWERS = {
    "schema_version": 1,
    "about": {"age": 52, "sex": "female"},
    "symptoms": {"legs": "both", "heaviness": 6, "when": ["end_of_day"]},
    "lifestyle": {"work": "standing", "hours_still_per_day": 7.5},
}
OUTPUT = {
    "schema_version": 1,
    "triage": {"level": "self_care", "headline": "h", "reasons": []},
    "causes": [{"id": "venous_insufficiency", "likelihood": 0.62, "why": [], "sources": []}],
    "plan": {"do": [{"id": "legs_up_the_wall"}], "avoid": []},
}


def test_record_and_read_back_the_latest(store: Store) -> None:
    with store.session() as s:
        first = record_assessment(s, ANSWERS, OUTPUT, "kb-1", T0)
        later_output = {**OUTPUT, "triage": {"level": "urgent", "headline": "x", "reasons": []}}
        second = record_assessment(s, ANSWERS, later_output, "kb-2", T0 + timedelta(days=1))
    assert second > first
    with store.session() as s:
        latest = latest_assessment(s)
    assert latest is not None
    assert latest.id == second
    assert latest.knowledge_version == "kb-2"
    assert latest.at == T0 + timedelta(days=1)
    assert latest.output["triage"]["level"] == "urgent"
    assert latest.answers == ANSWERS
    with store.session() as s:
        by_id = get_assessment(s, first)
        assert by_id is not None and by_id.knowledge_version == "kb-1"
        assert get_assessment(s, second + 1) is None
        assert get_assessment(s, 2**40) is None and get_assessment(s, -1) is None


def test_times_come_back_aware_and_exact(store: Store) -> None:
    local = T0.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    with store.session() as s:
        record_assessment(s, ANSWERS, OUTPUT, "kb", local)
    with store.session() as s:
        got = latest_assessment(s)
    assert got is not None and got.at == T0 and got.at.tzinfo is UTC


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="time-zone aware"), store.session() as s:
        record_assessment(s, ANSWERS, OUTPUT, "kb", datetime(2026, 1, 1))


def test_output_without_triage_level_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match=r"output\.triage\.level"), store.session() as s:
        record_assessment(s, ANSWERS, {"plan": {}}, "kb", T0)


def test_latest_is_none_when_nothing_stored(store: Store) -> None:
    with store.session() as s:
        assert latest_assessment(s) is None
        assert get_profile(s) == {"about": {}, "history": {}, "lifestyle": {}, "running": {}}


def test_profile_keeps_what_later_answers_leave_out(store: Store) -> None:
    with store.session() as s:
        upsert_profile(s, ANSWERS, T0)
    with store.session() as s:
        upsert_profile(
            s,
            {
                "schema_version": 1,
                "about": {"age": 53},
                "running": {"weekly_km": 30.0},
                "symptoms": {"legs": "left"},
            },
            T0 + timedelta(days=30),
        )
    with store.session() as s:
        profile = get_profile(s)
    assert profile == {
        "about": {"age": 53, "sex": "female"},
        "history": {},
        "lifestyle": {"work": "standing", "hours_still_per_day": 7.5},
        "running": {"weekly_km": 30.0},
    }


def test_the_profile_is_written_only_when_the_answers_change_it(store: Store) -> None:
    from sqlalchemy import select

    from heavylegs.store.models import Profile

    def updated_at() -> datetime:
        with store.session() as s:
            return s.scalars(select(Profile.updated_at)).one()

    with store.session() as s:
        upsert_profile(s, ANSWERS, T0)
    with store.session() as s:  # the same stable answers (the symptoms are not kept)
        upsert_profile(s, {**ANSWERS, "symptoms": {"legs": "left"}}, T0 + timedelta(days=1))
    assert updated_at() == T0
    with store.session() as s:
        upsert_profile(s, {"about": {"age": 53}}, T0 + timedelta(days=2))
    assert updated_at() == T0 + timedelta(days=2)
    with store.session() as s:
        assert get_profile(s)["about"] == {"age": 53, "sex": "female"}


sections = st.dictionaries(
    st.sampled_from(["about", "history", "lifestyle", "running", "symptoms"]),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(st.none(), st.integers(0, 9))),
)


@given(old=sections, new=sections)
def test_merge_never_loses_a_known_field(old: dict, new: dict) -> None:  # type: ignore[type-arg]
    old_profile = merge_profile({}, old)
    merged = merge_profile(old_profile, new)
    assert set(merged) == {"about", "history", "lifestyle", "running"}
    for section, fields in merged.items():
        for key, value in old_profile[section].items():
            newer = (new.get(section) or {}).get(key)
            assert fields[key] == (value if newer is None else newer)
        assert None not in fields.values()
