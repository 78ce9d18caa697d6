"""Whole journeys in a real Chromium: self-care and red flag, from the wizard to the diary chart."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import NOW
from tests.browser.wizard_steps import at_step, choose, next_step, press, tick, type_in

TODAY = NOW.astimezone().date().isoformat()


def test_self_care_journey_wizard_result_session_diary_chart(
    page: Page, server: str, shot: Any
) -> None:
    page.goto(server + "/")
    page.get_by_role("button", name="Start an assessment").click()
    at_step(page, 1)
    type_in(page, "about.age", "34")
    choose(page, "about.sex", "male")
    next_step(page, 2)
    choose(page, "symptoms.legs", "both")
    type_in(page, "symptoms.heaviness", "3")
    type_in(page, "symptoms.duration_days", "60")
    choose(page, "symptoms.onset", "gradual")
    tick(page, "symptoms.when", "after_sitting", "end_of_day")
    choose(page, "symptoms.swelling", "none")
    choose(page, "symptoms.pain", "none")
    shot(page, "wizard-step-2")
    next_step(page, 3)
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
    type_in(page, "lifestyle.hours_still_per_day", "9")
    next_step(page, 7)
    choose(page, "meta.runs", "no")
    next_step(page, 8)
    press(page, "See my result")

    expect(page).to_have_url(re.compile(r"/results/\d+$"))
    banner = page.locator("#triage")
    expect(banner).to_contain_text("SELF-CARE")
    expect(page.locator("#plan-ankle_pumps")).to_be_visible()
    expect(page.locator("#plan-walking")).to_be_visible()
    shot(page, "result-self-care", full_page=False)

    page.locator("#plan-ankle_pumps").get_by_role("link", name="Start guided session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ankle")
    page.get_by_role("button", name="Start", exact=True).click()
    rep = page.get_by_role("button", name="+1 rep")
    for _ in range(5):
        rep.click()
    expect(page.locator("#rep-count")).to_have_text("5")
    expect(page.locator("#cues li.reached")).not_to_have_count(0)
    shot(page, "session-ankle-pumps", full_page=False)
    for _ in range(15):
        rep.click()

    expect(page).to_have_url(re.compile(r"/diary\?saved=session"))
    expect(page.locator(".notice")).to_contain_text("Session recorded")
    expect(page.locator(f'.chart g.done[data-day="{TODAY}"]')).to_have_count(1)

    page.locator("label.scale-option", has_text=re.compile(r"^4$")).click()
    page.get_by_text("More: cramps, sleep, water").click()
    page.locator("#d-note").fill("after a long day at the desk")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".notice")).to_contain_text("Diary entry saved")
    point = page.locator(f'.chart g.point[data-day="{TODAY}"][data-part="evening"]')
    expect(point).to_have_attribute("data-value", "4")
    expect(page.locator(f'tr[data-day="{TODAY}"]')).to_contain_text("Ankle")
    expect(page.locator(f'tr[data-day="{TODAY}"]')).to_contain_text("after a long day at the desk")
    shot(page, "diary-first-entry", full_page=False)

    page.goto(server + "/")
    expect(page.locator(".today")).to_contain_text("Today's plan")
    expect(page.locator("#plan-ankle_pumps")).to_contain_text("Done today")
    shot(page, "home")


def test_red_flag_journey_swollen_warm_calf_after_a_flight(
    page: Page, server: str, shot: Any
) -> None:
    page.goto(server + "/assess")
    press(page, "Start the assessment")
    type_in(page, "about.age", "61")
    choose(page, "about.sex", "male")
    next_step(page, 2)
    choose(page, "symptoms.legs", "right")
    type_in(page, "symptoms.heaviness", "5")
    choose(page, "symptoms.swelling", "one_leg")
    # htmx brings the swelling follow-ups up as soon as the answer changes
    expect(page.locator("#q-symptoms-swelling-pits-when-pressed")).to_be_visible()
    choose(page, "symptoms.swelling_pits_when_pressed", "yes")
    next_step(page, 3)
    choose(page, "symptoms.calf_tender_to_touch", "yes")
    choose(page, "symptoms.warm_red_skin", "yes")
    expect(page.locator("#q-symptoms-redness-spreading")).to_be_visible()
    choose(page, "symptoms.redness_spreading", "no")
    press(page, "Next")
    # a same-day result stops the wizard at once, with the result a click away
    expect(page).to_have_url(re.compile(r"/assess/alert\?after=3$"))
    expect(page.locator("#triage")).to_contain_text("URGENT")
    expect(page.get_by_role("button", name="See my result now")).to_be_visible()
    shot(page, "wizard-urgent-stop", full_page=False)
    page.get_by_role("link", name="Continue with the questions").click()
    at_step(page, 4)
    expect(page.locator("#so-far")).to_contain_text("URGENT")
    choose(page, "whole_body.short_of_breath", "no")
    choose(page, "whole_body.chest_pain", "no")
    next_step(page, 5)  # not stopped a second time for the same level
    tick(page, "history.recent", "long_journey")
    page.locator(".nav-buttons").get_by_role("button", name="See my result now").click()

    expect(page).to_have_url(re.compile(r"/results/\d+$"))
    banner = page.locator("#triage")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("URGENT")
    expect(banner).to_contain_text("What to do now")
    expect(banner).to_contain_text("today")
    box = banner.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] < 200 and box["height"] >= 0.7 * viewport["height"]
    expect(page.locator("#plan-walking")).to_have_count(0)
    expect(page.locator(".avoid-group").filter(has=page.locator("#avoid-walking"))).to_contain_text(
        "clot"
    )
    cause = page.locator(".cause").first
    expect(cause).to_contain_text("DVT")
    expect(cause.locator("a[href^='https://']").first).to_have_attribute(
        "href", re.compile("nhs|nice")
    )
    shot(page, "result-urgent", full_page=False)
