"""A small ASGI middleware: security headers, and refusal of cross-site writes and foreign hosts.

Why: the app holds health data and listens on the person's own machine, where any web page they
visit could try to post to ``127.0.0.1:8000`` (cross-site request forgery) or reach it under
another name (DNS rebinding). So a write whose ``Origin`` is another site is refused, and with
``allowed_hosts`` a request for any other ``Host`` too. The Content-Security-Policy allows only
this site's own scripts and styles (htmx is vendored, nothing comes from a CDN). The referrer
policy is ``same-origin``, not ``no-referrer``: with the latter browsers send ``Origin: null`` on
form posts and the origin check could not tell our own forms from anyone else's.

Every state-changing request also needs a CSRF token (:mod:`heavylegs.web.csrf`): a page's form in
its hidden field or htmx's header; an API call that carries the browser's cookie in the
``X-CSRF-Token`` header. API bodies must be ``application/json`` (415 otherwise): a cross-site
form can send ``text/plain`` that parses as JSON, but never ``application/json`` without a CORS
preflight, which this app does not answer. Bodies are read as counted streams with limits
(:mod:`heavylegs.web.bodies`): 413 as soon as one goes past, even when chunked.

Plain ASGI rather than ``BaseHTTPMiddleware``: it adds almost nothing to each request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heavylegs.web import bodies, csrf

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
API_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
"""JSON is never rendered as a page, so the API skips the page-only headers (and their cost)."""
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NO_STORE = (b"cache-control", b"no-store")
"""Every page and answer but the static files may hold health data (results, the diary, the
backup): none is kept in a browser's or a proxy's cache."""


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Sequence[str] | None = None,
        secret: bytes = b"",
        session_cookie: str | None = None,
        upload_max_bytes: int | None = None,
        session_of: Callable[[Scope], str | None] | None = None,
    ) -> None:
        """``session_cookie`` (accounts mode): the cookie whose value a signed-in browser's CSRF
        token is bound to, so a new session (login) has a new token and any worker checks it.
        ``session_of``: reads that cookie's value as the accounts middleware does (its name
        depends on https: :func:`heavylegs.web.auth.session_cookie`)."""
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
        self.secret = secret
        self.session_cookie = session_cookie
        self.session_of = session_of
        self.upload_max_bytes = upload_max_bytes
        """A lower bound for uploads than :data:`heavylegs.web.bodies.UPLOAD_MAX_BYTES`
        (accounts mode: :mod:`heavylegs.web.quotas`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.allowed is not None and _hostname(host) not in self.allowed:
            await PlainTextResponse("Unknown host name.", status_code=400)(scope, receive, send)
            return
        path: str = scope["path"]
        api = path.startswith("/api/")
        cookie = _cookie(headers.get("cookie", ""), csrf.COOKIE)
        if self.session_of is not None:
            session = self.session_of(scope)
            cookie = session if session is not None else cookie
        elif self.session_cookie is not None:
            session = _cookie(headers.get("cookie", ""), self.session_cookie)
            cookie = session if csrf.valid_nonce(session) else cookie
        nonce = cookie if csrf.valid_nonce(cookie) else None
        fresh = nonce is None
        if nonce is None:
            nonce = csrf.new_nonce()
        scope.setdefault("state", {})["csrf_token"] = csrf.token_for(self.secret, nonce)
        # An API call with a bearer token (accounts mode) carries no cookie that counts: another
        # site cannot make a browser send that header, so it needs no CSRF token.
        bearer = api and self.session_cookie is not None and "authorization" in headers

        if scope["method"] in UNSAFE:
            try:
                checked = None if fresh or bearer else nonce
                receive = await self._check_write(scope, headers, receive, checked)
            except Refusal as refusal:
                await _refuse(scope, receive, send, refusal.status, str(refusal), api)
                return

        extra = list(API_HEADERS if api else HEADERS)
        if not path.startswith("/static/"):
            extra.append(NO_STORE)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), *extra]
                # The cookie goes with the page that carries its token, and only with a page: a
                # stylesheet fetched alongside must not replace it with another one.
                if fresh and not api and _is_html(headers):
                    headers.append((b"set-cookie", _cookie_header(nonce)))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except bodies.TooLarge as exc:
            if started:
                raise
            await _refuse(scope, receive, send, 413, _too_large(exc.limit), api)

    async def _check_write(
        self, scope: Scope, headers: Headers, receive: Receive, nonce: str | None
    ) -> Receive:
        """The ``receive`` the app may read from, or :class:`Refusal`."""
        host = headers.get("host", "")
        origin = headers.get("origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            raise Refusal(403, "Cross-site request refused.")
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            raise Refusal(403, "Cross-site request refused.")
        path: str = scope["path"]
        limit = bodies.limit_for(path)
        if self.upload_max_bytes is not None and path in bodies.UPLOAD_PATHS:
            limit = min(limit, self.upload_max_bytes)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refusal(413, _too_large(limit))
        has_body = (declared.isdigit() and int(declared) > 0) or "transfer-encoding" in headers
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        limited = bodies.Limited(receive, limit)
        header_token = headers.get(csrf.HEADER)
        if path.startswith("/api/"):
            if has_body and content_type != "application/json":
                raise Refusal(415, "the body must be JSON sent as Content-Type: application/json")
            if nonce is not None and not csrf.token_ok(self.secret, nonce, header_token):
                raise Refusal(403, "a browser request needs the X-CSRF-Token header")
            return limited
        if nonce is None:
            raise Refusal(403, EXPIRED)
        read = bodies.Read(None, [])
        # A small form is read here whatever carries its token, so its bounds (fields, sizes)
        # always hold; an upload is read only as far as its token when no header carries it.
        if header_token is None or content_type == bodies.URLENCODED:
            try:
                read = await bodies.read_form_token(limited, content_type, csrf.FIELD)
            except bodies.TooLarge as exc:
                raise Refusal(413, _too_large(exc.limit)) from None
            except bodies.BadForm as exc:
                raise Refusal(413, f"This form cannot be used: {exc}.") from None
        token = header_token if header_token is not None else read.token
        if not csrf.token_ok(self.secret, nonce, token):
            raise Refusal(403, EXPIRED)
        limited.replay = read.messages
        return limited


EXPIRED = (
    "This form has expired or was sent from another site. Go back, reload the page and try again."
)


class Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _too_large(limit: int) -> str:
    return f"too large (at most {limit} bytes)"


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, message: str, api: bool
) -> None:
    response: Response
    if api:
        from heavylegs.web.problems import single

        response = single(status, message[:1].lower() + message[1:].rstrip("."))
    elif "app" in scope:
        from starlette.requests import Request

        from heavylegs.web.templating import page

        what = message[:1].upper() + message[1:]
        response = page(Request(scope, receive), "not_found.html", {"what": what}, status)
    else:
        response = PlainTextResponse(message, status_code=status)
    response.headers["cache-control"] = "no-store"
    await response(scope, receive, send)


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _cookie_header(nonce: str) -> bytes:
    return f"{csrf.COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax".encode("ascii")


def _hostname(host: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host.split("]")[0].lower() + "]"
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()
