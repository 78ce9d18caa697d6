"""JSON bodies of the API checked against the JSON types their schema documents.

Why: the stages validate in pydantic's lax mode, made for command-line arguments and form fields
where every value arrives as text ("3" is three). A JSON client has types: ``false`` is not a
heaviness of 0, ``0`` is not a time on 1 January 1970, ``"3"`` is not a number. So the API checks
each value's JSON type against the request schema of ``/openapi.json`` first, and the document is
exactly as strict as the server. An integral number written ``18.0`` is an integer in JSON Schema
and is read as 18.
"""

from __future__ import annotations

from typing import Any

_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "string": "a string",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _types(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of ``schema`` with references resolved."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _types(defs.get(ref.rsplit("/", 1)[1], {}), defs)
    if "anyOf" in schema:
        out: list[dict[str, Any]] = []
        for choice in schema["anyOf"]:
            out.extend(_types(choice, defs))
        return out
    return [schema]


def _fits(value: Any, kind: str | None) -> bool:
    if kind is None:
        return True
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return {
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
        "null": value is None,
    }.get(kind, True)


def normalise(
    value: Any, schema: dict[str, Any], defs: dict[str, Any], path: str = ""
) -> tuple[Any, list[str]]:
    """``value`` with integral ``18.0`` read as 18 where an integer is expected, and a problem
    ("path: must be a whole number") for each value of the wrong JSON type."""
    choices = _types(schema, defs)
    fitting = [c for c in choices if _fits(value, c.get("type"))]
    if not fitting:
        wanted = " or ".join(
            dict.fromkeys(_WORDS.get(str(c.get("type")), "valid") for c in choices)
        )
        return value, [f"{path or '(document)'}: must be {wanted}"]
    chosen = fitting[0]
    kind = chosen.get("type")
    if kind == "integer" and isinstance(value, float):
        return int(value), []
    problems: list[str] = []
    if kind == "object" and isinstance(value, dict):
        properties = chosen.get("properties", {})
        out = {}
        for key, item in value.items():
            if key in properties:
                item, found = normalise(item, properties[key], defs, f"{path}.{key}".lstrip("."))
                problems.extend(found)
            out[key] = item
        return out, problems
    if kind == "array" and isinstance(value, list) and isinstance(chosen.get("items"), dict):
        items = []
        for index, item in enumerate(value):
            item, found = normalise(item, chosen["items"], defs, f"{path}[{index}]")
            problems.extend(found)
            items.append(item)
        return items, problems
    return value, problems
