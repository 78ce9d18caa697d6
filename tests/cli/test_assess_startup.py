"""``assess --answers F --json`` builds no pydantic validator or serializer (start-up, issue 15),
and once the bundle of ``assessment.startup`` is cached it does not import pydantic at all. The
printed document and the stored row stay the ones pydantic's own path gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heavylegs.assessment.answers import Answers
from heavylegs.assessment.engine import assess
from tests.conftest import SHARED

EXAMPLES = sorted((SHARED / "spec" / "examples").glob("*.json"))

CHILD = """\
import atexit, sys
sys.argv = ['heavylegs', *sys.argv[1:]]

def report():
    from pydantic import BaseModel
    from heavylegs.assessment import answers, result
    from heavylegs.knowledge import models
    built = sorted(
        cls.__name__
        for module in (answers, result, models)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__pydantic_complete__
    )
    sys.stderr.write('BUILT ' + ' '.join(built) + '\\n')
    sys.stderr.write('LOADER ' + str('pydantic.plugin._loader' in sys.modules) + '\\n')

atexit.register(report)
from heavylegs.cli.main import run
run()
"""


@pytest.mark.parametrize("store", [False, True])
@pytest.mark.parametrize("example", EXAMPLES[:2], ids=lambda path: path.stem)
def test_assess_json_builds_no_pydantic_schema(tmp_path: Path, example: Path, store: bool) -> None:
    env = {
        **os.environ,
        "HEAVYLEGS_DB": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache"),
    }
    args = ["assess", "--answers", str(example), "--json", *([] if store else ["--no-store"])]
    for _ in range(2):  # the first run fills the knowledge and rules caches
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env
        )
    assert done.returncode == 0, done.stderr
    assert "BUILT \n" in done.stderr, done.stderr
    assert "LOADER False" in done.stderr
    answers = Answers.model_validate(json.loads(example.read_bytes()))
    expected = json.dumps(assess(answers).model_dump(mode="json"), indent=2, ensure_ascii=False)
    assert done.stdout == expected + "\n"
    assert (tmp_path / "db.sqlite3").exists() is store


IMPORTS = """\
import atexit, sys
sys.argv = ['heavylegs', *sys.argv[1:]]
atexit.register(lambda: sys.stderr.write(
    'PYDANTIC ' + str(any(m.split('.')[0] == 'pydantic' for m in sys.modules)) + '\\n'
))
from heavylegs.cli.main import run
run()
"""


@pytest.mark.parametrize("store", [False, True])
def test_assess_json_imports_no_pydantic_once_the_bundle_is_cached(
    tmp_path: Path, store: bool
) -> None:
    """The first run writes the bundle (``assessment.startup``); the next ones import neither
    pydantic nor the models, print the full path's document and store what it stores."""
    example = EXAMPLES[0]
    env = {
        **os.environ,
        "HEAVYLEGS_DB": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache"),
    }
    args = ["assess", "--answers", str(example), "--json", *([] if store else ["--no-store"])]
    runs = [
        subprocess.run(
            [sys.executable, "-c", IMPORTS, *args], capture_output=True, text=True, env=env
        )
        for _ in range(3)
    ]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[0].stderr
    assert "PYDANTIC True" in runs[0].stderr  # the first run builds the bundle
    assert all("PYDANTIC False" in r.stderr for r in runs[1:]), runs[1].stderr
    answers = Answers.model_validate(json.loads(example.read_bytes()))
    expected = assess(answers).model_dump(mode="json")
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert [r.stdout for r in runs] == [text] * 3
    if not store:
        assert not (tmp_path / "db.sqlite3").exists()
        return
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        rows = db.execute("SELECT answers, output, triage_level FROM assessments").fetchall()
    assert len(rows) == 3
    for stored_answers, output, level in rows:
        assert json.loads(stored_answers) == answers.model_dump(mode="json", exclude_none=True)
        assert json.loads(output) == expected
        assert level == expected["triage"]["level"]
