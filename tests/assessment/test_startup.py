"""``startup.quick_assess``: the answers and assessment documents of the full path, from a
cached bundle, or ``None`` so the full path decides (and words the problems)."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from heavylegs.assessment import fast_answers, startup
from heavylegs.assessment.dump import dump_json
from heavylegs.assessment.engine import assess_document
from heavylegs.assessment.validation import AnswersError, parse_answers_json
from tests.assessment.strategies import answers_documents
from tests.assessment.test_fast_answers import _documents


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEAVYLEGS_CACHE_DIR", str(cache))
    return cache


def _full(data: bytes) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        answers = parse_answers_json(data)
    except AnswersError:
        return None
    return dump_json(answers, exclude_none=True), assess_document(answers)


def _same(data: bytes) -> None:
    quick, full = startup.quick_assess(data), _full(data)
    if full is None:
        assert quick is None
        return
    if quick is not None:  # None: the plain checks were not sure, the full path decides
        assert json.dumps(quick) == json.dumps(full)  # same values, same key order


def test_examples_vignettes_and_cases_are_assessed_as_the_full_path_does() -> None:
    taken = 0
    for data in _documents():
        text = json.dumps(data).encode()
        _same(text)
        taken += startup.quick_assess(text) is not None
    assert taken > 50  # the plain path really took them


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(answers_documents)
def test_any_valid_answers_are_assessed_as_the_full_path_does(data: dict[str, Any]) -> None:
    text = json.dumps(data).encode()
    assert startup.quick_assess(text) is not None
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"not json",
        b"[]",
        b'{"schema_version": 1}',
        b'{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": NaN}}',
        b'{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 1e400}}',
        b'{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 11}}',
        b'{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 3}, "x": 1}',
        b"\xff\xfe",
    ],
)
def test_what_the_full_path_refuses_is_left_to_it(text: bytes) -> None:
    assert _full(text) is None
    assert startup.quick_assess(text) is None


EXAMPLE = (json.dumps(_documents()[0])).encode()


def test_the_first_run_writes_the_bundle_later_runs_read_it(_own_cache: Path) -> None:
    assert startup.quick_assess(EXAMPLE) is not None
    (bundle,) = _own_cache.glob("assess-*.pickle")
    assert bundle == startup.bundle_file()
    loaded = pickle.loads(bundle.read_bytes())
    assert isinstance(loaded, startup.Bundle)
    stamp = bundle.stat().st_mtime_ns
    assert startup.quick_assess(EXAMPLE) == _full(EXAMPLE)
    assert bundle.stat().st_mtime_ns == stamp  # read, not written again


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        pickle.dumps({"table": 1}),
        pickle.dumps(startup.Bundle.__new__(startup.Bundle)),
    ],
    ids=["empty", "garbage", "other", "half"],
)
def test_a_bad_bundle_is_rebuilt(content: bytes) -> None:
    target = startup.bundle_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    assert startup.quick_assess(EXAMPLE) == _full(EXAMPLE)
    assert isinstance(pickle.loads(target.read_bytes()), startup.Bundle)


def test_an_unwritable_cache_costs_only_speed(_own_cache: Path) -> None:
    _own_cache.write_text("a file where the folder should be")
    assert startup.quick_assess(EXAMPLE) == _full(EXAMPLE)


def test_changed_code_or_knowledge_is_another_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = startup.bundle_file()
    code = tmp_path / "assessment"
    shutil.copytree(startup.HERE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(startup, "HERE", code)
    assert startup.bundle_file() == before  # the same sources, the same key
    engine = code / "rules.py"
    engine.write_text(engine.read_text() + "\n# changed\n")
    assert startup.bundle_file() != before
    data = tmp_path / "data"
    shutil.copytree(startup.DATA_DIR, data)
    monkeypatch.setattr(startup, "HERE", startup.Path(startup.__file__).parent)
    monkeypatch.setattr(startup, "DATA_DIR", data)
    assert startup.bundle_file() == before
    first = sorted(data.glob("*.yaml"))[0]
    first.write_bytes(first.read_bytes() + b"\n# changed\n")
    assert startup.bundle_file() != before


def test_models_the_plain_checks_do_not_know_turn_the_quick_path_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fast_answers, "answer_table", lambda: None)
    assert startup.load_bundle() is None
    assert startup.quick_assess(EXAMPLE) is None
