"""Run one clinical case through the real engine and list every way it falls short.

A case is a JSON object with ``answers`` and either ``expect`` (level, acceptable levels, causes
that must reach the top three, measures that must not be in ``do`` and must be in ``avoid``) or
``expect_error`` (field paths the validator must name). The runner is tested itself
(``test_runner.py``) so that a wrong expectation really fails and an error case really calls
the validator.
"""

from __future__ import annotations

from typing import Any

from heavylegs.assessment.engine import assess
from heavylegs.assessment.result import Assessment
from heavylegs.assessment.validation import AnswersError, parse_answers
from heavylegs.knowledge import Urgency, load_knowledge

LEVELS = tuple(level.value for level in Urgency)
MEASURE_KEYS = ("must_not_do", "must_avoid", "must_do", "must_not_avoid")
CAUSE_KEYS = ("causes_top3_any", "top_cause_any", "causes_exactly")


class CaseFormatError(ValueError):
    """The case file itself is malformed (not the engine's fault)."""


def run_case(case: dict[str, Any]) -> list[str]:
    """Failures of the engine on ``case``; an empty list means the case passes."""
    if "answers" not in case:
        raise CaseFormatError(f"{case.get('id', '?')}: no 'answers'")
    has_expect, has_error = "expect" in case, "expect_error" in case
    if has_expect == has_error:
        raise CaseFormatError(f"{case.get('id', '?')}: needs exactly one of expect / expect_error")
    if has_error:
        return _run_error_case(case)
    return _run_expect_case(case)


def _run_error_case(case: dict[str, Any]) -> list[str]:
    wanted = case["expect_error"]
    if not isinstance(wanted, list) or not wanted:
        raise CaseFormatError(f"{case.get('id')}: expect_error must list field paths")
    try:
        parse_answers(case["answers"])
    except AnswersError as exc:
        missing = [path for path in wanted if path not in exc.locations]
        return [f"expected an error at {p}; got {exc.problems}" for p in missing]
    return [f"expected errors at {wanted}, but the answers were accepted"]


def _run_expect_case(case: dict[str, Any]) -> list[str]:
    expect = case["expect"]
    acceptable = expect.get("acceptable_levels") or [expect["level"]]
    if any(level not in LEVELS for level in acceptable):
        raise CaseFormatError(f"{case.get('id')}: unknown level in {acceptable}")
    _check_ids(case.get("id", "?"), expect)
    try:
        result = assess(parse_answers(case["answers"]))
    except AnswersError as exc:
        return [f"answers rejected: {exc.problems}"]
    failures: list[str] = []
    level = result.triage.level.value
    if level not in acceptable:
        failures.append(f"level {level} not in {acceptable}")
    if "min_level" in expect and LEVELS.index(level) < LEVELS.index(expect["min_level"]):
        failures.append(f"level {level} below the minimum {expect['min_level']}")
    top3 = [c.id for c in result.causes[:3]]
    wanted_causes = expect.get("causes_top3_any") or []
    if wanted_causes and not set(top3) & set(wanted_causes):
        failures.append(f"none of {wanted_causes} in the top 3 {top3}")
    do = {item.id for item in result.plan.do}
    avoid = {item.id for item in result.plan.avoid}
    for measure in expect.get("must_not_do") or []:
        if measure in do:
            failures.append(f"{measure} is in plan.do")
    for measure in expect.get("must_avoid") or []:
        if measure not in avoid:
            failures.append(f"{measure} is not in plan.avoid")
    for measure in expect.get("must_do") or []:
        if measure not in do:
            failures.append(f"{measure} is not in plan.do")
    for reason in expect.get("reasons_include") or []:
        if reason not in {r.id for r in result.triage.reasons}:
            failures.append(f"red flag {reason} did not fire")
    failures.extend(_check_wording(expect, result))
    return failures


def _check_ids(case_id: str, expect: dict[str, Any]) -> None:
    """Every measure, cause and red flag id the case names exists in the knowledge base, so a
    renamed entry can never make a 'must not' expectation pass silently."""
    kb = load_knowledge()
    tables = [(key, kb.measures, "measure") for key in MEASURE_KEYS]
    tables += [(key, kb.causes, "cause") for key in CAUSE_KEYS]
    tables.append(("reasons_include", kb.red_flags, "red flag"))
    for key, table, what in tables:
        unknown = [i for i in expect.get(key) or [] if i not in table]
        if unknown:
            raise CaseFormatError(f"{case_id}: {key} names no {what} {unknown}")


def _check_wording(expect: dict[str, Any], result: Assessment) -> list[str]:
    """Expectations on what the person reads: the top cause, the headline, the cause list."""
    failures: list[str] = []
    ids = [c.id for c in result.causes]
    top = expect.get("top_cause_any")
    if top and (not ids or ids[0] not in top):
        failures.append(f"top cause {ids[:1]} not one of {top}")
    if "causes_exactly" in expect and ids != expect["causes_exactly"]:
        failures.append(f"causes {ids} are not exactly {expect['causes_exactly']}")
    for text in expect.get("headline_includes") or []:
        if text.lower() not in result.triage.headline.lower():
            failures.append(f"headline does not mention {text!r}: {result.triage.headline!r}")
    avoid = {item.id for item in result.plan.avoid}
    for measure in expect.get("must_not_avoid") or []:
        if measure in avoid:
            failures.append(f"{measure} is in plan.avoid")
    return failures
