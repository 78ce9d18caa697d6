"""Accounts mode: who is asking, and the store they may use.

Why a middleware and not a dependency on each route: every route of the single-person app reads
its store through :func:`heavylegs.web.templating.context`. In accounts mode that context is made
per request here: the signed-in person's store scoped to them (``Store.for_owner``), or, for
nobody, no store at all. No route can reach the unscoped store, and a new route is covered
without a change (``tests/web/test_isolation.py`` tries every one).

Who: ``Authorization: Bearer <token>`` (an API token; then no cookie counts and no CSRF token is
needed: another site cannot make a browser send that header), else the session cookie
(HttpOnly, SameSite=Lax; over https Secure and named ``__Host-heavylegs_session``, see
:func:`session_cookie_name`, else ``heavylegs_session``). Sessions and tokens live in the
database, so any worker knows them. Anonymous requests reach only the sign-in pages, the static
files, the API description and ``POST /api/v1/assessments`` (computed, never stored); the rest
answer 401 (API) or send the browser to ``/login``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heavylegs.web import csrf, quotas, undo_cookie
from heavylegs.web.context import ACCOUNT_OWNER, WebContext

if TYPE_CHECKING:
    from heavylegs.store import Store

SESSION_COOKIE = "heavylegs_session"
HOST_PREFIX = "__Host-"
HOST_SESSION_COOKIE = HOST_PREFIX + SESSION_COOKIE
PUBLIC_PAGES = frozenset({"/login", "/signup", "/logout", "/favicon.ico", "/openapi.json"})
PUBLIC_API = frozenset({"/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/auth/logout"})
ANONYMOUS_ASSESSMENT = ("POST", "/api/v1/assessments")
"""Computed and returned, never stored: the one personal route open without an account."""


@dataclass(frozen=True)
class Server:
    """What accounts mode adds to the app: the unscoped store (only this module, the account
    pages and :mod:`heavylegs.web.people` touch it) and whether a proxy's header is believed."""

    store: Store
    trust_proxy: bool


def server(request: Request) -> Server:
    found: Server = request.app.state.server
    return found


def account(request: Request) -> Any:
    """The signed-in :class:`Account` or ``None``."""
    return (request.scope.get("state") or {}).get("account")


def owner_key(account_id: int) -> str:
    """The web context's owner for an account (the local app's is ``"local"``)."""
    return f"{ACCOUNT_OWNER}{account_id}"


def is_https(request: Request | Scope, trust_proxy: bool) -> bool:
    """Whether the browser spoke https: the connection's scheme, or behind a proxy we were told
    to trust, its ``X-Forwarded-Proto`` (anyone can send that header to a bare server)."""
    scope = request.scope if isinstance(request, Request) else request
    if scope.get("scheme") == "https":
        return True
    if trust_proxy:
        proto = Headers(scope=scope).get("x-forwarded-proto", "")
        return proto.split(",")[0].strip().lower() == "https"
    return False


DRAFT_COOKIE = "heavylegs_draft"
"""The wizard's draft answers (:mod:`heavylegs.web.pages_assess`): a browser's, not an
account's, so it goes when someone signs in or out (a shared computer shows no one else's)."""
UNDO_COOKIE = undo_cookie.COOKIE
"""The rows of the last delete or edit, for its Undo: they go with the draft."""


def _new_session_cookie(response: Response, request: Request) -> dict[str, Any]:
    """The session cookie's attributes (the same to set it and to clear it); the wizard's draft
    and the Undo snapshot go with any change of session."""
    for name in (DRAFT_COOKIE, UNDO_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="lax")
    secure = is_https(request, server(request).trust_proxy)
    return {"path": "/", "httponly": True, "samesite": "lax", "secure": secure}


def session_cookie_name(https: bool) -> str:
    """The session cookie's name: over https ``__Host-heavylegs_session``.

    Why the prefix: a browser takes a ``__Host-`` cookie only from this very host, Secure, with
    ``Path=/`` and no ``Domain``. A sibling site (``evil.example.org`` next to
    ``heavylegs.example.org``) can set a plain ``heavylegs_session`` for the whole domain, or a
    path-specific one sent first ("cookie tossing"), and sign the person's browser into the
    attacker's account, where their diary would then be written. Over https only the prefixed
    name is read. Plain http (the loopback, tests) cannot have it: browsers refuse it there.
    """
    return host_only(SESSION_COOKIE, https)


def host_only(name: str, https: bool) -> str:
    """A cookie's name, prefixed ``__Host-`` over https (:func:`session_cookie_name`: why)."""
    return HOST_PREFIX + name if https else name


def set_session_cookie(
    response: Response, request: Request, token: str, device_of: str | None = None
) -> None:
    """The new session's cookie; after a sign-in (``device_of``: the account's email) the
    device cookie too (:func:`set_device_cookie`)."""
    attributes = _new_session_cookie(response, request)
    if attributes["secure"]:  # an unprefixed cookie of this host from before: gone too
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    response.set_cookie(session_cookie_name(attributes["secure"]), token, **attributes)
    if device_of is not None:
        set_device_cookie(response, request, device_of)


DEVICE_COOKIE = "heavylegs_device"
DEVICE_LIFETIME_S = 365 * 24 * 3600


def _device_mac(request: Request, email: str, nonce: str) -> str:
    ctx: WebContext = request.app.state.ctx
    message = b"device\x00" + email.encode("utf-8") + b"\x00" + nonce.encode("ascii")
    return hmac.new(ctx.secret, message, hashlib.sha256).hexdigest()[:40]


def set_device_cookie(response: Response, request: Request, email: str) -> None:
    """Mark this browser as one ``email`` (folded) signed in from: a random nonce and its HMAC
    under the app's secret, for a year. Not a credential (it signs nobody in); it only lets the
    browser past the account's limit over every address
    (:data:`heavylegs.store.login_limits.MAX_ACCOUNT_FAILURES`), so guessing from elsewhere
    does not hold the person's own devices. Named like the session cookie (``__Host-`` over
    https), so a sibling site cannot plant one either."""
    https = is_https(request, server(request).trust_proxy)
    nonce = secrets.token_urlsafe(12)
    response.set_cookie(
        host_only(DEVICE_COOKIE, https),
        f"{nonce}.{_device_mac(request, email, nonce)}",
        max_age=DEVICE_LIFETIME_S,
        path="/",
        httponly=True,
        samesite="lax",
        secure=https,
    )


def device_known(request: Request, email: str) -> bool:
    """Whether this browser carries a device cookie of ``email`` (folded)."""
    https = is_https(request, server(request).trust_proxy)
    value = request.cookies.get(host_only(DEVICE_COOKIE, https), "")
    nonce, _, mac = value.partition(".")
    if not nonce or not mac or len(value) > 128 or not value.isascii():
        return False
    return hmac.compare_digest(mac, _device_mac(request, email, nonce))


def clear_session_cookie(response: Response, request: Request) -> None:
    attributes = _new_session_cookie(response, request)
    response.delete_cookie(session_cookie_name(attributes["secure"]), **attributes)


def session_token(request: Request) -> str | None:
    """The session cookie of this request (:func:`session_cookie`, by the request's scheme)."""
    return session_cookie(request.headers, is_https(request, server(request).trust_proxy))


def csrf_for_session(request: Request, session_token: str) -> str:
    """The CSRF token of a session: bound to it, so a new session (login) has a new one."""
    ctx: WebContext = request.app.state.ctx
    return csrf.token_for(ctx.secret, session_token)


def bearer(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer`` header (``""`` for a malformed one)."""
    value = headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def session_cookie(headers: Headers, https: bool = False) -> str | None:
    """The session cookie's value (named by :func:`session_cookie_name`), read exactly as
    :class:`heavylegs.web.guard.Guard` reads the one it binds the CSRF token to
    (:func:`session_reader`): the first of that name, and only a value it could bind.

    Why the same: a cookie planted by another site (``heavylegs_session=`` before the real one)
    must not make the CSRF check use one cookie while the account is found by the other.
    """
    name = session_cookie_name(https)
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value if csrf.valid_nonce(value) else None
    return None


def session_reader(trust_proxy: bool) -> Callable[[Scope], str | None]:
    """What the guard binds a signed-in browser's CSRF token to: :func:`session_cookie`."""

    def read(scope: Scope) -> str | None:
        return session_cookie(Headers(scope=scope), is_https(scope, trust_proxy))

    return read


def is_public(method: str, path: str) -> bool:
    if path.startswith("/static/") or path in PUBLIC_PAGES or path in PUBLIC_API:
        return True
    return (method, path.rstrip("/")) == ANONYMOUS_ASSESSMENT


class Accounts:
    """ASGI middleware: resolves the account and gives the request its scoped context."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from heavylegs.store import accounts as store_accounts

        starlette_app = scope["app"]
        base: WebContext = starlette_app.state.ctx
        srv: Server = starlette_app.state.server
        headers = Headers(scope=scope)
        token = bearer(headers)
        https = is_https(scope, srv.trust_proxy)
        cookie = None if token is not None else session_cookie(headers, https)
        found = None
        now = base.clock()
        if token:
            found = await run_in_threadpool(store_accounts.token_account, srv.store, token, now)
        elif cookie:
            found = await run_in_threadpool(store_accounts.session_account, srv.store, cookie, now)
        state = scope.setdefault("state", {})
        path: str = scope["path"]
        if found is not None:
            state["account"] = found
            state["session_token"] = cookie
            mine = srv.store.for_owner(found.id)
            state["ctx"] = dataclasses.replace(base, store=mine, owner=owner_key(found.id))
            if quotas.counted(scope["method"], path):
                refused = await run_in_threadpool(quotas.rows_refused, mine)
                if refused is not None:
                    await _over_quota(scope, receive, send, refused)
                    return
        else:
            state["ctx"] = base  # no store: nothing can be read or kept
            if not is_public(scope["method"], path):
                await _unauthenticated(scope, receive, send, stale=bool(cookie or token))
                return

        async def send_with_undo(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = state.get(undo_cookie.STATE_KEY)
                if value is not None:
                    header = (b"set-cookie", undo_cookie.cookie_header(value, https))
                    message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, send_with_undo)


async def _over_quota(scope: Scope, receive: Receive, send: Send, why: str) -> None:
    """507 Insufficient Storage (RFC 4918), as an upload over the person's limit is answered."""
    from heavylegs.web.problems import single
    from heavylegs.web.templating import page

    response: Response
    if scope["path"].startswith("/api/"):
        response = single(507, why)
    else:
        response = page(Request(scope, receive), "not_found.html", {"what": why.capitalize()}, 507)
    await response(scope, receive, send)


async def _unauthenticated(scope: Scope, receive: Receive, send: Send, *, stale: bool) -> None:
    from heavylegs.web.problems import single

    path: str = scope["path"]
    request = Request(scope, receive)
    response: Response
    if path.startswith("/api/"):
        what = "sign in first: the session has ended" if stale else "sign in first"
        response = single(401, f"{what} (a session cookie or Authorization: Bearer <token>)")
        response.headers["WWW-Authenticate"] = 'Bearer realm="heavylegs"'
    elif scope["method"] in ("GET", "HEAD"):
        query = scope["query_string"].decode("latin-1")
        target = f"{path}?{query}" if query else path
        response = RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
    else:
        from heavylegs.web.templating import page

        message = "Please sign in again: your session has ended." if stale else "Please sign in."
        response = page(request, "not_found.html", {"what": message}, 401)
    if stale and "app" in scope:
        https = is_https(scope, server(request).trust_proxy)
        response.delete_cookie(session_cookie_name(https), path="/", secure=https)
    await response(scope, receive, send)


def scoped_store(request: Request) -> Store:
    """The signed-in person's own store (401 if nobody: the middleware already refused)."""
    ctx: WebContext = request.scope["state"]["ctx"]
    if ctx.store is None:
        from fastapi import HTTPException

        raise HTTPException(401, "sign in first")
    return ctx.store


def document_accounts(document: dict[str, Any]) -> dict[str, Any]:
    """``/openapi.json`` of accounts mode: how to authenticate, and the 401 (and for writes the
    403 of a missing CSRF token) every non-public operation can answer."""
    problems = {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["bearer"] = {"type": "http", "scheme": "bearer", "description": "An API token"}
    schemes["session"] = {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if is_public(method.upper(), path):
                continue
            operation["security"] = [{"bearer": []}, {"session": []}]
            responses = operation["responses"]
            responses.setdefault("401", {"description": "Not signed in", "content": problems})
            if method in ("post", "put", "patch", "delete"):
                what = "A session cookie without its X-CSRF-Token header"
                responses.setdefault("403", {"description": what, "content": problems})
    return document
