"""Home (what heavylegs is, today's plan, the last diary entries) and the list of sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from heavylegs.assessment.result import Assessment
from heavylegs.web import records
from heavylegs.web.pages_assess import load_draft, result_values
from heavylegs.web.templating import context, page

router = APIRouter(include_in_schema=False)

RECENT_DAYS = 30
LAST_ENTRIES = 5


@router.get("/")
def home(request: Request) -> Response:
    ctx = context(request)
    values: dict[str, Any] = {
        "has_draft": load_draft(request) is not None,
        "latest": None,
        "entries": [],
        "done_today": set(),
    }
    if ctx.has_db:
        today = ctx.today()
        with ctx.reading() as session:
            latest = records.latest_assessment(session, ctx.owner)
            entries = records.entries(
                session, ctx.owner, since=today - dt.timedelta(days=RECENT_DAYS), until=today
            )
            done = records.measures(session, ctx.owner, since=today, until=today)
        values["entries"] = list(reversed(entries))[:LAST_ENTRIES]
        values["done_today"] = {m.measure for m in done}
        if latest is not None:
            try:
                result = Assessment.model_validate(latest.output)
            except ValidationError:
                result = None
            if result is not None:
                values.update(result_values(result, answers=latest.answers, kb=ctx.kb))
                values["latest"] = latest
                age = ctx.now() - latest.at.astimezone()
                values["latest_recent"] = age <= dt.timedelta(days=RECENT_DAYS)
    return page(request, "home.html", values)


@router.get("/sources")
def sources(request: Request) -> Response:
    return page(request, "sources.html", {"sources": list(context(request).kb.sources.values())})
