"""The assessment output: the shape in ``shared/spec/README.md`` section 2, plus optional extras.

Extras (``title``, ``steps``, ``kind``, ``knowledge_version``) are additions the contract allows;
nothing in the contract is renamed or dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from heavylegs.assessment.shapes import construct
from heavylegs.knowledge.models import Urgency


class _Out(BaseModel):
    # defer_build: the engine builds results with ``trusted`` and the CLI dumps them with
    # ``assessment.dump``, so a command never needs the validators; building them at import
    # cost a third of ``assess``'s start-up (issue 15). The web and tests build them on first use.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Reason(_Out):
    id: str
    message: str
    sources: list[str]


class Triage(_Out):
    level: Urgency
    headline: str
    reasons: list[Reason]


class CriteriaResult(_Out):
    """Which items of a published criteria set the answers meet; unanswered ones are unknown."""

    name: str
    met: list[str]
    not_met: list[str]
    unknown: list[str]
    note: str
    sources: list[str]


class CauseResult(_Out):
    id: str
    likelihood: float = Field(ge=0, le=1)
    why: list[str]
    """Evidence for the cause only."""
    sources: list[str]
    title: str = ""
    against: list[str] = Field(default_factory=list)
    """Evidence against the cause (answers that lowered its score)."""
    criteria: CriteriaResult | None = None


class PlanItem(_Out):
    id: str
    dose: str
    when: str
    why: str
    sources: list[str]
    title: str = ""
    kind: str = ""
    steps: list[str] = Field(default_factory=list)


class AvoidItem(_Out):
    id: str
    why: str
    sources: list[str]
    title: str = ""


class Plan(_Out):
    do: list[PlanItem]
    avoid: list[AvoidItem]


class Assessment(_Out):
    schema_version: int = 1
    triage: Triage
    causes: list[CauseResult]
    plan: Plan
    see_a_doctor_if: list[str]
    disclaimer: str
    knowledge_version: str = ""


M = TypeVar("M", bound=_Out)
_FIELDS: dict[type[_Out], tuple[str, ...]] = {}


def trusted(cls: type[M], **values: Any) -> M:
    """Build an output object from already-validated parts, every field given.

    Like pydantic's ``model_construct`` minus its per-field alias bookkeeping, which cost more
    than the rest of an assessment. Only the engine calls it, always with every field;
    ``tests/assessment/test_result.py`` checks it stays equal to ``model_construct``.
    """
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(cls.model_fields)
    try:
        ordered = {name: values[name] for name in names}
    except KeyError as exc:
        raise TypeError(f"{cls.__name__}: missing {exc.args[0]!r}") from None
    return construct(cls, ordered, set(values))


def from_document(doc: dict[str, Any], known: Mapping[int, _Out] | None = None) -> Assessment:
    """The models of an assessment document written by :mod:`heavylegs.assessment.reasoning`
    (which writes only what these models hold: ``trusted``, no validation).

    ``known``: models already built for the prepared knowledge base's static items, by the
    ``id`` of their JSON form (``compiled.static_models``), so a plan's items and a triage's
    reasons are not built again for every assessment.
    """
    known = known or {}

    def item(cls: type[M], values: dict[str, Any]) -> M:
        found = known.get(id(values))
        return found if type(found) is cls else trusted(cls, **values)

    triage = doc["triage"]
    plan = doc["plan"]
    return trusted(
        Assessment,
        schema_version=doc["schema_version"],
        triage=trusted(
            Triage,
            level=Urgency(triage["level"]),
            headline=triage["headline"],
            reasons=[item(Reason, reason) for reason in triage["reasons"]],
        ),
        causes=[_cause(cause) for cause in doc["causes"]],
        plan=trusted(
            Plan,
            do=[item(PlanItem, values) for values in plan["do"]],
            avoid=[item(AvoidItem, values) for values in plan["avoid"]],
        ),
        see_a_doctor_if=doc["see_a_doctor_if"],
        disclaimer=doc["disclaimer"],
        knowledge_version=doc["knowledge_version"],
    )


def _cause(doc: dict[str, Any]) -> CauseResult:
    criteria = doc["criteria"]
    return trusted(
        CauseResult,
        **{**doc, "criteria": None if criteria is None else trusted(CriteriaResult, **criteria)},
    )
