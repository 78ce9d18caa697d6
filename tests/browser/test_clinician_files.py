"""The result page's clinician buttons in a real Chromium: the PDF report and the calendar file.

A routine result offers both: the download is a PDF whose text layer (pdftotext) carries the
triage level and the person's answers, and the calendar file parses with icalendar into events
with a rule, a reminder and a stable UID. An urgent result offers the report but no calendar,
and says why; the calendar route itself refuses with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.wizard_steps import at_step, choose, next_step, press, tick, type_in


def _first_steps(page: Page, server: str, *, legs: str, varicose: bool) -> None:
    """About you and the legs: heavy after sitting, for two months."""
    page.goto(server + "/assess")
    press(page, "Start the assessment")
    at_step(page, 1)
    type_in(page, "about.age", "47")
    choose(page, "about.sex", "female")
    next_step(page, 2)
    choose(page, "symptoms.legs", legs)
    type_in(page, "symptoms.heaviness", "5")
    type_in(page, "symptoms.duration_days", "60")
    choose(page, "symptoms.onset", "gradual")
    tick(page, "symptoms.when", "after_sitting", "end_of_day")
    choose(page, "symptoms.swelling", "none")
    choose(page, "symptoms.pain", "none")
    next_step(page, 3)
    choose(page, "symptoms.visible_varicose_veins", "yes" if varicose else "no")


def _routine_result(page: Page, server: str) -> None:
    _first_steps(page, server, legs="both", varicose=True)
    choose(page, "symptoms.calf_tender_to_touch", "no")
    choose(page, "symptoms.warm_red_skin", "no")
    choose(page, "symptoms.sudden_cold_pale_or_blue_leg", "no")
    next_step(page, 4)
    choose(page, "whole_body.short_of_breath", "no")
    choose(page, "whole_body.chest_pain", "no")
    next_step(page, 5)
    tick(page, "history.conditions", "none")
    tick(page, "history.medications", "none")
    next_step(page, 6)
    choose(page, "lifestyle.work", "sitting")
    type_in(page, "lifestyle.hours_still_per_day", "8")
    next_step(page, 7)
    choose(page, "meta.runs", "no")
    next_step(page, 8)
    press(page, "See my result")
    expect(page).to_have_url(re.compile(r"/results/\d+$"))
    expect(page.locator("#triage")).to_contain_text("ROUTINE")


def test_routine_result_downloads_a_pdf_report_and_a_calendar(
    page: Page, server: str, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing: apt-get install poppler-utils")
    _routine_result(page, server)

    with page.expect_download() as report:
        page.get_by_role("link", name="Download report for my clinician").click()
    assert report.value.suggested_filename == "heavylegs-report-2026-11-21.pdf"
    pdf = tmp_path / "report.pdf"
    report.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "report for a clinician" in text
    assert "ROUTINE" in text
    assert "age 40–49, sex female" in text
    assert re.search(r"Duration\s+8 weeks \(60 days\)", text), text
    assert re.search(r"Yes\s+visible varicose veins", text), text
    assert "heavylegs informs, it does not diagnose" in text

    link = page.get_by_role("link", name="Add to my calendar")
    expect(link).to_have_attribute("href", "/calendar.ics")
    expect(page.locator("#no-calendar")).to_have_count(0)
    with page.expect_download() as calendar:
        link.click()
    ics = tmp_path / "heavylegs.ics"
    calendar.value.save_as(ics)

    from icalendar import Calendar

    parsed = Calendar.from_ical(ics.read_bytes())
    events = parsed.walk("VEVENT")
    assert events, ics.read_text()
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert all(e.get("RRULE") and e.walk("VALARM") and e.get("DTSTAMP") for e in events)
    assert parsed.walk("VTIMEZONE")
    assert any("break" in str(e["SUMMARY"]).lower() for e in events), [
        str(e["SUMMARY"]) for e in events
    ]


def test_urgent_result_has_the_report_but_no_calendar_and_says_why(page: Page, server: str) -> None:
    _first_steps(page, server, legs="right", varicose=False)
    choose(page, "symptoms.calf_tender_to_touch", "yes")
    choose(page, "symptoms.warm_red_skin", "yes")
    choose(page, "symptoms.redness_spreading", "no")
    press(page, "Next")
    expect(page).to_have_url(re.compile(r"/assess/alert\?after=3$"))
    page.get_by_role("button", name="See my result now").click()

    expect(page).to_have_url(re.compile(r"/results/\d+$"))
    expect(page.locator("#triage")).to_contain_text("URGENT")
    expect(page.get_by_role("link", name="Download report for my clinician")).to_be_visible()
    expect(page.get_by_role("link", name="Add to my calendar")).to_have_count(0)
    expect(page.locator("#no-calendar")).to_contain_text("See a clinician first")

    refused = page.request.get(server + "/calendar.ics")
    assert refused.status == 409
    assert "see a clinician first" in refused.text()
