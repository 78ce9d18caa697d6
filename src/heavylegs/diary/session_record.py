"""What a guided session stores: from the timer run in the terminal, or from what the person
ticks and types after the fact (the web page's timer posts the same form as its checklist).

Both end in a :class:`~heavylegs.diary.entries.SessionRecord` whose measures were judged by one
rule, :meth:`heavylegs.diary.session.Progress.as_done` (at least one rep, at least ten seconds),
so a session counts the same whichever face ran it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from heavylegs.diary.entries import SessionRecord
from heavylegs.diary.routines import SessionPlan
from heavylegs.diary.session import Outcome, Progress, SessionResult, kind_of
from heavylegs.diary.validation import DiaryInputError, MeasureDoneIn

MAX_SECONDS = 24 * 3600
MAX_REPS = 10_000
MAX_SETS = 100
ASSUMED_REP_SECONDS = 2.0
"""When a rep measure is said to be done without a time, how long each rep is taken to last."""


def from_run(
    plan: SessionPlan, result: SessionResult, started: dt.datetime, ended: dt.datetime
) -> SessionRecord:
    """The record of a session run with the timer (``ended`` is aware; its local day counts)."""
    done = result.done(ended.astimezone().date(), ended)
    return SessionRecord(plan.name, started, ended, result.outcome.value, done)


@dataclass(frozen=True)
class Told:
    """What the person says they did of one measure, as typed; an empty text means "as
    planned" (the planned reps, seconds and sets)."""

    reps: str = ""
    seconds: str = ""
    sets: str = ""


def from_told(
    plan: SessionPlan, told: Mapping[str, Told], outcome: Outcome, now: dt.datetime
) -> SessionRecord | None:
    """The record of the measures of ``plan`` the person says they did (``told``, by measure id),
    ending ``now``; ``None`` when none of it counts as done.

    Raises :class:`DiaryInputError` naming each number out of range (``reps.ankle_pumps: …``).
    """
    done: list[MeasureDoneIn] = []
    problems: list[str] = []
    total_s = 0.0
    for measure in dict.fromkeys(step.measure for step in plan.steps):
        if measure not in told:
            continue
        said = told[measure]
        reps = _number(said.reps, f"reps.{measure}", MAX_REPS, problems)
        seconds = _number(said.seconds, f"seconds.{measure}", MAX_SECONDS, problems)
        sets = _number(said.sets, f"sets.{measure}", MAX_SETS, problems)
        steps = [s for s in plan.steps if s.measure == measure]
        planned_reps = sum(s.reps or 0 for s in steps)
        planned_s = float(sum(s.seconds or 0 for s in steps) or planned_reps * ASSUMED_REP_SECONDS)
        progress = Progress(
            measure,
            kind_of(steps[0]),
            seconds=planned_s if seconds is None else seconds,
            reps=planned_reps if reps is None else int(reps),
            sets_completed=len(steps) if sets is None else int(sets),
        )
        total_s += progress.seconds
        item = progress.as_done(now.date(), now)
        if item is not None:
            done.append(item)
    if problems:
        raise DiaryInputError(problems)
    if not done:
        return None
    return SessionRecord(plan.name, now - dt.timedelta(seconds=total_s), now, outcome.value, done)


def _number(text: str, name: str, high: float, problems: list[str]) -> float | None:
    """``text`` as a number from 0 to ``high``; ``None`` when empty (or wrong: then a problem)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= high:  # also NaN
        problems.append(f"{name}: must be a number between 0 and {high:g}")
        return None
    return value
