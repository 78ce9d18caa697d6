"""The clinician PDF, read back through its text layer (pdftotext) and page sizes (pdfinfo)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from heavylegs import __version__
from heavylegs.reports import NothingToReport
from heavylegs.reports.gather import ReportData
from heavylegs.reports.pdf import FULL_REASONS, MAX_PAGES, Paper, render_report
from tests.reports.conftest import NOTE

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="LOUD: pdftotext (Debian poppler-utils) is missing; make test installs it "
    "(scripts/ensure-debian-tool.sh)",
)


def pdf_text(content: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", *args, str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode()


def pdf_info(content: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return dict(
        (k.strip(), v.strip())
        for k, _, v in (line.partition(":") for line in out.stdout.splitlines())
    )


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_page_one_has_what_a_busy_clinician_needs(full: ReportData, tmp_path: Path) -> None:
    first = squash(pdf_text(render_report(full), tmp_path, "-f", "1", "-l", "1"))
    assert "SELF-CARE" in first
    assert "age 30–39" in first and "sex male" in first
    assert "8 weeks (60 days)" in first  # duration
    assert "Warning signs asked" in first
    assert "calf tender to touch" in first  # answered "no" in the example
    assert "Not asked" in first and "warm red skin" in first
    assert "statin" in first  # medications
    assert "Ankle pumps and circles: done on 11 days" in first
    assert "elevation, compression for 3 weeks; improving: partly" in first
    # the ankles drifted 2.2 cm apart: marked for the clinician
    assert "left 23 cm, right 25.2 cm, difference 2.2 cm" in first
    assert "2 cm or more (one-sided swelling)" in first
    assert "Assessments: heaviness 3/10" in first


def test_pages_footer_and_unicode(full: ReportData, tmp_path: Path) -> None:
    content = render_report(full)
    info = pdf_info(content, tmp_path)
    assert int(info["Pages"]) == MAX_PAGES
    text = pdf_text(content, tmp_path)
    for page in range(1, MAX_PAGES + 1):
        assert f"page {page} of {MAX_PAGES}" in text
    assert text.count(f"heavylegs {__version__} · made 21 Nov 2026") == MAX_PAGES
    assert text.count("heavylegs informs, it does not diagnose") >= MAX_PAGES
    assert NOTE in squash(text)  # Zoë, Łódź and ≥ survive: the font is embedded Unicode
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "info.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu" in fonts and "yes" in fonts  # embedded


def test_second_and_third_pages(full: ReportData, tmp_path: Path) -> None:
    text = squash(pdf_text(render_report(full), tmp_path, "-f", "2"))
    assert "Questions to ask" in text
    assert "My ankles differ by 2.2 cm" in text
    assert "Diary: the last 12 weeks" in text
    assert "Personal measure effects" in text and "95% CI" in text
    assert "Running load (imported watch data)" in text
    assert "Weekly running distance" in text
    assert "2 activities imported in all" in text


def test_a4_and_letter(full: ReportData, tmp_path: Path) -> None:
    a4 = pdf_info(render_report(full, Paper.A4), tmp_path)["Page size"]
    letter = pdf_info(render_report(full, Paper.LETTER), tmp_path)["Page size"]
    assert a4.startswith("595.28 x 841.89")
    assert letter.startswith("612 x 792")


def test_same_data_same_bytes(full: ReportData) -> None:
    assert render_report(full) == render_report(full)


def test_urgent_triage_comes_first_with_reasons_and_sources(
    full: ReportData, tmp_path: Path
) -> None:
    latest = full.assessments[-1]
    output = {
        **latest.output,
        "triage": {
            "level": "urgent",
            "headline": "Get seen today.",
            "reasons": [
                {"id": "suspected_dvt", "message": "One calf is swollen.", "sources": ["seed-001"]}
            ],
        },
    }
    data = dataclasses.replace(
        full, assessments=[*full.assessments[:-1], dataclasses.replace(latest, output=output)]
    )
    content = render_report(data)
    first = squash(pdf_text(content, tmp_path, "-f", "1", "-l", "1"))
    assert first.index("URGENT: be seen by a clinician today") < first.index("Symptoms")
    assert "One calf is swollen. [seed-001]" in first
    assert "Sources of the triage reasons: seed-001: " in squash(pdf_text(content, tmp_path))


def test_diary_only_report_is_one_or_two_pages(full: ReportData, tmp_path: Path) -> None:
    data = dataclasses.replace(full, assessments=[], training=None)
    content = render_report(data)
    text = squash(pdf_text(content, tmp_path))
    assert int(pdf_info(content, tmp_path)["Pages"]) <= 2
    assert "No assessment stored yet" in text
    assert "Running load" not in text


def test_nothing_stored_is_refused(full: ReportData) -> None:
    empty = dataclasses.replace(full, assessments=[], entries=[], measures=[], training=None)
    with pytest.raises(NothingToReport, match="nothing stored yet"):
        render_report(empty)


def test_old_activities_are_named_not_charted(full: ReportData, tmp_path: Path) -> None:
    later = dataclasses.replace(full, now=full.now + dt.timedelta(days=200))
    assert later.training is not None
    old_weeks = [{**w, "runs": 0, "hours": 0} for w in later.training["weeks"]]
    data = dataclasses.replace(later, training={**later.training, "weeks": old_weeks})
    content = render_report(data)
    text = squash(pdf_text(content, tmp_path))
    assert "none in the last 12 weeks" in text
    assert int(pdf_info(content, tmp_path)["Pages"]) == 2


def test_vector_charts(full: ReportData, tmp_path: Path) -> None:
    """``--charts vector``: the same pages, charts drawn as PDF paths instead of images."""
    from heavylegs.reports.charts import ChartFormat

    vector = render_report(full, charts=ChartFormat.VECTOR)
    raster = render_report(full)
    assert int(pdf_info(vector, tmp_path)["Pages"]) == MAX_PAGES
    assert b"/Subtype /Image" in raster and b"/Subtype /Image" not in vector


def with_notes(data: ReportData, notes: list[str]) -> ReportData:
    """The same data, the last diary entries carrying ``notes`` (the latest last)."""
    entries = list(data.entries)
    start = len(entries) - len(notes)
    for i, note in enumerate(notes):
        entries[start + i] = dataclasses.replace(entries[start + i], note=note)
    return dataclasses.replace(data, entries=entries)


def test_long_notes_keep_the_running_page_and_three_pages(full: ReportData, tmp_path: Path) -> None:
    """Five notes of 2,000 characters (the diary's limit) once ran over page 2, pushed the
    running page out (it is skipped past page 3) and could make a fourth page."""
    words = " ".join(["heavy"] * 330)  # 1,979 characters
    lean = dataclasses.replace(full, insights=None)  # room for the notes on page 2
    content = render_report(with_notes(lean, [f"{k} {words}" for k in range(5)]))
    assert int(pdf_info(content, tmp_path)["Pages"]) <= MAX_PAGES
    text = squash(pdf_text(content, tmp_path))
    assert "Running load (imported watch data)" in text
    assert "Latest diary notes" in squash(pdf_text(content, tmp_path, "-f", "2", "-l", "2"))
    assert "4 heavy heavy" in text  # the latest note is there, shortened
    assert "…" in text


def test_characters_the_font_lacks_are_marked_not_dropped(full: ReportData, tmp_path: Path) -> None:
    """A note in Japanese vanished from the PDF (DejaVu Sans has no CJK): the clinician saw an
    empty note. Now every character the font cannot draw shows as one marker, control
    characters are removed, and the note says to read it in the app."""
    cjk = "脚が重い"
    content = render_report(with_notes(full, [f"{cjk} ok", "bell\x07 esc\x1b[31m tab\tend"]))
    text = squash(pdf_text(content, tmp_path))
    assert "□□□□ ok" in text
    assert "bell esc[31m tab end" in text


def test_right_to_left_notes_read_in_order(full: ReportData, tmp_path: Path) -> None:
    """Hebrew and Arabic notes were drawn letter by letter from left to right (Hebrew words
    backwards, Arabic letters unjoined). pdftotext puts a right-to-left run back in logical
    order only when it was drawn right to left, so the words come back as typed."""
    hebrew = "הרגליים כבדות היום"
    arabic = "الساقين ثقيلة"
    content = render_report(with_notes(full, [f"{hebrew} 3 km", arabic]))
    text = pdf_text(content, tmp_path)
    assert hebrew in text
    # Arabic is drawn in its joined forms, which pdftotext maps back to the letters typed
    assert "ثقيلة" in unicodedata.normalize("NFKC", text)
    assert "3 km" in text


def test_dozens_of_warning_signs_stay_on_page_one_and_are_all_named(
    full: ReportData, tmp_path: Path
) -> None:
    """Answers with every warning sign ticked fired 47 reasons: written out in full they ran to
    a fourth page, with the triage box broken across pages."""
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    flags = list(kb.red_flags.values())  # every level: the reasons of every sign that fired
    reasons = [{"id": f.id, "message": f.message, "sources": f.sources} for f in flags]
    latest = full.assessments[-1]
    triage = {"level": "emergency", "headline": "Call the emergency number.", "reasons": reasons}
    output = {**latest.output, "triage": triage}
    data = dataclasses.replace(
        full,
        assessments=[*full.assessments[:-1], dataclasses.replace(latest, output=output)],
        red_flag_titles={k: f.title for k, f in kb.red_flags.items()},
    )
    content = render_report(data)
    assert int(pdf_info(content, tmp_path)["Pages"]) <= MAX_PAGES
    first = squash(pdf_text(content, tmp_path, "-f", "1", "-l", "1"))
    assert squash(flags[0].message) in first  # the first ones in full
    for flag in flags[FULL_REASONS:]:
        assert squash(flag.title) in first, flag.id


def test_a_report_that_fails_half_way_closes_its_font_files(
    full: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fpdf2 reads its fonts lazily through fontTools, which keeps each font file open, and
    closes them only at the end of ``output()``: a render that stopped half-way left them open
    until the next finished report released them, and their ResourceWarning then failed that
    report's test (a flaky failure under ``filterwarnings = error``)."""
    from fpdf.fonts import TTFFont

    from heavylegs.reports import charts, pdf

    made = []

    def recorded(*args: Any) -> Any:
        made.append(typeset_new_pdf(*args))
        return made[-1]

    def broken(*_: object) -> None:
        raise RuntimeError("a chart that fails")

    typeset_new_pdf = pdf.new_pdf
    monkeypatch.setattr(pdf, "new_pdf", recorded)
    monkeypatch.setattr(charts, "diary_chart", broken)
    with pytest.raises(RuntimeError, match="a chart that fails"):
        render_report(full)
    fonts = [font for font in made[0].fonts.values() if isinstance(font, TTFFont)]
    assert len(fonts) == 2
    # fontTools drops its reader (and the open file with it) when a font is closed
    assert [font.ttfont.reader for font in fonts] == [None, None]
