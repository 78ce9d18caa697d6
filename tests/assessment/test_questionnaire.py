"""The questionnaire asks the time-critical warning signs (stroke, confusion) first, catches an
emergency at the first check, and asks follow-ups only when they matter. That it asks every field
of the input schema with the schema's own choices and bounds: test_questionnaire_data.py."""

from __future__ import annotations

from typing import Any

import pytest

from heavylegs.assessment.engine import assess
from heavylegs.assessment.questionnaire import (
    CHECK_AFTER,
    QUESTIONS,
    SECTIONS,
    set_answer,
    should_ask,
    to_schema,
)
from heavylegs.assessment.validation import parse_answers

BY_PATH = {q.path: q for q in QUESTIONS}


def test_stroke_signs_and_confusion_open_the_warning_signs() -> None:
    assert SECTIONS[:4] == ("About you", "Your legs", "Warning signs", "Whole body")
    warning = [q.path for q in QUESTIONS if q.section == "Warning signs"]
    assert warning[:2] == [
        "whole_body.face_arm_or_speech_problem",
        "whole_body.confused_or_very_drowsy",
    ]
    assert BY_PATH[warning[0]].ask_if is None and BY_PATH[warning[1]].ask_if is None
    assert "Warning signs" in CHECK_AFTER


def _interview(wanted: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Follow the skip logic to the first early check; the answers and the level there."""
    answers: dict[str, Any] = {}
    section = QUESTIONS[0].section
    for question in QUESTIONS:
        if question.section != section:
            if section in CHECK_AFTER:
                break
            section = question.section
        if should_ask(question, answers):
            set_answer(answers, question.path, wanted.get(question.path))
    return answers, assess(parse_answers(to_schema(answers))).triage.level.value


def test_a_stroke_is_caught_at_the_first_check() -> None:
    answers, level = _interview(
        {"symptoms.legs": "right", "whole_body.face_arm_or_speech_problem": True}
    )
    assert level == "emergency"
    assert answers["whole_body"]["face_arm_or_speech_problem"] is True


@pytest.mark.parametrize(
    ("wanted", "asked", "skipped"),
    [
        (
            {"symptoms.legs": "left", "symptoms.swelling": "none", "symptoms.pain": "none"},
            ["whole_body.confused_or_very_drowsy", "symptoms.hard_tender_vein"],
            [
                "symptoms.swelling_gone_by_morning",
                "symptoms.pain_out_of_proportion",
                "symptoms.cannot_bear_weight",
                "symptoms.bleeding_from_vein",
                "symptoms.skin_dark_blistering_or_numb_patch",
            ],
        ),
        (
            {
                "symptoms.legs": "left",
                "symptoms.swelling": "one_leg",
                "symptoms.pain": "sharp",
                "symptoms.warm_red_skin": True,
                "symptoms.visible_varicose_veins": True,
            },
            [
                "symptoms.swelling_gone_by_morning",
                "symptoms.pain_out_of_proportion",
                "symptoms.cannot_bear_weight",
                "symptoms.bleeding_from_vein",
                "symptoms.skin_dark_blistering_or_numb_patch",
            ],
            [],
        ),
    ],
)
def test_follow_up_questions_only_when_they_matter(
    wanted: dict[str, Any], asked: list[str], skipped: list[str]
) -> None:
    answers: dict[str, Any] = {}
    seen: list[str] = []
    for question in QUESTIONS:
        if should_ask(question, answers):
            seen.append(question.path)
            set_answer(answers, question.path, wanted.get(question.path))
    assert set(asked) <= set(seen)
    assert not set(skipped) & set(seen)
