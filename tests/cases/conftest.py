"""Collect every ``*.jsonl`` file in this folder as clinical cases, one test item per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases.runner import run_case


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".jsonl" and file_path.parent == Path(__file__).parent:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFailure(Exception):
    """The engine fell short of a case's expectations."""


class CaseFile(pytest.File):
    def collect(self) -> Iterator[CaseItem]:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            yield CaseItem.from_parent(self, name=case.get("id", f"line{number}"), case=case)


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        failures = run_case(self.case)
        if failures:
            raise CaseFailure(failures)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            lines = "\n".join(f"  - {f}" for f in excinfo.value.args[0])
            note = self.case.get("narrative", "")
            return f"case {self.name} failed:\n{lines}\n  narrative: {note}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.name}"
