"""When the diary says to stop self-managing, in the knowledge base's own red-flag words."""

from __future__ import annotations

import dataclasses

import pytest

from heavylegs.diary.escalation import RED_FLAGS, Wording, escalations, wording_from_kb
from heavylegs.diary.insights import compute_insights
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.series import build_series
from heavylegs.knowledge import KnowledgeError, Urgency, load_knowledge
from tests.diary.factory import AS_OF, day, diary

NEEDED = RED_FLAGS


@pytest.fixture(scope="module")
def wording():  # type: ignore[no-untyped-def]
    return wording_from_kb(load_knowledge())


def test_the_knowledge_base_has_the_red_flags_the_diary_uses(wording) -> None:  # type: ignore[no-untyped-def]
    kb = load_knowledge()
    for fid in NEEDED:
        assert fid in kb.red_flags, f"red_flags.yaml lacks {fid}"
    assert kb.red_flags["one_leg_swelling"].level.value == "urgent"
    assert kb.red_flags["no_improvement"].level.value == "routine"


def flags(entries: list[EntryRow], measures: list[MeasureRow] | None = None, wording=None):  # type: ignore[no-untyped-def]
    series = build_series(entries, measures or [], AS_OF)
    return escalations(series, None, wording or {})


def test_two_centimetres_between_ankles_is_urgent_in_kb_words(wording) -> None:  # type: ignore[no-untyped-def]
    entries = [EntryRow(day(2), "evening", heaviness=4, ankle_left_cm=25.6, ankle_right_cm=23.6)]
    (flag,) = flags(entries, wording=wording)
    assert (flag.id, flag.level.value) == ("one_leg_swelling", "urgent")
    assert flag.facts == (
        f"On {day(2).isoformat()} (evening) your left ankle measured 2.0 cm more than the right.",
    )
    kb_flag = load_knowledge().red_flags["one_leg_swelling"]
    assert flag.message.endswith(kb_flag.headline)
    assert flag.to_json()["why"] == kb_flag.message
    assert set(flag.to_json()) >= {"level", "id", "message"}


def test_just_under_two_centimetres_or_older_than_a_week_is_not_flagged() -> None:
    assert (
        flags([EntryRow(day(0), "evening", heaviness=4, ankle_left_cm=25.5, ankle_right_cm=23.6)])
        == []
    )
    assert (
        flags([EntryRow(day(7), "evening", heaviness=4, ankle_left_cm=28.0, ankle_right_cm=23.0)])
        == []
    )


def test_one_leg_newly_swollen_is_urgent_but_long_standing_is_routine() -> None:
    new = [
        EntryRow(day(10), "evening", heaviness=3, swelling="none"),
        EntryRow(day(1), "evening", heaviness=3, swelling="right"),
    ]
    (flag,) = flags(new)
    assert (flag.id, flag.level.value) == ("one_leg_swelling", "urgent")
    assert "right leg alone was swollen" in flag.message
    old = [
        EntryRow(day(20), "evening", heaviness=3, swelling="left"),
        EntryRow(day(1), "evening", heaviness=3, swelling="left"),
    ]
    (flag,) = flags(old)
    assert (flag.id, flag.level.value) == ("persistent_swelling", "routine")
    both = [EntryRow(day(1), "evening", heaviness=3, swelling="both")]
    assert flags(both) == []


def test_a_missing_knowledge_entry_falls_back_to_the_installed_knowledge_base() -> None:
    entries = [EntryRow(day(0), "morning", heaviness=4, ankle_left_cm=22.0, ankle_right_cm=25.0)]
    (flag,) = flags(entries, wording={})
    kb_flag = load_knowledge().red_flags["one_leg_swelling"]
    assert flag.wording == Wording(kb_flag.headline, kb_flag.message, kb_flag.level)
    assert flag.level is kb_flag.level


def test_the_level_is_the_knowledge_base_s(wording) -> None:  # type: ignore[no-untyped-def]
    entries = [EntryRow(day(0), "morning", heaviness=4, ankle_left_cm=22.0, ankle_right_cm=25.0)]
    changed = dict(wording)
    changed["one_leg_swelling"] = dataclasses.replace(
        wording["one_leg_swelling"], level=Urgency.EMERGENCY
    )
    (flag,) = flags(entries, wording=changed)
    assert flag.level is Urgency.EMERGENCY


def test_a_knowledge_base_without_the_red_flag_fails_loudly(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from heavylegs.diary import escalation

    monkeypatch.setattr(escalation, "_installed", dict)
    entries = [EntryRow(day(0), "morning", heaviness=4, ankle_left_cm=22.0, ankle_right_cm=25.0)]
    with pytest.raises(KnowledgeError, match="one_leg_swelling"):
        flags(entries, wording={})


def _four_weeks_of_measures(after: float) -> tuple[list[EntryRow], list[MeasureRow]]:
    """Measures from day index 7 on; heaviness 6 before, ``after`` from then on."""
    return diary(
        40,
        done=lambda i: ["ankle_pumps"] if i >= 7 else [],
        morning=lambda i, prev: None,
        evening=lambda i, today: 6 if i < 7 else after,
    )


def test_no_improvement_after_four_weeks_is_routine(wording) -> None:  # type: ignore[no-untyped-def]
    entries, measures = _four_weeks_of_measures(after=5.5)
    (flag,) = flags(entries, measures, wording)
    assert (flag.id, flag.level.value) == ("no_improvement", "routine")
    assert flag.message.endswith(load_knowledge().red_flags["no_improvement"].headline)
    assert "began the measures on" in flag.facts[0]


def test_improvement_or_too_early_is_not_flagged() -> None:
    entries, measures = _four_weeks_of_measures(after=4)
    assert flags(entries, measures) == []
    entries, measures = diary(
        20, done=lambda i: ["ankle_pumps"] if i >= 7 else [], evening=lambda i, t: 6
    )
    assert flags(entries, measures) == []  # only 13 days of measures


def test_mild_heaviness_that_stays_mild_is_not_sent_to_a_doctor() -> None:
    entries, measures = _four_weeks_of_measures(after=1)
    low = [dataclasses.replace(e, heaviness=1) for e in entries]
    assert flags(low, measures) == []


def test_urgent_comes_first_and_leads_the_summary(wording) -> None:  # type: ignore[no-untyped-def]
    entries, measures = _four_weeks_of_measures(after=6)
    entries.append(EntryRow(day(0), "morning", heaviness=6, swelling="left"))
    result = compute_insights(entries, measures, as_of=AS_OF, wording=wording)
    assert [f.id for f in result.escalation] == ["one_leg_swelling", "no_improvement"]
    assert result.summary.startswith("Urgent: " + wording["one_leg_swelling"].headline)
    assert "See a clinician: " + wording["no_improvement"].headline in result.summary
