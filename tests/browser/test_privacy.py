"""Privacy and hardening as a browser meets them: answers do not linger, results are not cached,
another site's form is refused, and a serious result leads the home page and the sessions."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_quality import _post_example
from tests.browser.wizard_steps import choose, next_step, press, type_in


def test_answers_do_not_linger_and_results_are_not_cached(page: Page, server: str) -> None:
    page.goto(server + "/assess")
    press(page, "Start the assessment")
    type_in(page, "about.age", "52")
    next_step(page, 2)
    choose(page, "symptoms.legs", "both")
    next_step(page, 3)
    next_step(page, 4)
    next_step(page, 5)
    names = {c["name"] for c in page.context.cookies()}
    assert "heavylegs_draft" in names and "heavylegs_csrf" in names
    with page.expect_response(re.compile(r"/results/\d+$")) as answer:
        page.locator(".nav-buttons").get_by_role("button", name="See my result now").click()
    assert answer.value.headers["cache-control"] == "no-store"
    expect(page.locator("#triage")).to_be_visible()
    assert "heavylegs_draft" not in {c["name"] for c in page.context.cookies()}
    # the saved answers come back to be changed, from the database, not from a cookie
    page.get_by_role("button", name="Change my answers").click()
    expect(page.locator("#q-about-age")).to_have_value("52")
    backup = page.request.get(server + "/api/v1/backup")
    assert backup.headers["cache-control"] == "no-store"


def test_another_sites_form_is_refused(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.set_content(f'<form method="post" action="{server}/assess/new"><button>Go</button></form>')
    with page.expect_response(f"{server}/assess/new") as answer:
        page.get_by_role("button", name="Go").click()
    assert answer.value.status == 403
    # the app's own form, in the same browser, works
    page.goto(server + "/")
    page.get_by_role("button", name="Start an assessment").click()
    expect(page).to_have_url(re.compile(r"/assess/1$"))


def test_a_serious_result_leads_home_and_sessions(page: Page, server: str, shot: Any) -> None:
    _post_example(server, "after-long-flight")
    page.goto(server + "/")
    banner = page.locator("#latest-serious")
    expect(banner).to_contain_text("URGENT")
    intro = page.locator("#intro-title").bounding_box()
    box = banner.bounding_box()
    assert box is not None and intro is not None and box["y"] < intro["y"]
    shot(page, "home-urgent", full_page=False)
    page.goto(server + "/session/desk")
    expect(page.locator("#empty-session")).to_contain_text("Nothing to do in a session now")
    expect(page.get_by_role("button", name="Save to my diary")).to_have_count(0)
    page.get_by_role("link", name="See what to do now").click()
    expect(page.locator("#triage")).to_contain_text("URGENT")
