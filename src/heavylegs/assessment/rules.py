"""Compile the knowledge base's ``when:`` conditions into fast predicates, checking every path.

Compiling once per knowledge version keeps an assessment to dictionary look-ups (thousands per
second), and checking paths and values against the input model here means a misspelt field or
enum value in YAML fails loudly instead of silently never firing — a silent rule is a safety bug.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from heavylegs.assessment.answers import SECTIONS
from heavylegs.assessment.features import DERIVED
from heavylegs.knowledge.conditions import (
    LEVELS,
    AllOf,
    AnyOf,
    AtLeast,
    CauseInTop,
    CauseLikely,
    Cond,
    Leaf,
    LevelAtLeast,
    Not,
    RedFlagFired,
)


class RuleError(ValueError):
    """A knowledge rule names a field or value the assessment input does not have."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a predicate may look at: the flat answers and, for plan rules, earlier results."""

    flat: dict[str, Any]
    red_flags: frozenset[str] = frozenset()
    level_rank: int = 0
    likelihood: dict[str, float] = field(default_factory=dict)
    ranking: tuple[str, ...] = ()


Predicate = Callable[[Context], bool]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What values a path can hold: its scalar type, allowed choices, and whether it is a list."""

    kind: type
    choices: frozenset[Any] | None
    is_list: bool


def _unwrap(annotation: Any) -> FieldSpec:
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is list:
            is_list = True
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Literal:
            choices = frozenset(typing.get_args(annotation))
            return FieldSpec(type(next(iter(choices))), choices, is_list)
        else:
            return FieldSpec(annotation, None, is_list)


def field_spec(path: str) -> FieldSpec:
    """The spec of ``section.field`` or ``derived.name``; raises :class:`RuleError` if unknown."""
    section, _, name = path.partition(".")
    if section == "derived":
        if name not in DERIVED:
            raise RuleError(f"{path}: unknown derived value (known: {', '.join(DERIVED)})")
        return FieldSpec(DERIVED[name], None, False)
    model = SECTIONS.get(section)
    if model is None or name not in model.model_fields:
        raise RuleError(f"{path}: no such answer field")
    return _unwrap(model.model_fields[name].annotation)


def _check_value(path: str, spec: FieldSpec, value: Any) -> None:
    if spec.choices is not None:
        if value not in spec.choices:
            raise RuleError(f"{path}: {value!r} is not one of {sorted(map(str, spec.choices))}")
    elif spec.kind is bool:
        if not isinstance(value, bool):
            raise RuleError(f"{path}: needs true or false, got {value!r}")
    elif spec.kind in (int, float) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise RuleError(f"{path}: needs a number, got {value!r}")


def _leaf(leaf: Leaf) -> Predicate:
    spec = field_spec(leaf.path)
    path, op, value = leaf.path, leaf.op, leaf.value
    if op == "known":
        want = bool(value)
        return lambda ctx: (path in ctx.flat) is want
    if op in ("in", "any_of"):
        for item in value:
            _check_value(path, spec, item)
        options = frozenset(value)
        if op == "any_of" or spec.is_list:
            if not spec.is_list:
                raise RuleError(f"{path}: any_of needs a list field; use 'in'")
            return lambda ctx: not options.isdisjoint(ctx.flat.get(path, ()))
        return lambda ctx: ctx.flat.get(path) in options
    if op in ("gte", "lte", "gt", "lt"):
        if spec.kind not in (int, float) or spec.is_list:
            raise RuleError(f"{path}: {op} needs a numeric field")
        bound = float(value)
        compare: dict[str, Callable[[float], bool]] = {
            "gte": lambda x: x >= bound,
            "lte": lambda x: x <= bound,
            "gt": lambda x: x > bound,
            "lt": lambda x: x < bound,
        }
        test = compare[op]
        return lambda ctx: (v := ctx.flat.get(path)) is not None and test(v)
    _check_value(path, spec, value)
    if spec.is_list:
        if op == "ne":
            return lambda ctx: path in ctx.flat and value not in ctx.flat[path]
        return lambda ctx: value in ctx.flat.get(path, ())
    if op == "ne":
        return lambda ctx: path in ctx.flat and ctx.flat[path] != value
    return lambda ctx: ctx.flat.get(path, _MISSING) == value


_MISSING = object()


def compile_condition(cond: Cond) -> Predicate:
    """A predicate over :class:`Context`; raises :class:`RuleError` on a bad path or value."""
    if isinstance(cond, Leaf):
        return _leaf(cond)
    if isinstance(cond, AllOf):
        parts = tuple(compile_condition(c) for c in cond.items)
        return lambda ctx: all(p(ctx) for p in parts)
    if isinstance(cond, AnyOf):
        parts = tuple(compile_condition(c) for c in cond.items)
        return lambda ctx: any(p(ctx) for p in parts)
    if isinstance(cond, Not):
        inner = compile_condition(cond.item)
        return lambda ctx: not inner(ctx)
    if isinstance(cond, AtLeast):
        parts, n = tuple(compile_condition(c) for c in cond.items), cond.n
        return lambda ctx: sum(1 for p in parts if p(ctx)) >= n
    if isinstance(cond, RedFlagFired):
        flag = cond.id
        return lambda ctx: flag in ctx.red_flags
    if isinstance(cond, LevelAtLeast):
        rank = LEVELS.index(cond.level)
        return lambda ctx: ctx.level_rank >= rank
    if isinstance(cond, CauseLikely):
        cause, threshold = cond.id, cond.gte
        return lambda ctx: ctx.likelihood.get(cause, 0.0) >= threshold
    if isinstance(cond, CauseInTop):
        ids, n = frozenset(cond.ids), cond.n
        return lambda ctx: not ids.isdisjoint(ctx.ranking[:n])
    raise RuleError(f"unknown condition node {cond!r}")
