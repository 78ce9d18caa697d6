"""When the diary says to stop self-managing: rules over the recorded days, never buried.

Rules (each names the fact from the diary, then the red flag's own wording from the knowledge base):

* ankle circumference differs by ≥ 2 cm between legs in the last 7 days, or one leg is newly
  swollen on its own → ``one_leg_swelling`` (urgent: a clot has to be ruled out the same day);
* one leg swollen on its own, and already so before the last 7 days → ``persistent_swelling``
  (routine);
* 4 weeks after the first measure done, heaviness over the last 7 days is still ≥ 2 and has not
  dropped by at least 1 point from before the measures began → ``no_improvement`` (routine);
* heaviness rising (see ``insights.trend``) → ``rising_trend``: answer the assessment again.

The level and wording of the three red flags are the knowledge base's (``wording_from_kb``); a
mapping that lacks one falls back to the installed knowledge base, and a knowledge base without
one fails loudly, so a missing entry can never silence a warning. Only ``rising_trend``, which is
not a red flag, has its own words here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from heavylegs.knowledge.levels import Urgency

if TYPE_CHECKING:
    from heavylegs.diary.rows import EntryRow, MeasureRow
    from heavylegs.diary.stats import Difference
    from heavylegs.knowledge.models import KnowledgeBase

ANKLE_DIFFERENCE_CM = 2.0
RECENT_DAYS = 7
NEW_SWELLING_LOOKBACK_DAYS = 28
NO_IMPROVEMENT_AFTER_DAYS = 28
IMPROVEMENT_POINTS = 1.0
STILL_BOTHERSOME = 2.0


class Diary(Protocol):
    """What the rules read: ``series.DiarySeries`` (numpy, for insights) or
    ``daily.DailyHeaviness`` (plain Python, for the warnings after ``log`` and ``done``)."""

    @property
    def as_of(self) -> dt.date: ...
    @property
    def entries(self) -> Sequence[EntryRow]: ...
    @property
    def measures(self) -> Sequence[MeasureRow]: ...
    def window(self, first: dt.date, last: dt.date) -> Collection[float]: ...


def _mean(values: Collection[float]) -> float:
    """The exact mean (scores are halves, days' means quarters: numpy's mean is the same)."""
    return math.fsum(values) / len(values)


@dataclass(frozen=True)
class Wording:
    headline: str
    message: str
    level: Urgency


RED_FLAGS = ("one_leg_swelling", "persistent_swelling", "no_improvement")
"""The knowledge base's red flags the diary can raise (tests/diary checks they exist)."""
RISING_TREND = Wording(
    "Answer the assessment again (heavylegs assess): what changed may need a different plan.",
    "Heaviness that climbs week after week is a change worth re-checking, including the "
    "warning signs.",
    Urgency.SELF_CARE,
)
"""Not a red flag of the knowledge base: heavylegs' own words."""


@dataclass(frozen=True)
class Escalation:
    level: Urgency
    id: str
    facts: tuple[str, ...]
    wording: Wording

    @property
    def message(self) -> str:
        return " ".join((*self.facts, self.wording.headline))

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "id": self.id,
            "message": self.message,
            "facts": list(self.facts),
            "why": self.wording.message,
        }


def wording_from_kb(kb: KnowledgeBase) -> dict[str, Wording]:
    """The red flags' headline, message and level, by id."""
    return {
        fid: Wording(flag.headline, flag.message, flag.level) for fid, flag in kb.red_flags.items()
    }


def escalations(
    series: Diary, rising: Difference | None, wording: Mapping[str, Wording]
) -> list[Escalation]:
    """Every rule that fires, most urgent first. ``rising``: the trend change, if worsening."""
    facts: dict[str, list[str]] = {}
    recent_start = series.as_of - dt.timedelta(days=RECENT_DAYS - 1)
    recent = [e for e in series.entries if e.day >= recent_start]

    lopsided = [
        e
        for e in recent
        if e.ankle_left_cm is not None
        and e.ankle_right_cm is not None
        and round(abs(e.ankle_left_cm - e.ankle_right_cm), 2) >= ANKLE_DIFFERENCE_CM
    ]
    if lopsided:
        e = max(lopsided, key=lambda r: (r.day, r.part == "evening"))
        assert e.ankle_left_cm is not None and e.ankle_right_cm is not None
        big, small = ("left", "right") if e.ankle_left_cm > e.ankle_right_cm else ("right", "left")
        facts.setdefault("one_leg_swelling", []).append(
            f"On {e.day.isoformat()} ({e.part}) your {big} ankle measured "
            f"{abs(e.ankle_left_cm - e.ankle_right_cm):.1f} cm more than the {small}."
        )

    for side in ("left", "right"):
        swollen = [e for e in recent if e.swelling == side]
        if not swollen:
            continue
        first = swollen[0].day
        since = first - dt.timedelta(days=NEW_SWELLING_LOOKBACK_DAYS)
        before = [e for e in series.entries if since <= e.day < recent_start and e.swelling == side]
        if before:
            facts.setdefault("persistent_swelling", []).append(
                f"Your {side} leg alone has been swollen since at least "
                f"{before[0].day.isoformat()}."
            )
        else:
            facts.setdefault("one_leg_swelling", []).append(
                f"Your {side} leg alone was swollen on {first.isoformat()}, "
                "which is new in your diary."
            )

    if series.measures:
        began = min(m.day for m in series.measures)
        if (series.as_of - began).days >= NO_IMPROVEMENT_AFTER_DAYS:
            day = dt.timedelta(days=1)
            baseline = series.window(began - 7 * day, began - day)
            if len(baseline) < 3:
                baseline = series.window(began, began + 6 * day)
            last = series.window(recent_start, series.as_of)
            if len(baseline) >= 3 and len(last) >= 3:
                now, then = _mean(last), _mean(baseline)
                if now >= STILL_BOTHERSOME and now > then - IMPROVEMENT_POINTS:
                    weeks = (series.as_of - began).days // 7
                    facts.setdefault("no_improvement", []).append(
                        f"Heaviness averaged {now:.1f} over the last 7 days against {then:.1f} "
                        f"when you began the measures on {began.isoformat()} ({weeks} weeks ago)."
                    )

    if rising is not None:
        facts.setdefault("rising_trend", []).append(
            f"Heaviness rose from {rising.mean_b:.1f} to {rising.mean_a:.1f} "
            "(the last 7 days against the 14 before)."
        )

    return sorted(
        (_escalation(fid, tuple(lines), wording) for fid, lines in facts.items()),
        key=lambda e: (-e.level.rank, e.id),
    )


def _escalation(fid: str, facts: tuple[str, ...], wording: Mapping[str, Wording]) -> Escalation:
    if fid == "rising_trend":
        return Escalation(Urgency.SELF_CARE, fid, facts, RISING_TREND)
    found = wording.get(fid) or _installed().get(fid)
    if found is None:
        from heavylegs.knowledge import KnowledgeError

        raise KnowledgeError(f"the diary raises red flag {fid!r}, which the knowledge base lacks")
    return Escalation(found.level, fid, facts, found)


def _installed() -> dict[str, Wording]:
    """The installed knowledge base's wording (loaded only when a caller passed none)."""
    from heavylegs.knowledge import load_knowledge

    return wording_from_kb(load_knowledge())
