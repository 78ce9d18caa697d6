"""Phones (320 and 390 px wide): no page scrolls sideways, the whole nav is on screen, charts stay
readable, every landmark has its own name, and the result page stays short."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import NOW
from tests.conftest import SHARED
from tests.training.helpers import fit_run

WIDTHS = (320, 390)
PAGES = (
    "/",
    "/assess",
    "/assess/1",
    "/assess/2",
    "/assess/5",
    "/results/1",
    "/diary",
    "/training",
    "/training/import",
    "/export",
    "/session",
    "/session/plan",
    "/session/desk",
    "/ask?q=why+are+my+legs+heavy",
    "/sources",
    "/no-such-page",
)
NAV = ("Assess", "Ask", "Session", "Diary", "Training", "Export")

LANDMARK_NAMES = """() => {
  const roleOf = (el) => {
    const role = el.getAttribute("role");
    if (role) return role;
    const tag = el.tagName.toLowerCase();
    if (tag === "nav") return "navigation";
    if (tag === "main") return "main";
    if (tag === "aside") return "complementary";
    if (tag === "header" && !el.closest("main, section, article")) return "banner";
    if (tag === "footer" && !el.closest("main, section, article")) return "contentinfo";
    if ((tag === "section" || tag === "form") && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"))) return tag === "section" ? "region" : "form";
    return null;
  };
  const nameOf = (el) => {
    if (el.getAttribute("aria-label")) return el.getAttribute("aria-label").trim();
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    return ids.map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim();
  };
  const landmarks = ["banner", "navigation", "main", "complementary", "contentinfo", "region", "form", "search"];
  const seen = [];
  for (const el of document.querySelectorAll("*")) {
    const role = roleOf(el);
    if (landmarks.includes(role)) seen.push(role + ":" + nameOf(el));
  }
  return seen;
}"""

CHART_TEXT_PX = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll(".chart-box svg")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
    }
  }
  return sizes;
}"""


def _post(server: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = json.load(response)
        return result


def _fill(server: str, page: Page) -> None:
    """A month of diary with a measure on alternate days, runs with cadence, and an urgent
    assessment of a non-runner (assessment 1)."""
    body = json.loads((SHARED / "spec" / "examples" / "after-long-flight.json").read_text())
    _post(server, "/api/v1/assessments", body)
    today = NOW.astimezone().date()
    for back in range(28):
        day = (today - dt.timedelta(days=back)).isoformat()
        for part in ("morning", "evening"):
            note = "a long note that has no spaces in it: " + "x" * 60 if back == 0 else None
            entry = {"date": day, "part": part, "heaviness": 2 + (back * 3) % 5}
            entry |= {"ankle_left_cm": 23.5, "ankle_right_cm": 24.0, "sleep_h": 7, "steps": 8000}
            if note:
                entry["note"] = note
            _post(server, "/api/v1/diary/entries", entry)
        if back % 2:
            _post(
                server, "/api/v1/measures-done", {"measure": "walking", "date": day, "minutes": 30}
            )
    files = []
    for k in range(12):
        start = NOW - dt.timedelta(days=2 + 3 * (11 - k), hours=6)
        data = fit_run(start, 1500 + 40 * k, cadence_spm=165 + k % 6, speed_mps=2.8 + k % 3 / 10)
        files.append({"name": f"run-{k:02d}.fit", "mimeType": "application/octet-stream",
                      "buffer": data})  # fmt: skip
    page.goto(server + "/training/import")
    page.get_by_label("Activity files or export zip").set_input_files(files)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator('#import-summary [data-count="imported"]')).to_have_text("12")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_the_nav_fits(
    browser: Browser, server: str, shot: Any, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 740}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    try:
        _fill(server, page)
        for path in PAGES:
            page.goto(server + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
            nav = page.get_by_role("navigation", name="Main")
            for label in NAV:
                link = nav.get_by_role("link", name=label, exact=True)
                box = link.bounding_box()
                assert box is not None, (path, label)
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, label, box)
                assert box["height"] >= 40, (path, label, box)
            names = page.evaluate(LANDMARK_NAMES)
            assert len(names) == len(set(names)), f"{path}: landmarks share a name: {names}"
            for size in page.evaluate(CHART_TEXT_PX):
                assert size >= 10, f"{path}: chart text of {size:.1f} px at {width} px"
        page.goto(server + "/diary")
        expect(page.locator("table.history")).to_be_visible()
        expect(page.locator(".chart-box svg text").first).to_be_visible()
        shot(page, f"phone-{width}-diary", full_page=False)
        page.goto(server + "/training")
        expect(page.locator("table.cadence")).to_be_visible()
        shot(page, f"phone-{width}-training", full_page=False)
    finally:
        context.close()


def test_the_result_page_is_short_and_grouped(browser: Browser, server: str, shot: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        _post(server, "/api/v1/assessments", json.loads(
            (SHARED / "spec" / "examples" / "after-long-flight.json").read_text()
        ))  # fmt: skip
        page.goto(server + "/results/1")
        groups = page.locator(".avoid-group")
        names = page.locator(".avoid-names > li")
        assert 0 < groups.count() < names.count()  # one card per reason, not per measure
        clot = groups.filter(has=page.locator("#avoid-walking"))
        expect(clot).to_contain_text("clot")
        # a person who does not run is not told to avoid running
        expect(page.locator("#avoid-running")).to_have_count(0)
        expect(page.locator(".avoid")).to_contain_text("left out: your answers say you do not run")
        # the plan's details are folded away until asked for
        details = page.locator(".plan-item details.plan-details").first
        expect(details.locator(".why")).to_be_hidden()
        details.locator("summary").click()
        expect(details.locator(".why")).to_be_visible()
        # the audit measured 12,800 px on a phone and 7,900 on a desktop for this result
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 7600, f"the result page is {height} px tall on a phone"
        shot(page, "phone-result", full_page=True)
        page.set_viewport_size({"width": 1100, "height": 860})
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 5000, f"the result page is {height} px tall on a desktop"
    finally:
        context.close()
