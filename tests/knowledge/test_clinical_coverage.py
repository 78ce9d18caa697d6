"""docs/clinical-coverage.md maps every guideline "when to get help" line to a rule and a case.

The table is the contract that makes the engine generalise: a red flag without a guideline line,
a line whose rule or case does not exist, or a case that does not fire the rule it is said to
prove, fails here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import Assessment
from heavylegs.assessment.validation import parse_answers
from heavylegs.knowledge import load_knowledge
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "clinical-coverage.md"
CASE_FILES = [
    SHARED / "vignettes" / "dev.jsonl",
    *sorted((ROOT / "tests" / "cases").glob("*.jsonl")),
]
TICKED = re.compile(r"`([^`]+)`")
LEVELS = ("routine", "urgent", "emergency")
PAGES = (
    "nhs-oedema",
    "nhs-leg-pain",
    "nhs-dvt",
    "nhs-pe",
    "nhs-cellulitis",
    "nhs-phlebitis",
    "nhs-varicose-veins",
    "nhs-pad",
    "nhs-sciatica",
    "nhs-cauda-equina",
    "nhs-leg-cramps",
    "nhs-rls",
    "nhs-heart-failure",
    "nhs-kidney-disease",
    "nhs-gout",
    "nhs-stroke",
    "nhs-sepsis",
    "eah-consensus-2015",
    "nhs-heat-exhaustion",
    "nhs-statins-side-effects",
)
"""The pages issue 9 asks to cover; each needs at least one mapped line."""


@dataclass(frozen=True)
class Line:
    number: int
    source: str
    text: str
    level: str
    rules: tuple[str, ...]
    cases: tuple[str, ...]
    rule_cell: str


def parse_table(text: str) -> list[Line]:
    lines: list[Line] = []
    for raw in text.splitlines():
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[0].isdigit():
            continue
        number, source, line, level, rule, case = cells
        (source_id,) = TICKED.findall(source) or [source]
        in_scope = not rule.startswith("out of scope:")
        lines.append(
            Line(
                int(number),
                source_id,
                line,
                level,
                tuple(TICKED.findall(rule)) if in_scope else (),
                tuple(TICKED.findall(case)),
                rule,
            )
        )
    return lines


LINES = parse_table(DOC.read_text(encoding="utf-8"))


@cache
def cases() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in CASE_FILES:
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                case = json.loads(raw)
                if "expect" in case:
                    found[case["id"]] = case
    return found


@cache
def result_of(case_id: str) -> Assessment:
    return assess(parse_answers(cases()[case_id]["answers"]))


def test_the_table_parses_and_is_numbered_in_order() -> None:
    assert len(LINES) >= 100
    assert [line.number for line in LINES] == list(range(1, len(LINES) + 1))


def test_every_red_flag_has_a_guideline_line() -> None:
    kb = load_knowledge()
    named = {rule for line in LINES for rule in line.rules}
    missing = sorted(set(kb.red_flags) - named)
    assert not missing, f"red flags with no guideline line in {DOC.name}: {missing}"


def test_every_asked_for_page_is_covered() -> None:
    sources = {line.source for line in LINES}
    assert not set(PAGES) - sources, sorted(set(PAGES) - sources)


@pytest.mark.parametrize("line", LINES, ids=lambda line: f"line{line.number}")
def test_each_line_names_existing_things(line: Line) -> None:
    kb = load_knowledge()
    assert line.source in kb.sources, f"unknown source {line.source!r}"
    assert line.level in LEVELS, line.level
    if not line.rules:
        assert line.rule_cell.startswith("out of scope:"), "a line needs a rule or a reason"
        assert not line.cases
        return
    for rule in line.rules:
        assert rule in kb.red_flags or rule in kb.avoid, f"unknown rule {rule!r}"
    assert line.cases, "a covered line needs a test case"
    for case_id in line.cases:
        assert case_id in cases(), f"unknown case {case_id!r}"


@pytest.mark.parametrize(
    "line", [line for line in LINES if line.rules], ids=lambda line: f"line{line.number}"
)
def test_the_named_case_proves_the_rule(line: Line) -> None:
    """Each named rule fires (red flag) or acts (avoid rule) on at least one named case, at a
    level no lower than the line asks for."""
    kb = load_knowledge()
    for rule in line.rules:
        proven = False
        for case_id in line.cases:
            result = result_of(case_id)
            if rule in kb.red_flags:
                proven |= rule in {r.id for r in result.triage.reasons}
            else:
                acted = {item.id for item in result.plan.avoid} & set(kb.avoid[rule].measures)
                proven |= bool(acted)
        assert proven, f"{rule} does not fire on any of {line.cases}"
        if rule in kb.red_flags:
            flag_rank = LEVELS.index(kb.red_flags[rule].level.value)
            wanted = LEVELS.index(line.level)
            assert flag_rank >= wanted, (
                f"{rule} is {kb.red_flags[rule].level.value}, the line asks for {line.level}"
            )
