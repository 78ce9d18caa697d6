"""Take it to a clinician, from the browser: the PDF report, the calendar and the FHIR bundle.

``GET /report.pdf`` (``?paper=a4|letter``), ``GET /calendar.ics`` (``?start=09:00&end=17:30``)
and ``GET /api/v1/export/fhir`` give the same files as ``heavylegs report``, ``heavylegs
calendar`` and ``heavylegs export --format fhir``: the routes gather the stored data with
:func:`heavylegs.reports.gather.gather` and hand it to the same pure functions. Nothing stored
yet is a 404 that says what to do first; an urgent plan's calendar is a 409 that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from heavylegs.web.context import known_owner
from heavylegs.web.problems import Problems, single
from heavylegs.web.templating import context, page

if TYPE_CHECKING:
    from heavylegs.reports.gather import ReportData

router = APIRouter()
T = TypeVar("T")


def _build(request: Request, build: Callable[[ReportData], T], *, with_training: bool) -> T:
    from heavylegs.reports.gather import gather

    ctx = context(request)
    if not known_owner(ctx.owner):  # the store's sessions keep to the owner (see web.records)
        raise HTTPException(404)
    # With training, a writing session: it keeps the heart-rate figures it computes (see the
    # training page); without, a report only reads.
    with ctx.session() if with_training else ctx.reading() as session:
        data = gather(session, ctx.now(), ctx.kb, with_training=with_training)
    return build(data)


def _download(content: bytes, media_type: str, name: str, inline: bool = False) -> Response:
    how = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'{how}; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/report.pdf", include_in_schema=False)
def report_pdf(request: Request, paper: str = "a4") -> Response:
    from heavylegs.reports import NothingToReport
    from heavylegs.reports.pdf import Paper, render_report

    try:
        size = Paper(paper.lower())
    except ValueError:
        return page(request, "not_found.html", {"what": "paper: must be a4 or letter"}, 422)
    try:
        content = _build(request, lambda d: render_report(d, size), with_training=True)
    except NothingToReport as exc:
        return page(request, "not_found.html", {"what": f"No report yet: {exc}"}, 404)
    day = context(request).today().isoformat()
    return _download(content, "application/pdf", f"heavylegs-report-{day}.pdf")


@router.get("/calendar.ics", include_in_schema=False)
def calendar_ics(request: Request, start: str | None = None, end: str | None = None) -> Response:
    from heavylegs.reports import NoRoutineCalendar, NothingToReport
    from heavylegs.reports.calendar import (
        HoursError,
        WorkingDay,
        ZoneError,
        calendar_zone,
        render_calendar,
    )
    from heavylegs.store.person import load_profile

    saved = None  # the profile's working hours and days when it has them
    if context(request).has_db:
        with context(request).reading() as session:
            saved = load_profile(session)
    try:
        hours = WorkingDay.choose(start, end, saved)
    except HoursError as exc:
        return page(request, "not_found.html", {"what": str(exc)}, 422)
    try:
        zone = calendar_zone()  # the server's TZ, refused rather than guessed, as by the CLI
    except ZoneError as exc:
        return page(request, "not_found.html", {"what": "; ".join(exc.problems)}, 503)
    try:
        content = _build(request, lambda d: render_calendar(d, hours, zone), with_training=False)
    except NothingToReport as exc:
        return page(request, "not_found.html", {"what": f"No calendar yet: {exc}"}, 404)
    except NoRoutineCalendar as exc:
        return page(request, "not_found.html", {"what": f"No calendar: {exc}"}, 409)
    return _download(content, "text/calendar; charset=utf-8", "heavylegs.ics", inline=True)


@router.get(
    "/api/v1/export/fhir",
    summary="Everything stored, as a FHIR R4 Bundle (collection)",
    tags=["api"],
    response_class=Response,
    responses={
        200: {
            "description": "A FHIR R4 Bundle of type collection",
            "content": {"application/fhir+json": {"schema": {"type": "object"}}},
        },
        404: {"model": Problems, "description": "Nothing stored yet"},
        503: {"model": Problems, "description": "No database configured, or it cannot be used"},
    },
)
def export_fhir(request: Request) -> Response:
    from heavylegs.reports import NothingToReport
    from heavylegs.reports.fhir import dumps_bundle, render_bundle

    try:
        bundle = _build(request, render_bundle, with_training=False)
    except NothingToReport as exc:
        return single(404, str(exc))
    return Response(dumps_bundle(bundle), media_type="application/fhir+json")
