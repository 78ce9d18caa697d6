"""When the diary says to stop self-managing: rules over the recorded days, never buried.

Rules (each names the fact from the diary, then the red flag's own wording from the knowledge base):

* ankle circumference differs by ≥ 2 cm between legs in the last 7 days, or one leg is newly
  swollen on its own → ``one_leg_swelling`` (urgent: a clot has to be ruled out the same day);
* one leg swollen on its own, and already so before the last 7 days → ``persistent_swelling``
  (routine);
* 4 weeks after the first measure done, heaviness over the last 7 days is still ≥ 2 and has not
  dropped by at least 1 point from before the measures began → ``no_improvement`` (routine);
* heaviness rising (see ``insights.trend``) → ``rising_trend``: answer the assessment again.

The wording of red flags is passed in (``wording_from_kb``); if the knowledge base lacks an id the
fallback text below is used, so a missing entry can never silence a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heavylegs.diary.series import DiarySeries
from heavylegs.diary.stats import Difference
from heavylegs.knowledge.models import Urgency

if TYPE_CHECKING:
    from heavylegs.knowledge.models import KnowledgeBase

ANKLE_DIFFERENCE_CM = 2.0
RECENT_DAYS = 7
NEW_SWELLING_LOOKBACK_DAYS = 28
NO_IMPROVEMENT_AFTER_DAYS = 28
IMPROVEMENT_POINTS = 1.0
STILL_BOTHERSOME = 2.0


@dataclass(frozen=True)
class Wording:
    headline: str
    message: str


FALLBACK: dict[str, Wording] = {
    "one_leg_swelling": Wording(
        "Have a doctor or nurse check your leg today: one leg swelling on its own can be a clot.",
        "A clot in a deep leg vein often shows as one leg, calf or ankle getting bigger than the "
        "other, sometimes warm or sore. It needs a same-day check; sudden breathlessness or chest "
        "pain with it means calling the emergency number.",
    ),
    "persistent_swelling": Wording(
        "Book an appointment to have the swelling of that leg looked at.",
        "Swelling that stays or keeps coming back has a cause worth finding: veins, lymph "
        "drainage, a medicine, or the heart or kidneys.",
    ),
    "no_improvement": Wording(
        "Book an appointment: weeks of self-care have not eased the heaviness.",
        "When the usual measures do not help, something else may be behind the heaviness and it "
        "deserves an examination.",
    ),
    "rising_trend": Wording(
        "Answer the assessment again (heavylegs assess): what changed may need a different plan.",
        "Heaviness that climbs week after week is a change worth re-checking, including the "
        "warning signs.",
    ),
}


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
    """The red flags' headline and message, by id."""
    return {fid: Wording(flag.headline, flag.message) for fid, flag in kb.red_flags.items()}


def escalations(
    series: DiarySeries, rising: Difference | None, wording: Mapping[str, Wording]
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
            if baseline.size < 3:
                baseline = series.window(began, began + 6 * day)
            last = series.window(recent_start, series.as_of)
            if baseline.size >= 3 and last.size >= 3:
                now, then = float(last.mean()), float(baseline.mean())
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
        (
            Escalation(LEVELS[fid], fid, tuple(lines), _wording(fid, wording))
            for fid, lines in facts.items()
        ),
        key=lambda e: (-e.level.rank, e.id),
    )


LEVELS = {
    "one_leg_swelling": Urgency.URGENT,
    "persistent_swelling": Urgency.ROUTINE,
    "no_improvement": Urgency.ROUTINE,
    "rising_trend": Urgency.SELF_CARE,
}
OWN_WORDS = frozenset({"rising_trend"})
"""Escalations that are not red flags of the knowledge base: always the text above."""


def _wording(fid: str, wording: Mapping[str, Wording]) -> Wording:
    found = None if fid in OWN_WORDS else wording.get(fid)
    return found or FALLBACK[fid]
