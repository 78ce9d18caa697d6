"""Notes pasted with bidi controls or piles of combining marks read as typed in the PDF."""

from __future__ import annotations

import re
from pathlib import Path

from heavylegs.reports.gather import ReportData
from heavylegs.reports.pdf import render_report
from heavylegs.reports.typeset import MAX_MARKS, Paper, new_pdf, printable
from tests.reports.test_pdf import pdf_text, with_notes


def test_an_override_in_a_note_with_hebrew_does_not_reverse_its_words(
    full: ReportData, tmp_path: Path
) -> None:
    """With Hebrew in the note (drawn with text shaping) a pasted RLO turned "today, left calf"
    into "flac tfel ,yadot" in the clinician's copy."""
    note = "שלום no chest pain \u202etoday, left calf\u202c ok"
    text = pdf_text(render_report(with_notes(full, [note])), tmp_path)
    assert "no chest pain today, left calf ok" in re.sub(r"[\u202a-\u202e]", "", text)
    assert "yadot" not in text


def test_combining_marks_are_capped_per_letter(full: ReportData) -> None:
    """Dozens of stacked marks on one letter were drawn up over the lines above."""
    pdf = new_pdf(full, Paper.A4)
    zalgo = "שלום z" + "\u0300\u0301\u0302\u0303\u0304" * 12 + "a e\u0301\u0323 end"
    text, missing = printable(pdf, zalgo, 300)
    pdf.add_page()
    pdf.output()  # closes the font files fpdf2 opened
    assert not missing
    runs = re.findall(r"[\u0300-\u036f]+", text)
    assert max(len(r) for r in runs) == MAX_MARKS
    assert text.endswith("a e\u0301\u0323 end")  # Vietnamese-style pairs stay whole
