"""The engine's fast output construction stays equal to pydantic's own."""

from __future__ import annotations

import pytest

from heavylegs.assessment.result import CauseResult, Plan, PlanItem, Triage, trusted
from heavylegs.knowledge import Urgency


def test_trusted_equals_model_construct() -> None:
    values = {
        "id": "static_posture",
        "title": "t",
        "likelihood": 0.5,
        "why": ["a"],
        "sources": ["seed-000"],
        "against": ["b"],
        "criteria": None,
    }
    fast, slow = trusted(CauseResult, **values), CauseResult.model_construct(**values)
    assert fast == slow
    assert (
        fast.model_dump_json() == slow.model_dump_json() == CauseResult(**values).model_dump_json()
    )
    item = PlanItem(id="walking", dose="d", when="w", why="y", sources=["seed-001"])
    plan = trusted(Plan, do=[item], avoid=[])
    assert plan.model_dump() == Plan(do=[item], avoid=[]).model_dump()
    triage = trusted(Triage, level=Urgency.URGENT, headline="h", reasons=[])
    assert triage.model_dump(mode="json")["level"] == "urgent"


def test_trusted_needs_every_field() -> None:
    with pytest.raises(TypeError, match="missing"):
        trusted(Plan, do=[])
