"""The report's running-load document is the training overview's, narrowed to what it shows."""

from __future__ import annotations

from heavylegs.store import Store
from heavylegs.training.overview import training_overview
from heavylegs.training.recent import recent_load
from tests.reports.conftest import NOW


def test_recent_load_equals_the_overview_on_its_keys(full_store: Store) -> None:
    with full_store.session() as session:
        recent = recent_load(session, NOW)
        overview = training_overview(session, NOW)
    assert set(recent) == {"as_of", "activities", "today", "weeks", "series", "cadence", "diary"}
    assert recent == {key: overview[key] for key in recent}
    assert recent["activities"] == 2
    assert recent["diary"], "the diary scores since the first run are there"
    # the heaviness-against-load comparison is not computed for the report
    assert "heaviness" not in recent and "running_answers" not in recent
