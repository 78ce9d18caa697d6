"""Reading a request of the JSON API: the body (bounded, a JSON object, its values checked
against the request schema of ``/openapi.json``), query values (dates, booleans) read strictly,
and :class:`DirectRoute` for endpoints that take the request and answer it themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BeforeValidator

from heavylegs import safejson
from heavylegs.web import jsontypes
from heavylegs.web.problems import from_lines, response, single

MAX_BODY_BYTES = 256 * 1024
"""Far above any real request; larger bodies get a 413 before they are parsed."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` as 1 January 1970."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A date in a query string, written ``YYYY-MM-DD`` and nothing else."""


class DirectRoute(APIRoute):
    """A route whose endpoint takes the request and returns the finished response itself.

    Why: FastAPI's request handler solves dependencies, builds a spare sub-response and wraps
    the call in telemetry even for an endpoint that declares nothing but ``request``; on the
    assessment endpoint that was about a fifth of the web layer's time per request. The route is
    still an ``APIRoute``, so ``/openapi.json`` documents it as before. Only for ``async``
    endpoints of the shape ``(request: Request) -> Response``.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


class BodyProblem(Exception):
    """The request body cannot be used; carries the response to send."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyProblem(single(413, f"too large (at most {MAX_BODY_BYTES} bytes)"))
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BodyProblem(single(413, f"too large (at most {MAX_BODY_BYTES} bytes)"))
    return body


async def json_object(request: Request, schema: str | None = None) -> dict[str, Any]:
    """The body as a JSON object; with ``schema`` (a request schema of ``/openapi.json``), its
    values checked against the JSON types documented there (:mod:`heavylegs.web.jsontypes`)."""
    data = await _json_document(request)
    if schema is None:
        return data
    defs = request.app.openapi()["components"]["schemas"]
    checked, problems = jsontypes.normalise(data, defs[schema], defs)
    if problems:
        raise BodyProblem(response(from_lines(problems)))
    result: dict[str, Any] = checked
    return result


async def _json_document(request: Request) -> dict[str, Any]:
    body = await _body(request)
    try:
        data = safejson.loads(body)
    except safejson.JsonInputError as exc:
        reason = str(exc)
        # The decoder's line and column mean little in a request body: the short form is enough.
        raise BodyProblem(single(422, reason.split(" (", 1)[0])) from None
    if not isinstance(data, dict):
        raise BodyProblem(single(422, "must be a JSON object"))
    return data


def query_flag(text: str | None, *, default: bool) -> bool | None:
    """A boolean query parameter as FastAPI would read it; ``None`` when it is neither."""
    if text is None:
        return default
    value = text.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    return None
