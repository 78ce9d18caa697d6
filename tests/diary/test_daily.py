"""The plain-Python daily heaviness (warnings after ``log`` and ``done``) against the numpy
series, its reference: the same windows and the same warnings for the same diary."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.diary.daily import daily_heaviness
from heavylegs.diary.escalation import escalations, wording_from_kb
from heavylegs.diary.rows import EntryRow, MeasureRow
from heavylegs.diary.series import build_series
from heavylegs.knowledge import load_knowledge

AS_OF = dt.date(2026, 11, 21)
WORDING = wording_from_kb(load_knowledge())
offsets = st.integers(min_value=-3, max_value=70)  # days before AS_OF; negative: after it

entries = st.lists(
    st.builds(
        lambda back, part, score, ankles, swelling: EntryRow(
            AS_OF - dt.timedelta(days=back),
            part,
            heaviness=None if score is None else score / 2,
            ankle_left_cm=None if ankles is None else ankles[0] / 10,
            ankle_right_cm=None if ankles is None else ankles[1] / 10,
            swelling=swelling,
        ),
        offsets,
        st.sampled_from(["morning", "evening"]),
        st.none() | st.integers(min_value=0, max_value=20),
        st.none() | st.tuples(st.integers(200, 260), st.integers(200, 260)),
        st.sampled_from([None, None, "both", "left", "right"]),
    ),
    max_size=80,
)
measures = st.lists(
    st.builds(
        lambda back, name: MeasureRow(name, AS_OF - dt.timedelta(days=back), minutes=10.0),
        offsets,
        st.sampled_from(["ankle_pumps", "legs_up_the_wall"]),
    ),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(entries, measures, st.integers(min_value=0, max_value=80), st.integers(0, 80))
def test_same_windows_and_warnings_as_the_numpy_series(
    rows: list[EntryRow], done: list[MeasureRow], a: int, b: int
) -> None:
    plain = daily_heaviness(rows, done, AS_OF)
    series = build_series(rows, done, AS_OF)
    first, last = AS_OF - dt.timedelta(days=max(a, b)), AS_OF - dt.timedelta(days=min(a, b))
    assert plain.window(first, last) == series.window(first, last).tolist()
    assert escalations(plain, None, WORDING) == escalations(series, None, WORDING)


def test_no_improvement_is_raised_by_both() -> None:
    began = AS_OF - dt.timedelta(days=35)
    rows = [
        EntryRow(AS_OF - dt.timedelta(days=back), "evening", heaviness=6.0) for back in range(42)
    ]
    done = [MeasureRow("ankle_pumps", began, minutes=5.0)]
    plain = escalations(daily_heaviness(rows, done, AS_OF), None, WORDING)
    assert [flag.id for flag in plain] == ["no_improvement"]
    assert plain == escalations(build_series(rows, done, AS_OF), None, WORDING)
