"""The weekly summary: one line a person can read at a glance, warnings first.

Example: ``heaviness 5.1 → 3.4 over 3 weeks; legs up the wall linked to −1.2 next morning
(CI −2.0…−0.4)``. Weeks are the 7-day blocks ending on the "as of" day; a week needs 3 scored
days to be quoted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from heavylegs.diary.effects import Effect, Verdict
from heavylegs.diary.escalation import Escalation
from heavylegs.diary.series import DiarySeries
from heavylegs.knowledge.models import Urgency

WEEK_MIN_DAYS = 3
LOOKBACK_WEEKS = 3
MAX_LINKS = 2
_LEVEL_WORD = {
    Urgency.EMERGENCY: "Emergency",
    Urgency.URGENT: "Urgent",
    Urgency.ROUTINE: "See a clinician",
}
_OUTCOME_WORDS = {"evening": "that evening", "next_morning": "next morning"}


def signed(value: float) -> str:
    """``−1.2`` / ``+0.4`` / ``0.0``: a true minus sign, and a plus so direction is never lost."""
    text = f"{abs(value):.1f}"
    if text == "0.0":
        return text
    return ("−" if value < 0 else "+") + text


def title_of(measure: str, titles: Mapping[str, str]) -> str:
    """The measure's title as it reads mid-sentence ("legs up the wall"; acronyms kept)."""
    title = titles.get(measure) or measure.replace("_", " ")
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        title = title[0].lower() + title[1:]
    return title


def heaviness_phrase(series: DiarySeries) -> str:
    day = dt.timedelta(days=1)
    means: dict[int, float] = {}
    for k in range(LOOKBACK_WEEKS, -1, -1):
        end = series.as_of - 7 * k * day
        values = series.window(end - 6 * day, end)
        if values.size >= WEEK_MIN_DAYS:
            means[k] = float(values.mean())
    if 0 not in means:
        return "too few heaviness scores in the last 7 days to follow the trend"
    earlier = [k for k in means if k > 0]
    if not earlier:
        return f"heaviness {means[0]:.1f} this week"
    k = max(earlier)
    return f"heaviness {means[k]:.1f} → {means[0]:.1f} over {k} week{'s' if k > 1 else ''}"


def effects_phrase(effects: Sequence[Effect], titles: Mapping[str, str]) -> str:

    linked = [
        e
        for e in effects
        if e.verdict in (Verdict.LINKED_TO_LESS_HEAVINESS, Verdict.LINKED_TO_MORE_HEAVINESS)
    ]
    if linked:
        linked.sort(
            key=lambda e: (
                e.verdict is not Verdict.LINKED_TO_LESS_HEAVINESS,
                -abs(e.difference or 0.0),
                e.measure,
                e.outcome.value,
            )
        )
        return "; ".join(
            f"{title_of(e.measure, titles)} linked to {signed(e.difference or 0.0)} "
            f"{_OUTCOME_WORDS[e.outcome.value]} "
            f"(CI {signed(e.ci_low or 0.0)}…{signed(e.ci_high or 0.0)})"
            for e in linked[:MAX_LINKS]
        )
    if any(e.verdict is not Verdict.NOT_ENOUGH_DATA for e in effects):
        return "no measure is clearly linked to your heaviness yet"
    if effects:
        return (
            "not enough data yet to link a measure to your heaviness (5 days with it and 5 without)"
        )
    return "no measures recorded yet"


def weekly_summary(
    series: DiarySeries,
    effects: Sequence[Effect],
    flags: Sequence[Escalation],
    titles: Mapping[str, str],
) -> str:
    """Warnings (urgent and routine) first, then heaviness over the weeks, then measure links."""
    warnings = [
        f"{_LEVEL_WORD[f.level]}: {f.wording.headline}"
        for f in flags
        if f.level.rank >= Urgency.ROUTINE.rank
    ]
    body = f"{heaviness_phrase(series)}; {effects_phrase(effects, titles)}"
    if any(f.id == "rising_trend" for f in flags):
        body += "; heaviness is rising: answer the assessment again"
    return " ".join([*warnings, body[:1].upper() + body[1:]])
