"""The safe plan: actions for the warning signs first, then measures for the likely causes and the
person's day, and every measure an avoid rule names on the avoid list, never on the do list.

Plain data in, the plan's JSON form out (no pydantic: see :mod:`heavylegs.assessment.prepared`).
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.prepared import Compiled, Context, Flag
from heavylegs.knowledge.levels import Urgency

LIKELY = 0.25
"""A cause at or above this likelihood, and in the top three, shapes the plan."""
MAX_MEASURES = 8


def build_plan(
    compiled: Compiled, ctx: Context, fired: list[Flag], level: Urgency
) -> dict[str, Any]:
    """Actions for fired red flags first, then measures for the likely causes and the person's
    day; every measure an avoid rule names goes to 'avoid' and never to 'do'."""
    avoid: dict[str, dict[str, Any]] = {}
    rules = len(compiled.avoid)
    holds: set[int] = set()
    for hit in compiled.plan_test(ctx):
        if hit < rules:
            for item in compiled.avoid[hit]:
                avoid.setdefault(item["id"], item)
        else:
            holds.add(hit)
    do: list[dict[str, Any]] = []
    seen: set[str] = set()
    measures = compiled.measures
    position: list[str] = []
    """The leg position the plan has settled on: the first item that sets one decides (actions
    for the most serious warning sign come first), so a plan never says raise and do not raise."""

    def add(measure_id: str) -> None:
        if measure_id in seen or measure_id in avoid:
            return
        placed = measures[measure_id].position
        if placed is not None:
            if position and position[0] != placed:
                return
            position.append(placed)
        seen.add(measure_id)
        do.append(compiled.items[measure_id])

    for flag in sorted(fired, key=lambda f: -f.level.rank):
        # An emergency plan keeps the emergency actions and, from lesser signs, only first aid
        # that is safe while help is on the way (pressing on a bleeding vein, cooling down in
        # the heat): dropping it would leave the person without the one thing to do now.
        first_aid_only = level is Urgency.EMERGENCY and flag.level is not Urgency.EMERGENCY
        for action in flag.do_now:
            measure = measures[action]
            if first_aid_only and not (measure.urgency is None and measure.while_waiting):
                continue
            if measure.urgency is None or measure.urgency is level:  # one "how soon"
                add(action)
    if level is Urgency.EMERGENCY:
        return {"do": do, "avoid": list(avoid.values())}
    if level is Urgency.ROUTINE:
        add(compiled.routine_action)  # in the base: the loader checks it
    best: dict[int, float] = {}
    for rank, cause_id in enumerate(ctx.ranking):
        likelihood = ctx.likelihood[cause_id]
        if not ((rank < 3 and likelihood >= LIKELY) or likelihood >= 0.5):
            continue
        for index, priority, when in compiled.by_cause.get(cause_id, ()):
            if when < 0 or when in holds:
                score = priority + 20 * likelihood
                if score > best.get(index, -1.0):
                    best[index] = score
    for index, priority, situation in compiled.by_situation:
        if situation in holds and priority > best.get(index, -1.0):
            best[index] = priority
    candidates: list[tuple[float, int, str]] = []
    for index, score in best.items():
        measure_id = compiled.offerable[index]
        if measure_id in avoid or (
            level is Urgency.URGENT and not measures[measure_id].while_waiting
        ):
            continue
        candidates.append((-score, index, measure_id))
    candidates.sort()
    for _, _, measure_id in candidates[:MAX_MEASURES]:
        add(measure_id)
    return {"do": do, "avoid": list(avoid.values())}
