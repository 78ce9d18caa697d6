"""Server mode in a real Chromium: a person and a clinician on one deployment.

Invite (as the admin would), sign up, assess, keep the diary, share with the clinician; the
clinician sees the person in their list and reads the diary; the person sees the read in the
access log and revokes; the clinician's next look is refused. A second person, in a browser of
their own, sees none of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import NOW, LiveServer
from tests.browser.wizard_steps import at_step, choose, next_step, press, tick, type_in

PASSWORD = "a long enough password"
NOTE = "legs heavy after the night shift"


class AccountsServer(LiveServer):
    """The accounts-mode app under uvicorn in a thread."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path, secret=b"browser", multi_user=True)

    def invite(self, email: str, role: str = "person") -> str:
        from heavylegs.store import accounts

        code: str = accounts.create_invite(self.app.state.server.store, email, role, NOW)
        return code


@pytest.fixture
def accounts_server(tmp_path: Path) -> Iterator[AccountsServer]:
    live = AccountsServer(tmp_path / "server.sqlite3")
    live.base = live.start()  # type: ignore[attr-defined]
    try:
        yield live
    finally:
        live.stop()


def sign_up(page: Page, base: str, code: str, email: str) -> None:
    page.goto(f"{base}/signup?invite={code}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("footer")).to_contain_text(f"Signed in as {email}")


def assess(page: Page, base: str) -> None:
    page.goto(base + "/assess")
    press(page, "Start the assessment")
    at_step(page, 1)
    type_in(page, "about.age", "41")
    choose(page, "about.sex", "female")
    next_step(page, 2)
    choose(page, "symptoms.legs", "both")
    type_in(page, "symptoms.heaviness", "4")
    type_in(page, "symptoms.duration_days", "90")
    choose(page, "symptoms.onset", "gradual")
    tick(page, "symptoms.when", "after_sitting", "end_of_day")
    choose(page, "symptoms.swelling", "none")
    choose(page, "symptoms.pain", "none")
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
    choose(page, "lifestyle.work", "standing")
    type_in(page, "lifestyle.hours_still_per_day", "8")
    next_step(page, 7)
    choose(page, "meta.runs", "no")
    next_step(page, 8)
    press(page, "See my result")
    expect(page).to_have_url(re.compile(r"/results/\d+$"))
    expect(page.locator("#triage")).to_be_visible()


def test_invite_sign_up_assess_diary_share_clinician_view_revoke(
    browser: Browser, accounts_server: AccountsServer, shot: Any
) -> None:
    base: str = accounts_server.base  # type: ignore[attr-defined]
    person = browser.new_context().new_page()
    clinician = browser.new_context().new_page()
    other = browser.new_context().new_page()

    person.goto(base + "/diary")
    expect(person).to_have_url(re.compile(r"/login\?next=/diary$"))
    sign_up(person, base, accounts_server.invite("pia@example.org"), "pia@example.org")
    sign_up(
        clinician,
        base,
        accounts_server.invite("dr.lee@example.org", "clinician"),
        "dr.lee@example.org",
    )
    sign_up(other, base, accounts_server.invite("ola@example.org"), "ola@example.org")

    assess(person, base)
    person.goto(base + "/diary")
    person.locator("label.scale-option", has_text=re.compile(r"^5$")).click()
    person.get_by_text("More: cramps, sleep, water").click()
    person.locator("#d-note").fill(NOTE)
    person.get_by_role("button", name="Save entry").click()
    expect(person.locator(".notice")).to_contain_text("Diary entry saved")

    person.goto(base + "/account")
    person.get_by_label("Clinician's email").fill("dr.lee@example.org")
    person.get_by_role("button", name="Share", exact=True).click()
    expect(person.locator(".notice")).to_contain_text("Shared")
    shot(person, "server-account-shared")

    clinician.goto(base + "/people")
    clinician.get_by_role("link", name="pia@example.org").click()
    expect(clinician.locator("main")).to_contain_text(NOTE)
    expect(clinician.locator("main")).to_contain_text("Assessments")
    shot(clinician, "server-clinician-view")
    person_url = clinician.url

    other.goto(base + "/diary")
    expect(other.locator("main")).not_to_contain_text(NOTE)
    other.goto(person_url)
    expect(other.locator("main")).not_to_contain_text(NOTE)

    person.goto(base + "/account")
    expect(person.locator("main")).to_contain_text("dr.lee@example.org")
    expect(person.locator("table")).to_contain_text("read page")
    person.get_by_role("button", name="Revoke").click()
    expect(person.locator(".notice")).to_contain_text("revoked")

    response = clinician.goto(person_url)
    assert response is not None and response.status == 404
    expect(clinician.locator("main")).not_to_contain_text(NOTE)
    clinician.goto(base + "/people")
    expect(clinician.locator("main")).to_contain_text("Nobody shares with you")

    person.goto(base + "/logout")
    person.get_by_role("button", name="Sign out").click()
    expect(person).to_have_url(re.compile(r"/login$"))
    person.goto(base + "/diary")
    expect(person).to_have_url(re.compile(r"/login\?next=/diary$"))
