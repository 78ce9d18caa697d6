"""The diary page reads one year of rows for its insights, yet warns exactly as the whole diary does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.testclient import TestClient

from heavylegs.store import open_store
from heavylegs.store.models import Base
from heavylegs.web.app import create_app

NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)


def _diary(url: str) -> None:
    """Two years: light legs before the measures began 700 days ago, heavy a year ago (inside
    the measures), middling now. Against the start the measures have not helped."""
    today = NOW.date()
    began = today - dt.timedelta(days=700)
    entries, done = [], []
    for back in range(730, -1, -1):
        day = today - dt.timedelta(days=back)
        score = 2 if day < began else 6 if back > 300 else 4
        entries += [
            {"day": day, "part": part, "heaviness": score, "created_at": NOW, "updated_at": NOW}
            for part in ("morning", "evening")
        ]
        if day >= began:
            done.append({"measure": "ankle_pumps", "day": day, "minutes": 5.0, "source": "manual"})
    store = open_store(url)
    with store.session() as session:
        session.execute(Base.metadata.tables["diary_entries"].insert(), entries)
        session.execute(Base.metadata.tables["measures_done"].insert(), done)
    store.close()


def test_no_improvement_warning_counts_from_the_first_measure_ever(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    _diary(url)
    with TestClient(create_app(url, clock=lambda: NOW), base_url="http://127.0.0.1") as client:
        whole = client.get("/api/v1/insights").json()["escalation"]
        page = client.get("/diary").text
    assert [e["id"] for e in whole] == ["no_improvement"]
    began = (NOW.date() - dt.timedelta(days=700)).isoformat()
    assert f"when you began the measures on {began}" in page
    assert "against 2.0" in page
