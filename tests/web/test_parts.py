"""Small parts of the web face: the signed cookie, the SVG chart, the colour palette's contrast."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from heavylegs.assessment.questionnaire import QUESTIONS, Kind, set_answer
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.web.chart import heaviness_svg
from heavylegs.web.sealed import seal, unseal

SECRET = b"k" * 32


@given(st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=30), max_size=20))
def test_sealed_values_round_trip(value: dict[str, object]) -> None:
    assert unseal(seal(value, SECRET), SECRET) == value


def test_altered_or_foreign_cookies_are_ignored() -> None:
    token = seal({"answers": {"symptoms": {"legs": "both"}}}, SECRET)
    body, mac = token.split(".")
    assert unseal(token, b"x" * 32) is None
    assert unseal(body[:-2] + "AA." + mac, SECRET) is None
    for junk in (None, "", "abc", "a.b.c", "x" * 9000):
        assert unseal(junk, SECRET) is None


def test_a_draft_with_every_question_answered_fits_in_a_cookie() -> None:
    draft: dict[str, object] = {}
    for question in QUESTIONS:
        if question.kind is Kind.MULTI:
            value: object = [v for v, _ in question.choices]
        elif question.kind is Kind.CHOICE:
            value = question.choices[-1][0]
        elif question.kind is Kind.YES_NO:
            value = True
        else:
            value = question.maximum
        set_answer(draft, question.path, value)
    assert len(seal({"answers": draft}, SECRET)) < 3000


def test_the_chart_marks_every_entry_and_measure_with_text() -> None:
    end = dt.date(2026, 11, 21)
    entries = [
        EntryRow(end - dt.timedelta(days=3), "morning", heaviness=2),
        EntryRow(end - dt.timedelta(days=3), "evening", heaviness=6),
        EntryRow(end, "evening", heaviness=4),
        EntryRow(end - dt.timedelta(days=40), "evening", heaviness=9),  # outside the range
    ]
    measures = [MeasureRow("ankle_pumps", end, reps=20), MeasureRow("walking", end, minutes=20)]
    svg = heaviness_svg(
        entries, measures, end - dt.timedelta(days=27), end, {"ankle_pumps": "Ankle pumps"}
    )
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    points = root.findall(".//s:g[@class='point']", ns)
    assert [(p.get("data-day"), p.get("data-part"), p.get("data-value")) for p in points] == [
        ("2026-11-18", "morning", "2"),
        ("2026-11-18", "evening", "6"),
        ("2026-11-21", "evening", "4"),
    ]
    titles = [t.text for t in root.findall(".//s:g/s:title", ns)]
    assert "21 Nov: Ankle pumps, walking" in titles
    assert root.get("role") == "img" and root.find("s:desc", ns) is not None
    assert "latest 4 (evening of 21 Nov)" in (root.find("s:desc", ns).text or "")  # type: ignore[union-attr]
    assert root.findall(".//s:circle", ns) and root.findall(".//s:rect", ns)  # two shapes


def test_an_empty_chart_says_so() -> None:
    end = dt.date(2026, 11, 21)
    svg = heaviness_svg([], [], end - dt.timedelta(days=6), end)
    assert "No heaviness recorded" in svg
    ET.fromstring(svg)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_meets_wcag_aa_contrast() -> None:
    css = (Path(__file__).parents[2] / "src/heavylegs/web/static/app.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    pairs = [
        ("text", "bg"),
        ("muted", "bg"),
        ("muted", "panel"),
        ("link", "bg"),
        ("link", "panel"),
        ("primary-text", "primary"),
        ("error", "bg"),
        ("text", "urgent"),
        ("bg", "emergency"),
        ("bg", "routine"),
        ("bg", "self-care"),
        ("self-care", "bg"),
    ]
    for fg, bg in pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, (
            fg,
            bg,
            contrast(colours[fg], colours[bg]),
        )
    from heavylegs.web.chart import EVENING_COLOUR, MEASURE_COLOUR, MORNING_COLOUR

    for colour in (MORNING_COLOUR, EVENING_COLOUR, MEASURE_COLOUR):
        assert contrast(colour, "#ffffff") >= 3  # graphical objects: WCAG 1.4.11
