"""Accounts mode's Undo: the snapshot travels in a signed cookie, so any worker can undo.

Why: the single-person app keeps the rows a delete or an edit took out in its own memory
(:class:`heavylegs.web.undo_shelf.UndoShelf`). With several workers the Undo may reach another
one, which has nothing. Here the snapshot, its owner and a random token are sealed
(:mod:`heavylegs.web.sealed`, signed with the secret every worker shares) into an HttpOnly cookie;
the Undo form names the token. An undo is accepted only for the same owner, the same token and
within :data:`LIFETIME`, and the cookie is cleared by it. A cookie is not a URL: it reaches no
proxy log and no browser history. A snapshot too large for a cookie (an activity with many
details) stays in the worker's memory as before; that Undo works on that worker only.

The cookie holds the person's own rows and goes only to this site (``SameSite=Lax``, ``Secure``
over https); it is signed, not encrypted, like the wizard's draft cookie.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from starlette.requests import Request

from heavylegs.store.undo import Snapshot
from heavylegs.web import sealed
from heavylegs.web.context import WebContext
from heavylegs.web.undo_shelf import UndoShelf

COOKIE = "heavylegs_undo"
STATE_KEY = "undo_cookie"
"""The cookie's value for the response (``""``: clear it); the accounts middleware sends it."""
LIFETIME = dt.timedelta(minutes=30)
MAX_COOKIE_CHARS = 3800


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {"$map": {k: _encode(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        if "$b" in value:
            return base64.b64decode(value["$b"])
        if "$map" in value:
            return {k: _decode(v) for k, v in value["$map"].items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _key(ctx: WebContext) -> bytes:
    return ctx.secret + b"\x00undo"


class CookieShelf(UndoShelf):
    """The shelf of one request in accounts mode (see the module docstring)."""

    def __init__(self, request: Request, memory: UndoShelf) -> None:
        super().__init__()
        self.request = request
        self.memory = memory
        state = request.scope.setdefault("state", {})
        self.ctx: WebContext = state.get("ctx") or request.app.state.ctx
        self.state = state

    def put(self, owner: str, snapshot: Snapshot, verb: str) -> str:
        token = secrets.token_urlsafe(16)
        document = {
            "token": token,
            "owner": owner,
            "verb": verb,
            "what": snapshot.what,
            "rows": _encode(snapshot.rows),
            "until": (self.ctx.clock() + LIFETIME).isoformat(),
        }
        value = sealed.seal(document, _key(self.ctx))
        if len(value) > MAX_COOKIE_CHARS:
            return self.memory.put(owner, snapshot, verb)
        self.state[STATE_KEY] = value
        return token

    def _found(self, token: str, owner: str) -> tuple[Snapshot, str] | None:
        document = sealed.unseal(self.request.cookies.get(COOKIE), _key(self.ctx))
        if document is None or document.get("token") != token or document.get("owner") != owner:
            return None
        try:
            until = dt.datetime.fromisoformat(str(document["until"]))
            rows = _decode(document["rows"])
        except (KeyError, ValueError, TypeError):
            return None
        if self.ctx.clock() > until or not isinstance(rows, dict):
            return None
        return Snapshot(str(document.get("what", "")), rows), str(document.get("verb", ""))

    def peek(self, token: str, owner: str) -> tuple[Snapshot, str] | None:
        return self._found(token, owner) or self.memory.peek(token, owner)

    def pop(self, token: str, owner: str) -> Snapshot | None:
        found = self._found(token, owner)
        if found is None:
            return self.memory.pop(token, owner)
        self.state[STATE_KEY] = ""
        return found[0]


def cookie_header(value: str, https: bool) -> bytes:
    """The ``Set-Cookie`` header for ``value`` (``""`` clears the cookie)."""
    secure = "; Secure" if https else ""
    if not value:
        return f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}".encode("ascii")
    age = int(LIFETIME.total_seconds())
    return f"{COOKIE}={value}; Path=/; Max-Age={age}; HttpOnly; SameSite=Lax{secure}".encode(
        "ascii"
    )
