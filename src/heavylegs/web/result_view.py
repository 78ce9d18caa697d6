"""How the result page shows the plan's "avoid" list: grouped by reason, without the irrelevant.

Why: an urgent result could list two dozen measures to avoid, each with the same sentence ("a
blood clot has not been ruled out…"), and a person who does not run was told to avoid "Keep
running, easy". Both are presentation: the engine's output is unchanged (the JSON, the PDF and the
API still carry every item); the page shows one card per reason, and leaves out measures meant
only for runners when the answers say the person does not run.

Which measures are "only for runners" is read from the knowledge base, not listed here: a measure
every one of whose indications needs the person to run (``derived.runner``) or points only to
causes that the knowledge base rules out for non-runners.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heavylegs.assessment.result import AvoidItem
from heavylegs.knowledge.models import KnowledgeBase

_RUNNER = "derived.runner"


@dataclass
class AvoidGroup:
    """Measures to avoid for one reason."""

    why: str
    items: list[AvoidItem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _needs_running(condition: Any) -> bool:
    text = repr(condition)
    return _RUNNER in text and "value=True" in text


def _runner_causes(kb: KnowledgeBase) -> frozenset[str]:
    """Causes the knowledge base scores down hard for a person who does not run."""
    out = set()
    for cause in kb.causes.values():
        for feature in getattr(cause, "features", []):
            text = repr(feature.when)
            if _RUNNER in text and "value=False" in text and feature.weight <= -2:
                out.add(cause.id)
    return frozenset(out)


def runner_only_measures(kb: KnowledgeBase) -> frozenset[str]:
    causes = _runner_causes(kb)
    out = set()
    for measure in kb.measures.values():
        if measure.indications and all(
            (ind.when is not None and _needs_running(ind.when))
            or (ind.when is None and ind.causes and set(ind.causes) <= causes)
            for ind in measure.indications
        ):
            out.add(measure.id)
    return frozenset(out)


def runs(answers: Mapping[str, Any] | None) -> bool | None:
    """Whether the answers say the person runs (``None``: not known, nothing is left out)."""
    if answers is None:
        return None
    return bool(answers.get("running"))


def avoid_groups(
    avoid: list[AvoidItem], runner_only: frozenset[str], person_runs: bool | None
) -> tuple[list[AvoidGroup], int]:
    """The avoid items grouped by reason (first-seen order), and how many were left out."""
    groups: dict[str, AvoidGroup] = {}
    left_out = 0
    for item in avoid:
        if person_runs is False and item.id in runner_only:
            left_out += 1
            continue
        group = groups.setdefault(item.why, AvoidGroup(item.why))
        group.items.append(item)
        group.sources.extend(s for s in item.sources if s not in group.sources)
    return list(groups.values()), left_out
