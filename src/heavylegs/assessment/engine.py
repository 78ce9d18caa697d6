"""Answers in, assessment out: triage first, then ranked causes, then a plan that is safe.

Everything is a pure function of the answers and the knowledge base, so the same input always
gives the same output (golden files and the vignette runner rely on it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from heavylegs.assessment.answers import Answers
from heavylegs.assessment.features import flatten
from heavylegs.assessment.result import (
    Assessment,
    AvoidItem,
    CauseResult,
    Plan,
    PlanItem,
    Reason,
    Triage,
)
from heavylegs.assessment.rules import Context, Predicate, RuleError, compile_condition
from heavylegs.knowledge import KnowledgeBase, Urgency, load_knowledge
from heavylegs.knowledge.conditions import Cond
from heavylegs.knowledge.models import (
    AvoidRule,
    Cause,
    Indication,
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


@dataclass(frozen=True, slots=True)
class _CompiledCause:
    cause: Cause
    features: tuple[tuple[float, str, Predicate], ...]


@dataclass(frozen=True, slots=True)
class Compiled:
    """The knowledge base with every condition compiled (one per knowledge version)."""

    kb: KnowledgeBase
    red_flags: tuple[tuple[RedFlag, Predicate], ...]
    causes: tuple[_CompiledCause, ...]
    indications: tuple[tuple[Measure, tuple[tuple[Indication, Predicate | None], ...]], ...]
    avoid: tuple[tuple[AvoidRule, Predicate], ...]
    safety_net: tuple[tuple[SafetyNet, Predicate | None], ...]


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

    compiled = Compiled(
        kb=kb,
        red_flags=tuple((f, rule(f"red_flag {f.id}", f.when)) for f in kb.red_flags.values()),
        causes=tuple(
            _CompiledCause(
                c, tuple((f.weight, f.why, rule(f"cause {c.id}", f.when)) for f in c.features)
            )
            for c in kb.causes.values()
        ),
        indications=tuple(
            (m, tuple((i, maybe(f"measure {m.id}", i.when)) for i in m.indications))
            for m in kb.measures.values()
        ),
        avoid=tuple((r, rule(f"avoid {r.id}", r.when)) for r in kb.avoid.values()),
        safety_net=tuple((s, maybe(f"safety_net {s.id}", s.when)) for s in kb.safety_net.values()),
    )
    _COMPILED[kb.version] = compiled
    return compiled


def assess(answers: Answers, kb: KnowledgeBase | None = None) -> Assessment:
    """The full assessment of one person's answers."""
    compiled = compile_knowledge(kb if kb is not None else load_knowledge())
    ctx = Context(flatten(answers))
    fired = [flag for flag, test in compiled.red_flags if test(ctx)]
    triage = _triage(compiled.kb, fired)
    causes = _causes(compiled, ctx, fired)
    likelihood = {c.id: c.likelihood for c in causes}
    plan_ctx = Context(
        ctx.flat,
        red_flags=frozenset(f.id for f in fired),
        level_rank=triage.level.rank,
        likelihood=likelihood,
        ranking=tuple(c.id for c in causes),
    )
    return Assessment(
        triage=triage,
        causes=causes[: max(3, sum(1 for c in causes if c.likelihood >= 0.1))][:MAX_CAUSES],
        plan=_plan(compiled, plan_ctx, fired, triage.level),
        see_a_doctor_if=[
            s.text for s, test in compiled.safety_net if test is None or test(plan_ctx)
        ],
        disclaimer=compiled.kb.disclaimer,
        knowledge_version=compiled.kb.version,
    )


def _triage(kb: KnowledgeBase, fired: list[RedFlag]) -> Triage:
    """The highest level among fired red flags; the most serious one's headline comes first."""
    ordered = sorted(fired, key=lambda f: -f.level.rank)  # stable: file order within a level
    if not ordered:
        return Triage(level=Urgency.SELF_CARE, headline=kb.self_care_headline, reasons=[])
    return Triage(
        level=ordered[0].level,
        headline=ordered[0].headline,
        reasons=[Reason(id=f.id, message=f.message, sources=list(f.sources)) for f in ordered],
    )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _causes(compiled: Compiled, ctx: Context, fired: list[RedFlag]) -> list[CauseResult]:
    """Transparent scoring: prior log-odds plus each matching feature's weight, every step told."""
    flagged: dict[str, RedFlag] = {}
    for flag in fired:
        if flag.cause is not None:
            flagged.setdefault(flag.cause, flag)
    scored: list[tuple[float, int, CauseResult]] = []
    for index, item in enumerate(compiled.causes):
        logit = item.cause.prior
        steps: list[tuple[float, str]] = []
        for weight, why, test in item.features:
            if test(ctx):
                logit += weight
                steps.append((weight, why))
        warning = flagged.get(item.cause.id)
        if warning is not None:
            boost = RED_FLAG_BOOST.get(warning.level, 0.0)
            logit += boost
            steps.append((boost, f"matches the warning sign: {warning.title.lower()}"))
        steps.sort(key=lambda s: -abs(s[0]))
        likelihood = round(_sigmoid(logit), 3)
        result = CauseResult(
            id=item.cause.id,
            title=item.cause.title,
            likelihood=likelihood,
            why=[why for _, why in steps],
            sources=list(item.cause.sources),
        )
        scored.append((-likelihood, index, result))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in scored]


def _plan(compiled: Compiled, ctx: Context, fired: list[RedFlag], level: Urgency) -> Plan:
    kb = compiled.kb
    avoid: dict[str, AvoidItem] = {}
    for rule, test in compiled.avoid:
        if not test(ctx):
            continue
        for measure_id in rule.measures:
            if measure_id not in avoid:
                avoid[measure_id] = AvoidItem(
                    id=measure_id,
                    title=kb.measures[measure_id].title,
                    why=rule.why,
                    sources=list(rule.sources),
                )
    # Things the plan never suggests doing are still worth naming when the person is swollen
    # or at risk: avoid rules decide; here we only keep 'do' and 'avoid' disjoint.
    do: list[PlanItem] = []
    seen: set[str] = set()

    def add(measure: Measure, why: str | None = None) -> None:
        if measure.id in seen or measure.id in avoid:
            return
        seen.add(measure.id)
        do.append(_item(measure, why))

    for flag in sorted(fired, key=lambda f: -f.level.rank):
        for action in flag.do_now:
            add(kb.measures[action])
    if level is Urgency.EMERGENCY:
        return Plan(do=do, avoid=list(avoid.values()))
    if level is Urgency.ROUTINE and "book_appointment" in kb.measures:
        add(kb.measures["book_appointment"])
    likely = {
        cid
        for rank, cid in enumerate(ctx.ranking)
        if (rank < 3 and ctx.likelihood[cid] >= LIKELY) or ctx.likelihood[cid] >= 0.5
    }
    candidates: list[tuple[float, int, Measure]] = []
    for order, (measure, indications) in enumerate(compiled.indications):
        if measure.kind in (MeasureKind.ACTION, MeasureKind.AVOID_HABIT):
            continue
        if level is Urgency.URGENT and not measure.while_waiting:
            continue
        best: float | None = None
        for ind, applies in indications:
            cause_hits = [c for c in ind.causes if c in likely]
            if ind.causes and not cause_hits:
                continue
            if applies is not None and not applies(ctx):
                continue
            score = ind.priority + 20 * max((ctx.likelihood[c] for c in cause_hits), default=0.0)
            best = score if best is None else max(best, score)
        if best is not None:
            candidates.append((-best, order, measure))
    candidates.sort(key=lambda t: (t[0], t[1]))
    for _, _, measure in candidates[:MAX_MEASURES]:
        add(measure)
    return Plan(do=do, avoid=list(avoid.values()))


def _item(measure: Measure, why: str | None) -> PlanItem:
    return PlanItem(
        id=measure.id,
        title=measure.title,
        kind=measure.kind.value,
        dose=measure.dose,
        when=measure.timing,
        why=why or measure.why,
        sources=list(measure.sources),
        steps=list(measure.steps),
    )
