"""Small signed values for cookies: the wizard's draft answers live in the browser, not on a server.

The local app has no server-side session store; the draft travels in a cookie, compressed (a full
set of answers stays well under the 4 KB cookie limit) and signed with HMAC-SHA256 so a cookie that
was changed or written by another app is ignored rather than trusted. Everything read back is
validated again by the assessment anyway: the signature guards integrity, not secrecy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from typing import Any

MAX_PLAIN_BYTES = 64 * 1024
"""A draft never comes near this; it bounds what a hostile cookie could make us inflate."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()[:20])


def seal(value: dict[str, Any], secret: bytes) -> str:
    """``value`` as compact JSON, compressed, base64url, then ``.`` and its signature."""
    plain = json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")
    body = _b64(zlib.compress(plain, 9))
    return f"{body}.{_mac(secret, body)}"


def unseal(token: str | None, secret: bytes) -> dict[str, Any] | None:
    """The sealed dict, or ``None`` if the token is missing, altered or unreadable."""
    if not token or token.count(".") != 1 or len(token) > 8192 or not token.isascii():
        return None  # (a non-ASCII cookie, which a client can send, cannot be ours)
    body, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(secret, body)):
        return None
    try:
        inflater = zlib.decompressobj()
        plain = inflater.decompress(_unb64(body), MAX_PLAIN_BYTES)
        if inflater.unconsumed_tail:
            return None
        value = json.loads(plain)
    except (ValueError, zlib.error):
        return None
    return value if isinstance(value, dict) else None
