"""The ask page: a question in, the same answers as ``heavylegs ask`` out, warning first.

``GET /ask?q=…`` is a plain form (works without JavaScript); with htmx the question box also
fetches answers as the person types and swaps only the results. The triage hint, when the
question describes a warning sign, is rendered above every answer: a search must never bury a
red flag under reading material. An empty or over-long question is answered with a message next
to the field (422), never an error page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from heavylegs.web.templating import context, page

router = APIRouter(include_in_schema=False)

EXAMPLES = (
    "Why are my legs heavy in the evening?",
    "Do compression stockings help?",
    "Is walking good for heavy legs?",
)
"""Questions offered on an empty page, so a first-time visitor sees what kind of thing to ask."""


def ask_values(request: Request, question: str | None) -> tuple[dict[str, Any], int]:
    """What the ask page shows for ``question`` (``None``: nothing asked yet), and its status."""
    from heavylegs.ask import MAX_QUESTION_CHARS, QuestionError, ask

    values: dict[str, Any] = {
        "question": question or "",
        "max_chars": MAX_QUESTION_CHARS,
        "examples": EXAMPLES,
        "result": None,
        "error": None,
    }
    if question is None:
        return values, 200
    try:
        values["result"] = ask(question, context(request).kb)
    except QuestionError as exc:
        values["error"] = str(exc)
        values["question"] = question[:MAX_QUESTION_CHARS]
        return values, 422
    return values, 200


@router.get("/ask")
def ask_page(request: Request, q: str | None = None) -> Response:
    values, status = ask_values(request, q)
    return page(request, "ask.html", values, status)
