"""How the clinician report is typeset: paper, fonts, colours and the few building blocks its
pages are made of (headings, paragraphs, label rows, bullets, charts), with fpdf2.

DejaVu Sans is embedded (subset) from the copy matplotlib ships, a package installed with
heavylegs: full Unicode ("Zoë", "Łódź", "≥") with nothing downloaded at run time. The PDF's
creation date is the report's injected clock, so the same data always give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from heavylegs.reports.gather import ReportData

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
BODY = 9.0
LINE = 4.3
COLOURS = {
    "emergency": (176, 0, 32),
    "urgent": (176, 0, 32),
    "routine": (178, 106, 0),
    "self_care": (46, 125, 50),
}
INK = (20, 20, 20)
MUTED = (95, 95, 95)
ALERT = (176, 0, 32)


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


def font_files() -> dict[str, Path]:
    """DejaVu Sans regular and bold, from matplotlib's bundled fonts (always installed)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}


def new_pdf(data: ReportData, paper: Paper) -> FPDF:
    """An empty report: paper, margins, fonts, metadata, and the footer on every page that says
    heavylegs informs and does not diagnose."""
    from fpdf import FPDF

    stamp = f"made {data.now:%d %b %Y}"
    version = data.version

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=7.5)
            self.set_text_color(*MUTED)
            self.cell(
                self.epw - 22,
                4,
                f"heavylegs {version} · {stamp} · self-reported data · "
                "heavylegs informs, it does not diagnose",
            )
            self.cell(22, 4, f"page {self.page_no()} of {{nb}}", align="R")

    pdf = Report(orientation="P", unit="mm", format="A4" if paper is Paper.A4 else "Letter")
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=16)
    for style, path in font_files().items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_creation_date(data.now)
    pdf.set_title("heavylegs report for a clinician")
    pdf.set_author("heavylegs (self-reported data)")
    pdf.set_creator(f"heavylegs {data.version}")
    pdf.set_lang("en")
    return pdf


def close_fonts(pdf: FPDF) -> None:
    """Close the font files fpdf2 reads lazily (through fontTools, which keeps each one open).

    Why: fpdf2 closes them only at the end of ``output()``; a report that stops half-way (a
    chart that fails, an interrupt) left them to the garbage collector, and the file's
    ResourceWarning then surfaced in whatever ran next. Closing twice is harmless.
    """
    from fpdf.fonts import TTFFont

    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()


# ----------------------------------------------------------------------------------- helpers


def heading(pdf: FPDF, text: str, size: float = 11.5) -> None:
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.ln(1)


def paragraph(pdf: FPDF, text: str, *, bold: bool = False, colour: Sequence[int] = INK) -> None:
    pdf.set_font(FONT, "B" if bold else "", BODY)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")


def label_rows(pdf: FPDF, rows: Sequence[tuple[str, str]], width: float = 30) -> None:
    for name, value in rows:
        pdf.set_font(FONT, "B", BODY)
        pdf.set_text_color(*INK)
        pdf.cell(width, LINE, name)
        pdf.set_font(FONT, "", BODY)
        pdf.multi_cell(0, LINE, value, new_x="LMARGIN", new_y="NEXT")


def bullets(pdf: FPDF, items: Sequence[str], colour: Sequence[int] = INK) -> None:
    for item in items:
        pdf.set_font(FONT, "", BODY)
        pdf.set_text_color(*colour)
        pdf.cell(4, LINE, "•")
        pdf.multi_cell(0, LINE, item, new_x="LMARGIN", new_y="NEXT")


MISSING = "□"
"""Drawn in place of a character the embedded font has no glyph for (CJK, Devanagari, Thai,
most emoji): fpdf2 would leave it out, and a note in Japanese would show as an empty note."""


BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")
"""Explicit bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO). Left out of a note: in a
note with Hebrew or Arabic (drawn with text shaping) a pasted RLO turned "today, left calf" into
"flac tfel ,yadot" in the clinician's copy. Without them the text reads in the order typed."""
MAX_MARKS = 3
"""Combining marks kept on one letter (Vietnamese needs two, pointed Hebrew three): with text
shaping, dozens of stacked marks ("zalgo" text) were drawn up over the lines above."""


def printable(pdf: FPDF, text: str, limit: int) -> tuple[str, bool]:
    """``text`` (typed by the person) as the report can draw it, and whether a character had to
    be marked :data:`MISSING`. Control characters go (a tab is a space, a line break stays), as
    do :data:`BIDI_OVERRIDES` and combining marks past :data:`MAX_MARKS` on one letter; text
    longer than ``limit`` characters ends at a word with "…" (the rest is in the app)."""
    import unicodedata

    from fpdf.fonts import TTFFont

    font = pdf.fonts[FONT.lower()]
    cmap = font.cmap if isinstance(font, TTFFont) else {}
    if len(text) > limit:
        head = text[:limit]
        cut = head.rsplit(None, 1)[0] if " " in head[limit // 2 :] else head
        text = cut.rstrip() + " …"
    out: list[str] = []
    marked = False
    marks = 0
    for char in text:
        marks = marks + 1 if unicodedata.combining(char) else 0
        if char in BIDI_OVERRIDES or marks > MAX_MARKS:
            continue
        if char in "\t\r":
            out.append(" ")
        elif char == "\n" or (unicodedata.category(char) != "Cc" and ord(char) in cmap):
            out.append(char)
        elif unicodedata.category(char) != "Cc":
            out.append(MISSING)
            marked = True
    return "".join(out), marked


def right_to_left(text: str) -> bool:
    """Does ``text`` hold Hebrew or Arabic? Such text is drawn with fpdf2's text shaping
    (HarfBuzz: the Unicode bidi order, Arabic letters joined); without it a Hebrew word came
    out backwards. Only such text is shaped, so other reports stay byte for byte the same."""
    import unicodedata

    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def place_chart(pdf: FPDF, image: bytes, width: float) -> None:
    x = pdf.l_margin + (pdf.epw - width) / 2
    # SVG shapes without their own colour take the current one: make that black
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.image(io.BytesIO(image), x=x, w=width)


# ------------------------------------------------------------------------------------ page 1
