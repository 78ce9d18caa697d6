"""The plain (pydantic-free) answers reader against its oracle, pydantic itself.

``read_answers`` may only ever accept what ``Answers.model_validate`` accepts, and then give
pydantic's stored document (``model_dump(mode="json", exclude_none=True)``) and the flat values
the rules read (``features.flatten``): the same keys in the same order and the same value types
(compared as JSON text too, so 3 and 3.0, or 1 and True, differ). The table must unpickle and
read in a process that never imports pydantic.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, Field

from heavylegs.assessment import fast_answers
from heavylegs.assessment.answers import Answers, Strict, Unique
from heavylegs.assessment.dump import dump_json
from heavylegs.assessment.fast_answers import answer_table, model_parser
from heavylegs.assessment.features import flatten
from heavylegs.assessment.plain_answers import (
    AnswerTable,
    FieldRule,
    ModelTable,
    ValueRule,
    read_answers,
)
from heavylegs.assessment.shapes import Unsupported
from tests.assessment.strategies import answers_documents
from tests.assessment.test_fast_answers import _documents, _pydantic, mutated
from tests.conftest import REPO


def _table() -> AnswerTable:
    table = answer_table()
    assert table is not None
    return table


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def assert_read_as_pydantic(data: Any, expected: Answers) -> None:
    found = read_answers(data, _table())
    assert found is not None, data
    doc, flat = found
    oracle_doc = expected.model_dump(mode="json", exclude_none=True)
    oracle_flat = flatten(expected)
    assert doc == oracle_doc
    assert _text(doc) == _text(oracle_doc)  # key order and value types
    assert _text(doc) == _text(dump_json(expected, exclude_none=True))
    assert flat == oracle_flat
    assert list(flat) == list(oracle_flat)
    assert [type(v) for v in flat.values()] == [type(v) for v in oracle_flat.values()]
    assert _text(flat) == _text(oracle_flat)


def check_against_pydantic(data: Any) -> bool:
    """Whether pydantic accepted ``data``; ``read_answers`` must agree or give ``None``."""
    expected = _pydantic(data)
    if expected is None:
        assert read_answers(data, _table()) is None, data
        return False
    assert_read_as_pydantic(data, expected)
    return True


def test_every_example_vignette_and_case_is_read_as_pydantic_reads_it() -> None:
    docs = _documents()
    accepted = sum(check_against_pydantic(doc) for doc in docs)
    assert accepted > 50


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(answers_documents)
def test_valid_answers_are_read_as_pydantic_reads_them(doc: dict[str, Any]) -> None:
    assert check_against_pydantic(doc)


@settings(max_examples=700, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_plain_reader_accepts_only_what_pydantic_accepts(doc: Any) -> None:
    found, expected = read_answers(doc, _table()), _pydantic(doc)
    if found is not None:
        assert expected is not None, doc
        assert_read_as_pydantic(doc, expected)


@pytest.mark.parametrize(
    "doc",
    [
        {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": True}},
        {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 3.0}},
        {"schema_version": 1, "symptoms": {"legs": "both"}, "about": {"age": None}},
        {"schema_version": 1, "symptoms": {"legs": "both", "when": ["at_night", "at_night"]}},
        {"schema_version": 1, "symptoms": {"legs": "both"}, "lifestyle": {"bmi": float("nan")}},
        {"schema_version": 1, "symptoms": {"legs": "both"}, "extra": {}},
        {"schema_version": 1},
        [{"schema_version": 1, "symptoms": {"legs": "both"}}],
    ],
)
def test_doubtful_or_invalid_answers_are_left_to_pydantic(doc: Any) -> None:
    """(``test_fast_answers`` tries more doubtful values through the same checks.)"""
    assert read_answers(doc, _table()) is None


def test_whole_numbers_in_number_fields_become_floats_as_in_pydantic() -> None:
    doc = {
        "schema_version": 1,
        "symptoms": {"legs": "left"},
        "running": {"weekly_km": 30, "weekly_km_four_weeks_ago": 20},
    }
    found = read_answers(doc, _table())
    assert found is not None
    assert type(found[0]["running"]["weekly_km"]) is float
    assert type(found[1]["running.weekly_km"]) is float
    assert found[1]["derived.ramp_pct"] == 50.0
    assert_read_as_pydantic(doc, Answers.model_validate(doc))


def test_the_document_is_in_the_models_order_not_the_inputs() -> None:
    doc = {
        "symptoms": {"swelling": "one_leg", "legs": "right"},
        "about": {"age": 70},
        "schema_version": 1,
    }
    found = read_answers(doc, _table())
    assert found is not None
    assert list(found[0]) == ["schema_version", "about", "symptoms"]
    assert list(found[0]["symptoms"]) == ["legs", "swelling"]
    assert_read_as_pydantic(doc, Answers.model_validate(doc))


def test_the_document_does_not_share_the_input_lists() -> None:
    when = ["at_night"]
    found = read_answers(
        {"schema_version": 1, "symptoms": {"legs": "both", "when": when}}, _table()
    )
    when.append("constant")
    assert found is not None
    assert found[0]["symptoms"]["when"] == ["at_night"]
    assert found[1]["symptoms.when"] == ["at_night"]


_CHILD = """
import json, pickle, sys
from heavylegs.assessment.plain_answers import read_answers
table = pickle.loads(sys.stdin.buffer.read())
docs = json.loads(sys.argv[1])
print(json.dumps([read_answers(doc, table) for doc in docs]))
assert "pydantic" not in sys.modules, sorted(m for m in sys.modules if "pydantic" in m)
"""


def test_the_pickled_table_reads_in_a_process_without_pydantic() -> None:
    docs = [doc for doc in _documents()[:20]] + [{"schema_version": 1, "symptoms": {}}]
    table = pickle.dumps(_table())
    assert b"pydantic" not in table
    assert b"heavylegs.assessment.answers" not in table
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(docs)],
        input=table,
        capture_output=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr.decode()
    expected = [read_answers(doc, _table()) for doc in docs]
    assert expected[-1] is None and any(e is not None for e in expected)
    assert done.stdout.decode().strip() == json.dumps(expected)


def test_importing_the_plain_reader_imports_no_pydantic() -> None:
    code = (
        "import sys, heavylegs.assessment.plain_answers, heavylegs.assessment.derived\n"
        "assert 'pydantic' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()


def test_the_table_is_the_answer_models_own() -> None:
    """The table says what the models say: a field the model gains or loses shows here."""
    table = _table()
    assert [f.name for f in table.model.fields] == list(Answers.model_fields)
    for section, paths in table.sections:
        model = Answers.model_fields[section].annotation
        nested = next(f.value.model for f in table.model.fields if f.name == section)
        assert nested is not None and model is not None
        assert list(paths) == [f.name for f in nested.fields]
        assert any(issubclass(a, BaseModel) for a in getattr(model, "__args__", (model,)))
    symptoms = next(f.value.model for f in table.model.fields if f.name == "symptoms")
    assert symptoms is not None
    rules = {f.name: f for f in symptoms.fields}
    assert rules["legs"].required and not rules["legs"].optional
    assert rules["heaviness"].value.low == 0 and rules["heaviness"].value.high == 10
    when = rules["when"].value
    assert when.unique and when.item is not None and "at_night" in when.item.choices


def test_a_model_the_tables_do_not_know_has_no_table(monkeypatch: pytest.MonkeyPatch) -> None:
    class Bad(Strict):
        name: str = Field(pattern="^a")

    with pytest.raises(Unsupported):
        model_parser(Bad)
    monkeypatch.setattr(fast_answers, "_ANSWERS", [])
    monkeypatch.setattr(fast_answers, "Answers", Bad)
    assert answer_table() is None


def test_no_duplicates_on_lists_of_models_is_left_to_pydantic() -> None:
    class Item(Strict):
        name: str

    class Holder(Strict):
        items: Unique[Item]

    with pytest.raises(Unsupported):
        model_parser(Holder)


def test_a_table_refuses_rules_it_cannot_check() -> None:
    with pytest.raises(ValueError):
        ValueRule("enum")
    with pytest.raises(ValueError):
        ValueRule("list")
    with pytest.raises(ValueError):
        ValueRule("list", item=ValueRule("model", model=ModelTable("M", ())), unique=True)
    plain = ModelTable("M", (FieldRule("x", ValueRule("int"), required=True, optional=False),))
    with pytest.raises(ValueError):
        AnswerTable(plain, ("x",))
