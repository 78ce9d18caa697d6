"""Request bodies read as streams, with limits, before any route sees them.

Why here and not in the routes: Starlette reads a body whole when a route asks for it, and a
chunked body has no length to check first, so a 300 MB upload to a 256 KB endpoint used to be read
into memory before it was refused. :class:`Limited` counts the bytes as they arrive and stops at
the limit (the request is answered 413 without reading the rest). Forms are also bounded in their
number of fields and the size of each: :func:`read_form_token` reads a small urlencoded form whole
(it is at most :data:`FORM_MAX_BYTES`) and checks those bounds, and for a multipart upload reads
only its first part (the CSRF field comes first in every form heavylegs draws) and hands the rest
on as a stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import Message, Receive

API_MAX_BYTES = 256 * 1024
"""JSON bodies of the API: far above any real request."""
FORM_MAX_BYTES = 128 * 1024
"""A page's form (a wizard step, a diary entry): a few KB in real use."""
FORM_MAX_FIELDS = 300
FORM_FIELD_MAX_BYTES = 16 * 1024
"""One field's value; the longest a page offers is a 2,000-character note."""
UPLOAD_MAX_BYTES = 1024 * 1024 * 1024
"""The whole of one upload form (several activity files or a Strava/Garmin export zip)."""
UPLOAD_PATHS = frozenset({"/training/import"})
URLENCODED = "application/x-www-form-urlencoded"
FIRST_PART_MAX_BYTES = 8 * 1024


class TooLarge(Exception):
    """The body went past its limit; the guard answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit


class BadForm(Exception):
    """The form breaks a bound (too many fields, a field too long, unreadable)."""


def limit_for(path: str) -> int:
    if path.startswith("/api/"):
        return API_MAX_BYTES
    if path in UPLOAD_PATHS:
        return UPLOAD_MAX_BYTES
    return FORM_MAX_BYTES


class Limited:
    """``receive`` that counts body bytes and raises :class:`TooLarge` past ``limit``.

    ``replay`` holds messages already read (by the token check) that the app must see first.
    """

    def __init__(self, receive: Receive, limit: int, replay: list[Message] | None = None) -> None:
        self.receive = receive
        self.limit = limit
        self.seen = 0
        self.replay = list(replay or [])

    async def __call__(self) -> Message:
        if self.replay:
            return self.replay.pop(0)
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                raise TooLarge(self.limit)
        return message


@dataclass
class Read:
    """What was read of a body to find its token, to be replayed to the app."""

    token: str | None
    messages: list[Message]


async def _read_until(limited: Limited, done: object) -> tuple[bytes, list[Message]]:
    data = b""
    messages: list[Message] = []
    while True:
        message = await limited()
        messages.append(message)
        if message["type"] != "http.request":
            break
        data += message.get("body", b"")
        if not message.get("more_body", False):
            break
        if callable(done) and done(data):
            break
    return data, messages


async def read_form_token(limited: Limited, content_type: str, field: str) -> Read:
    """The form's CSRF field, reading no more of the body than needed (see the module doc)."""
    if content_type == URLENCODED:
        data, messages = await _read_until(limited, None)
        return Read(_urlencoded_token(data, field), messages)
    if content_type == "multipart/form-data":
        data, messages = await _read_until(
            limited, lambda seen: seen.count(b"\r\n--") >= 1 or len(seen) > FIRST_PART_MAX_BYTES
        )
        return Read(_first_part_token(data, field), messages)
    return Read(None, [])


def _urlencoded_token(data: bytes, field: str) -> str | None:
    try:
        pairs = parse_qsl(
            data.decode("latin-1"),
            keep_blank_values=True,
            max_num_fields=FORM_MAX_FIELDS,
            encoding="utf-8",
            errors="replace",
        )
    except ValueError:
        raise BadForm(f"too many fields (at most {FORM_MAX_FIELDS})") from None
    token = None
    for name, value in pairs:
        if len(value.encode("utf-8")) > FORM_FIELD_MAX_BYTES or len(name) > 200:
            raise BadForm(f"a field is too long (at most {FORM_FIELD_MAX_BYTES} bytes)")
        if name == field and token is None:
            token = value
    return token


_FIRST_PART = re.compile(
    rb'\A--[^\r\n]{1,200}\r\nContent-Disposition: form-data; name="([^"]{1,100})"\r\n'
    rb"(?:[^\r\n]{0,200}\r\n)*?\r\n([^\r\n]{0,200})\r\n--",
    re.IGNORECASE,
)


def _first_part_token(data: bytes, field: str) -> str | None:
    match = _FIRST_PART.match(data)
    if match is None or match.group(1).decode("latin-1") != field:
        return None
    return match.group(2).decode("ascii", "replace")
