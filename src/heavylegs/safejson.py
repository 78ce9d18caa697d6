"""Decode untrusted JSON (answers files, API bodies, backups) within limits, or say why not.

Why not plain ``json.loads``: 100,000 nested brackets end in ``RecursionError``, a 5,000-digit
number in a ``ValueError`` from ``int()``, ``1e400`` becomes infinity and ``NaN`` is accepted;
further on, an integer beyond 64 bits overflows the database driver; a key given twice in one
object keeps its last value without a word (``{"heaviness": 2, "heaviness": 9}``: which did the
person mean?). Each of these is refused here with a :class:`JsonInputError` whose message names
the problem, so every face answers it the same way (exit 2, or a 422). Used by every place that
parses JSON from outside.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64
"""Arrays and objects nested deeper than this are refused (real documents nest fewer than 10)."""
MAX_NUMBER_CHARS = 40
"""Longer number literals are refused before they are converted."""
NESTED = "nested too deeply"
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class JsonInputError(ValueError):
    """The text is not JSON heavylegs accepts; ``str(error)`` names the problem."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"a number with {len(text)} digits is too long")
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise JsonInputError(f"the integer {text} does not fit in 64 bits")
    return value


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonInputError(f"a number of {len(text)} characters is too long")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonInputError(f"the number {text} is out of range")
    return value


def _constant(name: str) -> float:
    raise JsonInputError(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused when a key is in it twice (``dict(pairs)`` would keep the last)."""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonInputError(f"the key {key!r} is given twice in one object")
            seen.add(key)
    return value


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The decoded value; :class:`JsonInputError` for invalid or out-of-limits JSON."""
    try:
        value = json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except JsonInputError:
        raise
    except RecursionError:
        raise JsonInputError(NESTED) from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except UnicodeDecodeError:
        raise JsonInputError("not valid JSON (not UTF-8 text)") from None
    except ValueError as exc:  # anything else the decoder refuses
        raise JsonInputError(f"not valid JSON ({exc})") from None
    # Nesting needs an opening bracket per level, so a text with few of them cannot be too
    # deep: an assessment's answers skip the walk.
    if isinstance(text, bytes):
        brackets = text.count(b"[") + text.count(b"{")
    else:
        brackets = text.count("[") + text.count("{")
    if brackets > max_depth:
        check_depth(value, max_depth)
    return value


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Refuse data nested deeper than ``max_depth`` (iterative: deep data cannot crash it)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= max_depth:
            raise JsonInputError(NESTED)
        stack.extend((child, depth + 1) for child in children)
