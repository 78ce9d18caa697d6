"""The profile page and changing a diary entry with Undo, in a real Chromium; and the README's
pictures are the ones these browser tests take."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import NOW
from tests.conftest import REPO

TODAY = NOW.astimezone().date().isoformat()


def test_profile_is_saved_and_shown_again(page: Page, server: str, shot: Any) -> None:
    page.goto(server + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_label("Female").check()
    page.get_by_label("Age (years)").fill("44")
    page.get_by_label("Resting heart rate (bpm)").fill("52")
    page.get_by_label("Maximum heart rate (bpm)").fill("60")
    page.get_by_label("Work starts").fill("09:00")
    page.get_by_label("Work ends").fill("17:30")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_label(day, exact=True).check()
    page.get_by_role("button", name="Save the profile").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("maximum heart rate")
    page.get_by_label("Maximum heart rate (bpm)").fill("182")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(page.get_by_label("Resting heart rate (bpm)")).to_have_value("52")
    expect(page.get_by_label("Wed", exact=True)).to_be_checked()
    shot(page, "profile", full_page=False)


def test_a_diary_entry_is_changed_deleted_and_undone(page: Page, server: str, shot: Any) -> None:
    page.goto(server + "/diary")
    page.locator("#d-heaviness-6").check(force=True)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("status").first).to_contain_text("Diary entry saved.")
    page.get_by_role("link", name=re.compile("Change or delete the evening entry")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the diary entry")
    page.get_by_label("Heaviness 0–10").fill("3")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("form.undo")).to_contain_text("Changed the diary entry")
    expect(page.locator(f'tr[data-day="{TODAY}"]')).to_contain_text("3")
    page.get_by_role("link", name=re.compile("Change or delete the evening entry")).click()
    page.get_by_role("button", name="Delete this entry").click()
    expect(page.locator("form.undo")).to_contain_text("Deleted the diary entry")
    expect(page.locator(f'tr[data-day="{TODAY}"]')).to_have_count(0)
    shot(page, "diary-undo", full_page=False)
    page.locator("form.undo").get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status").first).to_contain_text("Undone")
    expect(page.locator(f'tr[data-day="{TODAY}"]')).to_contain_text("3")


def test_every_readme_picture_exists_and_a_browser_test_takes_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert len(pictures) >= 5
    taken = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests/browser").glob("*.py"))
    for picture in pictures:
        assert (REPO / picture).is_file(), picture
        name = picture.rsplit("/", 1)[1].removesuffix(".png")
        assert f'"{name}"' in taken or (
            'f"phone-{width}-' in taken and name.startswith("phone-")
        ), f"{picture}: no browser test takes it (shot(page, {name!r}))"
