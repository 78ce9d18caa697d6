"""scripts/coverage_floor.py: branch coverage floors by folder, as make test checks them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "coverage_floor", REPO / "scripts" / "coverage_floor.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


floor = _load()


def _file(statements: int, lines: int, branches: int, covered: int) -> dict[str, Any]:
    return {
        "summary": {
            "num_statements": statements,
            "covered_lines": lines,
            "num_branches": branches,
            "covered_branches": covered,
        }
    }


REPORT = {
    "files": {
        "src/heavylegs/__init__.py": _file(2, 2, 0, 0),
        "src/heavylegs/assessment/engine.py": _file(90, 90, 10, 5),  # 95 of 100
        "src/heavylegs/assessment/plan.py": _file(40, 39, 10, 10),  # 49 of 50
        "src/heavylegs/knowledge/loader.py": _file(50, 40, 10, 5),  # 45 of 60
        "/elsewhere/tests/helper.py": _file(10, 0, 0, 0),  # not the package: left out
    }
}


def test_folders_add_up_like_coverage_py() -> None:
    tallies = floor.tally(REPORT)
    assert tallies["assessment"].percent == pytest.approx(100 * 144 / 150)
    assert tallies["knowledge"].percent == pytest.approx(75.0)
    assert tallies[""].percent == 100.0
    assert tallies["(all)"].percent == pytest.approx(100 * 191 / 212)


def test_the_folder_under_its_floor_is_named() -> None:
    tallies = floor.tally(REPORT)
    problems = floor.check(tallies, {"(all)": 90.0, "assessment": 95.0, "knowledge": 95.0})
    assert problems == ["knowledge: branch coverage 75.00 % is under its floor of 95 %"]
    assert floor.check(tallies, {"(all)": 90.5}) == [
        "(all): branch coverage 90.09 % is under its floor of 90.5 %"
    ]
    assert floor.check(tallies, {"web": 50}) == ["web: no measured code in the report (floor 50 %)"]


def test_the_command_reads_the_floors_from_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps(REPORT))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.heavylegs.coverage-floors]\n"(all)" = 90\nassessment = 95\n')
    assert floor.main([str(report), "--pyproject", str(pyproject)]) == 0
    assert "assessment    96.00 %  (floor 95 %)" in capsys.readouterr().out
    pyproject.write_text("[tool.heavylegs.coverage-floors]\nknowledge = 95\n")
    assert floor.main([str(report), "--pyproject", str(pyproject)]) == 1
    assert "knowledge: branch coverage 75.00 %" in capsys.readouterr().err


def test_only_checks_the_named_floors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """make test measures two folders: the other floors are not checked, a wrong name is exit 2."""
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps(REPORT))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.heavylegs.coverage-floors]\nassessment = 95\nknowledge = 95\n")
    args = [str(report), "--pyproject", str(pyproject)]
    assert floor.main([*args, "--only", "assessment"]) == 0
    assert "knowledge" not in capsys.readouterr().out
    assert floor.main([*args, "--only", "assessment,knowledge"]) == 1
    assert "knowledge: branch coverage 75.00 %" in capsys.readouterr().err
    assert floor.main([*args, "--only", "web"]) == 2
    assert "--only: no floor for web" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("report", "table", "message"),
    [
        ({"files": {}}, "[tool.heavylegs.coverage-floors]\nx = 1\n", "lists no files"),
        (REPORT, "[tool.other]\nx = 1\n", "no [tool.heavylegs.coverage-floors] table"),
        (REPORT, "[tool.heavylegs.coverage-floors]\nweb = 120\n", "must be a percent"),
    ],
)
def test_an_unusable_report_or_table_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], report: object, table: str, message: str
) -> None:
    (tmp_path / "c.json").write_text(json.dumps(report))
    (tmp_path / "p.toml").write_text(table)
    assert floor.main([str(tmp_path / "c.json"), "--pyproject", str(tmp_path / "p.toml")]) == 2
    assert message in capsys.readouterr().err


def test_the_repository_sets_the_floors_the_issue_asks_for() -> None:
    floors = floor.read_floors(REPO / "pyproject.toml")
    assert floors["assessment"] >= 95 and floors["knowledge"] >= 95 and floors["(all)"] > 0
