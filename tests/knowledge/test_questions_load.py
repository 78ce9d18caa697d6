"""questions.yaml is validated at load like the other knowledge files, and a problem names the
question by its field path (the field types and values are checked by the assessment stage:
tests/assessment/test_questionnaire_data.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from heavylegs.knowledge.loader import DATA_DIR, KnowledgeError, parse_knowledge


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(data: Path, old: str, new: str) -> None:
    path = data / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in questions.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_questionnaire_loads_in_order() -> None:
    questionnaire = parse_knowledge().questionnaire
    titles = [section.title for section in questionnaire.sections]
    assert titles[:4] == ["About you", "Your legs", "Warning signs", "Whole body"]
    assert [s.check_after for s in questionnaire.sections[:4]] == [False, False, True, True]
    running = questionnaire.sections[titles.index("Running")]
    assert running.gate is not None and running.gate.covers == "running"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (  # a malformed ask_if
            "ask_if: {symptoms.warm_red_skin: true}\n",
            "ask_if: {warm_red_skin: true}\n",
            r"questions.yaml: .*question symptoms.redness_spreading ask_if: .*unknown condition form",
        ),
        (  # a misspelt key
            "      text: Is the red area spreading?",
            "      txt: Is the red area spreading?",
            r"questions.yaml: .*question symptoms.redness_spreading txt: Extra inputs are not permitted",
        ),
        (  # a path that is no section.field
            "path: symptoms.redness_spreading",
            "path: redness_spreading",
            r"questions.yaml: .*question redness_spreading path: String should match pattern",
        ),
        (  # a plan rule's condition cannot skip a question: no red flag has fired yet
            "ask_if: {symptoms.warm_red_skin: true}\n",
            "ask_if: {red_flag: cellulitis}\n",
            r"question symptoms.redness_spreading ask_if: RedFlagFired only works in plan rules",
        ),
        (  # asked twice
            "path: symptoms.redness_spreading",
            "path: symptoms.warm_red_skin",
            r"question symptoms.warm_red_skin: asked twice",
        ),
        (  # asked and also listed as not asked
            "not_asked: {}",
            "not_asked: {symptoms.itching: asked elsewhere}",
            r"question symptoms.itching: both asked and listed in not_asked",
        ),
        (  # no path: named by its place
            "    - path: symptoms.redness_spreading\n",
            "    -\n",
            r"questions.yaml: sections.2.questions.4.path: Field required",
        ),
        (  # a gate outside meta.*: it would be taken for an answer
            "gate: {path: meta.runs,",
            "gate: {path: running.runs,",
            r"questions.yaml: .*sections.6.gate.path: String should match pattern",
        ),
    ],
)
def test_a_bad_question_fails_the_load_naming_it(
    data_copy: Path, old: str, new: str, message: str
) -> None:
    _edit(data_copy, old, new)
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge(data_copy)


def test_questions_must_be_a_mapping(data_copy: Path) -> None:
    (data_copy / "questions.yaml").write_text("- path: about.age\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"questions.yaml: must be a mapping"):
        parse_knowledge(data_copy)


def test_a_second_questions_file_adds_sections_after_the_first(data_copy: Path) -> None:
    text = (data_copy / "questions.yaml").read_text(encoding="utf-8")
    head, tried = text.split("\n- title: What you have tried\n")
    (data_copy / "questions.yaml").write_text(head, encoding="utf-8")
    (data_copy / "questions_tried.yaml").write_text(
        "sections:\n- title: What you have tried\n" + tried, encoding="utf-8"
    )
    assert parse_knowledge(data_copy).questionnaire == parse_knowledge().questionnaire
