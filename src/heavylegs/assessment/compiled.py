"""The knowledge base compiled for assessments: every condition turned into a predicate and every
static output item built once per knowledge version, so an assessment only evaluates predicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from heavylegs.assessment.result import AvoidItem, PlanItem, Reason, trusted
from heavylegs.assessment.rules import (
    Context,
    Predicate,
    RuleError,
    check_condition,
    compile_batch,
    compile_condition,
)
from heavylegs.knowledge import KnowledgeBase
from heavylegs.knowledge.conditions import Cond, Leaf, walk
from heavylegs.knowledge.models import (
    AvoidRule,
    Cause,
    Criteria,
    Measure,
    MeasureKind,
    RedFlag,
    SafetyNet,
)

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
            f.id: trusted(Reason, id=f.id, message=f.message, sources=list(f.sources))
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


def _item(measure: Measure) -> PlanItem:
    """Built with ``trusted``: every value comes from the validated knowledge base, and a
    validating constructor would build the output models' validators at every start-up."""
    return trusted(
        PlanItem,
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
    return trusted(
        AvoidItem,
        id=measure_id,
        title=kb.measures[measure_id].title,
        why=rule.why,
        sources=list(rule.sources),
    )
