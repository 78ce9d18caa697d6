"""One way to keep an assessment with its profile, for every face."""

from __future__ import annotations

from heavylegs.store import Store, get_assessment, get_profile, save_assessment
from tests.store.test_assessments import ANSWERS, OUTPUT, T0


def test_saving_keeps_the_assessment_and_folds_the_profile(store: Store) -> None:
    with store.session() as s:
        first = save_assessment(s, ANSWERS, OUTPUT, "kb-1", T0)
    with store.session() as s:
        kept = get_assessment(s, first)
        assert kept is not None and kept.answers == ANSWERS and kept.output == OUTPUT
        assert get_profile(s)["about"] == {"age": 52, "sex": "female"}
    older = {**ANSWERS, "about": {"age": 53}}
    with store.session() as s:
        second = save_assessment(s, older, OUTPUT, "kb-1", T0, update_profile=False)
    with store.session() as s:
        assert second != first and get_assessment(s, second) is not None
        assert get_profile(s)["about"] == {"age": 52, "sex": "female"}
