"""``/openapi.json`` as strict as the server, so a client built from it sends nothing refused.

FastAPI's document is looser than what the API accepts in a few ways, each fixed here:

* an optional answer (``heaviness: int | None = None``) is written as "integer or null", but the
  stages refuse ``null`` ("leave it out for unknown"): the ``null`` choice is removed, the field
  stays optional;
* ``404`` (no such assessment, nothing stored yet) and ``415`` (a body that is not
  ``application/json``) and ``413`` (a body over the limit) were not documented;
* a body problem's 422 has the same shape as any other (``Problems``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NOT_FOUND = {
    "description": "Nothing stored under that id (or nothing stored yet)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}},
}
BODY_ERRORS = {
    "413": {
        "description": "The body is larger than the API accepts",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}},
    },
    "415": {
        "description": "The body is not sent as Content-Type: application/json",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}},
    },
}


_SPACE = "\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What Python's ``str.strip`` removes (wider than a regular expression's ``\\s``)."""
QUERY_RULES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/ask", "q"): {
        "pattern": f"^[{_SPACE}]*[^{_SPACE}]([\\s\\S]{{0,1998}}[^{_SPACE}])?[{_SPACE}]*$"
    },
}
"""Query parameters the stage checks itself: a question is not empty and, without the spaces
around it, at most 2,000 characters."""


def without_null(schema: Any) -> Any:
    """``schema`` with every "or null" choice removed (recursively)."""
    if isinstance(schema, list):
        return [without_null(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: without_null(value) for key, value in schema.items()}
    choices = out.get("anyOf")
    if isinstance(choices, list):
        kept = [c for c in choices if c != {"type": "null"}]
        if len(kept) != len(choices):
            if len(kept) == 1:
                del out["anyOf"]
                out = {**kept[0], **out}
            else:
                out["anyOf"] = kept
    if out.get("default", ...) is None:
        del out["default"]
    return out


def unique_items(schema: Any) -> Any:
    """``schema`` with every array marked ``uniqueItems`` (an answer never repeats a choice)."""
    if isinstance(schema, list):
        return [unique_items(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: unique_items(value) for key, value in schema.items()}
    if out.get("type") == "array":
        out["uniqueItems"] = True
    return out


def tighten(
    document: dict[str, Any], strict_bodies: list[str], measure_ids: list[str]
) -> dict[str, Any]:
    """The document with the request-body schemas named in ``strict_bodies`` (and everything
    they refer to) made null-free with unique choices, a measure done naming a known measure,
    and the undocumented answers documented."""
    schemas = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    todo = list(strict_bodies)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        schemas[name] = unique_items(without_null(schemas[name]))
        todo.extend(_refs(schemas[name]))
    measure = schemas.get("MeasureDoneIn", {}).get("properties", {}).get("measure")
    if isinstance(measure, dict):
        measure["enum"] = sorted(measure_ids)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                rule = QUERY_RULES.get((path, parameter.get("name")))
                if rule is not None:
                    parameter["schema"] = {**parameter.get("schema", {}), **rule}
            responses = operation["responses"]
            if "{" in path or path.endswith("/latest"):
                responses.setdefault("404", NOT_FOUND)
            if method in ("post", "put", "patch"):
                for status, answer in BODY_ERRORS.items():
                    responses.setdefault(status, answer)
    return document


def _refs(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.append(ref.rsplit("/", 1)[1])
        for value in schema.values():
            found.extend(_refs(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_refs(value))
    return found


def allowed_methods(routes: Any, scope: Mapping[str, Any]) -> str:
    """The ``Allow`` header for a 405: the methods of *every* route on this path.

    Why: Starlette names only the methods of the first route whose path matches, so
    ``OPTIONS /api/v1/diary/entries`` answered ``Allow: GET`` although ``POST`` is served too.
    """
    from starlette.routing import Match

    methods = {
        method
        for method in ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
        for route in routes
        if route.matches({**scope, "method": method})[0] is Match.FULL
    }
    return ", ".join(sorted(methods))
