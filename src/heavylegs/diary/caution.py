"""Does a measure just recorded go against the current plan? Then say so, with the reason.

After an urgent or emergency result the plan lists what to avoid (walking or massaging a leg
that may hold a clot, …). Recording one of those must not pass without a word: the diary and
the web app show this caution right after saving (the record is still kept: it happened).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heavylegs.diary.plan import is_serious


@dataclass(frozen=True)
class Caution:
    """A measure done that the current plan says to avoid."""

    measure: str
    title: str
    why: str
    level: str
    """The triage level of the assessment whose plan it is (``urgent``, ``self_care`` …)."""

    @property
    def serious(self) -> bool:
        return is_serious(self.level)

    def message(self) -> str:
        head = (
            f"Your last assessment was {self.level.upper()}, and its plan says to avoid "
            if self.serious
            else "Your plan says to avoid "
        )
        return f"{head}{self.title} for now: {self.why}"


def caution_for(output: Mapping[str, Any] | None, measure: str) -> Caution | None:
    """The caution for ``measure`` under the assessment ``output`` (its JSON), or ``None``."""
    if not output:
        return None
    level = str(output.get("triage", {}).get("level", ""))
    for item in output.get("plan", {}).get("avoid", []):
        if item.get("id") == measure:
            return Caution(
                measure, str(item.get("title") or measure), str(item.get("why", "")), level
            )
    return None
