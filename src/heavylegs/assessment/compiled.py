"""The knowledge base compiled for assessments: every condition turned into a predicate and every
static output item built once per knowledge version, so an assessment only evaluates predicates.

The result is the plain form of :mod:`heavylegs.assessment.prepared` (no pydantic objects in it),
so it can be cached for the start-up of ``assess`` (:mod:`heavylegs.assessment.startup`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heavylegs.assessment.dump import dump_json
from heavylegs.assessment.prepared import (
    CauseInfo,
    Compiled,
    Context,
    CriteriaInfo,
    Flag,
    MeasureInfo,
    Predicate,
    likelihood,
)
from heavylegs.assessment.result import AvoidItem, PlanItem, Reason, trusted
from heavylegs.assessment.rules import (
    RuleError,
    check_condition,
    compile_batch,
    compile_condition,
)
from heavylegs.knowledge import KnowledgeBase
from heavylegs.knowledge.conditions import Cond, Leaf, walk
from heavylegs.knowledge.models import (
    AvoidRule,
    CauseList,
    Measure,
    MeasureKind,
    RedFlag,
)

WARNING_SECTIONS = ("symptoms.", "whole_body.")
"""A red flag's answer paths in these sections are warning-sign questions; when none of them is
answered, a calm result could only mean nothing was checked, and the headline says so."""
CONTEXT_PATHS = frozenset(
    {"symptoms.legs", "symptoms.heaviness", "symptoms.duration_days", "symptoms.when"}
)
"""Paths red flags read that describe the complaint rather than ask about a warning sign."""

_COMPILED: dict[str, tuple[KnowledgeBase, Compiled]] = {}


def compile_knowledge(kb: KnowledgeBase) -> Compiled:
    """Compile (and memoise by version) every rule of ``kb``; raises ``RuleError`` on a bad one."""
    found = _COMPILED.get(kb.version)
    if found is not None and found[0] is kb:
        return found[1]

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
        red_flags=tuple(_flag(f) for f in flags),
        answers_test=batch(
            "rule",
            [(f"red_flag {f.id}", f.when) for f in flags]
            + [(f"cause {causes[i].id}", f.when) for i, f in features],
        ),
        causes=tuple(CauseInfo(c.id, c.title, tuple(c.sources)) for c in causes),
        cause_ids=tuple(c.id for c in causes),
        priors=tuple(c.prior for c in causes),
        prior_likelihood=tuple(likelihood(c.prior) for c in causes),
        cause_index={c.id: i for i, c in enumerate(causes)},
        features=tuple((i, f.weight, f.why) for i, f in features),
        avoid=tuple(tuple(_avoid_item(kb, r, m) for m in r.measures) for r in rules),
        plan_test=batch(
            "plan", [(f"avoid {r.id}", r.when) for r in rules] + indications.conditions
        ),
        safety_net=tuple(
            (s.text, maybe(f"safety_net {s.id}", s.when)) for s in kb.safety_net.values()
        ),
        items={m.id: _item(m) for m in kb.measures.values()},
        measures={
            m.id: MeasureInfo(
                None if m.position is None else m.position.value, m.urgency, m.while_waiting
            )
            for m in kb.measures.values()
        },
        by_cause=indications.by_cause,
        by_situation=indications.by_situation,
        offerable=tuple(m.id for m in indications.offerable),
        reasons={
            f.id: _json(Reason, id=f.id, message=f.message, sources=list(f.sources))
            for f in kb.red_flags.values()
        },
        criteria={
            i: (
                CriteriaInfo(c.criteria.name, c.criteria.note, tuple(c.criteria.sources)),
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
        disclaimer=kb.disclaimer,
        version=kb.version,
        self_care_headline=kb.self_care_headline,
        self_care_no_plan_headline=kb.self_care_no_plan_headline,
        unchecked_headline=kb.unchecked_headline,
        routine_action=kb.routine_action,
    )
    _COMPILED[kb.version] = (kb, compiled)
    return compiled


_STATIC: dict[int, tuple[Compiled, dict[int, Any]]] = {}


def static_models(compiled: Compiled) -> dict[int, Any]:
    """The output models of ``compiled``'s static items (plan items, avoid items, reasons), by
    the ``id`` of their JSON form: ``result.from_document`` takes them instead of building
    them again for every assessment. Built once per compiled base (which keeps the JSON forms
    alive, so an ``id`` is never reused while it is here)."""
    found = _STATIC.get(id(compiled))
    if found is not None and found[0] is compiled:
        return found[1]
    models: dict[int, Any] = {}
    for values in compiled.items.values():
        models[id(values)] = trusted(PlanItem, **values)
    for group in compiled.avoid:
        for values in group:
            models[id(values)] = trusted(AvoidItem, **values)
    for values in compiled.reasons.values():
        models[id(values)] = trusted(Reason, **values)
    _STATIC[id(compiled)] = (compiled, models)
    return models


def _flag(flag: RedFlag) -> Flag:
    return Flag(
        flag.id,
        flag.level,
        flag.title,
        flag.headline,
        flag.cause,
        flag.cause_list is CauseList.ONLY_FLAG_CAUSE,
        tuple(flag.do_now),
    )


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


def _item(measure: Measure) -> dict[str, Any]:
    """The plan item's JSON form, built through the output model so its fields and their
    order are the model's (``trusted``: every value comes from the validated knowledge base)."""
    return _json(
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


def _avoid_item(kb: KnowledgeBase, rule: AvoidRule, measure_id: str) -> dict[str, Any]:
    return _json(
        AvoidItem,
        id=measure_id,
        title=kb.measures[measure_id].title,
        why=rule.why,
        sources=list(rule.sources),
    )


def _json(cls: type[Reason] | type[PlanItem] | type[AvoidItem], **values: Any) -> dict[str, Any]:
    return dump_json(trusted(cls, **values))
