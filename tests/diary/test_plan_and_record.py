"""Decisions both faces share: the part of the day, when a measure done was done, the plan in
force read from a stored assessment, how serious its level is, and what a session records."""

from __future__ import annotations

import datetime as dt

import pytest

from heavylegs.diary.plan import LatestPlan, is_serious, latest_plan, session_plan
from heavylegs.diary.routines import UnknownRoutine
from heavylegs.diary.session import Outcome, Progress, SessionResult, kind_of
from heavylegs.diary.session_record import Told, from_run, from_told
from heavylegs.diary.validation import DiaryInputError, Part, parse_measure_done, part_of_day
from heavylegs.knowledge.levels import Urgency
from tests.diary.test_session import MEASURES

NOW = dt.datetime(2026, 11, 21, 19, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
OUTPUT = {
    "triage": {"level": "urgent", "headline": "Be seen today"},
    "plan": {
        "do": [{"id": "ankle_pumps"}, {"id": "compression_stockings"}, {"id": "calf_raises"}],
        "avoid": [{"id": "legs_up_the_wall", "why": "not with a possible clot", "title": "L"}],
    },
}


@pytest.mark.parametrize(
    ("hour", "part"),
    [(0, Part.MORNING), (13, Part.MORNING), (14, Part.EVENING), (23, Part.EVENING)],
)
def test_the_part_of_the_day_changes_at_14_local(hour: int, part: Part) -> None:
    assert part_of_day(dt.datetime(2026, 11, 21, hour, 59)) is part


def test_a_measure_done_today_without_a_time_was_done_now() -> None:
    known = frozenset(MEASURES)
    today = parse_measure_done({"measure": "ankle_pumps", "date": TODAY}, today=TODAY, now=NOW)
    assert today.at == NOW
    earlier = parse_measure_done(
        {"measure": "ankle_pumps", "date": "2026-11-20"}, today=TODAY, known=known, now=NOW
    )
    assert earlier.at is None
    given = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
    told = parse_measure_done(
        {"measure": "ankle_pumps", "date": TODAY, "at": given}, today=TODAY, now=NOW
    )
    assert told.at == given
    assert parse_measure_done({"measure": "ankle_pumps", "date": TODAY}, today=TODAY).at is None


@pytest.mark.parametrize(
    ("level", "serious"),
    [
        ("emergency", True),
        ("urgent", True),
        (Urgency.URGENT, True),
        ("routine", False),
        ("self_care", False),
        ("URGENT", False),
        (None, False),
        ("", False),
    ],
)
def test_serious_means_urgent_or_an_emergency(level: Urgency | str | None, serious: bool) -> None:
    assert is_serious(level) is serious


def test_the_plan_in_force_is_read_from_the_output() -> None:
    plan = latest_plan(OUTPUT)
    assert plan == LatestPlan(
        do=("ankle_pumps", "compression_stockings", "calf_raises"),
        avoid={"legs_up_the_wall": "not with a possible clot"},
        level=Urgency.URGENT,
        headline="Be seen today",
    )
    assert plan is not None and plan.serious
    assert latest_plan(None) is None
    empty = latest_plan({"triage": {"level": "nonsense"}})
    assert empty == LatestPlan() and not empty.serious


def test_a_session_runs_the_plans_guided_measures_and_skips_what_to_avoid() -> None:
    in_force = latest_plan(OUTPUT)
    steps = session_plan(None, MEASURES, in_force)
    assert [s.measure for s in steps.steps] == ["ankle_pumps", "calf_raises", "calf_raises"]
    evening = session_plan("evening", MEASURES, in_force)
    assert [s.measure for s in evening.steps] == ["ankle_pumps"]
    assert evening.skipped[0].reason.endswith("avoid it: not with a possible clot")
    assert [s.measure for s in session_plan("evening", MEASURES, None).steps] == [
        "legs_up_the_wall",
        "ankle_pumps",
    ]
    with pytest.raises(UnknownRoutine, match="no assessment stored yet"):
        session_plan(None, MEASURES, None)


def test_told_measures_count_by_the_same_rule_as_the_timer() -> None:
    plan = session_plan("evening", MEASURES, None)
    record = from_told(
        plan,
        {"legs_up_the_wall": Told(seconds="300"), "ankle_pumps": Told()},
        Outcome.STOPPED,
        NOW,
    )
    assert record is not None
    assert [(d.measure, d.minutes, d.reps) for d in record.done] == [
        ("legs_up_the_wall", 5.0, None),
        ("ankle_pumps", 0.67, 20),  # 20 planned reps taken to last 2 s each
    ]
    assert record.outcome == "stopped" and record.ended_at == NOW
    assert record.started_at == NOW - dt.timedelta(seconds=300 + 20 * 2.0)
    too_little = {"legs_up_the_wall": Told(seconds="5"), "ankle_pumps": Told(reps="0")}
    assert from_told(plan, too_little, Outcome.COMPLETED, NOW) is None
    assert from_told(plan, {}, Outcome.COMPLETED, NOW) is None


def test_told_numbers_out_of_range_are_named() -> None:
    plan = session_plan("evening", MEASURES, None)
    told = {"legs_up_the_wall": Told(seconds="nan"), "ankle_pumps": Told(reps="x", sets="101")}
    with pytest.raises(DiaryInputError) as caught:
        from_told(plan, told, Outcome.COMPLETED, NOW)
    assert caught.value.problems == [
        "seconds.legs_up_the_wall: must be a number between 0 and 86400",
        "reps.ankle_pumps: must be a number between 0 and 10000",
        "sets.ankle_pumps: must be a number between 0 and 100",
    ]


def test_a_timed_run_records_on_the_local_day_it_ended() -> None:
    plan = session_plan("ankle_pumps", MEASURES, None)
    step = plan.steps[0]
    result = SessionResult(
        Outcome.COMPLETED, {"ankle_pumps": Progress("ankle_pumps", kind_of(step), 40.0, 20, 1)}
    )
    record = from_run(plan, result, NOW - dt.timedelta(minutes=1), NOW)
    assert record.routine == "ankle_pumps" and record.outcome == "completed"
    assert [(d.measure, d.reps, d.date, d.at) for d in record.done] == [
        ("ankle_pumps", 20, NOW.astimezone().date(), NOW)
    ]
