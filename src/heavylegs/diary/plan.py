"""The plan in force: what the diary takes from the latest stored assessment.

A guided session runs the plan's measures and skips what it says to avoid; a measure recorded
against the avoid list is cautioned; after an urgent or emergency result both faces say first
that a session does not replace being seen. Those reads of the assessment's output JSON, and the
test of how serious its level is, live here once, so the CLI and the web app cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heavylegs.diary.routines import SessionPlan, resolve
from heavylegs.knowledge.levels import Urgency

if TYPE_CHECKING:
    from heavylegs.knowledge.models import Measure


def level_of(value: object) -> Urgency | None:
    """A triage level read from stored JSON (``None`` when missing or not a level)."""
    try:
        return Urgency(str(value)) if value is not None else None
    except ValueError:
        return None


def is_serious(level: Urgency | str | None) -> bool:
    """Urgent or an emergency: the levels whose plan is "be seen", not "do this at home"."""
    known = level_of(level)
    return known is not None and known.rank >= Urgency.URGENT.rank


@dataclass(frozen=True)
class LatestPlan:
    """The plan of the latest assessment: its measures to do (in order), what to avoid and why,
    and the triage level and headline it came with."""

    do: tuple[str, ...] = ()
    avoid: dict[str, str] = field(default_factory=dict)
    level: Urgency | None = None
    headline: str = ""

    @property
    def serious(self) -> bool:
        return is_serious(self.level)

    @classmethod
    def from_output(cls, output: Mapping[str, Any]) -> LatestPlan:
        """Read from a stored assessment's output JSON (the output contract)."""
        plan = output.get("plan") or {}
        triage = output.get("triage") or {}
        return cls(
            do=tuple(str(item["id"]) for item in plan.get("do") or []),
            avoid={str(item["id"]): str(item.get("why", "")) for item in plan.get("avoid") or []},
            level=level_of(triage.get("level")),
            headline=str(triage.get("headline", "")),
        )


def latest_plan(output: Mapping[str, Any] | None) -> LatestPlan | None:
    """The plan in force, from the latest assessment's output JSON (``None``: none stored)."""
    return None if output is None else LatestPlan.from_output(output)


def session_plan(
    routine: str | None, measures: Mapping[str, Measure], latest: LatestPlan | None
) -> SessionPlan:
    """The steps of a guided session (a routine, a measure id, or ``None`` for the plan's guided
    measures), skipping what the plan in force says to avoid. Raises ``UnknownRoutine``."""
    if latest is None:
        return resolve(routine, measures, None, None)
    return resolve(routine, measures, list(latest.do), latest.avoid)
