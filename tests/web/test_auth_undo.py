"""Undo in accounts mode works on any worker: two apps on one database (two workers) share
nothing but the database and the secret, and an Undo made on one is honoured by the other, once,
for its owner only."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.conftest import TODAY
from tests.web.multi_user import SignedIn, multi_user_app, sign_up, sqlite_url


def _token(html: str) -> str:
    found = re.search(r'action="/undo/([^"]+)"', html)
    assert found, "the page offers an Undo"
    return found.group(1)


def test_an_undo_made_on_one_worker_is_honoured_by_another(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    first, second = multi_user_app(url), multi_user_app(url)
    with SignedIn(first), SignedIn(second):
        person = sign_up(first, "u@example.org")
        other = sign_up(first, "v@example.org")
        a = person.client
        a.post(
            "/diary/entries",
            data={"date": TODAY.isoformat(), "part": "evening", "heaviness": "6", "note": "hot"},
        )
        entry_id = re.search(r"/diary/entries/(\d+)/edit", a.get("/diary").text).group(1)  # type: ignore[union-attr]
        gone = a.post(f"/diary/entries/{entry_id}/delete", follow_redirects=True)
        assert gone.status_code == 200 and "Deleted" in gone.text
        token = _token(gone.text)
        assert a.get("/api/v1/diary/entries").json() == []
        # the same browser's next request reaches the other worker
        b = SignedIn(second, base_url="http://127.0.0.1", follow_redirects=True)
        b.cookies.update(a.cookies)
        # someone else holding the token (not the cookie) undoes nothing
        stolen = other.client.post(f"/undo/{token}", data={"next": "/diary"})
        assert stolen.status_code == 410
        undone = b.post(f"/undo/{token}", data={"next": "/diary"})
        assert undone.status_code == 200 and "Undone" in undone.text
        (entry,) = b.get("/api/v1/diary/entries").json()
        assert (entry["heaviness"], entry["note"]) == (6, "hot")
        again = b.post(f"/undo/{token}", data={"next": "/diary"})
        assert again.status_code == 410, "the undo cleared its cookie: it works once"
        assert len(b.get("/api/v1/diary/entries").json()) == 1
