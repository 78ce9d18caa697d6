"""Named routines for guided sessions, and how a routine becomes timed steps.

Routines are data: a name, a title and measure ids. Only measures with a ``guided`` block in the
knowledge base can be run; the others are reported as skipped, never silently dropped. Measures
the latest assessment put under "avoid" are skipped with its reason: a routine must never run
something the person was told not to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heavylegs.knowledge.models import Guided, Measure


@dataclass(frozen=True)
class Routine:
    name: str
    title: str
    measures: tuple[str, ...]


ROUTINES: dict[str, Routine] = {
    r.name: r
    for r in (
        Routine("desk", "At the desk", ("ankle_pumps", "calf_raises", "movement_breaks")),
        Routine("evening", "Evening wind-down", ("legs_up_the_wall", "ankle_pumps")),
        Routine(
            "standing", "After standing all day", ("calf_raises", "ankle_pumps", "leg_elevation")
        ),
        Routine("travel", "On a long journey", ("ankle_pumps", "calf_raises")),
    )
}


@dataclass(frozen=True)
class Cue:
    """A sensation to expect, shown once the step reaches ``at_s`` seconds or ``at_rep`` reps."""

    text: str
    at_s: float = 0.0
    at_rep: int = 0


@dataclass(frozen=True)
class Step:
    """One set of one measure: a countdown (``seconds``), a rep counter (``reps``), or both."""

    measure: str
    title: str
    set_no: int
    sets: int
    seconds: int | None
    reps: int | None
    cues: tuple[Cue, ...] = ()
    instructions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    measure: str
    reason: str


@dataclass(frozen=True)
class SessionPlan:
    name: str
    steps: tuple[Step, ...]
    skipped: tuple[Skipped, ...]


def steps_for(measure: Measure, guided: Guided) -> list[Step]:
    """A step per set; the sensations are spread over the first set, first one at the start."""
    cues: tuple[Cue, ...] = ()
    n = len(guided.sensations)
    if n:
        if guided.seconds is not None and guided.reps is None:
            cues = tuple(
                Cue(text, at_s=guided.seconds * i / n) for i, text in enumerate(guided.sensations)
            )
        else:
            reps = guided.reps or 1
            cues = tuple(
                Cue(text, at_rep=reps * i // n) for i, text in enumerate(guided.sensations)
            )
    return [
        Step(
            measure=measure.id,
            title=measure.title,
            set_no=k,
            sets=guided.sets,
            seconds=guided.seconds,
            reps=guided.reps,
            cues=cues if k == 1 else (),
            instructions=tuple(measure.steps) if k == 1 else (),
        )
        for k in range(1, guided.sets + 1)
    ]


def plan_session(
    name: str,
    measure_ids: Sequence[str],
    measures: Mapping[str, Measure],
    avoid: Mapping[str, str] | None = None,
) -> SessionPlan:
    """Steps for ``measure_ids`` in order; ``avoid`` maps measure id → why it is unsafe now."""
    steps: list[Step] = []
    skipped: list[Skipped] = []
    for mid in dict.fromkeys(measure_ids):
        measure = measures.get(mid)
        if avoid and mid in avoid:
            skipped.append(Skipped(mid, f"your last assessment says to avoid it: {avoid[mid]}"))
        elif measure is None:
            skipped.append(Skipped(mid, "not in the knowledge base"))
        elif measure.guided is None:
            skipped.append(Skipped(mid, "has no guided version"))
        else:
            steps.extend(steps_for(measure, measure.guided))
    return SessionPlan(name, tuple(steps), tuple(skipped))


class UnknownRoutine(ValueError):
    """Neither a routine name nor a measure id."""


def resolve(
    routine: str | None,
    measures: Mapping[str, Measure],
    plan_do: Sequence[str] | None,
    avoid: Mapping[str, str] | None = None,
) -> SessionPlan:
    """``routine`` may be a routine name or a measure id; ``None`` uses the plan's measures.

    ``plan_do`` is the latest assessment's ``plan.do`` ids (``None``: no assessment stored).
    """
    if routine is None:
        if plan_do is None:
            raise UnknownRoutine(
                "no assessment stored yet: run 'heavylegs assess', or name a routine "
                f"({', '.join(sorted(ROUTINES))}) or a measure id"
            )
        guided = [mid for mid in plan_do if mid in measures and measures[mid].guided is not None]
        return plan_session("plan", guided, measures, avoid)
    if routine in ROUTINES:
        return plan_session(routine, ROUTINES[routine].measures, measures, avoid)
    if routine in measures:
        return plan_session(routine, [routine], measures, avoid)
    runnable = sorted(m.id for m in measures.values() if m.guided is not None)
    raise UnknownRoutine(
        f"routine: {routine!r} is neither a routine ({', '.join(sorted(ROUTINES))}) nor a measure"
        + (f" (guided measures: {', '.join(runnable)})" if runnable else "")
    )
