"""axe-core in Chromium on every page, with data in every table and chart: no violation.

axe-core is fetched from the npm registry by ``scripts/ensure-axe.sh`` (``make test`` runs it)
into a cache folder outside the repository; without it this test skips and says why. The pages'
Content-Security-Policy forbids inline scripts, so this browser context bypasses it to load axe.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.test_phones import PAGES, _fill

AXE_VERSION = "4.14.1"
AXE = (
    Path(os.environ.get("HEAVYLEGS_AXE_DIR") or Path.home() / ".cache" / "heavylegs-dev")
    / f"axe-core-{AXE_VERSION}"
    / "axe.min.js"
)


@pytest.mark.parametrize("width", (1100,))
def test_axe_finds_no_violation_on_any_page(browser: Browser, server: str, width: int) -> None:
    if not AXE.is_file():
        pytest.skip(f"{AXE} is missing: run scripts/ensure-axe.sh")
    source = AXE.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        _fill(server, page)
        found = {}
        for path in (*PAGES, "/assess/alert?after=3"):
            page.goto(server + path)
            page.add_script_tag(content=source)
            violations = page.evaluate(
                "async () => (await axe.run(document)).violations.map("
                "v => `${v.id} (${v.impact}): ${v.nodes.length}x ${v.nodes[0].target.join(' ')}`)"
            )
            if violations:
                found[path] = violations
        assert not found, found
    finally:
        context.close()
