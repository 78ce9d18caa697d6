"""Answers in, assessment out: triage first, then ranked causes, then a plan that is safe.

Everything is a pure function of the answers and the knowledge base, so the same input always
gives the same output (golden files and the vignette runner rely on it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from heavylegs.assessment.answers import Answers
from heavylegs.assessment.features import flatten
from heavylegs.assessment.result import (
    Assessment,
    AvoidItem,
    CauseResult,
    CriteriaResult,
    Plan,
    PlanItem,
    Reason,
    Triage,
    trusted,
)
from heavylegs.assessment.rules import (
    Context,
    Predicate,
    RuleError,
    check_condition,
    compile_batch,
    compile_condition,
)
from heavylegs.knowledge import KnowledgeBase, Urgency, load_knowledge
from heavylegs.knowledge.conditions import Cond, Leaf, walk
from heavylegs.knowledge.models import (
    AvoidRule,
    Cause,
    CauseList,
    Criteria,
    LegPosition,
    Measure,
    MeasureKind,
    RedFlag,
    SafetyNet,
)

RED_FLAG_BOOST = {Urgency.EMERGENCY: 3.0, Urgency.URGENT: 3.0, Urgency.ROUTINE: 1.5}
"""Log-odds added to a cause whose red flag fired, so the cause the warning is about is ranked
with it (recorded as a ``why`` line like any other step); routine flags are less specific."""
LIKELY = 0.25
"""A cause at or above this likelihood, and in the top three, shapes the plan."""
MAX_CAUSES = 6
MAX_MEASURES = 8
WARNING_SECTIONS = ("symptoms.", "whole_body.")
"""A red flag's answer paths in these sections are warning-sign questions; when none of them is
answered, a calm result could only mean nothing was checked, and the headline says so."""
CONTEXT_PATHS = frozenset(
    {"symptoms.legs", "symptoms.heaviness", "symptoms.duration_days", "symptoms.when"}
)
"""Paths red flags read that describe the complaint rather than ask about a warning sign."""

CriterionTest = tuple[str, Predicate, Predicate | None]


@dataclass(frozen=True, slots=True)
class Compiled:
    """The knowledge base with every condition compiled and every static output item built
    once (one per knowledge version): an assessment then only evaluates predicates."""

    kb: KnowledgeBase
    red_flags: tuple[RedFlag, ...]
    answers_test: Callable[[Context], list[int]]
    """One generated function over the red flags, then every cause feature (offset by the
    number of red flags): each answer path is read once for both."""
    causes: tuple[Cause, ...]
    cause_ids: tuple[str, ...]
    priors: tuple[float, ...]
    cause_index: dict[str, int]
    features: tuple[tuple[int, float, str], ...]
    """Every cause feature as (cause index, weight, why), in the order of ``answers_test``."""
    avoid: tuple[tuple[AvoidItem, ...], ...]
    plan_test: Callable[[Context], list[int]]
    """One generated function over the avoid rules, then every indication condition."""
    safety_net: tuple[tuple[SafetyNet, Predicate | None], ...]
    items: dict[str, PlanItem]
    reasons: dict[str, Reason]
    by_cause: dict[str, tuple[tuple[int, float, int], ...]]
    """cause id -> (measure index, priority, condition index in ``plan_test`` or -1)."""
    by_situation: tuple[tuple[int, float, int], ...]
    offerable: tuple[Measure, ...]
    criteria: dict[int, tuple[Criteria, tuple[CriterionTest, ...]]]
    """cause index -> its criteria set with each item's met / not-met predicates."""
    warning_paths: frozenset[str]


_COMPILED: dict[str, Compiled] = {}


def compile_knowledge(kb: KnowledgeBase) -> Compiled:
    """Compile (and memoise by version) every rule of ``kb``; raises ``RuleError`` on a bad one."""
    found = _COMPILED.get(kb.version)
    if found is not None and found.kb is kb:
        return found

    def rule(where: str, cond: Cond) -> Predicate:
        try:
            return compile_condition(cond)
        except RuleError as exc:
            raise RuleError(f"{where}: {exc}") from None

    def maybe(where: str, cond: Cond | None) -> Predicate | None:
        return None if cond is None else rule(where, cond)

    def batch(where: str, conds: list[tuple[str, Cond]]) -> Callable[[Context], list[int]]:
        try:
            return compile_batch([cond for _, cond in conds])
        except RuleError:
            for label, cond in conds:  # checked one by one only to name the rule that is wrong
                try:
                    check_condition(cond)
                except RuleError as exc:
                    raise RuleError(f"{where} {label}: {exc}") from None
            raise

    flags = tuple(kb.red_flags.values())
    indications = _index_indications(kb, offset=len(kb.avoid))
    causes = tuple(kb.causes.values())
    features = [(i, f) for i, c in enumerate(causes) for f in c.features]
    rules = tuple(kb.avoid.values())
    compiled = Compiled(
        kb=kb,
        red_flags=flags,
        answers_test=batch(
            "rule",
            [(f"red_flag {f.id}", f.when) for f in flags]
            + [(f"cause {causes[i].id}", f.when) for i, f in features],
        ),
        causes=causes,
        cause_ids=tuple(c.id for c in causes),
        priors=tuple(c.prior for c in causes),
        cause_index={c.id: i for i, c in enumerate(causes)},
        features=tuple((i, f.weight, f.why) for i, f in features),
        avoid=tuple(tuple(_avoid_item(kb, r, m) for m in r.measures) for r in rules),
        plan_test=batch(
            "plan", [(f"avoid {r.id}", r.when) for r in rules] + indications.conditions
        ),
        safety_net=tuple((s, maybe(f"safety_net {s.id}", s.when)) for s in kb.safety_net.values()),
        items={m.id: _item(m) for m in kb.measures.values()},
        by_cause=indications.by_cause,
        by_situation=indications.by_situation,
        offerable=indications.offerable,
        reasons={
            f.id: Reason.model_construct(id=f.id, message=f.message, sources=list(f.sources))
            for f in kb.red_flags.values()
        },
        criteria={
            i: (
                c.criteria,
                tuple(
                    (
                        item.text,
                        rule(f"cause {c.id} criteria", item.when),
                        maybe(f"cause {c.id} criteria", item.unless),
                    )
                    for item in c.criteria.items
                ),
            )
            for i, c in enumerate(causes)
            if c.criteria is not None
        },
        warning_paths=_warning_paths(flags),
    )
    _COMPILED[kb.version] = compiled
    return compiled


def _warning_paths(flags: tuple[RedFlag, ...]) -> frozenset[str]:
    """Every answer path a red flag asks about (see ``WARNING_SECTIONS``)."""
    return frozenset(
        node.path
        for flag in flags
        for node in walk(flag.when)
        if isinstance(node, Leaf)
        and node.path.startswith(WARNING_SECTIONS)
        and node.path not in CONTEXT_PATHS
    )


@dataclass(frozen=True, slots=True)
class _Indications:
    offerable: tuple[Measure, ...]
    by_cause: dict[str, tuple[tuple[int, float, int], ...]]
    by_situation: tuple[tuple[int, float, int], ...]
    conditions: list[tuple[str, Cond]]


def _index_indications(kb: KnowledgeBase, offset: int) -> _Indications:
    """Index measures by the cause that indicates them, so a plan looks only at likely causes;
    their conditions join the plan batch after the ``offset`` avoid rules."""
    offerable = tuple(
        m
        for m in kb.measures.values()
        if m.kind not in (MeasureKind.ACTION, MeasureKind.AVOID_HABIT)
    )
    by_cause: dict[str, list[tuple[int, float, int]]] = {}
    by_situation: list[tuple[int, float, int]] = []
    conditions: list[tuple[str, Cond]] = []
    for index, measure in enumerate(offerable):
        for ind in measure.indications:
            test = -1
            if ind.when is not None:
                test = offset + len(conditions)
                conditions.append((f"measure {measure.id}", ind.when))
            for cause_id in ind.causes:
                by_cause.setdefault(cause_id, []).append((index, float(ind.priority), test))
            if not ind.causes and test >= 0:
                by_situation.append((index, float(ind.priority), test))
    return _Indications(
        offerable,
        {k: tuple(v) for k, v in by_cause.items()},
        tuple(by_situation),
        conditions,
    )


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
        plan=_plan(compiled, plan_ctx, fired, triage.level),
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


def _plan(compiled: Compiled, ctx: Context, fired: list[RedFlag], level: Urgency) -> Plan:
    """Actions for fired red flags first, then measures for the likely causes and the person's
    day; every measure an avoid rule names goes to 'avoid' and never to 'do'."""
    avoid: dict[str, AvoidItem] = {}
    rules = len(compiled.avoid)
    holds: set[int] = set()
    for hit in compiled.plan_test(ctx):
        if hit < rules:
            for item in compiled.avoid[hit]:
                avoid.setdefault(item.id, item)
        else:
            holds.add(hit)
    do: list[PlanItem] = []
    seen: set[str] = set()
    measures = compiled.kb.measures
    position: list[LegPosition] = []
    """The leg position the plan has settled on: the first item that sets one decides (actions
    for the most serious warning sign come first), so a plan never says raise and do not raise."""

    def add(measure_id: str) -> None:
        if measure_id in seen or measure_id in avoid:
            return
        placed = measures[measure_id].position
        if placed is not None:
            if position and position[0] is not placed:
                return
            position.append(placed)
        seen.add(measure_id)
        do.append(compiled.items[measure_id])

    for flag in sorted(fired, key=lambda f: -f.level.rank):
        if level is Urgency.EMERGENCY and flag.level is not Urgency.EMERGENCY:
            break  # an emergency plan keeps only the emergency actions
        for action in flag.do_now:
            urgency = measures[action].urgency
            if urgency is None or urgency is level:  # one "how soon", the triage level's
                add(action)
    if level is Urgency.EMERGENCY:
        return trusted(Plan, do=do, avoid=list(avoid.values()))
    if level is Urgency.ROUTINE:
        add(compiled.kb.routine_action)  # in the base: the loader checks it
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
        if priority > best.get(index, -1.0) and situation in holds:
            best[index] = priority
    candidates: list[tuple[float, int, str]] = []
    for index, score in best.items():
        measure = compiled.offerable[index]
        if measure.id in avoid or (level is Urgency.URGENT and not measure.while_waiting):
            continue
        candidates.append((-score, index, measure.id))
    candidates.sort()
    for _, _, measure_id in candidates[:MAX_MEASURES]:
        add(measure_id)
    return trusted(Plan, do=do, avoid=list(avoid.values()))


def _item(measure: Measure) -> PlanItem:
    return PlanItem(
        id=measure.id,
        title=measure.title,
        kind=measure.kind.value,
        dose=measure.dose,
        when=measure.timing,
        why=measure.why,
        sources=list(measure.sources),
        steps=list(measure.steps),
    )


def _avoid_item(kb: KnowledgeBase, rule: AvoidRule, measure_id: str) -> AvoidItem:
    return AvoidItem(
        id=measure_id,
        title=kb.measures[measure_id].title,
        why=rule.why,
        sources=list(rule.sources),
    )
