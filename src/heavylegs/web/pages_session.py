"""Guided sessions in the browser: big timer, start/pause/resume, rep counter, what to expect.

The steps come from :func:`heavylegs.diary.routines.resolve` (the CLI's ``heavylegs session`` uses
the same), so a measure the latest assessment says to avoid is skipped here too, with its reason.
The timer runs in ``static/session.js``; when the session ends it fills in the form below the timer
and posts it. Without JavaScript the same form is a checklist: tick what you did and save.
What counts as done (at least one rep, at least 10 seconds) and what the plan in force skips are
decided in the diary stage (:mod:`heavylegs.diary.session_record`, :mod:`heavylegs.diary.plan`),
as for the CLI.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from heavylegs.web import records
from heavylegs.web.templating import context, page, redirect

if TYPE_CHECKING:
    from heavylegs.diary.plan import LatestPlan
    from heavylegs.diary.routines import SessionPlan, Step
    from heavylegs.store import StoredAssessment

router = APIRouter(include_in_schema=False)

PLAN = "plan"
"""The session name that means "the guided measures of my latest plan"."""


def _latest(request: Request) -> StoredAssessment | None:
    ctx = context(request)
    if not ctx.has_db:
        return None
    with ctx.reading() as session:
        return records.latest_assessment(session, ctx.owner)


def _in_force(latest: StoredAssessment | None) -> LatestPlan | None:
    from heavylegs.diary.plan import latest_plan

    return latest_plan(None if latest is None else latest.output)


def resolve_plan(request: Request, name: str) -> tuple[SessionPlan, StoredAssessment | None]:
    """The session's steps; raises ``UnknownRoutine`` for a name that is neither."""
    from heavylegs.diary.plan import session_plan

    latest = _latest(request)
    routine = None if name == PLAN else name
    return session_plan(routine, context(request).kb.measures, _in_force(latest)), latest


def _step_json(step: Step) -> dict[str, Any]:
    from heavylegs.diary.session import kind_of

    return {
        "measure": step.measure,
        "title": step.title,
        "set_no": step.set_no,
        "sets": step.sets,
        "seconds": step.seconds,
        "reps": step.reps,
        "kind": kind_of(step).value,
        "cues": [{"text": c.text, "at_s": c.at_s, "at_rep": c.at_rep} for c in step.cues],
        "instructions": list(step.instructions),
    }


@router.get("/session")
def session_index(request: Request) -> Response:
    from heavylegs.diary.routines import ROUTINES

    ctx = context(request)
    latest = _latest(request)
    in_force = _in_force(latest)
    avoid = {} if in_force is None else in_force.avoid
    guided = sorted(
        (m for m in ctx.kb.measures.values() if m.guided is not None and m.id not in avoid),
        key=lambda m: m.title.lower(),
    )
    return page(
        request,
        "session_index.html",
        {"routines": list(ROUTINES.values()), "guided": guided, "latest": latest},
    )


def session_values(request: Request, name: str) -> dict[str, Any] | Response:
    """The session page's values, or a 404 page for an unknown routine or measure."""
    from heavylegs.diary.routines import ROUTINES, UnknownRoutine

    try:
        plan, latest = resolve_plan(request, name)
    except UnknownRoutine as exc:
        return page(request, "not_found.html", {"what": str(exc)}, status=404)
    routine = ROUTINES.get(name)
    measure = context(request).kb.measures.get(name)
    title = (
        "Your plan"
        if name == PLAN
        else routine.title
        if routine
        else measure.title
        if measure
        else name
    )
    in_force = _in_force(latest)
    return {
        "name": name,
        "title": title,
        "plan": plan,
        "measures": list(dict.fromkeys(step.measure for step in plan.steps)),
        "plan_json": json.dumps(
            {"name": plan.name, "steps": [_step_json(s) for s in plan.steps]}
        ).replace("</", "<\\/"),
        "serious": in_force is not None and in_force.serious,
        "latest": latest,
        "errors": [],
    }


@router.get("/session/{name}")
def session_page(request: Request, name: str) -> Response:
    values = session_values(request, name)
    if isinstance(values, Response):
        return values
    return page(request, "session.html", values)


@router.post("/session/{name}/done")
async def session_done(request: Request, name: str) -> Response:
    """Record what the session did (from the timer, or from the ticked checklist)."""
    from heavylegs.diary.routines import UnknownRoutine
    from heavylegs.diary.session import Outcome
    from heavylegs.diary.session_record import Told, from_told
    from heavylegs.diary.validation import DiaryInputError

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "Recording a session"}, status=503)
    try:
        plan, _ = resolve_plan(request, name)
    except UnknownRoutine as exc:
        return page(request, "not_found.html", {"what": str(exc)}, status=404)
    form = await request.form()
    outcome = Outcome.STOPPED if form.get("outcome") == "stopped" else Outcome.COMPLETED

    def said(what: str, measure: str) -> str:
        return str(form.get(f"{what}.{measure}") or "")

    told = {
        m: Told(reps=said("reps", m), seconds=said("seconds", m), sets=said("sets", m))
        for m in dict.fromkeys(step.measure for step in plan.steps)
        if form.get(f"done.{m}")
    }
    try:
        record = from_told(plan, told, outcome, ctx.now())
    except DiaryInputError as exc:
        return _session_error(request, name, exc.problems)
    if record is None:
        return _session_error(
            request, name, ["Nothing to record yet: tick what you did, or run the timer."]
        )
    await ctx.in_session(lambda session: records.add_session(session, ctx.owner, record))
    return redirect(request, "/diary?saved=session", full_page=True)


def _session_error(request: Request, name: str, errors: list[str]) -> Response:
    values = session_values(request, name)
    if isinstance(values, Response):
        return values
    values["errors"] = errors
    return page(request, "session.html", values, status=422)
