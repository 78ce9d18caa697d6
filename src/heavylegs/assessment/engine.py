"""Answers in, assessment out: triage first, then ranked causes, then a plan that is safe.

Everything is a pure function of the answers and the knowledge base, so the same input always
gives the same output (golden files and the vignette runner rely on it). The knowledge base is
compiled once per version (``compiled.py``); the plan is built in ``plan.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from heavylegs.assessment.answers import Answers
from heavylegs.assessment.compiled import Compiled, CriterionTest, compile_knowledge
from heavylegs.assessment.features import flatten
from heavylegs.assessment.plan import build_plan
from heavylegs.assessment.result import (
    Assessment,
    CauseResult,
    CriteriaResult,
    Triage,
    trusted,
)
from heavylegs.assessment.rules import Context
from heavylegs.knowledge import KnowledgeBase, Urgency, load_knowledge
from heavylegs.knowledge.models import CauseList, Criteria, RedFlag

RED_FLAG_BOOST = {Urgency.EMERGENCY: 3.0, Urgency.URGENT: 3.0, Urgency.ROUTINE: 1.5}
"""Log-odds added to a cause whose red flag fired, so the cause the warning is about is ranked
with it (recorded as a ``why`` line like any other step); routine flags are less specific."""
MAX_CAUSES = 6


def assess(answers: Answers, kb: KnowledgeBase | None = None) -> Assessment:
    """The full assessment of one person's answers."""
    compiled = compile_knowledge(kb if kb is not None else load_knowledge())
    ctx = Context(flatten(answers))
    hits = compiled.answers_test(ctx)
    flag_count = len(compiled.red_flags)
    fired = [compiled.red_flags[i] for i in hits if i < flag_count]
    scores = _score_causes(compiled, [i - flag_count for i in hits if i >= flag_count], fired)
    triage = _triage(compiled, fired, ctx.flat, compiled.cause_ids[scores.order[0]])
    ids = compiled.cause_ids
    plan_ctx = Context(
        ctx.flat,
        red_flags=frozenset(f.id for f in fired),
        level_rank=triage.level.rank,
        likelihood=dict(zip(ids, scores.likelihood, strict=True)),
        ranking=tuple(ids[i] for i in scores.order),
    )
    worth = sum(1 for p in scores.likelihood if p >= 0.1)
    shown = scores.order[: max(3, worth)][:MAX_CAUSES]
    for flag in fired:  # a stroke is not a leg problem: no leg causes beside it
        if flag.cause_list is CauseList.ONLY_FLAG_CAUSE and flag.cause is not None:
            shown = [compiled.cause_index[flag.cause]]
            break
    # model_construct: every piece comes from the validated knowledge base, and validating
    # again would cost more than the whole assessment.
    return trusted(
        Assessment,
        schema_version=1,
        triage=triage,
        causes=[_cause_result(compiled, scores, i, ctx) for i in shown],
        plan=build_plan(compiled, plan_ctx, fired, triage.level),
        see_a_doctor_if=[
            s.text for s, test in compiled.safety_net if test is None or test(plan_ctx)
        ],
        disclaimer=compiled.kb.disclaimer,
        knowledge_version=compiled.kb.version,
    )


def _triage(
    compiled: Compiled, fired: list[RedFlag], flat: dict[str, object], top_cause: str
) -> Triage:
    """The highest level among fired red flags, and the most relevant of them first: the one
    about the most likely cause when it is at that level, else the first in file order, which
    the knowledge base keeps from most to least specific (sepsis before a lung clot)."""
    ordered = sorted(fired, key=lambda f: -f.level.rank)  # stable: file order within a level
    if not ordered:
        checked = not compiled.warning_paths.isdisjoint(flat)
        headline = compiled.kb.self_care_headline if checked else compiled.kb.unchecked_headline
        return trusted(Triage, level=Urgency.SELF_CARE, headline=headline, reasons=[])
    for i, flag in enumerate(ordered):
        if flag.level is not ordered[0].level:
            break
        if flag.cause == top_cause:
            ordered.insert(0, ordered.pop(i))
            break
    return trusted(
        Triage,
        level=ordered[0].level,
        headline=ordered[0].headline,
        reasons=[compiled.reasons[f.id] for f in ordered],
    )


@dataclass(slots=True)
class _Scores:
    """Every cause's likelihood, the ranking, and the steps that moved each score."""

    likelihood: list[float]
    order: list[int]
    steps: dict[int, list[tuple[float, str]]]


def _score_causes(compiled: Compiled, matched: list[int], fired: list[RedFlag]) -> _Scores:
    """Transparent scoring: prior log-odds plus each matching feature's weight, every step told."""
    logits = list(compiled.priors)
    steps: dict[int, list[tuple[float, str]]] = {}
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
    exp = math.exp
    likelihood = [round(1.0 / (1.0 + exp(-logit)), 3) for logit in logits]
    # sorted() is stable with reverse=True: knowledge order breaks ties
    order = sorted(range(len(logits)), key=likelihood.__getitem__, reverse=True)
    return _Scores(likelihood, order, steps)


def _cause_result(compiled: Compiled, scores: _Scores, index: int, ctx: Context) -> CauseResult:
    """A feature that lowered the score is evidence against the cause, never a reason for it."""
    cause = compiled.causes[index]
    steps = sorted(scores.steps.get(index, ()), key=lambda s: -abs(s[0]))
    found = compiled.criteria.get(index)
    return trusted(
        CauseResult,
        id=cause.id,
        likelihood=scores.likelihood[index],
        why=[why for weight, why in steps if weight > 0],
        sources=list(cause.sources),
        title=cause.title,
        against=[why for weight, why in steps if weight < 0],
        criteria=None if found is None else _criteria(found[0], found[1], ctx),
    )


def _criteria(
    criteria: Criteria, tests: tuple[CriterionTest, ...], ctx: Context
) -> CriteriaResult | None:
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
    return trusted(
        CriteriaResult,
        name=criteria.name,
        met=met,
        not_met=not_met,
        unknown=unknown,
        note=criteria.note,
        sources=list(criteria.sources),
    )
