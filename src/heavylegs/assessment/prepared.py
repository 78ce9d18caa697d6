"""The knowledge base as an assessment reads it: plain data and generated predicates.

Why a form of its own: an assessment needs only a few attributes of each red flag, cause and
measure, the static output items, and the rule functions generated from the YAML conditions.
Held in plain classes (no pydantic, no dataclasses, which write and compile methods at import),
the whole prepared base pickles into the user's cache and loads without importing pydantic or
the knowledge models — the start-up of ``heavylegs assess --json`` (issue 15; see
:mod:`heavylegs.assessment.startup`). :mod:`heavylegs.assessment.compiled` builds it from the
validated knowledge base; :mod:`heavylegs.assessment.reasoning` reads it.

Output items (``items``, ``reasons``, ``avoid``) are already in their JSON form, shared by every
assessment: treat them as read-only.
"""

from __future__ import annotations

import builtins
import io
import marshal
import math
import pickle
import types
from collections.abc import Callable
from typing import Any

from heavylegs.knowledge.levels import Urgency

RULES_FILENAME = "<heavylegs rules"
"""Start of the file name of every generated rule function's code (see ``rules._Source``)."""


class Context:
    """What a predicate may look at: the flat answers and, for plan rules, earlier results."""

    __slots__ = ("flat", "level_rank", "likelihood", "ranking", "red_flags")

    def __init__(
        self,
        flat: dict[str, Any],
        red_flags: frozenset[str] = frozenset(),
        level_rank: int = 0,
        likelihood: dict[str, float] | None = None,
        ranking: tuple[str, ...] = (),
    ) -> None:
        self.flat = flat
        self.red_flags = red_flags
        self.level_rank = level_rank
        self.likelihood: dict[str, float] = {} if likelihood is None else likelihood
        self.ranking = ranking


Predicate = Callable[[Context], bool]
Batch = Callable[[Context], list[int]]
CriterionTest = tuple[str, Predicate, Predicate | None]


class Flag:
    """A red flag: what triage, scoring and the plan read of it."""

    __slots__ = ("cause", "do_now", "headline", "id", "level", "only_its_cause", "title")

    def __init__(
        self,
        id: str,
        level: Urgency,
        title: str,
        headline: str,
        cause: str | None,
        only_its_cause: bool,
        do_now: tuple[str, ...],
    ) -> None:
        self.id = id
        self.level = level
        self.title = title
        self.headline = headline
        self.cause = cause
        self.only_its_cause = only_its_cause
        """When it fires, no other cause is shown (a stroke is not a leg problem)."""
        self.do_now = do_now


class CauseInfo:
    """A cause's id, title and sources, as its result shows them."""

    __slots__ = ("id", "sources", "title")

    def __init__(self, id: str, title: str, sources: tuple[str, ...]) -> None:
        self.id = id
        self.title = title
        self.sources = sources


class MeasureInfo:
    """What the plan needs of a measure: the leg position it sets (``raise``, ``lower``… or
    ``None``), the one triage level it belongs to, and whether it suits waiting for care."""

    __slots__ = ("position", "urgency", "while_waiting")

    def __init__(self, position: str | None, urgency: Urgency | None, while_waiting: bool) -> None:
        self.position = position
        self.urgency = urgency
        self.while_waiting = while_waiting


class CriteriaInfo:
    """A published criteria set's name, note and sources (its items are tests)."""

    __slots__ = ("name", "note", "sources")

    def __init__(self, name: str, note: str, sources: tuple[str, ...]) -> None:
        self.name = name
        self.note = note
        self.sources = sources


class Compiled:
    """The knowledge base with every condition compiled and every static output item built
    once (one per knowledge version): an assessment then only evaluates predicates."""

    __slots__ = (
        "answers_test",
        "avoid",
        "by_cause",
        "by_situation",
        "cause_ids",
        "cause_index",
        "causes",
        "criteria",
        "disclaimer",
        "features",
        "items",
        "measures",
        "offerable",
        "plan_test",
        "prior_likelihood",
        "priors",
        "reasons",
        "red_flags",
        "routine_action",
        "safety_net",
        "self_care_headline",
        "self_care_no_plan_headline",
        "unchecked_headline",
        "version",
        "warning_paths",
    )

    def __init__(self, **fields: Any) -> None:
        missing = set(self.__slots__) - fields.keys()
        unknown = fields.keys() - set(self.__slots__)
        if missing or unknown:
            raise TypeError(f"Compiled: missing {sorted(missing)}, unknown {sorted(unknown)}")
        for name, value in fields.items():
            setattr(self, name, value)

    red_flags: tuple[Flag, ...]
    answers_test: Batch
    """One generated function over the red flags, then every cause feature (offset by the
    number of red flags): each answer path is read once for both."""
    causes: tuple[CauseInfo, ...]
    cause_ids: tuple[str, ...]
    priors: tuple[float, ...]
    prior_likelihood: tuple[float, ...]
    """Each cause's likelihood when no answer moved it (``likelihood(prior)``): most causes of
    an assessment keep it, and rounding to thousandths is the dearest step of scoring."""
    cause_index: dict[str, int]
    features: tuple[tuple[int, float, str], ...]
    """Every cause feature as (cause index, weight, why), in the order of ``answers_test``."""
    avoid: tuple[tuple[dict[str, Any], ...], ...]
    """Each avoid rule's avoid items (JSON form)."""
    plan_test: Batch
    """One generated function over the avoid rules, then every indication condition."""
    safety_net: tuple[tuple[str, Predicate | None], ...]
    items: dict[str, dict[str, Any]]
    """Measure id -> its plan item (JSON form)."""
    measures: dict[str, MeasureInfo]
    reasons: dict[str, dict[str, Any]]
    """Red flag id -> its triage reason (JSON form)."""
    by_cause: dict[str, tuple[tuple[int, float, int], ...]]
    """cause id -> (offerable index, priority, condition index in ``plan_test`` or -1)."""
    by_situation: tuple[tuple[int, float, int], ...]
    offerable: tuple[str, ...]
    """The ids of the measures a plan may offer (not actions, not habits to avoid)."""
    criteria: dict[int, tuple[CriteriaInfo, tuple[CriterionTest, ...]]]
    """cause index -> its criteria set with each item's met / not-met predicates."""
    warning_paths: frozenset[str]
    disclaimer: str
    version: str
    self_care_headline: str
    self_care_no_plan_headline: str
    """Instead of ``self_care_headline`` when the plan has nothing to do: never "the plan
    below" over an empty plan."""
    unchecked_headline: str
    routine_action: str


def likelihood(logit: float) -> float:
    """The likelihood of a cause's log-odds, rounded to thousandths (as the output shows it)."""
    return round(1.0 / (1.0 + math.exp(-logit)), 3)


def _thaw(code: bytes, name: str, constants: dict[str, Any]) -> types.FunctionType:
    """A generated rule function back from its marshalled code and its constants."""
    namespace = {"__builtins__": builtins, **constants}
    return types.FunctionType(marshal.loads(code), namespace, name)


class _Pickler(pickle.Pickler):
    """Pickles generated rule functions by their code (``marshal``) and constants; pickle
    itself can only refer to functions defined in a module."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is types.FunctionType and obj.__code__.co_filename.startswith(RULES_FILENAME):
            constants = {k: v for k, v in obj.__globals__.items() if k[:1] == "K"}
            return _thaw, (marshal.dumps(obj.__code__), obj.__name__, constants)
        return NotImplemented


def dumps(value: object) -> bytes:
    """``pickle.dumps`` that also takes generated rule functions (their code is marshalled,
    which only the same Python version reads: callers key the file by its bytecode magic)."""
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()
