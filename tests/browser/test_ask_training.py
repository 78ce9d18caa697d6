"""Journeys in a real Chromium: asking a question (warning first), importing runs, training view."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import NOW
from tests.training.helpers import fit_run

RED_FLAG = "my calf is swollen, hot and red after a flight"


def test_ask_from_home_banner_first_then_live_answers(page: Page, server: str, shot: Any) -> None:
    page.goto(server + "/")
    page.get_by_label("Ask a question").fill(RED_FLAG)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ask\?q=my\+calf"))
    banner = page.locator("#ask-hint")
    expect(banner).to_contain_text("URGENT")
    first = page.locator(".ask-answer").first
    expect(first).to_be_visible()
    banner_box, answer_box = banner.bounding_box(), first.bounding_box()
    assert banner_box is not None and answer_box is not None
    assert banner_box["y"] + banner_box["height"] <= answer_box["y"]
    expect(first.locator("ul.sources a").first).to_have_attribute("href", re.compile(r"\S"))
    shot(page, "ask", full_page=False)

    # typing a new question updates the answers in place (htmx), without leaving the page
    box = page.locator("#ask-q")
    box.fill("Do compression stockings help?")
    expect(page.locator("#ask-hint")).to_have_count(0)
    expect(page.locator(".ask-answer h3").first).to_contain_text(re.compile("ompression"))
    expect(page).to_have_url(re.compile(r"/ask\?q=my\+calf"))

    # an empty question, submitted, gets a message next to the field
    box.fill("")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#ask-q-error")).to_contain_text("empty")


def test_import_runs_then_see_training_on_one_time_axis(page: Page, server: str, shot: Any) -> None:
    today = NOW.astimezone().date()
    for back in range(28):
        entry = {
            "date": (today - dt.timedelta(days=back)).isoformat(),
            "part": "evening" if back % 2 else "morning",
            "heaviness": 2 + (back * 3) % 5,
        }
        request = urllib.request.Request(
            server + "/api/v1/diary/entries",
            data=json.dumps(entry).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
    files = []
    for k in range(30):
        start = NOW - dt.timedelta(days=2 + 2 * (29 - k), hours=6)
        data = fit_run(start, 1500 + 40 * k, cadence_spm=165 + k % 6, speed_mps=2.8 + k % 3 / 10)
        files.append({"name": f"run-{k:02d}.fit", "mimeType": "application/octet-stream",
                      "buffer": data})  # fmt: skip
    files.append({"name": "broken.fit", "mimeType": "application/octet-stream", "buffer": b"no"})

    page.goto(server + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    page.get_by_role("link", name="Import activities").click()
    page.get_by_label("Activity files or export zip").set_input_files(files)
    page.get_by_role("button", name="Import", exact=True).click()
    summary = page.locator("#import-summary")
    expect(summary.locator('[data-count="imported"]')).to_have_text("30")
    expect(summary.locator('[data-count="skipped"]')).to_have_text("1")
    expect(summary).to_contain_text("broken.fit")

    page.get_by_role("link", name="See your training").click()
    chart = page.locator("svg.training-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.point")).to_have_count(28)
    expect(page.locator("#ratio-caveat")).to_contain_text("not an injury predictor")
    expect(page.locator("#heaviness-link")).not_to_be_empty()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "training")
