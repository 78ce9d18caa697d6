"""A small ASGI middleware: security headers, and refusal of cross-site writes and foreign hosts.

Why: the app holds health data and listens on the person's own machine, where any web page they
visit could try to post to ``127.0.0.1:8000`` (cross-site request forgery) or reach it under
another name (DNS rebinding). So a write whose ``Origin`` is another site is refused, and with
``allowed_hosts`` a request for any other ``Host`` too. The Content-Security-Policy allows only
this site's own scripts and styles (htmx is vendored, nothing comes from a CDN). The referrer
policy is ``same-origin``, not ``no-referrer``: with the latter browsers send ``Origin: null`` on
form posts and the origin check could not tell our own forms from anyone else's.

Plain ASGI rather than ``BaseHTTPMiddleware``: it adds almost nothing to each request.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class Guard:
    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] | None = None) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.allowed is not None and _hostname(host) not in self.allowed:
            await PlainTextResponse("Unknown host name.", status_code=400)(scope, receive, send)
            return
        origin = headers.get("origin")
        if (
            scope["method"] in UNSAFE
            and origin is not None
            and origin not in (f"http://{host}", f"https://{host}")
        ):
            refusal = PlainTextResponse("Cross-site request refused.", status_code=403)
            await refusal(scope, receive, send)
            return

        extra = API_HEADERS if scope["path"].startswith("/api/") else HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _hostname(host: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host.split("]")[0].lower() + "]"
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()
