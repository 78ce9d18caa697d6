"""The report's times name their zone: "19:00" alone left a clinician elsewhere guessing."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports.pdf import render_report
from tests.reports.conftest import read
from tests.reports.test_pdf import pdf_text


@pytest.mark.parametrize(
    ("zone", "prepared", "assessed"),
    [
        ("Europe/Berlin", "21 November 2026, 19:00 CET", "21 Nov 2026, 17:00 CET"),
        ("America/Sao_Paulo", "21 November 2026, 15:00 UTC-03", "21 Nov 2026, 13:00 UTC-03"),
        ("Asia/Kolkata", "21 November 2026, 23:30 IST", "21 Nov 2026, 21:30 IST"),
    ],
)
def test_times_on_page_one_name_the_zone(
    full_store: Any,
    kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    zone: str,
    prepared: str,
    assessed: str,
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        text = re.sub(r"\s+", " ", pdf_text(render_report(read(full_store, kb)), tmp_path))
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert f"Prepared {prepared} from" in text
    assert f"(assessment of {assessed})" in text
