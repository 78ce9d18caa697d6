"""The clinician report: one to three pages of PDF, typeset with fpdf2.

Page 1 is for a busy clinician (who, how urgent and why, symptoms, warning signs asked, history,
what was tried, what changed). Page 2 carries the questions to ask, the plan, the diary chart
and the personal measure effects; page 3 the running load, when activities were imported.

Why these choices:

* Fonts: DejaVu Sans, embedded (subset) from the copy matplotlib ships, a package installed
  with heavylegs: full Unicode ("Zoë", "Łódź", "≥") with nothing downloaded at run time. Paper,
  fonts, colours and the building blocks of a page are in :mod:`heavylegs.reports.typeset`.
* Charts come from the diary and training stages' own chart functions: PNG at 120 dpi by
  default, SVG drawn as vectors on request (see :mod:`heavylegs.reports.charts` for why).
* The clock is injected (``data.now``) and the PDF's creation date set from it: the same data
  always give the same bytes.
* A red flag comes first and in colour; the "informs, does not diagnose" line is in every footer,
  never in place of the flag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heavylegs.diary.plan import is_serious
from heavylegs.reports import NothingToReport, diary_facts, facts
from heavylegs.reports.charts import ChartFormat, recent_training
from heavylegs.reports.gather import ReportData
from heavylegs.reports.typeset import (
    ALERT,
    BODY,
    COLOURS,
    FONT,
    INK,
    LINE,
    MISSING,
    MUTED,
    Paper,
    bullets,
    close_fonts,
    heading,
    label_rows,
    new_pdf,
    paragraph,
    place_chart,
    printable,
    right_to_left,
)

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["MAX_PAGES", "Paper", "render_report"]

MAX_PAGES = 3
FULL_REASONS = 6
"""Triage reasons written out in full on page one; any further ones are named by their titles
in one line, so answers that fire dozens of warning signs keep the box on its page and every
sign named (none dropped, none buried under the others' text)."""


def render_report(
    data: ReportData, paper: Paper = Paper.A4, charts: ChartFormat = ChartFormat.RASTER
) -> bytes:
    """The report as PDF bytes; :class:`NothingToReport` when nothing is stored yet."""
    if data.empty:
        raise NothingToReport(
            "nothing stored yet: run 'heavylegs assess' or log a diary entry first"
        )
    from heavylegs.reports.charts import diary_chart, training_chart

    pdf = new_pdf(data, paper)
    try:
        _page_one(pdf, data)
        left_over = _page_two(pdf, data, diary_chart(data, charts))
        running = training_chart(data, charts)
        if running is not None:
            _page_running(pdf, data, running, left_over)
        elif left_over and pdf.page_no() < MAX_PAGES:
            pdf.add_page()  # what helped and the notes get a page of their own, not none
            _left_over(pdf, data, left_over)
        _sources(pdf, data)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def _page_one(pdf: FPDF, data: ReportData) -> None:
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, "Heavy legs: report for a clinician", new_x="LMARGIN", new_y="NEXT")
    paragraph(
        pdf,
        f"Person: {facts.person_line(data)}. Prepared {facts.clock(data.now, '%d %B %Y')} from "
        "self-reported answers, diary and watch data. It informs, it does not diagnose.",
        colour=MUTED,
    )
    latest = data.latest
    diary = diary_facts.diary_warnings(data)
    if diary is not None and diary.outranks:
        _diary_box(pdf, diary)
    if latest is None:
        pdf.ln(2)
        paragraph(pdf, "No assessment stored yet: only the diary and activities are summarised.")
    else:
        # below a more urgent diary box, the assessment's level is named as the earlier word
        earlier = "Earlier assessment: " if diary and diary.outranks else ""
        _triage_box(pdf, data, latest.output, latest.at, earlier)
        if diary is not None and not diary.outranks:
            _diary_box(pdf, diary)
        answers = latest.answers
        heading(pdf, "Symptoms")
        label_rows(pdf, facts.symptom_lines(answers))
        _warning_signs(pdf, answers)
        heading(pdf, "History and medications")
        label_rows(pdf, facts.history_lines(answers))
        ranked = facts.causes(latest.output, data.cause_titles, limit=3)
        if ranked:
            heading(pdf, "Causes heavylegs ranked (for discussion, not a diagnosis)")
            bullets(pdf, ranked)
    heading(pdf, "Measures tried")
    bullets(pdf, facts.measures_tried(data) or ["none recorded"])
    heading(pdf, "What changed")
    changed = facts.heaviness_trend(data) + diary_facts.diary_counts(data)
    bullets(pdf, changed or ["no diary or repeated assessment yet"])
    ankles = facts.ankles(data)
    if ankles is not None:
        bullets(pdf, [ankles.text()], ALERT if ankles.marked else INK)


def _triage_box(
    pdf: FPDF, data: ReportData, output: dict[str, Any], at: Any, earlier: str = ""
) -> None:
    triage = output.get("triage") or {}
    level = str(triage.get("level", "routine"))
    colour = COLOURS.get(level, INK)
    top = _box_title(pdf, earlier + facts.LEVEL_WORDS.get(level, level), colour)
    pdf.set_x(pdf.l_margin + 3)
    headline = str(triage.get("headline", ""))
    pdf.multi_cell(
        0,
        LINE,
        f"{headline} (assessment of {facts.clock(at)})",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    reasons = [r for r in triage.get("reasons") or [] if isinstance(r, dict)]
    serious = is_serious(level)
    for reason in reasons[:FULL_REASONS]:
        sources = ", ".join(str(s) for s in reason.get("sources") or [])
        message = str(reason.get("message", ""))
        pdf.set_x(pdf.l_margin + 3)
        pdf.set_font(FONT, "", BODY)
        pdf.multi_cell(
            0,
            LINE,
            f"• {message if serious else facts.first_sentence(message)}"
            + (f" [{sources}]" if sources else ""),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if len(reasons) > FULL_REASONS:
        more = "; ".join(
            data.red_flag_titles.get(str(r.get("id")), str(r.get("id", "")).replace("_", " "))
            for r in reasons[FULL_REASONS:]
        )
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(0, LINE, f"• Also: {more}.", new_x="LMARGIN", new_y="NEXT")
    _edge(pdf, top, colour)


def _box_title(pdf: FPDF, title: str, colour: tuple[int, int, int]) -> float:
    """A box's bold title in its level's colour (the triage's, the diary's), the body text set
    for what follows; where the box begins, for :func:`_edge`."""
    pdf.ln(2)
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, 5.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", BODY)
    pdf.set_text_color(*INK)
    return top


def _edge(pdf: FPDF, top: float, colour: tuple[int, int, int]) -> None:
    """The coloured bar down the left of a box begun at ``top`` (the triage's, the diary's)."""
    bottom = pdf.get_y() + 1
    pdf.set_fill_color(*colour)
    pdf.rect(pdf.l_margin, top, 1.6, bottom - top, style="F")
    pdf.set_y(bottom)


def _diary_box(pdf: FPDF, diary: diary_facts.DiaryWarnings) -> None:
    """The diary's warnings, boxed like the triage: first when they are more urgent than it."""
    colour = COLOURS.get(diary.level, INK)
    title = facts.LEVEL_WORDS.get(diary.level, diary.level)
    heading_words = "From the diary" if diary.level == "self_care" else f"From the diary: {title}"
    top = _box_title(pdf, heading_words, colour)
    for message in diary.messages:
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(0, LINE, f"• {message}", new_x="LMARGIN", new_y="NEXT")
    _edge(pdf, top, colour)


def _warning_signs(pdf: FPDF, answers: dict[str, Any]) -> None:
    signs = facts.warning_signs(answers)
    heading(pdf, "Warning signs asked")
    label_rows(
        pdf,
        [
            ("Yes", ", ".join(signs.yes) or "none"),
            ("No", ", ".join(signs.no) or "none"),
        ],
        width=20,
    )
    if signs.not_asked:
        pdf.set_font(FONT, "B", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(20, 3.6, "Not asked")
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(0, 3.6, ", ".join(signs.not_asked), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


# ------------------------------------------------------------------------------------ page 2


def _page_two(pdf: FPDF, data: ReportData, diary: bytes | None) -> set[str]:
    """Page two; returns what did not fit on it ("effects", "notes"): the next page takes it."""
    if pdf.page_no() == 1:
        pdf.add_page()
    else:  # page one ran over: go on where it ended, so the running page still fits
        pdf.ln(2)
    heading(pdf, "Questions to ask", 13)
    bullets(pdf, facts.questions(data))
    latest = data.latest
    if latest is not None:
        do, avoid = facts.plan_lines(latest.output.get("plan") or {}, data.measure_titles)
        if do or avoid:
            heading(pdf, "The plan heavylegs suggested")
            bullets(pdf, do)
            bullets(pdf, avoid)
    if diary is not None:
        heading(pdf, "Diary: the last 12 weeks")
        place_chart(pdf, diary, min(pdf.epw, 165))
    left_over = set() if _effects(pdf, data) else {"effects"}
    if not _notes(pdf, data):
        left_over.add("notes")
    training = data.training
    if training and not recent_training(data):
        heading(pdf, "Running load")
        paragraph(
            pdf,
            f"{training.get('activities', 0)} activities imported, none in the last 12 weeks: "
            "no recent load to show.",
        )
    return left_over


def _left_over(pdf: FPDF, data: ReportData, left_over: set[str]) -> None:
    """What page two had no room for, at the top of the next page."""
    if "effects" in left_over:
        _effects(pdf, data)
    if "notes" in left_over:
        _notes(pdf, data)


def _effects(pdf: FPDF, data: ReportData) -> bool:
    """The personal measure effects table; False when it does not fit on this page. Why not
    just skipped: an urgent plan's long avoid list left no room on page 2, and what helped
    was missing from the report without a word."""
    if data.insights is None:
        return True
    shown = [e for e in data.insights.effects if e.difference is not None][:8]
    if not shown:
        return True
    if pdf.will_page_break(LINE * (len(shown) + 4)):
        return False
    heading(pdf, "Personal measure effects (heaviness with vs without, 95% CI)")
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(180, 180, 180)
    with pdf.table(
        col_widths=(50, 26, 28, 40, 38),
        headings_style=FontFace(emphasis="BOLD", fill_color=(236, 236, 236)),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"),
        line_height=LINE,
        first_row_as_headings=True,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(
            ("measure", "compared on", "days with / without", "difference (95% CI)", "verdict")
        )
        for e in shown:
            assert e.difference is not None and e.ci_low is not None and e.ci_high is not None
            table.row(
                (
                    data.measure_titles.get(e.measure, facts.words(e.measure)),
                    facts.words(e.outcome.value),
                    f"{e.n_with}/{e.n_without}",
                    f"{e.difference:+.1f} ({e.ci_low:+.1f} to {e.ci_high:+.1f})",
                    facts.words(e.verdict.value),
                )
            )
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        3.6,
        "Negative = less heaviness on days with the measure. Linked, not caused: a diary cannot "
        "separate a measure from everything else that changed on those days.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return True


NOTE_CHARS = 300
"""A note is shown up to this many characters: five notes of the diary's 2,000 ran over page 2,
made a fourth page and pushed the running page out."""


def _notes(pdf: FPDF, data: ReportData) -> bool:
    """The latest notes, as many of the last five as fit on this page (the latest kept); False
    when there are notes and not even the latest fits (a crowded page 2 lost them all)."""
    shown: list[tuple[str, int]] = []
    marked = False
    for entry in reversed([e for e in data.entries if e.note][-5:]):
        assert entry.note is not None
        text, missing = printable(pdf, entry.note, NOTE_CHARS)
        line = f"{entry.day:%d %b %Y} {entry.part}: {text}"
        pdf.set_font(FONT, "", BODY)
        pdf.set_text_shaping(right_to_left(line))
        wrapped = pdf.multi_cell(pdf.epw - 4, LINE, line, dry_run=True, output="LINES")
        pdf.set_text_shaping(False)
        lines = len(wrapped) if isinstance(wrapped, list) else 1
        if pdf.will_page_break(LINE * (sum(n for _, n in shown) + lines + 4)):
            break
        shown.insert(0, (line, lines))
        marked = marked or missing
    if not shown:
        return not any(e.note for e in data.entries)
    heading(pdf, "Latest diary notes")
    for line, _ in shown:
        pdf.set_text_shaping(right_to_left(line))
        bullets(pdf, [line])
        pdf.set_text_shaping(False)
    if marked:
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(
            0,
            3.6,
            f"{MISSING} = a character this PDF cannot show; the note is complete in "
            "heavylegs and in the FHIR export.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return True


# ------------------------------------------------------------------------------------ page 3


def _page_running(pdf: FPDF, data: ReportData, chart: bytes, left_over: set[str]) -> None:
    if pdf.page_no() >= MAX_PAGES:
        return
    training = data.training or {}
    pdf.add_page()
    _left_over(pdf, data, left_over)
    heading(pdf, "Running load (imported watch data)", 13)
    today = training.get("today") or {}
    weeks = [w for w in training.get("weeks") or [] if w.get("runs")][-4:]
    lines = []
    if weeks:
        listed = ", ".join(f"{w['week_start']}: {w['run_km']:g} km" for w in weeks)
        lines.append(f"Weekly running distance (week starting): {listed}")
    if today.get("load_ratio") is not None:
        band = facts.words(today.get("ratio_band") or "")
        lines.append(
            f"Load ratio 7:28 today {today['load_ratio']:.2f} ({band}): a ramp indicator, "
            "not an injury predictor"
        )
    cadence = [c for c in training.get("cadence") or [] if c.get("cadence_spm")]
    if cadence:
        last = cadence[-1]
        base = last.get("baseline_spm")
        against = f" against a baseline of {base:g} at that pace" if base else ""
        lines.append(f"Cadence of the latest run {last['cadence_spm']:g} steps/min{against}")
    lines.append(f"{training.get('activities', 0)} activities imported in all")
    bullets(pdf, lines)
    height_left = pdf.h - pdf.b_margin - pdf.get_y() - 2
    place_chart(pdf, chart, min(pdf.epw, height_left * 10 / 11))


def _sources(pdf: FPDF, data: ReportData) -> None:
    """The sources the triage reasons cite, in small print at the end (when there is room)."""
    latest = data.latest
    if latest is None:
        return
    cited = facts.cited((latest.output.get("triage") or {}).get("reasons") or [])
    listed = "; ".join(f"{s}: {data.source_titles.get(s, s)}" for s in cited)
    if not listed or pdf.will_page_break(3.4 * (2 + len(listed) // 150)):
        return
    pdf.ln(2)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0, 3.4, f"Sources of the triage reasons: {listed}", new_x="LMARGIN", new_y="NEXT"
    )
