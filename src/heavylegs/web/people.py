"""Sharing with a clinician, and what a clinician sees (accounts mode only).

A person shares by the clinician's email (``POST /api/v1/shares``) and revokes a share
(``DELETE /api/v1/shares/{id}``). A clinician lists the people sharing with them
(``GET /api/v1/people``, the page ``/people``) and reads each one's data, read-only, under
``/api/v1/people/{person_id}/...`` and ``/people/{person_id}``. Whether a share is active is
asked of the database on every request, so a revocation ends access at once on every worker;
anyone not sharing, or no longer, is a 404 (not a 403: it does not say the person exists). Each
read is written to the audit table first (the person sees it on ``/account``); nothing is read
if it could not be recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from heavylegs.web import auth
from heavylegs.web.problems import Problems, from_lines, response, single
from heavylegs.web.templating import context, page, redirect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.store import Access, Store

router = APIRouter()
T = TypeVar("T")
NOT_SHARED = "no such person sharing with you"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problems, "description": "The body is not JSON"},
    401: {"model": Problems, "description": "Not signed in"},
    404: {"model": Problems, "description": "No such person sharing with you"},
    422: {"model": Problems, "description": "Bad input: one entry per problem, naming the field"},
}


class ShareIn(BaseModel):
    clinician_email: str = Field(min_length=1, max_length=320)


def _sharing() -> Any:
    from heavylegs.store import sharing

    return sharing


def _me(request: Request) -> Any:
    found = auth.account(request)
    if found is None:  # the middleware answers first; this keeps the types honest
        raise HTTPException(401, "sign in first")
    return found


# ------------------------------------------------------------------------ the person's shares


async def _as_me(request: Request, name: str, *args: Any) -> Any:
    """``heavylegs.store.sharing.<name>(store, the signed-in account's id, *args)``, run on a
    worker thread (it reads the database)."""
    me = _me(request)
    store = auth.server(request).store
    return await run_in_threadpool(getattr(_sharing(), name), store, me.id, *args)


async def _share(request: Request, email: str) -> int:
    share_id: int = await _as_me(request, "share_with", email, context(request).clock())
    return share_id


async def _revoke(request: Request, share_id: int) -> bool:
    """Whether the share was this person's (and is now revoked)."""
    sharing = _sharing()
    try:
        await _as_me(request, "revoke_share", share_id, context(request).clock())
    except sharing.SharingError:
        return False
    return True


@router.post(
    "/api/v1/shares",
    status_code=201,
    tags=["sharing"],
    summary="Share your data with a clinician (by the email of their account)",
    responses=ERRORS,
)
async def api_share(request: Request, body: ShareIn) -> Response:
    sharing = _sharing()
    try:
        share_id = await _share(request, body.clinician_email)
    except sharing.SharingError as exc:
        return response(from_lines(exc.problems))
    return JSONResponse({"id": share_id}, status_code=201)


@router.delete(
    "/api/v1/shares/{share_id}",
    status_code=204,
    tags=["sharing"],
    summary="Revoke a share: the clinician's access ends at once",
    responses=ERRORS,
)
async def api_revoke(request: Request, share_id: int) -> Response:
    if not 0 < share_id < 2**62 or not await _revoke(request, share_id):
        return single(404, f"no share {share_id}", "share_id", where="path")
    return Response(status_code=204)


@router.get("/api/v1/shares", tags=["sharing"], summary="Your shares", responses=ERRORS)
async def api_shares(request: Request) -> Response:
    rows = await _as_me(request, "shares_of")
    return JSONResponse([_share_json(s) for s in rows])


@router.get(
    "/api/v1/audit",
    tags=["sharing"],
    summary="Every read of your data by a clinician, newest first",
    responses=ERRORS,
)
async def api_audit(request: Request) -> Response:
    rows = await _as_me(request, "audit_for")
    return JSONResponse([_jsonable(r) for r in rows])


def _share_json(share: Any) -> dict[str, Any]:
    return _jsonable(share)


def _jsonable(item: Any) -> dict[str, Any]:
    import dataclasses
    import datetime as dt

    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        data = dataclasses.asdict(item)
    else:
        data = dict(item)
    return {
        key: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        for key, value in data.items()
        if not isinstance(value, bytes)
    }


@router.post("/account/shares", include_in_schema=False)
async def page_share(request: Request) -> Response:
    sharing = _sharing()
    form = await request.form()
    email = form.get("clinician_email")
    try:
        await _share(request, email[:320] if isinstance(email, str) else "")
    except sharing.SharingError as exc:
        from heavylegs.web.pages_account import _account_values

        values = await _account_values(request, error=str(exc).capitalize() + ".")
        return page(request, "account.html", values, 422)
    return redirect(request, "/account?saved=shared")


@router.post("/account/shares/{share_id}/revoke", include_in_schema=False)
async def page_revoke(request: Request, share_id: int) -> Response:
    if not 0 < share_id < 2**62 or not await _revoke(request, share_id):
        raise HTTPException(404)
    return redirect(request, "/account?saved=revoked")


# ------------------------------------------------------------------------- a clinician's view


def _person_store(request: Request, person_id: int, action: str) -> Store:
    """The sharing person's store, after checking the share and recording the access.

    Runs on a worker thread (it reads the database).
    """
    me = _me(request)
    store = auth.server(request).store
    now = context(request).clock()
    found = None
    if 0 < person_id < 2**31:
        found = _sharing().shared_store(store, me.id, person_id, f"read {action}", now)
    if found is None:
        raise HTTPException(404, NOT_SHARED)
    shared: Store = found
    return shared


async def _read(
    request: Request,
    person_id: int,
    action: str,
    work: Callable[[Session], T],
    access: Access | None = None,
) -> T:
    """``work`` in a session of the sharing person's store: ``Access.READ`` unless ``access``
    says otherwise (a report with training keeps the heart-rate figures it computes)."""
    from heavylegs.store import Access

    def run() -> T:
        person = _person_store(request, person_id, action)
        with person.session(access or Access.READ) as session:
            return work(session)

    return await run_in_threadpool(run)


@router.get(
    "/api/v1/people",
    tags=["clinician"],
    summary="The people who share their data with you",
    responses=ERRORS,
)
async def api_people(request: Request) -> Response:
    rows = await _as_me(request, "people_sharing_with")
    return JSONResponse([_jsonable(r) for r in rows])


def _assessments(session: Session) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from heavylegs.store.models import AssessmentRow

    query = select(AssessmentRow).order_by(AssessmentRow.at, AssessmentRow.id)
    return [
        {
            "id": row.id,
            "at": row.at.isoformat(),
            "knowledge_version": row.knowledge_version,
            "answers": row.answers,
            "output": row.output,
        }
        for row in session.scalars(query)
    ]


def _rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [_jsonable(r) for r in rows]


@router.get(
    "/api/v1/people/{person_id}/assessments",
    tags=["clinician"],
    summary="A sharing person's assessments, oldest first",
    responses=ERRORS,
)
async def person_assessments(request: Request, person_id: int) -> Response:
    return JSONResponse(await _read(request, person_id, "assessments", _assessments))


@router.get(
    "/api/v1/people/{person_id}/diary/entries",
    tags=["clinician"],
    summary="A sharing person's diary entries, oldest first",
    responses=ERRORS,
)
async def person_entries(request: Request, person_id: int) -> Response:
    from heavylegs.diary.entries import list_entries

    rows = await _read(request, person_id, "diary", lambda s: _rows(list_entries(s)))
    return JSONResponse(rows)


@router.get(
    "/api/v1/people/{person_id}/measures-done",
    tags=["clinician"],
    summary="A sharing person's measures done, oldest first",
    responses=ERRORS,
)
async def person_measures(request: Request, person_id: int) -> Response:
    from heavylegs.diary.entries import list_measures

    rows = await _read(request, person_id, "measures", lambda s: _rows(list_measures(s)))
    return JSONResponse(rows)


@router.get(
    "/api/v1/people/{person_id}/activities",
    tags=["clinician"],
    summary="A sharing person's activities (the heavylegs activities --json rows)",
    responses=ERRORS,
)
async def person_activities(request: Request, person_id: int) -> Response:
    from heavylegs.training.repository import contract_rows

    return JSONResponse(await _read(request, person_id, "activities", contract_rows))


def _report(request: Request, with_training: bool) -> Callable[[Session], Any]:
    from heavylegs.reports.gather import gather

    ctx = context(request)
    return lambda session: gather(session, ctx.now(), ctx.kb, with_training=with_training)


@router.get(
    "/api/v1/people/{person_id}/report.pdf",
    tags=["clinician"],
    summary="A sharing person's PDF report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **ERRORS},
)
async def person_report(request: Request, person_id: int) -> Response:
    from heavylegs.reports import NothingToReport
    from heavylegs.reports.pdf import Paper, render_report
    from heavylegs.store import Access

    data = await _read(request, person_id, "report", _report(request, True), Access.WRITE)
    try:
        content = await run_in_threadpool(render_report, data, Paper.A4)
    except NothingToReport as exc:
        return single(404, str(exc))
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="heavylegs-person-{person_id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/api/v1/people/{person_id}/export/fhir",
    tags=["clinician"],
    summary="A sharing person's data as a FHIR R4 Bundle",
    response_class=Response,
    responses={
        200: {"content": {"application/fhir+json": {"schema": {"type": "object"}}}},
        **ERRORS,
    },
)
async def person_fhir(request: Request, person_id: int) -> Response:
    from heavylegs.reports import NothingToReport
    from heavylegs.reports.fhir import dumps_bundle, render_bundle

    data = await _read(request, person_id, "fhir", _report(request, False))
    try:
        bundle = render_bundle(data)
    except NothingToReport as exc:
        return single(404, str(exc))
    return Response(dumps_bundle(bundle), media_type="application/fhir+json")


@router.get("/people", include_in_schema=False)
async def people_page(request: Request) -> Response:
    rows = await _as_me(request, "people_sharing_with")
    return page(request, "people.html", {"people": rows})


@router.get("/people/{person_id}", include_in_schema=False)
async def person_page(request: Request, person_id: int) -> Response:
    from heavylegs.diary.entries import list_entries, list_measures
    from heavylegs.training.repository import contract_rows

    def read(session: Session) -> dict[str, Any]:
        return {
            "assessments": list(reversed(_assessments(session)))[:20],
            "entries": list(reversed(list_entries(session)))[:60],
            "measures": list(reversed(list_measures(session)))[:60],
            "activities": list(reversed(contract_rows(session)))[:30],
        }

    values = await _read(request, person_id, "page", read)
    return page(request, "person.html", {"person_id": person_id, **values})
