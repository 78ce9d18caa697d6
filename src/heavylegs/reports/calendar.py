"""The plan's recurring measures as an iCalendar file (RFC 5545) a calendar app can import.

Three kinds of event, each only when the plan holds the measure and the person's day calls for
it: movement breaks through the working day for people who sit or stand at work, one evening
session (legs up the wall, leg elevation or ankle pumps) every day, and strength sessions on
fixed weekdays for runners. Each event repeats (``RRULE``), reminds (``VALARM``) and says the
dose and why in its description; times are in the local zone, which the file carries as a
``VTIMEZONE``.

Why one ``UID`` per measure and person (uuid5 of the person's first record and the measure id):
a calendar app that imports a newer file updates the events instead of adding copies. An urgent
or emergency plan gives no calendar at all: routine reminders would say "carry on" when the
message is "get seen". The same holds when the diary logged since raises its own urgent warning
(``heavylegs insights``: one ankle swelling more than the other, say) over a routine assessment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heavylegs.diary.fields import parse_clock
from heavylegs.diary.plan import is_serious
from heavylegs.problems import Problems
from heavylegs.reports import NoRoutineCalendar, NothingToReport
from heavylegs.reports.diary_facts import diary_warnings
from heavylegs.reports.fhir import person_key
from heavylegs.reports.fhir_codes import stable_id
from heavylegs.reports.gather import ReportData

if TYPE_CHECKING:
    from heavylegs.store.person import PersonalProfile

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
EVENING = dt.time(20, 30)
STRENGTH_AT = dt.time(18, 30)
EVENING_MEASURES = ("legs_up_the_wall", "leg_elevation", "ankle_pumps")
STRENGTH_MEASURES = ("strength_training", "glute_bridge", "calf_raises")
SITTING_WORK = ("sitting", "standing", "mixed")
STRENGTH_DAYS = {1: ("WE",), 2: ("TU", "FR"), 3: ("MO", "WE", "FR")}


class HoursError(Problems, ValueError):
    """The working hours are not a usable working day; ``problems`` names the bound."""

    def __init__(self, problem: str) -> None:
        super().__init__([problem])


DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_HOURS = ("09:00", "17:30")


@dataclass(frozen=True)
class WorkingDay:
    """The hours and days movement breaks fall in (days as RFC 5545 names, Monday first)."""

    start: dt.time
    end: dt.time
    days: tuple[str, ...] = WEEKDAYS

    @classmethod
    def parse(cls, start: str, end: str, days: tuple[str, ...] = WEEKDAYS) -> WorkingDay:
        times = []
        for name, text in (("start", start), ("end", end)):
            try:
                times.append(parse_clock(text))
            except ValueError as exc:
                raise HoursError(f"{name}: {exc}") from None
        if times[1] <= times[0]:
            raise HoursError(f"end: must be after the start ({start})")
        return cls(times[0], times[1], days or WEEKDAYS)

    @classmethod
    def choose(
        cls, start: str | None, end: str | None, profile: PersonalProfile | None
    ) -> WorkingDay:
        """Hours given now win; else the saved profile's hours; else 09:00–17:30. The days are
        the profile's working days (1 = Monday … 7 = Sunday), else Monday to Friday. One home
        for the choice, so the command line and the web give the same calendar."""
        saved_start, saved_end = DEFAULT_HOURS
        days: tuple[str, ...] = WEEKDAYS
        if profile is not None:
            if profile.work_start is not None and profile.work_end is not None:
                saved_start = profile.work_start.strftime("%H:%M")
                saved_end = profile.work_end.strftime("%H:%M")
            if profile.work_days:
                days = tuple(DAY_NAMES[day - 1] for day in profile.work_days)
        return cls.parse(start or saved_start, end or saved_end, days)


@dataclass(frozen=True)
class Reminder:
    """One recurring event: what, when it first happens, how it repeats, how long it lasts."""

    measure: str
    summary: str
    first: dt.datetime
    minutes: int
    rule: dict[str, Any]
    alarm_before_min: int
    description: str
    slot: str = ""
    """What the event is for, whichever measure fills it ("evening", "strength"): its UID comes
    from the slot, so a file made after a new plan updates the event instead of adding one."""


class ZoneError(Problems, ValueError):
    """``TZ`` names no zone the calendar can write; ``problems`` says which forms work."""


def _zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone ``name`` (``Europe/Paris``, ``:Europe/Paris``, a path into the zoneinfo
    folder), else ``None``."""
    name = name.strip().lstrip(":")
    if name.startswith("/") and "zoneinfo/" in name:
        name = name.split("zoneinfo/", 1)[1]
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_zone() -> ZoneInfo:
    """The machine's IANA zone: ``$TZ``, /etc/localtime's link, /etc/timezone, else UTC."""
    candidates = [os.environ.get("TZ", "")]
    try:
        link = os.path.realpath("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    except OSError:
        pass
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            candidates.append(fh.read().strip())
    except OSError:
        pass
    for name in candidates:
        zone = _zone_named(name)
        if zone is not None:
            return zone
    return ZoneInfo("UTC")


def calendar_zone() -> ZoneInfo:
    """:func:`local_zone`, but a ``TZ`` that names no zone is refused, not passed over.

    Why: ``TZ=UTC+3`` (POSIX: three hours *behind* UTC) used to be skipped for the machine's
    own zone without a word, so the reminders came at other hours than the person set; and
    the diary's days, which the C library reads from the same ``TZ``, were in a third zone. A
    file someone imports into their calendar must not guess: they are told the form to use."""
    given = os.environ.get("TZ", "")
    if given.strip() and _zone_named(given) is None:
        raise ZoneError(
            [
                f"TZ: {given!r} is not a time zone the calendar can write; set TZ to a name "
                "from the time zone database, e.g. TZ=Europe/Moscow, or Etc/GMT-3 for a fixed "
                "UTC+3 (the Etc/GMT signs are reversed), or leave TZ unset for this machine's"
                " zone"
            ]
        )
    return local_zone()


def _minutes_every(timing: str) -> int:
    """The break interval the plan's timing gives ("every 30–60 minutes" → 60, "hour" → 60)."""
    numbers = [int(n) for n in re.findall(r"\d+", timing) if 0 < int(n) <= 60]
    return max(numbers) if numbers and "minute" in timing else 60


def _break_rule(hours: WorkingDay, every: int) -> tuple[dt.time, dict[str, Any]] | None:
    """BYHOUR/BYMINUTE for breaks every ``every`` minutes strictly inside the working day.

    A daily rule with BYHOUR and BYMINUTE makes every hour/minute pair: when the pairs are not
    exactly the wanted times (say every 30 minutes from 09:00 to 17:30), fall back to hourly.
    """
    for step in (every, 60):
        begin = hours.start.hour * 60 + hours.start.minute
        finish = hours.end.hour * 60 + hours.end.minute
        slots = list(range(begin + step, finish, step))
        if not slots:
            continue
        wanted = {(s // 60, s % 60) for s in slots}
        hrs = sorted({h for h, _ in wanted})
        mins = sorted({m for _, m in wanted})
        if {(h, m) for h in hrs for m in mins} == wanted:
            first = dt.time(slots[0] // 60, slots[0] % 60)
            rule = {"freq": "daily", "byday": list(hours.days), "byhour": hrs, "byminute": mins}
            return first, rule
    return None


def _next_day(after: dt.date, days: tuple[str, ...]) -> dt.date:
    day = after
    while DAY_NAMES[day.weekday()] not in days:
        day += dt.timedelta(days=1)
    return day


def _description(item: Mapping[str, Any], plan_day: dt.date) -> str:
    return (
        f"Dose: {item.get('dose', '')}\nWhen: {item.get('when', '')}\nWhy: {item.get('why', '')}\n"
        f"From your heavylegs plan of {plan_day:%d %B %Y}. heavylegs informs, it does not "
        "diagnose: if your legs get worse, or one leg swells, becomes painful, red or warm, "
        "see a clinician."
    )


def reminders(data: ReportData, hours: WorkingDay, zone: ZoneInfo) -> list[Reminder]:
    """The events for the latest plan; raises when there is no plan or it is not routine."""
    latest = data.latest
    if latest is None:
        raise NothingToReport("no assessment stored yet: run 'heavylegs assess' first")
    triage = latest.output.get("triage") or {}
    level = triage.get("level")
    serious = None
    if is_serious(level):
        when = f"{latest.at.astimezone(zone):%d %b %Y}"
        serious = f"your latest assessment ({when}) is {level}: {triage.get('headline', '')}"
    elif (diary := diary_warnings(data)) is not None and is_serious(diary.level):
        serious = f"your diary is {diary.level}: {diary.messages[0]}"
    if serious is not None:
        raise NoRoutineCalendar(
            f"{serious} Reminders for a routine plan would be the wrong message now; see a "
            "clinician first."
        )
    plan = {i["id"]: i for i in (latest.output.get("plan") or {}).get("do") or [] if "id" in i}
    answers = latest.answers
    life = {**(data.profile.get("lifestyle") or {}), **(answers.get("lifestyle") or {})}
    plan_day = latest.at.astimezone(zone).date()
    today = data.now.astimezone(zone).date()
    out: list[Reminder] = []

    def at(day: dt.date, clock: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, clock, tzinfo=zone)

    still = life.get("hours_still_per_day")
    sits = life.get("work") in SITTING_WORK or (isinstance(still, int | float) and still >= 6)
    breaks = plan.get("movement_breaks")
    if breaks is not None and sits:
        found = _break_rule(hours, _minutes_every(str(breaks.get("when", ""))))
        if found is not None:
            first, rule = found
            out.append(
                Reminder(
                    "movement_breaks",
                    f"Movement break: {data.measure_titles.get('movement_breaks', 'move')}",
                    at(_next_day(today, hours.days), first),
                    5,
                    rule,
                    0,
                    _description(breaks, plan_day),
                )
            )
    evening = next((m for m in EVENING_MEASURES if m in plan), None)
    if evening is not None:
        out.append(
            Reminder(
                evening,
                f"Evening: {data.measure_titles.get(evening, evening.replace('_', ' '))}",
                at(today, EVENING),
                10 if evening == "ankle_pumps" else 15,
                {"freq": "daily"},
                0,
                _description(plan[evening], plan_day),
                EVENING_MEASURES[0],
            )
        )
    runner = isinstance(answers.get("running"), Mapping) or bool(data.training)
    strength = next((m for m in STRENGTH_MEASURES if m in plan), None)
    if strength is not None and runner:
        count = re.search(r"(\d)\s*sessions?", str(plan[strength].get("dose", "")))
        days = STRENGTH_DAYS.get(int(count.group(1)) if count else 2, STRENGTH_DAYS[2])
        out.append(
            Reminder(
                strength,
                f"Strength: {data.measure_titles.get(strength, strength.replace('_', ' '))}",
                at(_next_day(today, days), STRENGTH_AT),
                40,
                {"freq": "weekly", "byday": list(days)},
                30,
                _description(plan[strength], plan_day),
                STRENGTH_MEASURES[0],
            )
        )
    if not out:
        raise NothingToReport(
            "your plan has no measure to repeat on a schedule (movement breaks for sitting or "
            "standing work, an evening legs session, strength sessions for runners)"
        )
    return out


def render_calendar(data: ReportData, hours: WorkingDay, zone: ZoneInfo) -> bytes:
    """The .ics bytes (see the module docstring)."""
    from icalendar import Alarm, Calendar, Event, Timezone

    from heavylegs import __version__

    events = reminders(data, hours, zone)
    key = person_key(data)
    cal = Calendar()
    cal.add("prodid", f"-//heavylegs//heavylegs {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "heavylegs plan")
    cal.add("x-wr-timezone", str(zone.key))
    stamp = data.now.astimezone(dt.UTC)
    # icalendar writes UTC times as "Z" with no VTIMEZONE; the file still names the local zone
    fixed_utc = all(
        dt.datetime(2026, month, 1, tzinfo=zone).utcoffset() == dt.timedelta(0) for month in (1, 7)
    )
    if fixed_utc:
        cal.add_component(Timezone.from_tzinfo(zone, zone.key))
    for r in events:
        event = Event()
        # keyed by the slot's first measure: the UIDs files made before slots existed had for
        # the usual plans stay the same
        event.add("uid", f"{stable_id('calendar', key, r.slot or r.measure)}@heavylegs")
        event.add("dtstamp", stamp)
        event.add("summary", r.summary)
        if fixed_utc:
            event.add("dtstart", r.first.replace(tzinfo=None), parameters={"TZID": zone.key})
        else:
            event.add("dtstart", r.first)
        event.add("duration", dt.timedelta(minutes=r.minutes))
        event.add("rrule", r.rule)
        event.add("description", r.description)
        event.add("categories", ["heavylegs"])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", r.summary)
        alarm.add("trigger", dt.timedelta(minutes=-r.alarm_before_min))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
