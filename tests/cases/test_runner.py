"""The case runner must really fail: a wrong expectation or an accepted error case is a failure."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.cases.runner import CaseFormatError, run_case

HERE = Path(__file__).parent
DVT = json.loads((HERE / "heavylegs.jsonl").read_text(encoding="utf-8").splitlines()[0])


def test_a_passing_case_passes() -> None:
    assert run_case(DVT) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"acceptable_levels": ["self_care"]}, "not in"),
        ({"causes_top3_any": ["glycogen_depletion"]}, "top 3"),
        ({"must_not_do": ["get_same_day_care"]}, "plan.do"),
        ({"must_avoid": ["book_appointment"]}, "plan.avoid"),
        ({"reasons_include": ["cauda_equina"]}, "did not fire"),
        ({"top_cause_any": ["glycogen_depletion"]}, "top cause"),
        ({"causes_exactly": ["deep_vein_thrombosis"]}, "not exactly"),
        ({"headline_includes": ["sepsis"]}, "headline"),
        ({"must_not_avoid": ["massage"]}, "plan.avoid"),
    ],
)
def test_a_wrong_expectation_fails(change: dict[str, object], fragment: str) -> None:
    case = copy.deepcopy(DVT)
    case["expect"].update(change)
    failures = run_case(case)
    assert failures and any(fragment in f for f in failures), failures


def test_an_error_case_calls_the_validator() -> None:
    bad = {
        "id": "x",
        "answers": {"schema_version": 1, "symptoms": {"legs": "both", "heaviness": 11}},
    }
    assert run_case({**bad, "expect_error": ["symptoms.heaviness"]}) == []
    assert run_case({**bad, "expect_error": ["symptoms.legs"]}), "a wrong path must fail"
    good = {"id": "y", "answers": {"schema_version": 1, "symptoms": {"legs": "both"}}}
    failures = run_case({**good, "expect_error": ["symptoms.legs"]})
    assert failures and "accepted" in failures[0]


def test_malformed_cases_are_reported_as_such() -> None:
    with pytest.raises(CaseFormatError):
        run_case({"id": "z", "answers": {}})
    with pytest.raises(CaseFormatError):
        run_case({"id": "z", "answers": {}, "expect": {}, "expect_error": ["a"]})


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"must_not_do": ["massages"]}, "must_not_do names no measure"),
        ({"must_avoid": ["swimming_in_lava"]}, "must_avoid names no measure"),
        ({"must_do": ["get_same_day_cares"]}, "must_do names no measure"),
        ({"must_not_avoid": ["walkin"]}, "must_not_avoid names no measure"),
        ({"causes_top3_any": ["dvt"]}, "causes_top3_any names no cause"),
        ({"top_cause_any": ["blood_clot"]}, "top_cause_any names no cause"),
        ({"causes_exactly": ["deep_vein_thrombosis", "x"]}, "causes_exactly names no cause"),
        ({"reasons_include": ["suspected_dvts"]}, "reasons_include names no red flag"),
    ],
)
def test_an_id_the_knowledge_base_lacks_is_a_case_error(
    change: dict[str, object], fragment: str
) -> None:
    """A renamed measure or cause must never make a 'must not' expectation pass silently."""
    case = copy.deepcopy(DVT)
    case["expect"].update(change)
    with pytest.raises(CaseFormatError, match=fragment):
        run_case(case)
