"""Page one of the report carries what the diary itself raises, and every diary day counts.

Why: new one-sided swelling logged after a self-care assessment is urgent in the diary
(``heavylegs insights``), yet the report opened with the old green "SELF-CARE" box and never said
it; and a diary day with only a cramp count read "no diary or repeated assessment yet".
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from heavylegs.diary.entries import record_entry
from heavylegs.diary.validation import parse_entry
from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports import diary_facts, facts
from heavylegs.reports.pdf import render_report
from heavylegs.store import open_store
from heavylegs.store.models import DiaryEntry
from tests.reports.conftest import NOW, TODAY, answers, read, store_assessment
from tests.reports.test_pdf import pdf_text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def log(url: str, days_ago: int, **values: Any) -> None:
    store = open_store(url)
    day = TODAY - dt.timedelta(days=days_ago)
    with store.session() as session:
        entry = {"date": day.isoformat(), "part": "evening", **values}
        record_entry(session, parse_entry(entry, today=TODAY), NOW)
    store.close()


def test_new_one_sided_swelling_after_a_self_care_assessment_comes_first(
    sqlite_url: str, shared: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    store = open_store(sqlite_url)
    output = store_assessment(store, kb, answers(shared), NOW - dt.timedelta(days=10))
    assert output["triage"]["level"] == "self_care"
    for days_ago in (3, 2, 1):
        log(sqlite_url, days_ago, heaviness=4, swelling="left")
    text = squash(pdf_text(render_report(read(store, kb)), tmp_path, "-f", "1", "-l", "1"))
    store.close()
    diary = text.index("From the diary: URGENT")
    assert diary < text.index("SELF-CARE")  # the diary's level outranks the old assessment's
    assert "Earlier assessment: SELF-CARE" in text  # named as the earlier word, not today's
    assert "Your left leg alone was swollen on" in text
    assert text.index("clot ruled out") < text.index("Symptoms")


def test_a_diary_warning_no_more_urgent_than_the_assessment_follows_its_box(
    sqlite_url: str, shared: Path, kb: KnowledgeBase
) -> None:
    store = open_store(sqlite_url)
    flight = answers(shared, symptoms={"legs": "left", "swelling": "one_leg"})
    store_assessment(store, kb, flight, NOW - dt.timedelta(days=1))
    log(sqlite_url, 1, heaviness=4, ankle_left_cm=26.0, ankle_right_cm=23.5)
    data = read(store, kb)
    store.close()
    found = diary_facts.diary_warnings(data)
    assert data.assessments[-1].output["triage"]["level"] == "urgent"
    assert found is not None and found.level == "urgent" and not found.outranks


def test_a_day_with_only_a_cramp_count_is_reported(
    sqlite_url: str, kb: KnowledgeBase, tmp_path: Path
) -> None:
    store = open_store(sqlite_url)
    with store.session() as session:  # the diary's table allows a day without a score
        row = {"day": TODAY - dt.timedelta(days=1), "part": "evening", "cramps": 3}
        session.execute(insert(DiaryEntry), [{**row, "created_at": NOW, "updated_at": NOW}])
    text = squash(pdf_text(render_report(read(store, kb)), tmp_path))
    store.close()
    assert "no diary or repeated assessment yet" not in text
    assert "Diary: 1 day logged" in text and "none with a heaviness score" in text
    assert "Cramps: 3 leg cramps on 1 of the 1 diary day" in text


def test_cramps_and_night_cramps_are_counted(
    sqlite_url: str, shared: Path, kb: KnowledgeBase
) -> None:
    store = open_store(sqlite_url)
    store_assessment(store, kb, answers(shared), NOW - dt.timedelta(days=5))
    log(sqlite_url, 3, heaviness=3, cramps=2, night_cramps=True)
    log(sqlite_url, 2, heaviness=3)
    log(sqlite_url, 1, heaviness=3, night_cramps=True)
    lines = diary_facts.diary_counts(read(store, kb))
    store.close()
    when = (TODAY - dt.timedelta(days=1)).strftime("%d %b %Y")
    assert lines == [f"Cramps: 2 leg cramps on 2 of the 3 diary days, at night on 2 of them, "
                     f"the latest {when}"]  # fmt: skip


def test_a_plan_item_without_a_dose_has_no_dangling_comma() -> None:
    titles = {"walking": "Regular walking"}
    assert facts.plan_line({"id": "walking", "when": "daily"}, titles) == "Regular walking: daily"
    assert facts.plan_line({"id": "old_thing"}, titles) == "old thing"
    full = {"id": "walking", "dose": "20 minutes", "when": "daily"}
    assert facts.plan_line(full, titles) == "Regular walking: 20 minutes, daily"


def test_measures_tried_say_the_dose_done(sqlite_url: str, kb: KnowledgeBase) -> None:
    """The plan gives "15–20 minutes"; the report said only on how many days it was done."""
    from heavylegs.diary.entries import record_measure
    from heavylegs.diary.validation import parse_measure_done

    store = open_store(sqlite_url)
    with store.session() as session:
        for days_ago, minutes in ((3, 15), (2, 20), (1, 12.5)):
            day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
            done = {"measure": "leg_elevation", "date": day, "minutes": minutes}
            record_measure(session, parse_measure_done(done, today=TODAY))
        pumps = {"measure": "ankle_pumps", "date": TODAY.isoformat(), "reps": 20}
        record_measure(session, parse_measure_done(pumps, today=TODAY))
    lines = facts.measures_tried(read(store, kb))
    store.close()
    assert lines[0].endswith(", usually 15 min each time")
    assert lines[1].endswith(", usually 20 reps each time")


def test_the_plan_in_the_report_names_every_measure(
    sqlite_url: str, shared: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The report showed the first five measures and three reasons to avoid, and said nothing
    of the rest (the office worker's plan has eight measures)."""
    store = open_store(sqlite_url)
    output = store_assessment(store, kb, answers(shared), NOW - dt.timedelta(days=1))
    text = squash(pdf_text(render_report(read(store, kb)), tmp_path))
    store.close()
    do = output["plan"]["do"]
    assert len(do) > 5
    rest = ", ".join(kb.measures[i["id"]].title for i in do[5:])
    assert f"Also in the plan: {rest}" in text
    avoid = [{"id": f"m{k}", "why": f"reason {k}"} for k in range(5)]
    titles = {"m3": "Saunas", "m4": "Hot baths"}
    _, lines = facts.plan_lines({"avoid": avoid}, titles)
    assert lines[:3] == ["Avoid m0: reason 0", "Avoid m1: reason 1", "Avoid m2: reason 2"]
    assert lines[3] == "Also avoid: saunas, hot baths"
