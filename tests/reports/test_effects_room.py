"""What helped (the personal measure effects) is in the report even when page 2 is full.

Why: an urgent plan's long list of what to avoid left no room for the table on page 2, and it
was left out without a word; ten years of diary with the after-flight assessment showed it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from heavylegs.reports.gather import ReportData
from heavylegs.reports.pdf import MAX_PAGES, render_report
from tests.reports.conftest import NOTE
from tests.reports.test_pdf import pdf_info, pdf_text


def crowded(data: ReportData) -> ReportData:
    """The same data, its plan carrying twelve long reasons to avoid (page 2 fills up)."""
    latest = data.assessments[-1]
    why = "Not until a clinician has seen the leg: this could make it worse. " * 5
    avoid = [{"id": f"measure_{k}", "why": f"{k}. {why}"} for k in range(3)]
    plan = {**latest.output["plan"], "avoid": avoid}
    output = {**latest.output, "plan": plan}
    return dataclasses.replace(
        data, assessments=[*data.assessments[:-1], dataclasses.replace(latest, output=output)]
    )


@pytest.mark.parametrize("runs", [True, False])
def test_effects_move_to_the_next_page_rather_than_vanish(
    full: ReportData, tmp_path: Path, runs: bool
) -> None:
    data = crowded(full if runs else dataclasses.replace(full, training=None))
    content = render_report(data)
    text = re.sub(r"\s+", " ", pdf_text(content, tmp_path))
    assert "Personal measure effects" in text
    assert int(pdf_info(content, tmp_path)["Pages"]) <= MAX_PAGES
    if runs:
        assert "Running load (imported watch data)" in text


@pytest.mark.parametrize("runs", [True, False])
def test_the_latest_note_moves_to_the_next_page_rather_than_vanish(
    full: ReportData, tmp_path: Path, runs: bool
) -> None:
    """The person's own words ("legs heavier after the long meeting") were dropped whole when
    page 2 was full."""
    data = crowded(full if runs else dataclasses.replace(full, training=None))
    content = render_report(data)
    text = re.sub(r"\s+", " ", pdf_text(content, tmp_path))
    assert "Latest diary notes" in text and NOTE in text
    assert int(pdf_info(content, tmp_path)["Pages"]) <= MAX_PAGES
