"""Load the YAML knowledge base, check every cross-reference, and cache the validated result.

Validation costs ~100 ms; the CLI must start fast, so the validated object is pickled into the
user cache directory under a key made from the YAML bytes. Any change to a YAML file changes the
key, so a stale cache can never be read.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from heavylegs.knowledge.cache import (
    DATA_DIR,
    cache_dir,
    cache_file,
    fingerprint,
    knowledge_files,
    write_atomically,
)
from heavylegs.knowledge.conditions import CauseInTop, CauseLikely, RedFlagFired, walk
from heavylegs.knowledge.models import (
    AvoidRule,
    Cause,
    Faq,
    KnowledgeBase,
    Measure,
    MeasureKind,
    Questionnaire,
    RedFlag,
    SafetyNet,
    Source,
)

__all__ = ["DATA_DIR", "KnowledgeError", "cache_dir", "load_knowledge", "parse_knowledge"]

KINDS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "causes": Cause,
    "red_flags": RedFlag,
    "measures": Measure,
    "avoid": AvoidRule,
    "safety_net": SafetyNet,
    "faq": Faq,
}
M = TypeVar("M", bound=BaseModel)
META_TEXTS = (
    "disclaimer",
    "self_care_headline",
    "self_care_no_plan_headline",
    "unchecked_headline",
    "routine_action",
)
"""What ``meta.yaml`` must hold (``routine_action`` is a measure id, checked with the rest)."""


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent; the message names file, entry and field."""


def _kind_of(path: Path) -> str:
    """``measures_running.yaml`` holds measures: the kind is the name before the first '_'-part
    that matches a known kind, so helpers can split a kind across files."""
    stem = path.stem
    for kind in sorted(KINDS, key=len, reverse=True):
        if stem == kind or stem.startswith(kind + "_"):
            return kind
    if stem == "meta":
        return "meta"
    if stem == "questions" or stem.startswith("questions_"):
        return "questions"
    raise KnowledgeError(f"{path.name}: not a known knowledge file (expected one of {list(KINDS)})")


def _read_yaml(path: Path) -> Any:
    import yaml  # only when the cache misses: start-up reads the pickle

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc


def _entries(path: Path, raw: Any, model: type[M]) -> Iterable[M]:
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path.name}: must be a list of entries")
    for i, item in enumerate(raw):
        label = f"{path.name}[{i}]" + (f" ({item.get('id')})" if isinstance(item, dict) else "")
        try:
            yield model.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise KnowledgeError(f"{label}: {problems}") from None


def parse_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Read and validate every YAML file; raise :class:`KnowledgeError` on the first problem."""
    files = knowledge_files(data_dir)
    tables: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    meta: dict[str, Any] = {}
    questionnaire = Questionnaire()
    for path in files:
        kind = _kind_of(path)
        raw = _read_yaml(path)
        if kind == "questions":
            questionnaire = _add_questions(questionnaire, path, raw)
            continue
        if kind == "meta":
            if not isinstance(raw, dict):
                raise KnowledgeError(f"{path.name}: must be a mapping")
            meta.update(raw)
            continue
        for entry in _entries(path, raw, KINDS[kind]):
            entry_id = entry.id  # type: ignore[attr-defined]
            if entry_id in tables[kind]:
                raise KnowledgeError(f"{path.name}: duplicate {kind} id {entry_id!r}")
            tables[kind][entry_id] = entry
    for key in META_TEXTS:
        if not isinstance(meta.get(key), str):
            raise KnowledgeError(f"meta.yaml: needs a {key!r} text")
    kb = KnowledgeBase(
        version=fingerprint(files)[:16],
        questionnaire=questionnaire,
        **{key: meta[key] for key in META_TEXTS},
        **tables,
    )
    check_references(kb)
    return kb


def _add_questions(before: Questionnaire, path: Path, raw: Any) -> Questionnaire:
    """``questions*.yaml``: a mapping of ``sections`` (in order) and ``not_asked``; a second file
    adds its sections after the first's. A problem names the question by its path."""
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path.name}: must be a mapping with 'sections'")
    try:
        part = Questionnaire.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_question_at(raw, err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise KnowledgeError(f"{path.name}: {problems}") from None
    return Questionnaire(
        sections=[*before.sections, *part.sections],
        not_asked={**before.not_asked, **part.not_asked},
    )


def _question_at(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """``sections.2.questions.4.ask_if`` -> ``question symptoms.pain ask_if`` (the path is what
    a reader searches for); the location as is where there is no question."""
    where = ".".join(str(p) for p in loc) or "(file)"
    if len(loc) >= 4 and loc[0] == "sections" and loc[2] == "questions":
        try:
            name = raw["sections"][loc[1]]["questions"][loc[3]]["path"]
        except (KeyError, IndexError, TypeError):
            return where
        rest = ".".join(str(p) for p in loc[4:])
        return f"question {name}" + (f" {rest}" if rest else "")
    return where


def _check_questions(kb: KnowledgeBase, problems: list[str]) -> None:
    """A field is asked once; not both asked and listed as not asked; ask_if reads answers only."""
    seen: set[str] = set()
    for section in kb.questionnaire.sections:
        gate = [] if section.gate is None else [section.gate.path]
        for path in [*gate, *(q.path for q in section.questions)]:
            if path in seen:
                problems.append(f"question {path}: asked twice")
            seen.add(path)
        for question in section.questions:
            if question.ask_if is not None:
                where = f"question {question.path} ask_if"
                _check_condition(kb, question.ask_if, where, problems, plan_rule=False)
    for path in sorted(seen & set(kb.questionnaire.not_asked)):
        problems.append(f"question {path}: both asked and listed in not_asked")


def check_references(kb: KnowledgeBase) -> None:
    """Every id an entry names must exist: sources, causes, measures, red flags."""
    problems: list[str] = []

    def need(table: dict[str, Any], ref: str, what: str, where: str) -> None:
        if ref not in table:
            problems.append(f"{where}: unknown {what} {ref!r}")

    for entry in kb.entries():
        where = f"{type(entry).__name__.lower()} {entry.id}"
        for src in entry.sources:
            need(kb.sources, src, "source", where)
        for caution in entry.cautions:
            for src in caution.sources:
                need(kb.sources, src, "source", f"{where} caution")
    for cause in kb.causes.values():
        for feature in cause.features:
            _check_condition(kb, feature.when, f"cause {cause.id}", problems, plan_rule=False)
        if cause.criteria is not None:
            for src in cause.criteria.sources:
                need(kb.sources, src, "source", f"cause {cause.id} criteria")
            for item in cause.criteria.items:
                for cond in (item.when, item.unless):
                    if cond is not None:
                        where = f"cause {cause.id} criteria"
                        _check_condition(kb, cond, where, problems, plan_rule=False)
    for flag in kb.red_flags.values():
        _check_condition(kb, flag.when, f"red_flag {flag.id}", problems, plan_rule=False)
        if flag.cause is not None:
            need(kb.causes, flag.cause, "cause", f"red_flag {flag.id}")
        for action in flag.do_now:
            need(kb.measures, action, "measure", f"red_flag {flag.id} do_now")
            if action in kb.measures and kb.measures[action].kind is not MeasureKind.ACTION:
                problems.append(f"red_flag {flag.id}: do_now {action!r} is not an action")
    for measure in kb.measures.values():
        for ind in measure.indications:
            for cause_id in ind.causes:
                need(kb.causes, cause_id, "cause", f"measure {measure.id} indication")
            if ind.when is not None:
                _check_condition(kb, ind.when, f"measure {measure.id}", problems, plan_rule=True)
    need(kb.measures, kb.routine_action, "measure", "meta routine_action")
    routine = kb.measures.get(kb.routine_action)
    if routine is not None and routine.kind is not MeasureKind.ACTION:
        problems.append(f"meta routine_action: {kb.routine_action!r} is not an action")
    for rule in kb.avoid.values():
        for measure_id in rule.measures:
            need(kb.measures, measure_id, "measure", f"avoid {rule.id}")
        _check_condition(kb, rule.when, f"avoid {rule.id}", problems, plan_rule=True)
    for net in kb.safety_net.values():
        if net.when is not None:
            _check_condition(kb, net.when, f"safety_net {net.id}", problems, plan_rule=True)
    for faq in kb.faq.values():
        for rel in faq.related:
            if kb.entry(rel) is None:
                problems.append(f"faq {faq.id}: unknown related entry {rel!r}")
        if faq.warning_sign is not None:
            need(kb.red_flags, faq.warning_sign, "red flag", f"faq {faq.id} warning_sign")
    _check_questions(kb, problems)
    if problems:
        raise KnowledgeError("; ".join(problems))


def _check_condition(
    kb: KnowledgeBase, cond: Any, where: str, problems: list[str], *, plan_rule: bool
) -> None:
    for node in walk(cond):
        if isinstance(node, RedFlagFired | CauseLikely | CauseInTop) and not plan_rule:
            problems.append(f"{where}: {type(node).__name__} only works in plan rules")
        if isinstance(node, RedFlagFired) and node.id not in kb.red_flags:
            problems.append(f"{where}: unknown red flag {node.id!r}")
        if isinstance(node, CauseLikely) and node.id not in kb.causes:
            problems.append(f"{where}: unknown cause {node.id!r}")
        if isinstance(node, CauseInTop):
            for cause_id in node.ids:
                if cause_id not in kb.causes:
                    problems.append(f"{where}: unknown cause {cause_id!r}")


@cache
def load_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """The validated knowledge base, from the cache when the YAML has not changed."""
    target = cache_file(data_dir, "pickle")
    try:
        with target.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, KnowledgeBase):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    kb = parse_knowledge(data_dir)
    _write_cache(target, kb)
    return kb


def _write_cache(target: Path, kb: KnowledgeBase) -> None:
    write_atomically(target, pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
