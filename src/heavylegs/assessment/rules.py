"""Compile the knowledge base's ``when:`` conditions into fast predicates, checking every path.

Checking paths and values against the input model here means a misspelt field or enum value in
YAML fails loudly instead of silently never firing — a silent rule is a safety bug.

Conditions become Python expressions compiled once per knowledge version: a batch of rules is
one generated function of plain dictionary look-ups, several times faster than nested closures,
which keeps an assessment well under a millisecond. Only constants from validated knowledge are
ever put into the generated source (as ``repr`` of str/bool/number, or by index into a table),
never text from a person's answers.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heavylegs.assessment.answers import SECTIONS
from heavylegs.assessment.features import DERIVED
from heavylegs.assessment.prepared import RULES_FILENAME, Context, Predicate
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


@functools.cache  # the answer models are fixed; every rule of the knowledge base asks again
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


def _check_leaf(leaf: Leaf) -> FieldSpec:
    spec = field_spec(leaf.path)
    if leaf.op in ("in", "any_of"):
        for item in leaf.value:
            _check_value(leaf.path, spec, item)
        if leaf.op == "any_of" and not spec.is_list:
            raise RuleError(f"{leaf.path}: any_of needs a list field; use 'in'")
    elif leaf.op in ("gte", "lte", "gt", "lt"):
        if spec.kind not in (int, float) or spec.is_list:
            raise RuleError(f"{leaf.path}: {leaf.op} needs a numeric field")
    elif leaf.op != "known":
        _check_value(leaf.path, spec, leaf.value)
    return spec


_COMPARE = {"gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}


class _Source:
    """Builds the expressions of one generated function.

    Every answer path a function reads is fetched once into a local (``v0 = flat.get(...)``),
    so hundreds of rules cost a few dozen dictionary look-ups. Flat values are never ``None``
    (unanswered fields are left out), so ``None`` in a local means "unknown". Literals are
    ``repr`` of validated str/bool/number values; sets are module constants ``K0``, ``K1``….
    """

    def __init__(self) -> None:
        self.table: list[Any] = []
        self.vars: dict[str, str] = {}

    def const(self, value: Any) -> str:
        self.table.append(value)
        return f"K{len(self.table) - 1}"

    def var(self, path: str) -> str:
        name = self.vars.get(path)
        if name is None:
            name = self.vars[path] = f"v{len(self.vars)}"
        return name

    def prologue(self) -> list[str]:
        return [f"    {name} = flat.get({path!r})" for path, name in self.vars.items()]

    def expr(self, cond: Cond) -> str:
        if isinstance(cond, Leaf):
            return self.leaf(cond)
        if isinstance(cond, AllOf):
            return "(" + " and ".join(self.expr(c) for c in cond.items) + ")"
        if isinstance(cond, AnyOf):
            return "(" + " or ".join(self.expr(c) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"(not {self.expr(cond.item)})"
        if isinstance(cond, AtLeast):
            return "((" + ") + (".join(self.expr(c) for c in cond.items) + f") >= {cond.n})"
        if isinstance(cond, RedFlagFired):
            return f"({cond.id!r} in ctx.red_flags)"
        if isinstance(cond, LevelAtLeast):
            return f"(ctx.level_rank >= {LEVELS.index(cond.level)})"
        if isinstance(cond, CauseLikely):
            return f"(ctx.likelihood.get({cond.id!r}, 0.0) >= {float(cond.gte)!r})"
        if isinstance(cond, CauseInTop):
            ids = self.const(frozenset(cond.ids))
            return f"(not {ids}.isdisjoint(ctx.ranking[:{int(cond.n)}]))"
        raise RuleError(f"unknown condition node {cond!r}")

    def leaf(self, leaf: Leaf) -> str:
        spec = _check_leaf(leaf)
        v, op, value = self.var(leaf.path), leaf.op, leaf.value
        if op == "known":
            return f"({v} is {'not ' if value else ''}None)"
        if op in ("in", "any_of"):
            options = self.const(frozenset(value))
            if spec.is_list:
                return f"({v} is not None and not {options}.isdisjoint({v}))"
            return f"({v} in {options})"
        if op in _COMPARE:
            return f"({v} is not None and {v} {_COMPARE[op]} {float(value)!r})"
        literal = repr(value)  # a validated str, bool or number
        if spec.is_list:
            negate = "not " if op == "ne" else ""
            return f"({v} is not None and {literal} {negate}in {v})"
        if op == "ne":
            return f"({v} is not None and {v} != {literal})"
        if isinstance(value, bool):
            return f"({v} is {literal})"
        return f"({v} == {literal})"

    def build(self, name: str, head: list[str], body: list[str]) -> Any:
        source = "\n".join([*head, *self.prologue(), *body]) + "\n"
        namespace: dict[str, Any] = {f"K{i}": value for i, value in enumerate(self.table)}
        exec(_CODE.get(source, f"{RULES_FILENAME}: {name}>"), namespace)
        return namespace[name]


class _CodeCache:
    """Compiled rule functions kept in the user's cache folder, by the hash of their source.

    Python's ``compile`` of the generated rules is most of a first assessment (~10 ms on the
    2-core machine, every CLI run). The file holds ``marshal`` code objects, which only this
    Python version reads (its bytecode magic is in the name), under the SHA-256 of the source
    they were compiled from, so a changed rule is a miss, never a stale function. A missing,
    unreadable or corrupt file is a miss; a write that fails is skipped. The file is trusted as
    much as the knowledge base's pickle next to it: both are the user's own cache.
    """

    LIMIT = 400
    """Entries kept: a knowledge base has ~20 generated functions; old versions age out."""

    def __init__(self) -> None:
        self.codes: dict[str, types.CodeType] | None = None
        self.used: dict[str, types.CodeType] = {}

    def path(self) -> Any:
        from importlib.util import MAGIC_NUMBER

        from heavylegs.knowledge.cache import cache_dir

        return cache_dir() / f"rules-{MAGIC_NUMBER.hex()}.marshal"

    def load(self) -> dict[str, types.CodeType]:
        import marshal

        codes: dict[str, types.CodeType] = {}
        try:
            loaded = marshal.loads(self.path().read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, dict):
            codes = {
                k: v
                for k, v in loaded.items()
                if isinstance(k, str) and isinstance(v, types.CodeType)
            }
        return codes

    def get(self, source: str, filename: str) -> types.CodeType:
        import hashlib

        if self.codes is None:
            self.codes = self.load()
        key = hashlib.sha256(f"{filename}\0{source}".encode()).hexdigest()
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = compile(source, filename, "exec")
            self.used[key] = code
            self.save()
        else:
            self.used[key] = code
        return code

    def save(self) -> None:
        import marshal

        from heavylegs.knowledge.cache import write_atomically

        assert self.codes is not None
        keep = self.codes if len(self.codes) <= self.LIMIT else self.used
        write_atomically(self.path(), marshal.dumps(keep))


_CODE = _CodeCache()


def check_condition(cond: Cond) -> None:
    """Check every path and value of ``cond`` without compiling it (cheap, for batches)."""
    _Source().expr(cond)


def compile_condition(cond: Cond) -> Predicate:
    """A predicate over :class:`Context`; raises :class:`RuleError` on a bad path or value."""
    src = _Source()
    body = src.expr(cond)
    predicate: Predicate = src.build(
        "predicate", ["def predicate(ctx):", "    flat = ctx.flat"], [f"    return bool({body})"]
    )
    return predicate


def compile_batch(conds: list[Cond]) -> Callable[[Context], list[int]]:
    """One function that returns the indexes of the conditions that hold, in order."""
    src = _Source()
    lines = ["    out = []", "    add = out.append"]
    for index, cond in enumerate(conds):
        lines.append(f"    if {src.expr(cond)}:")
        lines.append(f"        add({index})")
    lines.append("    return out")
    batch: Callable[[Context], list[int]] = src.build(
        "batch", ["def batch(ctx):", "    flat = ctx.flat"], lines
    )
    return batch
