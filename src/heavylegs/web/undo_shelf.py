"""The single-person app's Undo shelf: the latest snapshots in the app's memory, by token.

Why its own module: the pages that change rows (:mod:`heavylegs.web.pages_edits`) put snapshots
here, and accounts mode's cookie shelf (:mod:`heavylegs.web.undo_cookie`) falls back to it for a
snapshot too large for a cookie; neither of those should import the other.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from heavylegs.store.undo import Snapshot

SHELF_SIZE = 50


class UndoShelf:
    """The latest snapshots by token, each for one owner; thread-safe, bounded."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[str, Snapshot, str]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: str, snapshot: Snapshot, verb: str) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._items[token] = (owner, snapshot, verb)
            while len(self._items) > SHELF_SIZE:
                self._items.popitem(last=False)
        return token

    def peek(self, token: str, owner: str) -> tuple[Snapshot, str] | None:
        with self._lock:
            item = self._items.get(token)
        return None if item is None or item[0] != owner else (item[1], item[2])

    def pop(self, token: str, owner: str) -> Snapshot | None:
        with self._lock:
            item = self._items.get(token)
            if item is None or item[0] != owner:
                return None
            del self._items[token]
        return item[1]
