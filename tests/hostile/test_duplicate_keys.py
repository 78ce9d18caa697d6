"""A key twice in one JSON object is refused naming the key (the last value won without a
word: ``{"heaviness": 2, "heaviness": 9}`` was read as 9), in answers, backups and API bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heavylegs import safejson
from heavylegs.web.app import create_app
from tests.hostile.test_json_limits import cli

ANSWERS = b'{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 2, "heaviness": 9}}'


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"a": 1, "a": 1}', "a"),
        ('[{"x": {"deep": [1, {"k": 1, "j": 2, "k": 3}]}}]', "k"),
        ('{"é": 1, "\\u00e9": 2}', "é"),  # the same key, one escaped
    ],
)
def test_the_loader_names_the_key_given_twice(text: str, key: str) -> None:
    with pytest.raises(safejson.JsonInputError, match=f"the key {key!r} is given twice"):
        safejson.loads(text)


def test_the_same_key_in_different_objects_is_fine() -> None:
    assert safejson.loads('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]') == [
        {"a": 1},
        {"a": 2},
        {"b": {"a": 3}},
    ]


def test_assess_and_import_backup_refuse_it_in_one_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_bytes(ANSWERS)
    done = cli("assess", "--answers", str(answers), "--json", "--no-store")
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.count("\n") == 1 and "'heaviness' is given twice" in done.stderr
    backup = tmp_path / "backup.json"
    backup.write_text('{"format": "heavylegs-backup", "format": "x", "tables": {}}')
    db = tmp_path / "db.sqlite3"
    restored = cli("import-backup", str(backup), "--db", str(db))
    assert restored.returncode == 2, restored.stderr
    assert "the key 'format' is given twice" in restored.stderr
    assert "Traceback" not in restored.stderr and not db.exists()


def test_the_api_answers_422_naming_the_key() -> None:
    app = create_app(None, secret=b"test")
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/assessments", content=ANSWERS, headers={"content-type": "application/json"}
        )
    assert response.status_code == 422, response.text
    assert "'heaviness' is given twice" in json.dumps(response.json())
