"""The plan's calendar, parsed back with icalendar: RRULE, VALARM, UID, DTSTAMP, VTIMEZONE."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports import NoRoutineCalendar, NothingToReport
from heavylegs.reports.calendar import HoursError, WorkingDay, render_calendar
from heavylegs.reports.gather import ReportData
from heavylegs.store import Store
from tests.reports.conftest import NOW, read

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = WorkingDay.parse("09:00", "17:30")


@pytest.fixture
def full_store(calm_store: Store) -> Store:
    """A calendar is made for a routine plan with a diary that raises nothing: level ankles."""
    return calm_store


def events(data: ReportData, hours: WorkingDay = HOURS) -> dict[str, Any]:
    cal = Calendar.from_ical(render_calendar(data, hours, BERLIN))
    return {str(e["summary"]).split(":")[0]: e for e in cal.walk("VEVENT")}


def test_events_parse_back(full: ReportData) -> None:
    raw = render_calendar(full, HOURS, BERLIN)
    cal = Calendar.from_ical(raw)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    found = events(full)
    assert set(found) == {"Movement break", "Evening", "Strength"}
    for event in found.values():
        assert event["dtstamp"].dt == NOW
        assert str(event["uid"]).endswith("@heavylegs")
        assert event["dtstart"].dt.tzinfo is not None
        assert event["dtstart"].params["TZID"] == "Europe/Berlin"
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert "Dose:" in str(event["description"]) and "Why:" in str(event["description"])
    breaks = found["Movement break"]
    rule = breaks["rrule"]
    assert rule["FREQ"] == ["DAILY"] and rule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    # every 30–60 minutes inside 09:00–17:30: hourly from 10:00 to 17:00
    assert rule["BYHOUR"] == list(range(10, 18)) and rule["BYMINUTE"] == [0]
    assert breaks["dtstart"].dt.weekday() < 5
    assert breaks["dtstart"].dt.time() == dt.time(10, 0)
    evening = found["Evening"]
    assert evening["rrule"]["FREQ"] == ["DAILY"]
    assert evening["dtstart"].dt.time() == dt.time(20, 30)
    strength = found["Strength"]
    assert strength["rrule"]["FREQ"] == ["WEEKLY"]
    assert strength["rrule"]["BYDAY"] == ["TU", "FR"]
    (alarm,) = strength.walk("VALARM")
    assert alarm["trigger"].dt == -dt.timedelta(minutes=30)


def test_working_hours_shape_the_breaks(full: ReportData) -> None:
    rule = events(full, WorkingDay.parse("08:30", "12:00"))["Movement break"]["rrule"]
    assert rule["BYHOUR"] == [9, 10, 11] and rule["BYMINUTE"] == [30]


def test_the_profile_sets_the_working_days_and_hours_given_now_win(full: ReportData) -> None:
    from heavylegs.store.person import PersonalProfile

    shift = PersonalProfile(work_start=dt.time(6, 0), work_end=dt.time(14, 0), work_days=(6, 7))
    weekend = WorkingDay.choose(None, None, shift)
    rule = events(full, weekend)["Movement break"]["rrule"]
    assert rule["BYDAY"] == ["SA", "SU"] and rule["BYHOUR"][0] == 7
    assert events(full, WorkingDay.choose(None, None, None))["Movement break"]["rrule"][
        "BYDAY"
    ] == ["MO", "TU", "WE", "TH", "FR"]
    given = WorkingDay.choose("10:00", "12:00", shift)
    assert (given.start, given.end, given.days) == (dt.time(10), dt.time(12), ("SA", "SU"))


def test_uids_stay_when_the_file_is_made_again(
    full: ReportData, full_store: Any, kb: KnowledgeBase
) -> None:
    later = read(full_store, kb, NOW + dt.timedelta(days=3))
    first = {k: str(e["uid"]) for k, e in events(full).items()}
    again = {k: str(e["uid"]) for k, e in events(later).items()}
    assert first == again
    assert len(set(first.values())) == 3


def test_non_runner_desk_worker_gets_no_strength(full: ReportData) -> None:
    latest = full.assessments[-1]
    answers = {k: v for k, v in latest.answers.items() if k != "running"}
    data = dataclasses.replace(
        full,
        assessments=[dataclasses.replace(latest, answers=answers)],
        training=None,
    )
    assert "Strength" not in events(data)


@pytest.mark.parametrize("level", ["urgent", "emergency"])
def test_urgent_plan_gives_no_calendar(full: ReportData, level: str) -> None:
    latest = full.assessments[-1]
    output = {**latest.output, "triage": {**latest.output["triage"], "level": level}}
    data = dataclasses.replace(full, assessments=[dataclasses.replace(latest, output=output)])
    with pytest.raises(NoRoutineCalendar, match=f"is {level}.*see a clinician first"):
        render_calendar(data, HOURS, BERLIN)


def test_no_assessment_no_calendar(full: ReportData) -> None:
    with pytest.raises(NothingToReport, match="heavylegs assess"):
        render_calendar(dataclasses.replace(full, assessments=[]), HOURS, BERLIN)


@pytest.mark.parametrize(("start", "end"), [("9", "17:00"), ("17:00", "09:00"), ("09:00", "25:00")])
def test_bad_hours(start: str, end: str) -> None:
    with pytest.raises(HoursError):
        WorkingDay.parse(start, end)


def test_file_is_deterministic(full: ReportData, tmp_path: Path) -> None:
    assert render_calendar(full, HOURS, BERLIN) == render_calendar(full, HOURS, BERLIN)


def test_a_utc_machine_still_names_its_zone(full: ReportData) -> None:
    cal = Calendar.from_ical(render_calendar(full, HOURS, ZoneInfo("Etc/UTC")))
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Etc/UTC"
    for event in cal.walk("VEVENT"):
        assert event["dtstart"].params["TZID"] == "Etc/UTC"
        assert event["dtstart"].dt.utcoffset() == dt.timedelta(0)
