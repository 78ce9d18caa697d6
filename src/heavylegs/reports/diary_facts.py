"""What the diary adds to page one: its own warnings, and the days the heaviness trend leaves out.

Apart from :mod:`heavylegs.reports.facts` (the assessment's facts) so each stays short; both are
pure functions of :class:`ReportData`.
"""

from __future__ import annotations

from dataclasses import dataclass

from heavylegs.diary.plan import level_of
from heavylegs.reports.gather import ReportData


@dataclass(frozen=True)
class DiaryWarnings:
    """What the diary's own rules raise (``heavylegs insights``' escalation), most urgent first."""

    level: str
    messages: list[str]
    outranks: bool
    """More urgent than the latest assessment's level (or there is no assessment): then it goes
    before the assessment's box, since the assessment no longer says what to do first."""


def diary_warnings(data: ReportData) -> DiaryWarnings | None:
    """The diary's warnings for page one, ``None`` when it raises none.

    Why: new one-sided swelling logged after a self-care assessment is urgent in the diary
    (``heavylegs insights``), yet the report showed only the old "SELF-CARE" box first."""
    found = data.insights.escalation if data.insights is not None else []
    if not found:
        return None
    top = found[0].level
    latest = data.latest
    was = level_of((latest.output.get("triage") or {}).get("level")) if latest else None
    outranks = was is None or top.rank > was.rank
    return DiaryWarnings(top.value, [e.message for e in found], outranks)


def diary_counts(data: ReportData) -> list[str]:
    """Diary facts the heaviness trend leaves out: days logged without a heaviness score, and
    leg cramps (a day with only a cramp count used to read "no diary ... yet")."""
    lines: list[str] = []
    days = sorted({e.day for e in data.entries})
    scored = data.insights.trend.days_logged if data.insights is not None else 0
    if days and not scored:
        lines.append(
            f"Diary: {len(days)} day{'s' if len(days) != 1 else ''} logged, "
            f"{days[0]:%d %b %Y} – {days[-1]:%d %b %Y}, none with a heaviness score"
        )
    cramp_days = sorted({e.day for e in data.entries if e.cramps or e.night_cramps})
    if cramp_days:
        total = sum(e.cramps or 0 for e in data.entries)
        nights = len({e.day for e in data.entries if e.night_cramps})
        count = f"{total} leg cramp{'s' if total != 1 else ''}" if total else "leg cramps"
        night = f", at night on {nights} of them" if nights else ""
        lines.append(
            f"Cramps: {count} on {len(cramp_days)} of the {len(days)} diary "
            f"day{'s' if len(days) != 1 else ''}{night}, the latest {cramp_days[-1]:%d %b %Y}"
        )
    return lines
