"""Running a guided session: timing, rep counting and cues, with the terminal kept outside.

The runner talks to a :class:`SessionView` (the CLI's Rich view, or a test double) and takes the
clock and the sleep function as arguments, so tests run a ten-minute session in no time. Ctrl-C
(``KeyboardInterrupt``) or a closed input (``EOFError``) stops the session cleanly: what was done
up to that moment is returned, to be recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from heavylegs.diary.routines import Cue, SessionPlan, Step
from heavylegs.diary.validation import MeasureDoneIn, Source

TICK_S = 0.25
DEFAULT_REP_SECONDS = 2.0
MIN_TIMED_SECONDS = 10.0
"""A timed measure stopped before this many seconds is not recorded as done."""


class Pacing(StrEnum):
    """How reps advance: the person presses Enter for each, or a steady beat counts them."""

    ENTER = "enter"
    AUTO = "auto"


class Outcome(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"


class SessionView(Protocol):
    def step_started(self, step: Step) -> None: ...

    def progress(self, step: Step, elapsed_s: float, reps_done: int) -> None: ...

    def cue(self, step: Step, text: str) -> None: ...

    def wait_for_rep(self, step: Step, rep: int) -> None:
        """Block until the person signals rep ``rep`` (Enter); raise to stop."""
        ...

    def step_finished(self, step: Step, elapsed_s: float, reps_done: int) -> None: ...


class Kind(StrEnum):
    REPS = "reps"
    TIMED = "timed"
    CONFIRM = "confirm"


def kind_of(step: Step) -> Kind:
    if step.reps is not None:
        return Kind.REPS
    return Kind.TIMED if step.seconds is not None else Kind.CONFIRM


@dataclass
class Progress:
    """What was done of one measure, over all its sets."""

    measure: str
    kind: Kind
    seconds: float = 0.0
    reps: int = 0
    sets_completed: int = 0

    def as_done(self, day: dt.date, at: dt.datetime) -> MeasureDoneIn | None:
        """The measure done to record, or ``None`` when too little was done to count."""
        minutes = round(self.seconds / 60, 2) if self.seconds >= MIN_TIMED_SECONDS else None
        if self.kind is Kind.REPS and self.reps == 0:
            return None
        if self.kind is Kind.TIMED and minutes is None:
            return None
        if self.kind is Kind.CONFIRM and self.sets_completed == 0:
            return None
        reps = self.reps if self.kind is Kind.REPS else None
        return MeasureDoneIn(
            measure=self.measure, date=day, minutes=minutes, reps=reps, at=at, source=Source.SESSION
        )


@dataclass
class SessionResult:
    outcome: Outcome
    progress: dict[str, Progress] = field(default_factory=dict)

    def done(self, day: dt.date, at: dt.datetime) -> list[MeasureDoneIn]:
        """The measures to record, in the order they were run."""
        return [d for p in self.progress.values() if (d := p.as_done(day, at)) is not None]


def run_session(
    plan: SessionPlan,
    view: SessionView,
    *,
    pacing: Pacing,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    rep_seconds: float = DEFAULT_REP_SECONDS,
) -> SessionResult:
    """Run every step of ``plan`` in order; stop early on Ctrl-C or end of input."""
    result = SessionResult(Outcome.COMPLETED)
    for step in plan.steps:
        progress = result.progress.setdefault(step.measure, Progress(step.measure, kind_of(step)))
        view.step_started(step)
        state = _StepState(clock())
        try:
            if step.reps is not None:
                _run_reps(step, view, state, pacing, clock, sleep, rep_seconds)
            elif step.seconds is not None:
                _run_timer(step, view, state, clock, sleep)
            else:
                _fire_cues(step.cues, view, step, state, clock() - state.t0, 0)
                view.wait_for_rep(step, 1)
        except (KeyboardInterrupt, EOFError):
            _add(progress, state, clock, completed=False)
            view.step_finished(step, clock() - state.t0, state.reps)
            result.outcome = Outcome.STOPPED
            return result
        _add(progress, state, clock, completed=True)
        view.step_finished(step, clock() - state.t0, state.reps)
    return result


@dataclass
class _StepState:
    t0: float
    reps: int = 0
    cues_shown: int = 0


def _add(
    progress: Progress, state: _StepState, clock: Callable[[], float], *, completed: bool
) -> None:
    progress.seconds += max(clock() - state.t0, 0.0)
    progress.reps += state.reps
    progress.sets_completed += int(completed)


def _fire_cues(
    cues: tuple[Cue, ...],
    view: SessionView,
    step: Step,
    state: _StepState,
    elapsed: float,
    reps: int,
) -> None:
    while state.cues_shown < len(cues):
        cue = cues[state.cues_shown]
        if cue.at_s > elapsed or cue.at_rep > reps:
            return
        view.cue(step, cue.text)
        state.cues_shown += 1


def _run_timer(
    step: Step,
    view: SessionView,
    state: _StepState,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    assert step.seconds is not None
    while True:
        elapsed = clock() - state.t0
        _fire_cues(step.cues, view, step, state, elapsed, 0)
        view.progress(step, min(elapsed, step.seconds), 0)
        if elapsed >= step.seconds:
            return
        sleep(min(TICK_S, step.seconds - elapsed))


def _run_reps(
    step: Step,
    view: SessionView,
    state: _StepState,
    pacing: Pacing,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    rep_seconds: float,
) -> None:
    assert step.reps is not None
    beat = step.seconds / step.reps if step.seconds else rep_seconds
    view.progress(step, 0.0, 0)
    for rep in range(1, step.reps + 1):
        _fire_cues(step.cues, view, step, state, clock() - state.t0, rep - 1)
        if pacing is Pacing.AUTO:
            sleep(beat)
        else:
            view.wait_for_rep(step, rep)
        state.reps = rep
        view.progress(step, clock() - state.t0, rep)
