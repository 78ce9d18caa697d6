"""Cross-site request forgery tokens: stateless, signed, bound to a browser cookie.

Why tokens on top of the ``Origin`` check: a browser may send no ``Origin`` at all, and the
server mode (many people, several workers) needs them anyway. Why stateless: nothing is kept on
the server, so any worker can check any token.

How: the browser gets a random ``heavylegs_csrf`` cookie (HttpOnly, SameSite=Lax). The token is
an HMAC of that cookie under the app's secret. Pages carry it in a hidden ``csrf_token`` field of
every ``method="post"`` form (added by :func:`heavylegs.web.templating.page`) and in htmx's
``X-CSRF-Token`` header; a state-changing request is accepted only when the token matches the
cookie it came with. Another site can make the browser send the cookie but cannot read the page,
so it cannot know the token. In server mode the cookie's value can be the session id: the token
is then bound to the signed-in session with no other change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "heavylegs_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
_NONCE_BYTES = 24


def new_nonce() -> str:
    return secrets.token_urlsafe(_NONCE_BYTES)


def valid_nonce(value: str | None) -> bool:
    """A cookie value we could have set (a hostile cookie of 4 KB is not worth signing)."""
    return bool(value) and len(value or "") <= 128 and (value or "").isascii()


def token_for(secret: bytes, nonce: str) -> str:
    digest = hmac.new(secret, b"csrf\x00" + nonce.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:40]


def token_ok(secret: bytes, nonce: str | None, token: str | None) -> bool:
    """Whether ``token`` was made for the browser holding ``nonce``."""
    if not token or nonce is None or not valid_nonce(nonce) or len(token) > 128:
        return False
    return hmac.compare_digest(token.encode("utf-8", "replace"), token_for(secret, nonce).encode())
