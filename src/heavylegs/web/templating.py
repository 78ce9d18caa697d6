"""Jinja2 set-up: templates, the helpers they use, and how a page is sent.

Helpers turn ids into what a person reads: a source id into a link to the cited page, a measure id
into its title, a triage level into words (colour is never the only signal).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from heavylegs.knowledge.models import KnowledgeBase, Urgency
from heavylegs.web import csrf
from heavylegs.web.context import WebContext

HERE = Path(__file__).parent

LEVELS: dict[str, tuple[str, str]] = {
    Urgency.EMERGENCY.value: (
        "Emergency",
        "Call the emergency number or go to an emergency department now.",
    ),
    Urgency.URGENT.value: ("Urgent", "Be seen by a doctor, nurse or urgent care service today."),
    Urgency.ROUTINE.value: ("Routine", "Book an appointment in the coming days or weeks."),
    Urgency.SELF_CARE.value: ("Self-care", "Nothing you describe needs a doctor soon."),
}
"""Each triage level in words: its name and what it asks of the person."""


def context(request: Request) -> WebContext:
    """The request's context: in accounts mode the one :mod:`heavylegs.web.auth` made for it
    (the signed-in person's scoped store, or none), else the app's."""
    state = request.scope.get("state")
    ctx: WebContext = state["ctx"] if state and "ctx" in state else request.app.state.ctx
    return ctx


def make_templates(kb: KnowledgeBase) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True

    def source_link(source_id: str) -> Markup:
        source = kb.sources.get(source_id)
        if source is None:
            return Markup("<span>{}</span>").format(source_id)
        label = f"{source.title} ({source.publisher})"
        if source.url:
            return Markup('<a href="{}" rel="noreferrer external">{}</a>').format(source.url, label)
        return Markup('<a href="/sources#{}">{}</a>').format(source.id, label)

    def sources_list(ids: list[str]) -> Markup:
        if not ids:
            return Markup("")
        items = Markup("").join(Markup("<li>{}</li>").format(source_link(i)) for i in ids)
        return Markup('<ul class="sources">{}</ul>').format(items)

    def measure_title(measure_id: str) -> str:
        measure = kb.measures.get(measure_id)
        return measure.title if measure else measure_id.replace("_", " ")

    def level_name(level: str) -> str:
        return LEVELS.get(level, (level, ""))[0]

    def level_means(level: str) -> str:
        return LEVELS.get(level, ("", ""))[1]

    def guided(measure_id: str) -> bool:
        measure = kb.measures.get(measure_id)
        return measure is not None and measure.guided is not None

    def nl2br(text: str) -> Markup:
        return Markup("<br>").join(escape(line) for line in text.splitlines())

    env.globals.update(
        source_link=source_link,
        sources_list=sources_list,
        measure_title=measure_title,
        level_name=level_name,
        level_means=level_means,
        guided=guided,
        kb=kb,
    )
    env.filters["nl2br"] = nl2br
    return templates


def page(
    request: Request, name: str, values: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render ``name`` with ``values``; every page knows the request and whether a DB is there."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = context(request)
    token = csrf_token(request)
    state = request.scope.get("state") or {}
    data = {
        "has_db": ctx.has_db,
        "today": ctx.today(),
        "csrf_token": token,
        "multi_user": getattr(request.app.state, "multi_user", False),
        "account": state.get("account"),
        **(values or {}),
    }
    response = templates.TemplateResponse(request, name, data, status_code=status)
    body = bytes(response.body)
    if token and b'method="post"' in body:
        field = f'<input type="hidden" name="{csrf.FIELD}" value="{token}">'
        response.body = _POST_FORM.sub(lambda m: m.group(0) + field, body.decode()).encode()
        response.init_headers()
    return response


_POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.IGNORECASE)
"""Every ``method="post"`` form gets the CSRF field as its first field (the guard reads an
upload's first part only), so no template, present or future, can forget it."""


def csrf_token(request: Request) -> str:
    """This browser's CSRF token, set by :class:`heavylegs.web.guard.Guard` ("" without it)."""
    state = request.scope.get("state") or {}
    return str(state.get("csrf_token", ""))


def redirect(request: Request, url: str, *, full_page: bool = False) -> Response:
    """See-other redirect after a form post.

    An htmx request follows a 303 itself and swaps part of the page it gets; ``full_page`` asks
    htmx to load ``url`` as a whole page instead (a result is not part of the wizard's frame).
    """
    if full_page and request.headers.get("hx-request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
