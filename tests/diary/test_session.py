"""Guided sessions: steps from the knowledge base, timing, reps, cues, and a clean Ctrl-C."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from heavylegs.diary.routines import ROUTINES, Step, UnknownRoutine, plan_session, resolve
from heavylegs.diary.session import Outcome, Pacing, run_session
from heavylegs.knowledge import load_knowledge
from heavylegs.knowledge.models import Guided, Measure, MeasureKind

DAY = dt.date(2026, 11, 21)
AT = dt.datetime(2026, 11, 21, 19, 0, tzinfo=dt.UTC)


def measure(mid: str, **guided: Any) -> Measure:
    return Measure(
        id=mid,
        title=mid.replace("_", " ").title(),
        text="t",
        sources=["seed-000"],
        kind=MeasureKind.EXERCISE,
        steps=["step one"],
        dose="d",
        timing="t",
        why="w",
        evidence="e",
        guided=Guided(**guided) if guided else None,
    )


MEASURES = {
    m.id: m
    for m in (
        measure(
            "legs_up_the_wall",
            seconds=600,
            sensations=["tingling at first", "it fades", "sit up slowly"],
        ),
        measure("ankle_pumps", reps=20, sensations=["gentle pull", "warm calves"]),
        measure("calf_raises", reps=10, sets=2),
        measure("paced", reps=10, seconds=30),
        measure("compression_stockings"),
    )
}


class Clock:
    """Fake time: ``sleep`` advances it; optionally Ctrl-C once ``interrupt_at`` is reached."""

    def __init__(self, interrupt_at: float | None = None) -> None:
        self.t = 0.0
        self.interrupt_at = interrupt_at
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds
        if self.interrupt_at is not None and self.t >= self.interrupt_at:
            self.interrupt_at = None
            raise KeyboardInterrupt


class View:
    def __init__(self, clock: Clock, enter_limit: int | None = None) -> None:
        self.clock = clock
        self.events: list[tuple[Any, ...]] = []
        self.enter_limit = enter_limit

    def step_started(self, step: Step) -> None:
        self.events.append(("start", step.measure, step.set_no))

    def progress(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        self.events.append(("progress", step.measure, round(elapsed_s, 2), reps_done))

    def cue(self, step: Step, text: str) -> None:
        self.events.append(("cue", text, round(self.clock(), 2)))

    def wait_for_rep(self, step: Step, rep: int) -> None:
        if self.enter_limit is not None and rep > self.enter_limit:
            raise EOFError
        self.clock.t += 1.5  # a person presses Enter every 1.5 s
        self.events.append(("enter", rep))

    def step_finished(self, step: Step, elapsed_s: float, reps_done: int) -> None:
        self.events.append(("end", step.measure, round(elapsed_s, 2), reps_done))


def run(names: list[str], clock: Clock, pacing: Pacing = Pacing.AUTO, view: View | None = None):  # type: ignore[no-untyped-def]
    view = view or View(clock)
    plan = plan_session("test", names, MEASURES)
    return run_session(plan, view, pacing=pacing, clock=clock, sleep=clock.sleep), view


def test_a_timed_measure_counts_down_and_shows_cues_spread_over_it() -> None:
    clock = Clock()
    result, view = run(["legs_up_the_wall"], clock)
    assert result.outcome is Outcome.COMPLETED
    assert [e for e in view.events if e[0] == "cue"] == [
        ("cue", "tingling at first", 0.0),
        ("cue", "it fades", 200.0),
        ("cue", "sit up slowly", 400.0),
    ]
    assert clock.t == pytest.approx(600)
    assert max(clock.slept) <= 0.25 + 1e-9  # the bar moves at least four times a second
    (done,) = result.done(DAY, AT)
    assert (done.measure, done.minutes, done.reps, done.source.value) == (
        "legs_up_the_wall",
        10.0,
        None,
        "session",
    )


def test_reps_auto_paced_with_sets_and_cues_by_rep() -> None:
    clock = Clock()
    result, view = run(["ankle_pumps", "calf_raises"], clock)
    assert [e for e in view.events if e[0] == "start"] == [
        ("start", "ankle_pumps", 1),
        ("start", "calf_raises", 1),
        ("start", "calf_raises", 2),
    ]
    cues = [e[1] for e in view.events if e[0] == "cue"]
    assert cues == ["gentle pull", "warm calves"]
    assert clock.t == pytest.approx((20 + 10 + 10) * 2.0)
    assert [(d.measure, d.reps) for d in result.done(DAY, AT)] == [
        ("ankle_pumps", 20),
        ("calf_raises", 20),
    ]


def test_reps_with_a_duration_are_paced_to_fit_it() -> None:
    clock = Clock()
    run(["paced"], clock)
    assert clock.slept == [3.0] * 10


def test_enter_paced_reps_wait_for_the_person() -> None:
    clock = Clock()
    result, view = run(["ankle_pumps"], clock, Pacing.ENTER)
    assert [e[1] for e in view.events if e[0] == "enter"] == list(range(1, 21))
    assert clock.slept == []
    assert result.done(DAY, AT)[0].reps == 20


def test_ctrl_c_in_a_countdown_stops_and_keeps_what_was_done() -> None:
    clock = Clock(interrupt_at=150)
    result, view = run(["legs_up_the_wall", "ankle_pumps"], clock)
    assert result.outcome is Outcome.STOPPED
    assert view.events[-1][:2] == ("end", "legs_up_the_wall")
    assert not any(e[0] == "start" and e[1] == "ankle_pumps" for e in view.events)
    (done,) = result.done(DAY, AT)
    assert (done.measure, done.minutes) == ("legs_up_the_wall", 2.5)


def test_ctrl_c_in_the_second_set_counts_the_reps_so_far() -> None:
    clock = Clock(interrupt_at=(10 + 4) * 2.0)
    result, _ = run(["calf_raises"], clock)
    assert result.outcome is Outcome.STOPPED
    assert [(d.measure, d.reps) for d in result.done(DAY, AT)] == [("calf_raises", 13)]


def test_closed_input_stops_like_ctrl_c() -> None:
    clock = Clock()
    result, _ = run(["ankle_pumps"], clock, Pacing.ENTER, View(clock, enter_limit=7))
    assert result.outcome is Outcome.STOPPED
    assert result.done(DAY, AT)[0].reps == 7


def test_a_few_seconds_of_a_timed_measure_do_not_count_as_done() -> None:
    result, _ = run(["legs_up_the_wall"], Clock(interrupt_at=5))
    assert result.done(DAY, AT) == []


def test_routines_are_data_and_skip_what_cannot_or_must_not_run() -> None:
    plan = resolve("desk", MEASURES, None)
    assert [s.measure for s in plan.steps] == ["ankle_pumps", "calf_raises", "calf_raises"]
    assert [(s.measure, s.reason) for s in plan.skipped] == [
        ("movement_breaks", "not in the knowledge base")
    ]
    avoid = {"legs_up_the_wall": "heart failure: raising the legs can overload the heart"}
    plan = resolve("evening", MEASURES, None, avoid)
    assert [s.measure for s in plan.steps] == ["ankle_pumps"]
    assert "avoid" in plan.skipped[0].reason and "heart failure" in plan.skipped[0].reason
    assert (
        resolve("compression_stockings", MEASURES, None).skipped[0].reason
        == "has no guided version"
    )


def test_no_routine_means_the_guided_measures_of_the_latest_plan() -> None:
    plan = resolve(None, MEASURES, ["compression_stockings", "legs_up_the_wall", "walking"])
    assert [s.measure for s in plan.steps] == ["legs_up_the_wall"]
    with pytest.raises(UnknownRoutine, match="no assessment stored yet"):
        resolve(None, MEASURES, None)
    with pytest.raises(UnknownRoutine, match="neither a routine"):
        resolve("yoga", MEASURES, [])


def test_every_routine_runs_on_the_real_knowledge_base() -> None:
    kb = load_knowledge()
    for name, routine in ROUTINES.items():
        plan = resolve(name, kb.measures, None)
        assert plan.steps, name
        assert {s.measure for s in plan.steps} | {s.measure for s in plan.skipped} == set(
            routine.measures
        )
        clock = Clock()
        result = run_session(plan, View(clock), pacing=Pacing.AUTO, clock=clock, sleep=clock.sleep)
        assert result.outcome is Outcome.COMPLETED
        assert {d.measure for d in result.done(DAY, AT)} == {s.measure for s in plan.steps}
