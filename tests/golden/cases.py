"""Which inputs have golden outputs, shared by the test and the regenerate command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import SHARED

HERE = Path(__file__).parent
OUT = HERE / "assessments"
VIGNETTES = ("hv-002", "hv-011", "hv-012", "hv-017", "hv-020", "hv-028")


def inputs() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((SHARED / "spec" / "examples").glob("*.json")):
        found[f"example-{path.stem}"] = json.loads(path.read_text(encoding="utf-8"))
    for line in (SHARED / "vignettes" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["id"] in VIGNETTES:
            found[case["id"]] = case["answers"]
    return found


def render(answers: dict[str, Any]) -> str:
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers

    result = assess(parse_answers(answers)).model_dump(mode="json", exclude={"knowledge_version"})
    return json.dumps(result, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
