"""Personal insights on hand-built diaries whose answer is known."""

from __future__ import annotations

import json
import re

from heavylegs.diary.insights import (
    MIN_DAYS,
    Direction,
    Outcome,
    Verdict,
    compute_insights,
)
from heavylegs.diary.rows import EntryRow, MeasureRow
from tests.diary.factory import AS_OF, day, diary

EFFECT_KEYS = {"measure", "n_with", "n_without", "difference", "ci_low", "ci_high", "verdict"}
VERDICTS = {v.value for v in Verdict}


def effect(result, measure: str, outcome: Outcome):  # type: ignore[no-untyped-def]
    (found,) = [e for e in result.effects if e.measure == measure and e.outcome is outcome]
    return found


def test_a_measure_that_helps_the_next_morning_is_found() -> None:
    entries, measures = diary(
        60,
        done=lambda i: ["legs_up_the_wall"] if i % 2 == 0 else [],
        morning=lambda i, prev: 5 - (2 if "legs_up_the_wall" in prev else 0),
        evening=lambda i, today: 6,
        noise=0.8,
    )
    result = compute_insights(entries, measures, as_of=AS_OF)
    morning = effect(result, "legs_up_the_wall", Outcome.NEXT_MORNING)
    assert morning.verdict is Verdict.LINKED_TO_LESS_HEAVINESS
    assert morning.ci_low < morning.difference < morning.ci_high < 0
    assert -2.6 < morning.difference < -1.4
    evening = effect(result, "legs_up_the_wall", Outcome.EVENING)
    assert evening.verdict is Verdict.NO_CLEAR_EFFECT
    assert evening.ci_low <= 0 <= evening.ci_high


def test_a_measure_linked_to_more_heaviness_is_said_so() -> None:
    entries, measures = diary(
        40,
        done=lambda i: ["static_standing"] if i % 3 == 0 else [],
        evening=lambda i, today: 7 if "static_standing" in today else 4,
        noise=0.5,
    )
    result = compute_insights(entries, measures, as_of=AS_OF)
    assert (
        effect(result, "static_standing", Outcome.EVENING).verdict
        is Verdict.LINKED_TO_MORE_HEAVINESS
    )


def test_below_five_days_on_a_side_there_are_no_numbers() -> None:
    entries, measures = diary(30, done=lambda i: ["massage"] if i < MIN_DAYS - 1 else [])
    result = compute_insights(entries, measures, as_of=AS_OF)
    for e in result.effects:
        assert e.verdict is Verdict.NOT_ENOUGH_DATA
        assert e.difference is e.ci_low is e.ci_high is None
    assert "not enough data yet" in result.summary


def test_a_measure_done_every_day_has_nothing_to_compare_with() -> None:
    entries, measures = diary(30, done=lambda i: ["walking"])
    result = compute_insights(entries, measures, as_of=AS_OF)
    assert {(e.n_without, e.verdict) for e in result.effects} == {(0, Verdict.NOT_ENOUGH_DATA)}


def test_a_tiny_but_certain_difference_is_not_called_a_link() -> None:
    # days without "sleep" are 6 one time in five, else 5: a certain but tiny −0.2
    entries, measures = diary(
        200,
        done=lambda i: ["sleep"] if i % 2 else [],
        evening=lambda i, today: 5 if today or i % 10 else 6,
    )
    found = effect(compute_insights(entries, measures, as_of=AS_OF), "sleep", Outcome.EVENING)
    assert found.ci_high < 0
    assert abs(found.difference + 0.2) < 1e-9
    assert found.verdict is Verdict.NO_CLEAR_EFFECT


def test_improving_and_worsening_trends() -> None:
    better, _ = diary(28, evening=lambda i, t: 7 if i < 21 else 3, morning=lambda i, p: None)
    worse, _ = diary(28, evening=lambda i, t: 3 if i < 21 else 7, morning=lambda i, p: None)
    flat, _ = diary(28, evening=lambda i, t: 4, morning=lambda i, p: None, noise=0.4)
    assert compute_insights(better, [], as_of=AS_OF).trend.direction is Direction.IMPROVING
    worsening = compute_insights(worse, [], as_of=AS_OF)
    assert worsening.trend.direction is Direction.WORSENING
    assert [e.id for e in worsening.escalation] == ["rising_trend"]
    assert "answer the assessment again" in worsening.summary
    assert compute_insights(flat, [], as_of=AS_OF).trend.direction is Direction.STABLE
    assert compute_insights(flat[-6:], [], as_of=AS_OF).trend.direction is Direction.NOT_ENOUGH_DATA


def test_weekly_summary_reads_like_the_example() -> None:
    entries, measures = diary(
        28,
        done=lambda i: ["legs_up_the_wall"] if i % 2 == 0 else [],
        morning=lambda i, prev: (5 - i / 10) - (1.5 if "legs_up_the_wall" in prev else 0),
        evening=lambda i, today: 6 - i / 9,
        noise=0.3,
    )
    result = compute_insights(
        entries, measures, as_of=AS_OF, titles={"legs_up_the_wall": "legs up the wall"}
    )
    pattern = (
        r"^Heaviness \d\.\d → \d\.\d over 3 weeks; legs up the wall linked to −\d\.\d next "
        r"morning \(CI −\d\.\d…−\d\.\d\)$"
    )
    assert re.match(pattern, result.summary), result.summary


def test_json_follows_the_contract() -> None:
    entries, measures = diary(20, done=lambda i: ["ankle_pumps"] if i % 2 else [])
    doc = compute_insights(entries, measures, as_of=AS_OF).to_json()
    assert {"trend", "effects", "escalation", "summary"} <= set(doc)
    assert isinstance(doc["trend"], dict)
    assert len(doc["effects"]) == 2
    for e in doc["effects"]:
        assert set(e) >= EFFECT_KEYS
        assert e["verdict"] in VERDICTS
    json.dumps(doc, allow_nan=False)


def test_same_diary_same_output_and_other_measures_do_not_move_an_interval() -> None:
    entries, measures = diary(
        50,
        done=lambda i: ["massage"] + (["cooling"] if i % 3 == 0 else []) if i % 2 else [],
        noise=1.0,
    )
    first = compute_insights(entries, measures, as_of=AS_OF).to_json()
    assert first == compute_insights(list(reversed(entries)), measures[::-1], as_of=AS_OF).to_json()
    without_cooling = [m for m in measures if m.measure != "cooling"]
    other = compute_insights(entries, without_cooling, as_of=AS_OF).to_json()
    massage = [e for e in first["effects"] if e["measure"] == "massage"]
    assert massage == [e for e in other["effects"] if e["measure"] == "massage"]


def test_rows_after_as_of_are_ignored() -> None:
    entries, measures = diary(20, done=lambda i: ["walking"] if i % 2 else [])
    late_entries = [*entries, EntryRow(day(-1), "morning", heaviness=10)]
    late_measures = [*measures, MeasureRow("walking", day(-1))]
    assert (
        compute_insights(late_entries, late_measures, as_of=AS_OF).to_json()
        == compute_insights(entries, measures, as_of=AS_OF).to_json()
    )


def test_an_empty_diary_has_honest_empty_insights() -> None:
    result = compute_insights([], [], as_of=AS_OF)
    assert result.effects == [] and result.escalation == []
    assert result.trend.days_logged == 0
    assert result.summary == (
        "Too few heaviness scores in the last 7 days to follow the trend; no measures recorded yet"
    )


def test_remembered_bootstraps_give_what_a_fresh_computation_gives() -> None:
    """The diary page shows the insights again and again: the bootstraps are remembered for
    the same values, never handed to a diary whose values differ."""
    from heavylegs.diary import insights

    entries, measures = diary(
        60, done=lambda i: ["walking"] if i % 2 else [], evening=lambda i, today: 6, noise=1.0
    )
    insights._remembered_difference.cache_clear()
    fresh = compute_insights(entries, measures, as_of=AS_OF).to_json()
    assert compute_insights(entries, measures, as_of=AS_OF).to_json() == fresh
    assert insights._remembered_difference.cache_info().hits > 0
    changed = [
        EntryRow(e.day, e.part, heaviness=min(10.0, (e.heaviness or 0) + 2.0))
        if e.part == "evening" and e.day.day % 2
        else e
        for e in entries
    ]
    remembered = compute_insights(changed, measures, as_of=AS_OF).to_json()
    insights._remembered_difference.cache_clear()
    assert compute_insights(changed, measures, as_of=AS_OF).to_json() == remembered != fresh
