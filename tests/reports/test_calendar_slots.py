"""A calendar made after a new plan updates its events instead of adding a second one.

Why: each event's UID came from its measure, so when a later assessment's plan filled the evening
session with leg elevation instead of legs up the wall, re-importing the file left both daily
evening events in the person's calendar.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from icalendar import Calendar

from heavylegs.reports.calendar import EVENING_MEASURES, WorkingDay, render_calendar
from heavylegs.reports.fhir import person_key
from heavylegs.reports.fhir_codes import stable_id
from heavylegs.reports.gather import ReportData
from heavylegs.store import Store
from tests.reports.test_calendar import BERLIN

HOURS = WorkingDay.parse("09:00", "17:30")


@pytest.fixture
def full_store(calm_store: Store) -> Store:
    """A calendar is made for a routine plan with a diary that raises nothing: level ankles."""
    return calm_store


def evening(data: ReportData) -> Any:
    cal = Calendar.from_ical(render_calendar(data, HOURS, BERLIN))
    (found,) = [e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Evening")]
    return found


def without(data: ReportData, measure: str) -> ReportData:
    latest = data.assessments[-1]
    plan = latest.output["plan"]
    do = [i for i in plan["do"] if i["id"] != measure]
    output = {**latest.output, "plan": {**plan, "do": do}}
    return dataclasses.replace(
        data, assessments=[*data.assessments[:-1], dataclasses.replace(latest, output=output)]
    )


def test_the_evening_event_keeps_its_uid_when_the_plan_changes_its_measure(
    full: ReportData,
) -> None:
    before = evening(full)
    assert str(before["summary"]) == "Evening: Legs up the wall"
    after = evening(without(full, "legs_up_the_wall"))
    assert "Legs up the wall" not in str(after["summary"])
    assert str(after["uid"]) == str(before["uid"])
    # the UID a file made before slots existed gave the usual evening event is kept
    key = person_key(full)
    assert str(before["uid"]) == f"{stable_id('calendar', key, EVENING_MEASURES[0])}@heavylegs"
