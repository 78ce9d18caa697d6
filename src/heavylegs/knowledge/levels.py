"""The triage levels, in order: the one place their order is written down.

Its own module so the rule language (:mod:`heavylegs.knowledge.conditions`) and the entry models
share it without importing each other.
"""

from __future__ import annotations

from enum import StrEnum


class Urgency(StrEnum):
    """Triage level, least to most urgent: the order of definition is the order of care, and
    :attr:`rank` compares two levels."""

    SELF_CARE = "self_care"
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {level: rank for rank, level in enumerate(Urgency)}
