"""The questions behind the assessment, in order, with skip logic — shared by the CLI and the web.

What a person reads, the order and the skip logic are data (``knowledge/data/questions.yaml``).
Everything else about a question comes from the input models (:mod:`heavylegs.assessment.answers`)
through :func:`heavylegs.assessment.rules.field_spec`: how it is answered (yes/no, one choice,
several, a whole number, a number), its choices, a number's bounds, whether it is required. So the
schema is written once, and a new field needs one YAML entry.

The questions are joined with the models once, when this module is imported, and checked as the
rule compiler checks rules: a path that is no input field, an ``ask_if`` naming a field or value the
input lacks (or a question asked later), choice labels that are not the field's enum, each stops
the load with a :class:`~heavylegs.assessment.rules.RuleError` naming the question.

Skip logic reads the answers given so far (flattened ``section.field`` values plus ``derived.*``),
so follow-ups are asked only when they matter. Leaving a question blank means "unknown", which the
engine treats as unknown, never as "no".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from heavylegs.assessment.answers import SECTIONS as MODELS
from heavylegs.assessment.features import derive
from heavylegs.assessment.prepared import Context
from heavylegs.assessment.rules import RuleError, compile_condition, field_spec
from heavylegs.knowledge import load_knowledge
from heavylegs.knowledge.conditions import Cond, Leaf, walk
from heavylegs.knowledge.models import QuestionEntry, Questionnaire, QuestionSection


class Kind(StrEnum):
    """How a question is answered (from the field's type in the input model)."""

    CHOICE = "choice"
    MULTI = "multi"
    YES_NO = "yes_no"
    INTEGER = "integer"
    NUMBER = "number"


Flat = Mapping[str, Any]
AskIf = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Question:
    path: str
    text: str
    kind: Kind
    section: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    ask_if: AskIf | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class Questions:
    """The questionnaire as both faces use it."""

    questions: tuple[Question, ...]
    sections: tuple[str, ...]
    check_after: frozenset[str]
    gates: dict[str, str]
    """Gate path -> the input section its 'no' leaves out (``meta.runs`` -> ``running``)."""


def build(data: Questionnaire) -> Questions:
    """Join the YAML questions with the input models; raise :class:`RuleError` naming a bad one."""
    questions: list[Question] = []
    gates: dict[str, str] = {}
    for section in data.sections:
        gate_check: AskIf | None = None
        if section.gate is not None:
            gate = section.gate
            if gate.covers not in MODELS:
                raise RuleError(f"question {gate.path}: covers {gate.covers!r}, no input section")
            gates[gate.path] = gate.covers
            questions.append(Question(gate.path, gate.text, Kind.YES_NO, section.title))
            gate_check = _gate_open(gate.path)
        asked = {q.path for q in questions}
        for entry in section.questions:
            try:
                questions.append(_question(entry, section, gate_check, asked))
            except RuleError as exc:
                raise RuleError(f"question {entry.path}: {exc}") from None
            asked.add(entry.path)
    for path in data.not_asked:
        try:
            _field(path)
        except RuleError as exc:
            raise RuleError(f"not_asked {path}: {exc}") from None
    return Questions(
        questions=tuple(questions),
        sections=tuple(s.title for s in data.sections),
        check_after=frozenset(s.title for s in data.sections if s.check_after),
        gates=gates,
    )


def _field(path: str) -> tuple[Kind, Any]:
    """How ``path`` is answered, and its pydantic field info (errors leave naming it to the
    caller)."""
    section, _, name = path.partition(".")
    model = MODELS.get(section)
    if model is None or name not in model.model_fields:
        raise RuleError("no such answer field")
    spec = field_spec(path)
    if spec.choices is not None:
        return (Kind.MULTI if spec.is_list else Kind.CHOICE), model.model_fields[name]
    kinds = {bool: Kind.YES_NO, int: Kind.INTEGER, float: Kind.NUMBER}
    if spec.is_list or spec.kind not in kinds:
        raise RuleError(f"no way to ask a {spec.kind.__name__} field")
    return kinds[spec.kind], model.model_fields[name]


def _question(
    entry: QuestionEntry, section: QuestionSection, gate: AskIf | None, asked: set[str]
) -> Question:
    kind, info = _field(entry.path)
    gate_covers = section.gate.covers if section.gate is not None else None
    if gate_covers is not None and not entry.path.startswith(gate_covers + "."):
        raise RuleError(f"in a section gated for {gate_covers!r}, a question of another section")
    choices: tuple[tuple[str, str], ...] = tuple(entry.choices.items())
    if kind in (Kind.CHOICE, Kind.MULTI):
        allowed = field_spec(entry.path).choices or frozenset()
        if set(entry.choices) != allowed:
            missing = sorted(map(str, allowed - set(entry.choices)))
            extra = sorted(set(entry.choices) - allowed)
            raise RuleError(f"choices must label every value: missing {missing}, unknown {extra}")
    elif choices:
        raise RuleError(f"choices given, but the field is answered as {kind.value}")
    low = high = None
    if kind in (Kind.INTEGER, Kind.NUMBER):
        low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if low is None or high is None:
            raise RuleError("a number needs bounds (ge and le) in the input model")
    return Question(
        entry.path,
        entry.text,
        kind,
        section.title,
        choices,
        low,
        high,
        entry.help,
        _ask_if(entry.ask_if, gate, asked),
        info.is_required(),
    )


def _ask_if(cond: Cond | None, gate: AskIf | None, asked: set[str]) -> AskIf | None:
    """The compiled skip logic (the gate first); an ``ask_if`` may only read earlier answers."""
    own: AskIf | None = None
    if cond is not None:
        predicate = compile_condition(cond)  # first: a misspelt path is named as such
        for node in walk(cond):
            path = node.path if isinstance(node, Leaf) else "derived."
            if not path.startswith("derived.") and path not in asked:
                raise RuleError(f"ask_if reads {path}, which is not asked before it")
        own = lambda flat: predicate(Context(flat))  # noqa: E731
    if gate is None or own is None:
        return gate or own
    outer, inner = gate, own
    return lambda flat: outer(flat) and inner(flat)


def _gate_open(path: str) -> AskIf:
    return lambda flat: flat.get(path) is True


_QUESTIONS = build(load_knowledge().questionnaire)
QUESTIONS = _QUESTIONS.questions
SECTIONS = _QUESTIONS.sections
CHECK_AFTER = _QUESTIONS.check_after
"""Sections after which the answers so far are assessed and an emergency is shown at once,
rather than after every remaining question (the CLI interview and the web wizard both do it)."""
GATES = _QUESTIONS.gates
RUNS = next(path for path, covers in GATES.items() if covers == "running")
"""The gate 'Do you run?' (not part of the input schema)."""


def flat_of(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a nested (possibly partial, unvalidated) answers dict and add ``derived.*``.

    An empty list ("none of these") is left out, as an unanswered field is: skip logic follows up
    what was chosen, and "none of these" leaves nothing to follow up (``derived.*`` is the same
    either way: the engine reads lists only for what they contain).
    """
    flat: dict[str, Any] = {}
    for section, part in answers.items():
        if isinstance(part, Mapping):
            for name, value in part.items():
                if value is not None and value != []:
                    flat[f"{section}.{name}"] = value
    flat.update({f"derived.{k}": v for k, v in derive(flat).items() if v is not None})
    return flat


def should_ask(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the skip logic wants ``question`` given the answers so far."""
    return question.ask_if is None or question.ask_if(flat_of(answers))


def set_answer(answers: dict[str, Any], path: str, value: Any) -> None:
    """Store ``value`` at ``section.field`` (``None`` removes it: unknown)."""
    section, _, name = path.partition(".")
    part = answers.setdefault(section, {})
    if value is None:
        part.pop(name, None)
    else:
        part[name] = value


def gates_opened_by(paths: Iterable[str]) -> list[str]:
    """The gates already answered yes by these known answers (running figures from watch files
    or the profile mean the person runs)."""
    sections = {path.partition(".")[0] for path in paths}
    return [gate for gate, covers in GATES.items() if covers in sections]


def to_schema(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the gate answers, the sections a gate closed, and empty sections: what remains is
    schema input."""
    out: dict[str, Any] = {"schema_version": 1}
    meta = answers.get("meta") or {}
    closed = {covers for gate, covers in GATES.items() if meta.get(gate.partition(".")[2]) is False}
    for section, part in answers.items():
        if section in ("meta", "schema_version") or not part or section in closed:
            continue
        out[section] = dict(part)
    return out
