"""The empty diary's insights document (no numpy) against the full computation."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from heavylegs.diary.empty import empty_insights
from heavylegs.diary.escalation import wording_from_kb
from heavylegs.diary.insights import compute_insights
from heavylegs.knowledge import load_knowledge

WORDING = wording_from_kb(load_knowledge())


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_empty_insights_are_the_full_computation_on_no_rows(as_of: dt.date) -> None:
    full = compute_insights([], [], as_of=as_of, wording=WORDING).to_json()
    assert empty_insights(as_of) == full
