"""The facts a clinician reads first, as plain text: pure functions of :class:`ReportData`.

Kept apart from the layout (:mod:`heavylegs.reports.pdf`) so each fact can be tested on its own
and the wording stays the same wherever it is shown. Answers are read defensively: the input
schema grows (new optional fields), and an old stored assessment may lack what a new one has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from heavylegs.diary.plan import is_serious
from heavylegs.reports.gather import ReportData

ANKLE_DIFFERENCE_CM = 2.0
"""A left–right difference from which one-sided swelling is marked for the clinician."""

WARNING_SECTIONS = ("Warning signs", "Whole body")
"""Questionnaire sections whose yes/no answers are listed as "warning signs asked"."""

LEVEL_WORDS = {
    "emergency": "EMERGENCY: call the emergency number or go to an emergency department now",
    "urgent": "URGENT: be seen by a clinician today",
    "routine": "ROUTINE: book an appointment in the coming days or weeks",
    "self_care": "SELF-CARE: safe to manage at home, with the plan",
}


def words(value: Any) -> str:
    """``dull_ache`` → ``dull ache``; lists joined with commas; booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(words(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def label(path: str) -> str:
    """A short label from a field path: ``symptoms.calf_tender`` → ``calf tender``."""
    return path.rpartition(".")[2].replace("_", " ")


def _get(answers: Mapping[str, Any], path: str) -> Any:
    section, _, name = path.partition(".")
    part = answers.get(section)
    return part.get(name) if isinstance(part, Mapping) else None


def age_band(age: Any) -> str:
    """A ten-year band ("30–39"): enough for a clinician, less identifying than the age."""
    if isinstance(age, bool) or not isinstance(age, int):
        return "not given"
    if age < 18:
        return "under 18"
    if age >= 80:
        return "80 or over"
    low = age // 10 * 10
    return f"{low}–{low + 9}"


def duration(days: Any) -> str:
    if isinstance(days, bool) or not isinstance(days, int):
        return "not given"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 90:
        return f"{days // 7} weeks ({days} days)"
    if days < 730:
        return f"{days // 30} months ({days} days)"
    return f"{days // 365} years ({days} days)"


@dataclass(frozen=True)
class WarningSigns:
    yes: list[str]
    no: list[str]
    not_asked: list[str]


def warning_signs(answers: Mapping[str, Any]) -> WarningSigns:
    """Every warning-sign question of the questionnaire, sorted into yes / no / not asked."""
    from heavylegs.assessment.questionnaire import QUESTIONS, Kind

    yes: list[str] = []
    no: list[str] = []
    missing: list[str] = []
    for q in QUESTIONS:
        if q.section not in WARNING_SECTIONS or q.kind not in (Kind.YES_NO, Kind.CHOICE):
            continue
        value = _get(answers, q.path)
        if value is None:
            missing.append(label(q.path))
        elif value is True or (isinstance(value, str) and value not in ("no", "none")):
            yes.append(label(q.path) + ("" if value is True else f": {words(value)}"))
        else:
            no.append(label(q.path))
    return WarningSigns(yes, no, missing)


def symptom_lines(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the symptoms a clinician asks about first."""
    s = answers.get("symptoms")
    s = s if isinstance(s, Mapping) else {}
    heaviness = s.get("heaviness")
    rows = [
        ("Legs", words(s.get("legs", "not given"))),
        ("Heaviness", f"{heaviness}/10" if heaviness is not None else "not given"),
        ("Duration", duration(s.get("duration_days"))),
    ]
    for key, name in (
        ("onset", "Onset"),
        ("when", "Worse"),
        ("relieved_by", "Relieved by"),
        ("swelling", "Swelling"),
        ("swelling_pits_when_pressed", "Pitting"),
        ("pain", "Pain"),
    ):
        if s.get(key) is not None:
            rows.append((name, words(s[key])))
    return rows


def history_lines(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    h = answers.get("history")
    h = h if isinstance(h, Mapping) else {}
    rows = []
    for key, name in (
        ("conditions", "Conditions"),
        ("recent", "Recently"),
        ("medications", "Medications"),
        ("smoker", "Smoker"),
    ):
        value = h.get(key)
        rows.append((name, "not asked" if value is None else words(value)))
    return rows


def person_line(data: ReportData) -> str:
    about = data.about()
    parts = [f"age {age_band(about.get('age'))}", f"sex {words(about.get('sex', 'not given'))}"]
    if about.get("pregnant") is True:
        parts.append("pregnant")
    weeks = about.get("weeks_since_giving_birth")
    if isinstance(weeks, int):
        parts.append(f"gave birth {weeks} weeks ago")
    return ", ".join(parts)


def measures_tried(data: ReportData) -> list[str]:
    """What the person said they tried, then what the diary shows they did and for how long."""
    lines: list[str] = []
    latest = data.latest
    tried = latest.answers.get("tried") if latest is not None else None
    if isinstance(tried, Mapping) and tried.get("measures"):
        weeks = tried.get("weeks")
        span = f" for {weeks:g} weeks" if isinstance(weeks, int | float) else ""
        improving = tried.get("improving")
        said = f"; improving: {words(improving)}" if improving else ""
        lines.append(f"Before the assessment: {words(tried['measures'])}{span}{said}")
    by_measure: dict[str, list[dt.date]] = {}
    for m in data.measures:
        by_measure.setdefault(m.measure, []).append(m.day)
    ranked = sorted(by_measure.items(), key=lambda kv: (-len(set(kv[1])), kv[0]))
    for measure, days in ranked:
        distinct = len(set(days))
        lines.append(
            f"{data.measure_titles.get(measure, words(measure))}: done on {distinct} "
            f"day{'s' if distinct != 1 else ''}, {min(days):%d %b %Y} – {max(days):%d %b %Y}"
            + _usual_dose([m for m in data.measures if m.measure == measure])
        )
    return lines


def _usual_dose(done: Sequence[Any]) -> str:
    """ ", usually 15 min" / ", usually 20 reps": the median of what was recorded each time, so a
    clinician sees the dose done next to the dose planned (nothing when none was recorded)."""
    from statistics import median

    parts = []
    minutes = [m.minutes for m in done if m.minutes is not None]
    reps = [m.reps for m in done if m.reps is not None]
    if minutes:
        parts.append(f"{round(median(minutes), 1):g} min")
    if reps:
        parts.append(f"{median(reps):g} reps")
    return f", usually {' and '.join(parts)} each time" if parts else ""


@dataclass(frozen=True)
class Ankles:
    day: dt.date
    part: str
    left: float
    right: float
    first: tuple[dt.date, float, float] | None

    @property
    def difference(self) -> float:
        return round(abs(self.left - self.right), 1)

    @property
    def marked(self) -> bool:
        return self.difference >= ANKLE_DIFFERENCE_CM

    def text(self) -> str:
        bigger = "left" if self.left > self.right else "right"
        line = (
            f"Ankle circumference {self.day:%d %b %Y} ({self.part}): left {self.left:g} cm, "
            f"right {self.right:g} cm, difference {self.difference:g} cm"
        )
        if self.marked:
            line += f" — {bigger} larger by 2 cm or more (one-sided swelling)"
        if self.first is not None:
            day, left, right = self.first
            line += f"; first measured {day:%d %b %Y}: left {left:g}, right {right:g} cm"
        return line


def ankles(data: ReportData) -> Ankles | None:
    both = [e for e in data.entries if e.ankle_left_cm is not None and e.ankle_right_cm is not None]
    if not both:
        return None
    last, first = both[-1], both[0]
    assert last.ankle_left_cm is not None and last.ankle_right_cm is not None
    assert first.ankle_left_cm is not None and first.ankle_right_cm is not None
    earlier = None if first is last else (first.day, first.ankle_left_cm, first.ankle_right_cm)
    return Ankles(last.day, last.part, last.ankle_left_cm, last.ankle_right_cm, earlier)


def heaviness_trend(data: ReportData) -> list[str]:
    """The diary's trend in words, and the change between the first and latest assessment."""
    lines: list[str] = []
    if data.insights is not None:
        t = data.insights.trend
        if t.days_logged:
            lines.append(
                f"Diary: {t.days_logged} day{'s' if t.days_logged != 1 else ''} logged, "
                f"{t.first_day:%d %b %Y} – "
                f"{t.last_day:%d %b %Y}; trend {words(t.direction.value)}"
            )
        if t.last_7_days is not None and t.previous_14_days is not None:
            change = ""
            if t.change is not None:
                c = t.change
                change = (
                    f" (change {c.difference:+.1f}, 95% CI {c.ci_low:+.1f} to {c.ci_high:+.1f})"
                )
            lines.append(
                f"Mean heaviness last 7 days {t.last_7_days:.1f}/10 against "
                f"{t.previous_14_days:.1f}/10 the 14 days before{change}"
            )
    scored = [
        (a.at, _get(a.answers, "symptoms.heaviness"))
        for a in data.assessments
        if isinstance(_get(a.answers, "symptoms.heaviness"), int)
    ]
    if len(scored) >= 2:
        (t0, h0), (t1, h1) = scored[0], scored[-1]
        lines.append(
            f"Assessments: heaviness {h0}/10 on {t0.astimezone():%d %b %Y}, "
            f"{h1}/10 on {t1.astimezone():%d %b %Y}"
        )
    return lines


def causes(output: Mapping[str, Any], titles: Mapping[str, str], limit: int = 4) -> list[str]:
    out = []
    for cause in (output.get("causes") or [])[:limit]:
        if not isinstance(cause, Mapping):
            continue
        cid = str(cause.get("id", "?"))
        likelihood = cause.get("likelihood")
        pct = f" ({likelihood:.0%})" if isinstance(likelihood, int | float) else ""
        why = "; ".join(str(w) for w in (cause.get("why") or [])[:2])
        against = [str(w) for w in cause.get("against") or [] if isinstance(w, str)][:1]
        line = f"{titles.get(cid, words(cid))}{pct}" + (f": {why}" if why else "")
        out.append(line + (f" (against: {against[0]})" if against else ""))
    return out


def cited(reasons: Iterable[Mapping[str, Any]]) -> list[str]:
    """Source ids cited by the reasons, first-seen order."""
    seen: dict[str, None] = {}
    for reason in reasons:
        for source in reason.get("sources") or []:
            seen.setdefault(str(source), None)
    return list(seen)


def questions(data: ReportData) -> list[str]:
    """Questions the person can take to the appointment, from what the data show."""
    latest = data.latest
    output: Mapping[str, Any] = latest.output if latest is not None else {}
    answers: Mapping[str, Any] = latest.answers if latest is not None else {}
    level = (output.get("triage") or {}).get("level")
    asked: list[str] = []
    top = [c for c in (output.get("causes") or []) if isinstance(c, Mapping)][:2]
    for cause in top:
        name = data.cause_titles.get(str(cause.get("id")), words(cause.get("id"))).lower()
        asked.append(f"Could this be {name}? What would confirm it or rule it out?")
    a = ankles(data)
    if a is not None and a.marked:
        asked.append(
            f"My ankles differ by {a.difference:g} cm. Does one-sided swelling need a scan?"
        )
    if is_serious(level):
        asked.append("Which signs mean I should come back at once, or call for help?")
    meds = _get(answers, "history.medications")
    if isinstance(meds, list) and [m for m in meds if m != "other"]:
        asked.append(f"Could one of my medicines ({words(meds)}) add to the heaviness?")
    plan = output.get("plan") or {}
    doing = {item.get("id") for item in plan.get("do") or [] if isinstance(item, Mapping)}
    if "compression_stockings" in doing:
        asked.append("Are compression stockings safe for me, and which pressure class?")
    if data.training or isinstance(answers.get("running"), Mapping):
        asked.append("How much running is safe while this settles, and when can I build up?")
    if data.insights is not None:
        unclear = [
            e.measure
            for e in data.insights.effects
            if e.verdict.value == "no_clear_effect" and e.outcome.value == "evening"
        ]
        if unclear:
            name = data.measure_titles.get(unclear[0], words(unclear[0])).lower()
            asked.append(f"My diary shows no clear effect of {name}: is it worth going on?")
    asked.append("Do I need any tests (blood tests, a scan of the veins or arteries)?")
    return _dedupe(asked)


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (the rest is in the app and the FHIR)."""
    head, dot, rest = text.partition(". ")
    return head + "." if dot and rest else text


def avoid_lines(items: Iterable[Any], titles: Mapping[str, str]) -> list[str]:
    """ "Avoid A, B: why" — measures avoided for the same reason share one line."""
    by_why: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, Mapping) and item.get("id"):
            name = titles.get(str(item["id"]), words(item["id"]))
            by_why.setdefault(str(item.get("why", "")), []).append(name[:1].lower() + name[1:])
    return [f"Avoid {', '.join(names)}: {why}" for why, names in by_why.items()]


def plan_lines(
    plan: Mapping[str, Any], titles: Mapping[str, str], do_limit: int = 5, avoid_limit: int = 3
) -> tuple[list[str], list[str]]:
    """The plan's measures to do and to avoid as report lines: the first ``do_limit`` measures
    with their dose, the first ``avoid_limit`` reasons to avoid in full; the rest are named in one
    line each ("Also in the plan: …", "Also avoid: …"). Cut without a word, the office worker's
    plan lost three measures and an urgent plan some of what to avoid."""
    do = [i for i in plan.get("do") or [] if isinstance(i, Mapping)]
    do_lines = [plan_line(i, titles) for i in do[:do_limit]]
    more = [titles.get(str(i.get("id")), words(i.get("id"))) for i in do[do_limit:]]
    if more:
        do_lines.append(f"Also in the plan: {', '.join(more)}")
    groups: dict[str, list[Any]] = {}
    for item in plan.get("avoid") or []:
        if isinstance(item, Mapping) and item.get("id"):
            groups.setdefault(str(item.get("why", "")), []).append(item)
    kept = [item for items in list(groups.values())[:avoid_limit] for item in items]
    avoid = avoid_lines(kept, titles)
    rest = [
        titles.get(str(i["id"]), words(i["id"]))
        for items in list(groups.values())[avoid_limit:]
        for i in items
    ]
    if rest:
        avoid.append(f"Also avoid: {', '.join(n[:1].lower() + n[1:] for n in rest)}")
    return do_lines, avoid


def plan_line(item: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """ "Title: dose, when" for a measure of the plan; a part an older stored plan lacks is left
    out (it read "Title: , when")."""
    name = titles.get(str(item.get("id", "")), words(item.get("id")))
    parts = [str(item[k]).strip() for k in ("dose", "when") if item.get(k)]
    parts = [p for p in parts if p]
    return f"{name}: {', '.join(parts)}" if parts else name


def clock(when: dt.datetime, day: str = "%d %b %Y") -> str:
    """A date and time in the local zone, with the zone named ("20 Nov 2026, 19:00 CET"): a
    clinician in another zone, or reading after a clock change, knows which 19:00 it was."""
    local = when.astimezone()
    name = local.tzname() or ""
    if not name or name[0] in "+-":  # zones without an abbreviation: the offset, as UTC+03
        offset = local.strftime("%z")
        name = f"UTC{offset[:3]}" + (f":{offset[3:]}" if offset[3:] != "00" else "")
    return f"{local.strftime(day)}, {local:%H:%M} {name}"
