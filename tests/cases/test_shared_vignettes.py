"""The shared clinical vignettes (``shared/vignettes/*.jsonl``), each through the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cases.runner import run_case
from tests.conftest import SHARED


def _cases() -> list[dict[str, object]]:
    cases = []
    for path in sorted((SHARED / "vignettes").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


CASES = _cases()


def test_the_shared_vignettes_are_there() -> None:
    assert len(CASES) >= 30, f"expected the dev vignettes in {Path(SHARED) / 'vignettes'}"


@pytest.mark.parametrize("case", CASES, ids=[str(c["id"]) for c in CASES])
def test_vignette(case: dict[str, object]) -> None:
    failures = run_case(case)
    assert not failures, f"{case['id']}: {failures}\n{case.get('narrative', '')}"
