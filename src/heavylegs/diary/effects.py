"""What a personal effect is: a measure, the score it is compared on, and the honest verdict.

Its own module so the insights that compute effects and the summary that words them both import
it, and neither imports the other's caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    NOT_ENOUGH_DATA = "not_enough_data"
    NO_CLEAR_EFFECT = "no_clear_effect"
    LINKED_TO_LESS_HEAVINESS = "linked_to_less_heaviness"
    LINKED_TO_MORE_HEAVINESS = "linked_to_more_heaviness"


class Outcome(StrEnum):
    """Which score a measure is compared on: the same day's evening or the next morning."""

    EVENING = "evening"
    NEXT_MORNING = "next_morning"


@dataclass(frozen=True)
class Effect:
    measure: str
    outcome: Outcome
    n_with: int
    n_without: int
    verdict: Verdict
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mean_with: float | None = None
    mean_without: float | None = None
