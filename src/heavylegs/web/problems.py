"""Bad input → ``422`` naming each field, the way the CLI does (``symptoms.heaviness: must be …``).

One shape for every error of the API, whether the stage found it (``AnswersError``,
``DiaryInputError``) or FastAPI did (a bad query parameter)::

    {"detail": [{"loc": ["body", "symptoms", "heaviness"], "path": "symptoms.heaviness",
                 "msg": "must be between 0 and 10", "type": "value_error"}],
     "problems": ["symptoms.heaviness: must be between 0 and 10"]}

``detail`` keeps FastAPI's usual keys so generic clients still understand it; ``problems`` is
exactly what ``heavylegs assess`` prints on stderr.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

_INDEX = re.compile(r"\[(\d+)\]")


class ProblemItem(BaseModel):
    loc: list[str | int]
    path: str
    msg: str
    type: str = "value_error"


class Problems(BaseModel):
    """The body of every 4xx answer of the API."""

    detail: list[ProblemItem]
    problems: list[str]


def split_path(path: str) -> list[str | int]:
    """``history.recent[2]`` → ``["history", "recent", 2]``; ``(document)`` → ``[]``."""
    if path.startswith("("):
        return []
    out: list[str | int] = []
    for part in path.split("."):
        head = _INDEX.split(part)[0]
        if head:
            out.append(head)
        out.extend(int(i) for i in _INDEX.findall(part))
    return out


def from_lines(lines: Iterable[str], where: str = "body") -> dict[str, Any]:
    """The error document for ``path: message`` lines."""
    detail = []
    problems = []
    for line in lines:
        path, sep, message = line.partition(": ")
        if not sep:
            path, message = "(document)", line
        detail.append(
            {"loc": [where, *split_path(path)], "path": path, "msg": message, "type": "value_error"}
        )
        problems.append(f"{path}: {message}")
    return {"detail": detail, "problems": problems}


def from_fastapi(errors: Sequence[Any]) -> dict[str, Any]:
    """Reshape FastAPI's ``RequestValidationError.errors()`` (query, path or body)."""
    detail = []
    problems = []
    for err in errors:
        loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)]
        inner = loc[1:] if loc and loc[0] in ("body", "query", "path", "header", "cookie") else loc
        path = ""
        for part in inner:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
        path = path or "(document)"
        raw = str(err.get("msg", "is not valid"))
        message = raw[:1].lower() + raw[1:]
        detail.append({"loc": loc, "path": path, "msg": message, "type": str(err.get("type", ""))})
        problems.append(f"{path}: {message}")
    return {"detail": detail, "problems": problems}


def response(document: dict[str, Any], status: int = 422) -> JSONResponse:
    return JSONResponse(document, status_code=status)


def single(
    status: int, message: str, path: str = "(document)", where: str = "body"
) -> JSONResponse:
    return response(from_lines([f"{path}: {message}"], where), status)


_PYDANTIC = (
    (re.compile(r"^input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"^input should be a valid (number|decimal).*$"), "must be a number"),
    (re.compile(r"^input should be a valid boolean.*$"), "must be yes or no"),
    (re.compile(r"^input should be a valid date.*$"), "must be a date (YYYY-MM-DD)"),
    (
        re.compile(r"^string should have at most (\d+) characters?$"),
        r"must be at most \1 characters",
    ),
    (
        re.compile(r"^input should be (less|greater) than or equal to (\S+)$"),
        r"must be \1 than or equal to \2",
    ),
    (re.compile(r"^input should be (.*)$"), r"must be \1"),
)


def plain(message: str) -> str:
    """A stage's message in the words a page uses: pydantic's own phrasing ("input should be a
    valid integer, unable to parse string as an integer") becomes "must be a whole number"."""
    text = message.strip()
    for pattern, replacement in _PYDANTIC:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text
