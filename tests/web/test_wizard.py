"""The wizard asks exactly what the CLI interview asks, and gives the assessment the same answers."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData
from typer.testing import CliRunner

from heavylegs.assessment.questionnaire import CHECK_AFTER, QUESTIONS, Kind, set_answer
from heavylegs.assessment.validation import parse_answers
from heavylegs.cli import interview
from heavylegs.cli.main import app as cli_app
from heavylegs.web import wizard
from heavylegs.web.app import create_app
from tests.assessment.strategies import answers_documents
from tests.cli.test_interview import script_for
from tests.web.conftest import NOW, BrowserLikeClient

SHOWN = re.compile(r'name="shown" value="([^"]+)"')
BY_PATH = {q.path: q for q in QUESTIONS}


def test_the_early_emergency_check_follows_the_same_sections_as_the_cli() -> None:
    assert interview.CHECK_AFTER == CHECK_AFTER
    assert [wizard.checks_after(step) for step in range(1, 9)] == [
        False,
        False,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_required_fields_come_from_the_schema() -> None:
    assert {q.path for q in QUESTIONS if wizard.is_required(q)} == interview.REQUIRED


def test_parse_field_messages() -> None:
    age = BY_PATH["about.age"]
    cases = {
        "40": 40,
        " 40 ": 40,
        "": None,
        "4.5": "must be a whole number between 12 and 110",
        "abc": "must be a whole number between 12 and 110",
        "111": "must be between 12 and 110",
    }
    for text, expected in cases.items():
        parsed = wizard.parse_field(age, FormData([("about.age", text)]))
        assert parsed is not None
        assert (parsed.error or parsed.value) == expected, text
    water = BY_PATH["lifestyle.water_liters_per_day"]
    parsed = wizard.parse_field(water, FormData([("lifestyle.water_liters_per_day", "1,5")]))
    assert parsed is not None and parsed.value == 1.5
    when = BY_PATH["symptoms.when"]
    both = FormData([("symptoms.when", wizard.NONE_OF_THESE), ("symptoms.when", "at_night")])
    parsed = wizard.parse_field(when, both)
    assert parsed is not None and parsed.error is not None and "not both" in parsed.error
    nothing = FormData([("symptoms.when.present", "1")])
    assert wizard.parse_field(when, nothing) == wizard.Parsed(None)
    assert wizard.parse_field(when, FormData([])) is None


REPLIES = [
    "",
    "y",
    "no",
    "2",
    "left",
    "none",
    "1 3",
    "4.5",
    "1,5",
    "7",
    "1.234",
    "nan",
    "-inf",
    "x",
]


def test_the_wizard_and_the_cli_read_a_reply_alike() -> None:
    """One parser: the same text gives the same value in both faces, or both refuse it."""
    for question in QUESTIONS:
        for reply in REPLIES:
            try:
                typed: Any = interview.parse_reply(question, reply)
            except ValueError:
                typed = "refused"
            if question.kind is Kind.MULTI:
                items = [(question.path, item) for item in reply.split()]
                form = FormData([(f"{question.path}.present", "1"), *items])
            else:
                form = FormData([(question.path, reply)])
            parsed = wizard.parse_field(question, form)
            assert parsed is not None
            sent = "refused" if parsed.error else parsed.value
            assert sent == typed and type(sent) is type(typed), (question.path, reply)


def test_a_hidden_answer_comes_back_when_its_question_does() -> None:
    draft: dict[str, Any] = {}
    set_answer(draft, "symptoms.legs", "both")
    set_answer(draft, "meta.runs", True)
    set_answer(draft, "running.weekly_km", 40)
    assert wizard.schema_answers(draft)["running"] == {"weekly_km": 40}
    set_answer(draft, "meta.runs", False)
    assert "running" not in wizard.schema_answers(draft)
    set_answer(draft, "meta.runs", True)
    assert wizard.schema_answers(draft)["running"] == {"weekly_km": 40}


def _flat(document: dict[str, Any], runs: bool) -> dict[str, Any]:
    wanted = {
        f"{section}.{name}": value
        for section, part in document.items()
        if isinstance(part, dict)
        for name, value in part.items()
    }
    wanted["meta.runs"] = runs
    return wanted


def _form_for(paths: list[str], wanted: dict[str, Any]) -> list[tuple[str, str]]:
    form: list[tuple[str, str]] = [("shown", p) for p in paths]
    for path in paths:
        question = BY_PATH[path]
        value = wanted.get(path)
        if question.kind is Kind.MULTI:
            form.append((f"{path}.present", "1"))
            if value == []:
                form.append((path, wizard.NONE_OF_THESE))
            for item in value or ():
                form.append((path, item))
        elif question.kind is Kind.YES_NO:
            form.append((path, "" if value is None else "yes" if value else "no"))
        else:
            form.append((path, "" if value is None else str(value)))
    return form


def _web_answers(client: TestClient, wanted: dict[str, Any]) -> dict[str, Any]:
    """Click through the wizard as a person giving ``wanted`` would; the stored answers."""
    client.cookies.clear()
    page = client.post("/assess/new")
    for _ in range(40):
        path = page.url.path
        if path.startswith("/results/"):
            stored = client.get("/api/v1/assessments/latest").json()
            return dict(stored["answers"])
        if path == "/assess/alert":
            page = client.get(f"/assess/{int(page.url.params['after']) + 1}")
            continue
        step = int(path.rsplit("/", 1)[1])
        shown = SHOWN.findall(page.text)
        fields: dict[str, list[str]] = {"nav": ["next"]}
        for name, value in _form_for(shown, wanted):
            fields.setdefault(name, []).append(value)
        page = client.post(f"/assess/{step}", data=fields)
        assert page.status_code == 200, page.text
    raise AssertionError("the wizard never finished")


def _cli_answers(wanted: dict[str, Any], tmp: Path) -> dict[str, Any]:
    typed, _ = script_for(wanted, continue_after_emergency=True)
    saved = tmp / "answers.json"
    saved.unlink(missing_ok=True)
    os.environ["HEAVYLEGS_INTERACTIVE"] = "1"
    try:
        # no database: a saved profile would pre-fill (and skip) the sex and age questions
        args = ["assess", "--no-store", "--db", str(tmp / "none.sqlite3"), "--save", str(saved)]
        result = CliRunner().invoke(cli_app, args, input=typed)
    finally:
        del os.environ["HEAVYLEGS_INTERACTIVE"]
    assert result.exit_code == 0, result.output
    raw = json.loads(saved.read_text())
    return parse_answers(raw).model_dump(mode="json", exclude_none=True)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=answers_documents, runs=st.booleans())
def test_the_wizard_and_the_cli_interview_collect_the_same_answers(
    tmp_path: Path, document: dict[str, Any], runs: bool
) -> None:
    client = _client(tmp_path)
    wanted = _flat(document, runs)
    assert _web_answers(client, wanted) == _cli_answers(wanted, tmp_path)


_CLIENTS: dict[str, TestClient] = {}


def _client(tmp_path: Path) -> TestClient:
    key = str(tmp_path)
    if key not in _CLIENTS:
        _CLIENTS.clear()
        app = create_app(f"sqlite:///{tmp_path / 'wizard.sqlite3'}", clock=lambda: NOW)
        _CLIENTS[key] = BrowserLikeClient(app)
    return _CLIENTS[key]
