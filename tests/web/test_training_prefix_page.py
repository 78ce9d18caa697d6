"""``/training`` with the remembered older part of the load series (training.prefix) is the page
of the whole computation: cold, warm, and after an import, a delete and its undo, a profile
change, and with the remembered part dropped."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heavylegs.store import open_store
from heavylegs.training import overview
from heavylegs.training.prefix import forget
from heavylegs.web.app import create_app
from tests.training.helpers import fit_run, histories_read, insert_heart_rate_run
from tests.web.conftest import NOW, BrowserLikeClient


def _write_runs(url: str) -> None:
    """Two and a half years of runs with heart rate, every one to three days."""
    rng = random.Random(11)
    when = NOW - dt.timedelta(days=900)
    ident = 0
    with open_store(url) as store, store.session() as session:
        while when < NOW - dt.timedelta(days=1):
            ident += 1
            insert_heart_rate_run(session, ident, when, rng, 3600)
            when += dt.timedelta(hours=rng.uniform(20, 70))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    _write_runs(url)
    forget()
    with BrowserLikeClient(create_app(url, clock=lambda: NOW)) as test_client:
        yield test_client
    forget()


def _page(client: TestClient, monkeypatch: pytest.MonkeyPatch, *, quick: bool = True) -> str:
    """The page, after checking it against the page of the whole computation (``quick``: and
    that it was drawn with a prefix)."""
    with histories_read(monkeypatch) as read:
        page = client.get("/training")
    assert page.status_code == 200
    assert (read[-1].prefix is not None) == quick
    with monkeypatch.context() as patch:
        patch.setattr(overview, "detail_since", lambda now, shown: None)
        oracle = client.get("/training")
    assert page.text == oracle.text
    return page.text


def _activities(html: str) -> str:
    found = re.search(r"(\d[\d,]*) activit", html)
    assert found is not None
    return found.group(1)


def test_the_page_is_the_whole_computations_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _page(client, monkeypatch, quick=False)  # stores the heart-rate figures
    assert _page(client, monkeypatch) == first  # the prefix worked out
    assert _page(client, monkeypatch) == first  # and remembered
    count = int(_activities(first).replace(",", ""))

    old = NOW - dt.timedelta(days=700)
    files = [("files", ("old.fit", fit_run(old, 2400), "application/octet-stream"))]
    assert client.post("/training/import", files=files).status_code == 200
    imported = _page(client, monkeypatch, quick=False)  # the new run's figures are stored
    assert _page(client, monkeypatch) == imported
    assert int(_activities(imported).replace(",", "")) == count + 1

    gone = client.post("/training/activities/40/delete")
    assert gone.status_code == 200
    assert int(_activities(_page(client, monkeypatch)).replace(",", "")) == count
    token = re.search(r'action="/undo/([^"]+)"', gone.text)
    assert token is not None
    client.post(f"/undo/{token.group(1)}", data={"next": "/training/activities"})
    assert _page(client, monkeypatch) == imported

    saved = client.post("/profile", data={"resting_hr": "49", "max_hr": "193"})
    assert saved.status_code == 200
    changed = _page(client, monkeypatch, quick=False)  # the figures for the new profile
    assert changed != imported
    assert _page(client, monkeypatch) == changed
    forget()
    assert _page(client, monkeypatch) == changed
