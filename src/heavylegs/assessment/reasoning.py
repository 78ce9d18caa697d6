"""Flat answers in, the assessment's JSON document out: triage first, then ranked causes, then a
plan that is safe.

Everything is a pure function of the answers and the prepared knowledge base, so the same input
always gives the same output (golden files and the vignette runner rely on it). It reads only
plain data (:mod:`heavylegs.assessment.prepared`) and writes the document in the output models'
field order (``result.py``; ``tests/assessment/test_reasoning.py`` keeps them in step), so the
command line can assess without importing pydantic (issue 15); :func:`heavylegs.assessment.
engine.assess` turns the document into the models for the other faces.
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.plan import build_plan
from heavylegs.assessment.prepared import Compiled, Context, CriteriaInfo, CriterionTest, Flag
from heavylegs.assessment.prepared import likelihood as likelihood_of
from heavylegs.knowledge.levels import Urgency

RED_FLAG_BOOST = {Urgency.EMERGENCY: 3.0, Urgency.URGENT: 3.0, Urgency.ROUTINE: 1.5}
"""Log-odds added to a cause whose red flag fired, so the cause the warning is about is ranked
with it (recorded as a ``why`` line like any other step); routine flags are less specific."""
MAX_CAUSES = 6


def assess_flat(flat: dict[str, Any], compiled: Compiled) -> dict[str, Any]:
    """The assessment document (``Assessment.model_dump(mode="json")``) of flat answers
    (``features.flatten``). Parts of it are shared with other assessments: read-only."""
    ctx = Context(flat)
    hits = compiled.answers_test(ctx)
    flag_count = len(compiled.red_flags)
    fired = [compiled.red_flags[i] for i in hits if i < flag_count]
    likelihood, order, steps = _score_causes(
        compiled, [i - flag_count for i in hits if i >= flag_count], fired
    )
    level, triage = _triage(compiled, fired, flat, compiled.cause_ids[order[0]])
    ids = compiled.cause_ids
    plan_ctx = Context(
        flat,
        red_flags=frozenset(f.id for f in fired),
        level_rank=level.rank,
        likelihood=dict(zip(ids, likelihood, strict=True)),
        ranking=tuple(ids[i] for i in order),
    )
    worth = sum(1 for p in likelihood if p >= 0.1)
    shown = order[: max(3, worth)][:MAX_CAUSES]
    for flag in fired:  # a stroke is not a leg problem: no leg causes beside it
        if flag.only_its_cause and flag.cause is not None:
            shown = [compiled.cause_index[flag.cause]]
            break
    plan = build_plan(compiled, plan_ctx, fired, level)
    if not plan["do"] and triage["headline"] == compiled.self_care_headline:
        triage["headline"] = compiled.self_care_no_plan_headline  # a fresh dict: see _triage
    return {
        "schema_version": 1,
        "triage": triage,
        "causes": [_cause(compiled, likelihood[i], steps.get(i, ()), i, ctx) for i in shown],
        "plan": plan,
        "see_a_doctor_if": [
            text for text, test in compiled.safety_net if test is None or test(plan_ctx)
        ],
        "disclaimer": compiled.disclaimer,
        "knowledge_version": compiled.version,
    }


def _triage(
    compiled: Compiled, fired: list[Flag], flat: dict[str, Any], top_cause: str
) -> tuple[Urgency, dict[str, Any]]:
    """The highest level among fired red flags, and the most relevant of them first: the one
    about the most likely cause when it is at that level, else the first in file order, which
    the knowledge base keeps from most to least specific (sepsis before a lung clot)."""
    ordered = sorted(fired, key=lambda f: -f.level.rank)  # stable: file order within a level
    if not ordered:
        checked = not compiled.warning_paths.isdisjoint(flat)
        headline = compiled.self_care_headline if checked else compiled.unchecked_headline
        level = Urgency.SELF_CARE
        return level, {"level": level.value, "headline": headline, "reasons": []}
    for i, flag in enumerate(ordered):
        if flag.level is not ordered[0].level:
            break
        if flag.cause == top_cause:
            ordered.insert(0, ordered.pop(i))
            break
    level = ordered[0].level
    # A less urgent sign about a cause a more urgent one already names says the same thing
    # with less urgency ("book an appointment" under "get seen today" for the same clot): it
    # still counts for the plan (``fired``), but is not listed as another reason.
    named: dict[str, int] = {}
    for flag in ordered:
        if flag.cause is not None:
            named.setdefault(flag.cause, flag.level.rank)
    shown = [f for f in ordered if f.cause is None or named[f.cause] <= f.level.rank]
    return level, {
        "level": level.value,
        "headline": ordered[0].headline,
        "reasons": [compiled.reasons[f.id] for f in shown],
    }


Steps = dict[int, list[tuple[float, str]]]


def _score_causes(
    compiled: Compiled, matched: list[int], fired: list[Flag]
) -> tuple[list[float], list[int], Steps]:
    """Transparent scoring: prior log-odds plus each matching feature's weight, every step told.
    Gives every cause's likelihood, the ranking, and the steps that moved each score."""
    logits = list(compiled.priors)
    steps: Steps = {}
    for index in matched:
        cause, weight, why = compiled.features[index]
        logits[cause] += weight
        steps.setdefault(cause, []).append((weight, why))
    warned: set[str] = set()
    for flag in fired:  # the most serious flag naming a cause speaks for it
        if flag.cause is not None and flag.cause not in warned:
            warned.add(flag.cause)
            boost = RED_FLAG_BOOST.get(flag.level, 0.0)
            position = compiled.cause_index[flag.cause]
            logits[position] += boost
            steps.setdefault(position, []).append(
                (boost, f"matches the warning sign: {flag.title.lower()}")
            )
    likelihood = list(compiled.prior_likelihood)  # the causes no answer moved keep theirs
    for moved in steps:
        likelihood[moved] = likelihood_of(logits[moved])
    # sorted() is stable with reverse=True: knowledge order breaks ties
    order = sorted(range(len(logits)), key=likelihood.__getitem__, reverse=True)
    return likelihood, order, steps


def _cause(
    compiled: Compiled,
    likelihood: float,
    moved: list[tuple[float, str]] | tuple[()],
    index: int,
    ctx: Context,
) -> dict[str, Any]:
    """A feature that lowered the score is evidence against the cause, never a reason for it."""
    cause = compiled.causes[index]
    steps = sorted(moved, key=lambda s: -abs(s[0]))
    found = compiled.criteria.get(index)
    return {
        "id": cause.id,
        "likelihood": likelihood,
        "why": [why for weight, why in steps if weight > 0],
        "sources": list(cause.sources),
        "title": cause.title,
        "against": [why for weight, why in steps if weight < 0],
        "criteria": None if found is None else _criteria(found[0], found[1], ctx),
    }


def _criteria(
    criteria: CriteriaInfo, tests: tuple[CriterionTest, ...], ctx: Context
) -> dict[str, Any] | None:
    """Which criteria the answers meet; ``None`` when none is met (nothing worth showing)."""
    met: list[str] = []
    not_met: list[str] = []
    unknown: list[str] = []
    for text, holds, fails in tests:
        if holds(ctx):
            met.append(text)
        elif fails is not None and fails(ctx):
            not_met.append(text)
        else:
            unknown.append(text)
    if not met:
        return None
    return {
        "name": criteria.name,
        "met": met,
        "not_met": not_met,
        "unknown": unknown,
        "note": criteria.note,
        "sources": list(criteria.sources),
    }
