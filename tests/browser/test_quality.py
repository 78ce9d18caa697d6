"""Validation errors, a phone-sized screen, no JavaScript, the session timer and the keyboard."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import NOW
from tests.browser.wizard_steps import at_step, choose, next_step, press, type_in
from tests.conftest import SHARED

TODAY = NOW.astimezone().date().isoformat()


def _post_example(server: str, name: str) -> str:
    """Store an assessment through the API (as another client would); its result page."""
    body = (SHARED / "spec" / "examples" / f"{name}.json").read_bytes()
    request = urllib.request.Request(
        server + "/api/v1/assessments", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        location = response.headers["Location"]
        json.load(response)
    return server + "/results/" + location.rsplit("/", 1)[1]


def test_validation_errors_are_shown_next_to_the_field(page: Page, server: str, shot: Any) -> None:
    page.goto(server + "/assess")
    press(page, "Start the assessment")
    type_in(page, "about.age", "two hundred")
    press(page, "Next")
    at_step(page, 1)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    age = page.locator("#q-about-age")
    expect(age).to_have_attribute("aria-invalid", "true")
    error = page.locator("#q-about-age-error")
    expect(error).to_have_text(re.compile(r"Must be a whole number between 12 and 110"))
    expect(age).to_have_value("two hundred")
    shot(page, "wizard-error", full_page=False)
    summary.get_by_role("link").first.click()
    expect(age).to_be_focused()
    type_in(page, "about.age", "44")
    next_step(page, 2)
    press(page, "Next")  # "Which legs feel heavy?" is needed
    at_step(page, 2)
    expect(page.locator("#q-symptoms-legs-error")).to_contain_text("needed")
    press(page, "Back")
    at_step(page, 1)
    expect(page.locator("#q-about-age")).to_have_value("44")

    page.goto(server + "/diary")
    page.locator("#d-ankle_left_cm").fill("900")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#d-ankle_left_cm-error")).to_contain_text("between 5 and 80")
    expect(page.locator("#d-ankle_left_cm")).to_have_value("900")
    expect(page.locator("#d-ankle_left_cm")).to_have_attribute("aria-invalid", "true")
    page.locator("#d-ankle_left_cm").fill("23.5")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#d-heaviness-error")).to_contain_text(re.compile("required", re.I))
    expect(page.locator("#d-ankle_left_cm")).to_have_value("23.5")


def test_phone_sized_screen(browser: Browser, server: str, shot: Any) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto(server + "/assess")
        press(page, "Start the assessment")
        next_step(page, 2)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        option = page.locator("label.option").first.bounding_box()
        assert option is not None and option["height"] >= 44
        shot(page, "phone-wizard", full_page=False)

        page.goto(server + "/session/legs_up_the_wall")
        expect(page.locator("#timer")).to_have_text("12:00")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "phone-session", full_page=False)

        result_url = _post_example(server, "after-long-flight")
        page.goto(result_url)
        banner = page.locator("#triage")
        expect(banner).to_contain_text("URGENT")
        box = banner.bounding_box()
        header = page.locator("header.site").bounding_box()
        assert box is not None and header is not None and header["height"] <= 110
        assert box["y"] < header["height"] + 40 and box["height"] >= 0.7 * 844
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "phone-result-urgent", full_page=False)

        # after an urgent result a session never runs what the plan says to avoid
        page.goto(server + "/session/legs_up_the_wall")
        expect(page.locator("[role=alert]")).to_contain_text("does not replace")
        expect(page.locator(".notice")).to_contain_text("avoid")
        expect(page.locator("#timer")).to_have_count(0)
        page.goto(server + "/diary")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_every_form_works_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/")
        press(page, "Start an assessment")
        type_in(page, "about.age", "52")
        choose(page, "about.sex", "female")
        next_step(page, 2)
        choose(page, "symptoms.legs", "both")
        choose(page, "symptoms.swelling", "both_legs")
        press(page, "Next")
        # without htmx the follow-ups come up on a second look at the same step
        at_step(page, 2)
        expect(page.locator(".notice")).to_contain_text("more questions")
        expect(page.locator("#q-symptoms-sock-marks")).to_contain_text("New")
        choose(page, "symptoms.sock_marks", "yes")
        next_step(page, 3)
        press(page, "Back")
        at_step(page, 2)
        expect(page.locator("#q-symptoms-sock-marks-yes")).to_be_checked()
        expect(page.locator("#q-symptoms-swelling-both_legs")).to_be_checked()
        for step in range(3, 6):
            next_step(page, step)
        press(page, "See my result now")
        expect(page).to_have_url(re.compile(r"/results/\d+$"))
        expect(page.locator("#triage")).to_be_visible()
        plan_item = page.locator(".plan-item").first
        measure = plan_item.get_attribute("id")
        assert measure is not None
        plan_item.get_by_role("button", name="Mark done today").click()
        expect(page.locator(".notice")).to_contain_text("Recorded in your diary")

        page.goto(server + "/session/desk")
        expect(page.locator("#player")).to_be_hidden()
        page.locator("#done-ankle_pumps").check()
        press(page, "Save to my diary")
        expect(page.locator(".notice")).to_contain_text("Session recorded")

        page.locator("label.scale-option", has_text=re.compile(r"^6$")).click()
        press(page, "Save entry")
        expect(page.locator(f'.chart g.point[data-day="{TODAY}"]')).to_have_attribute(
            "data-value", "6"
        )
        page.locator("#m-measure").select_option("calf_raises")
        page.locator("#m-reps").fill("12")
        press(page, "Record it")
        expect(page.locator(".notice")).to_contain_text("Measure recorded")
        expect(page.locator(f'tr[data-day="{TODAY}"]')).to_contain_text("Calf raises (12 reps)")
        with page.expect_download() as download:
            page.goto(server + "/export")
            page.get_by_role("link", name=re.compile("Download the backup")).click()
        assert download.value.suggested_filename == f"heavylegs-backup-{TODAY}.json"
    finally:
        context.close()


def test_session_timer_counts_down_pauses_resumes_and_records(
    page: Page, server: str, shot: Any
) -> None:
    page.clock.install()
    page.goto(server + "/session/legs_up_the_wall")
    timer = page.locator("#timer")
    expect(timer).to_have_text("12:00")
    press(page, "Start")
    page.clock.run_for("02:00")
    expect(timer).to_have_text("10:00")
    expect(page.locator("#cues li.reached")).to_have_count(1)
    press(page, "Pause")
    page.clock.run_for("01:00")
    expect(timer).to_have_text("10:00")
    expect(page.locator("#timer-caption")).to_contain_text("paused")
    press(page, "Resume")
    page.clock.run_for("03:01")
    expect(timer).to_have_text("06:59")
    expect(page.locator("#cues li.reached")).to_have_count(2)
    expect(page.locator("#wake-status")).not_to_be_empty()
    shot(page, "session-timer", full_page=False)
    press(page, "Finish and save")
    expect(page).to_have_url(re.compile(r"/diary\?saved=session"))
    expect(page.locator(f'tr[data-day="{TODAY}"], .diary li')).to_contain_text("Legs up the wall")


def test_keyboard_only_answers_a_step(page: Page, server: str) -> None:
    page.goto(server + "/assess")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    press(page, "Start the assessment")
    at_step(page, 1)
    page.locator("#q-about-age").focus()
    page.keyboard.type("40")
    page.keyboard.press("Tab")  # into the sex question, on its checked option: "Don't know"
    expect(page.locator("#q-about-sex-unknown")).to_be_focused()
    page.keyboard.press("ArrowDown")  # arrows move through the options, wrapping round
    expect(page.locator("#q-about-sex-female")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#q-about-sex-male")).to_be_checked()
    page.locator("#q-about-age").focus()
    page.keyboard.press("Enter")  # Enter submits with the form's first button: Next
    at_step(page, 2)


def _post_json(server: str, path: str, document: dict[str, Any]) -> None:
    request = urllib.request.Request(
        server + path,
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)


def test_three_weeks_of_diary_show_a_trend_and_personal_effects(
    page: Page, server: str, shot: Any
) -> None:
    import datetime as dt

    today = NOW.astimezone().date()
    for back in range(21, -1, -1):
        day = (today - dt.timedelta(days=back)).isoformat()
        walked = back % 2 == 0
        evening = 6 - (21 - back) // 6 - (2 if walked else 0)
        _post_json(
            server, "/api/v1/diary/entries", {"date": day, "part": "morning", "heaviness": 3}
        )
        _post_json(
            server, "/api/v1/diary/entries", {"date": day, "part": "evening", "heaviness": evening}
        )
        if walked:
            _post_json(
                server, "/api/v1/measures-done", {"measure": "walking", "date": day, "minutes": 25}
            )
    page.goto(server + "/diary")
    expect(page.locator(".chart g.point")).to_have_count(2 * 22)
    expect(page.locator(".chart g.done")).to_have_count(11)
    effects = page.locator("table", has_text="Compared on")
    expect(effects).to_contain_text("Regular walking")
    expect(effects).to_contain_text("linked to less heaviness")
    expect(page.locator("#insights-title + .summary")).not_to_be_empty()
    expect(page.locator("tr[data-day]")).to_have_count(22)
    page.locator("#chart-heading").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('chart-heading').scrollIntoView()")
    shot(page, "diary", full_page=False)
