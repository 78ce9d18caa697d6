"""The small rule language that knowledge entries use in ``when:``.

Rules are data so that a clinician can read and change them without reading Python. A condition
is one of:

* a leaf ``{"section.field": value}`` — equality; on a list field (``symptoms.when``) membership;
* a leaf with an operator ``{"section.field": {gte: 3}}``: ``eq``, ``ne``, ``in`` (value is one
  of), ``any_of`` (list field shares an item), ``gte``, ``lte``, ``gt``, ``lt``, ``known``
  (``true``: the person answered; ``false``: they did not);
* ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``, ``{at_least: {n: 2, of: [...]}}``;
* ``{red_flag: ID}`` — that red flag fired (only in plan rules);
* ``{level_at_least: urgent}`` — the triage level (only in plan rules);
* ``{cause: {id: ID, gte: 0.3}}`` or ``{cause_in_top: {ids: [...], n: 3}}`` — cause ranking
  (only in plan rules).

Paths are ``section.field`` of the assessment input or ``derived.name`` for a value the engine
computes (listed where the engine defines it). A leaf on an unanswered field is false — and so is
its ``ne`` — because "unknown" is never "no". The assessment stage checks every path and value
against the input model when it compiles the rules, so a typo fails loudly at load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from heavylegs.knowledge.levels import Urgency

COMPARISONS = ("eq", "ne", "in", "any_of", "gte", "lte", "gt", "lt", "known")
LEVELS = tuple(level.value for level in Urgency)
"""Triage level names, least urgent first (``LEVELS.index`` is :attr:`Urgency.rank`)."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A test on one answer or derived value."""

    path: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Cond


@dataclass(frozen=True, slots=True)
class AtLeast:
    n: int
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class RedFlagFired:
    id: str


@dataclass(frozen=True, slots=True)
class LevelAtLeast:
    level: str


@dataclass(frozen=True, slots=True)
class CauseLikely:
    id: str
    gte: float


@dataclass(frozen=True, slots=True)
class CauseInTop:
    ids: tuple[str, ...]
    n: int


Cond = AllOf | AnyOf | Not | AtLeast | Leaf | RedFlagFired | LevelAtLeast | CauseLikely | CauseInTop


def parse_condition(raw: Any, where: str = "when") -> Cond:
    """Turn the YAML form into a typed tree; ``where`` names the location for error messages."""
    if isinstance(raw, Leaf | AllOf | AnyOf | Not | AtLeast | RedFlagFired):
        return raw
    if isinstance(raw, LevelAtLeast | CauseLikely | CauseInTop):
        return raw
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ValueError(f"{where}: a condition is a mapping with exactly one key, got {raw!r}")
    ((key, value),) = raw.items()
    here = f"{where}.{key}"
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"{here}: needs a non-empty list of conditions")
        items = tuple(parse_condition(v, f"{here}[{i}]") for i, v in enumerate(value))
        return AllOf(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(parse_condition(value, here))
    if key == "at_least":
        if not isinstance(value, dict) or set(value) != {"n", "of"}:
            raise ValueError(f"{here}: needs exactly 'n' and 'of'")
        n, of = value["n"], value["of"]
        if not isinstance(n, int) or not isinstance(of, list) or not 1 <= n <= len(of):
            raise ValueError(f"{here}: 'n' must be a whole number from 1 to len(of)")
        return AtLeast(n, tuple(parse_condition(v, f"{here}.of[{i}]") for i, v in enumerate(of)))
    if key == "red_flag":
        if not isinstance(value, str):
            raise ValueError(f"{here}: needs a red flag id")
        return RedFlagFired(value)
    if key == "level_at_least":
        if value not in LEVELS:
            raise ValueError(f"{here}: must be one of {', '.join(LEVELS)}")
        return LevelAtLeast(value)
    if key == "cause":
        if not isinstance(value, dict) or set(value) != {"id", "gte"}:
            raise ValueError(f"{here}: needs exactly 'id' and 'gte'")
        if not isinstance(value["id"], str):
            raise ValueError(f"{here}.id: needs a cause id")
        return CauseLikely(value["id"], _number(value["gte"], f"{here}.gte"))
    if key == "cause_in_top":
        if not isinstance(value, dict) or set(value) != {"ids", "n"}:
            raise ValueError(f"{here}: needs exactly 'ids' and 'n'")
        ids, n = value["ids"], value["n"]
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{here}.ids: needs a non-empty list of cause ids")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{here}.n: needs a whole number of at least 1")
        return CauseInTop(tuple(ids), n)
    if "." not in key:
        raise ValueError(f"{here}: unknown condition form (expected section.field, all, any, …)")
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"{here}: an operator mapping has exactly one operator")
        ((op, operand),) = value.items()
        if op not in COMPARISONS:
            raise ValueError(f"{here}: unknown operator {op!r}; use one of {COMPARISONS}")
        if op in ("in", "any_of") and not isinstance(operand, list):
            raise ValueError(f"{here}.{op}: needs a list")
        if op in ("gte", "lte", "gt", "lt"):
            _number(operand, f"{here}.{op}")
        if op == "known" and not isinstance(operand, bool):
            raise ValueError(f"{here}.known: needs true or false")
        if isinstance(operand, list):
            for i, item in enumerate(operand):
                _scalar(item, f"{here}.{op}[{i}]")
            return Leaf(key, op, tuple(operand))
        _scalar(operand, f"{here}.{op}")
        return Leaf(key, op, operand)
    if isinstance(value, list):
        raise ValueError(f"{here}: use {{in: [...]}} or {{any_of: [...]}} for a list")
    _scalar(value, here)
    return Leaf(key, "eq", value)


def _number(value: Any, where: str) -> float:
    """A finite number (``.inf`` and ``.nan`` are YAML numbers, but no answer compares to them
    usefully and they cannot be written back as Python source by the rule compiler)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: needs a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{where}: needs a finite number, got {value!r}")
    return float(value)


def _scalar(value: Any, where: str) -> None:
    """A leaf compares with text, true/false or a finite number; anything else is a typo."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: needs a finite number, got {value!r}")
    if not isinstance(value, str | bool | int | float):
        raise ValueError(f"{where}: needs text, true/false or a number, got {value!r}")


def walk(cond: Cond) -> list[Cond]:
    """Every node of a condition tree, depth first (for cross-reference checks)."""
    out: list[Cond] = [cond]
    if isinstance(cond, AllOf | AnyOf | AtLeast):
        for item in cond.items:
            out.extend(walk(item))
    elif isinstance(cond, Not):
        out.extend(walk(cond.item))
    return out
