"""Nested brackets, 5,000-digit numbers and integers beyond 64 bits: exit 2 / 422 naming the problem."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs import safejson
from heavylegs.web.app import create_app
from tests.hostile import generators as gen

CASES = [
    (gen.nested_brackets(), "nested too deeply"),
    (gen.answers_with(gen.long_number()), "5000 digits is too long"),
    (gen.answers_with(gen.beyond_64_bits()), "does not fit in 64 bits"),
    (gen.answers_with("1e400"), "out of range"),
    (gen.answers_with("NaN"), "NaN is not a JSON number"),
]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from heavylegs.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(("body", "problem"), CASES)
def test_the_loader_names_the_problem(body: bytes, problem: str) -> None:
    with pytest.raises(safejson.JsonInputError, match=problem):
        safejson.loads(body)


def test_assess_and_import_backup_exit_2_with_one_line(tmp_path: Path) -> None:
    for i, (body, problem) in enumerate(CASES[:3]):
        path = tmp_path / f"hostile-{i}.json"
        path.write_bytes(body)
        done = cli("assess", "--answers", str(path), "--json", "--no-store")
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and problem in done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
        restored = cli("import-backup", str(path), "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}")
        assert restored.returncode == 2, restored.stderr
        assert problem in restored.stderr and "Traceback" not in restored.stderr


@pytest.mark.parametrize(("body", "problem"), CASES)
def test_the_api_answers_422_naming_the_problem(body: bytes, problem: str) -> None:
    app = create_app(None, secret=b"test")
    with TestClient(app) as client:
        for route in ("/api/v1/assessments", "/api/v1/diary/entries", "/api/v1/measures-done"):
            response = client.post(
                route, content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, (route, response.text)
            assert problem in response.json()["problems"][0]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, derandomize=True)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_value_or_a_named_refusal(data: bytes) -> None:
    try:
        safejson.loads(data)
    except safejson.JsonInputError as exc:
        assert str(exc)


@settings(max_examples=200, derandomize=True)
@given(JSON_VALUES)
def test_documents_within_the_limits_read_as_json_reads_them(value: object) -> None:
    assert safejson.loads(json.dumps(value)) == json.loads(json.dumps(value))
