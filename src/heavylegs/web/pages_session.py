"""Guided sessions in the browser: big timer, start/pause/resume, rep counter, what to expect.

The steps come from :func:`heavylegs.diary.routines.resolve` (the CLI's ``heavylegs session`` uses
the same), so a measure the latest assessment says to avoid is skipped here too, with its reason.
The timer runs in ``static/session.js``; when the session ends it fills in the form below the timer
and posts it. Without JavaScript the same form is a checklist: tick what you did and save.
What counts as done (at least one rep, at least 10 seconds) is decided by
:class:`heavylegs.diary.session.Progress`, as for the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from heavylegs.web import records
from heavylegs.web.templating import context, page, redirect

if TYPE_CHECKING:
    from heavylegs.diary.routines import SessionPlan, Step
    from heavylegs.store import StoredAssessment

router = APIRouter(include_in_schema=False)

PLAN = "plan"
"""The session name that means "the guided measures of my latest plan"."""
MAX_SECONDS = 24 * 3600
MAX_REPS = 10_000
ASSUMED_REP_SECONDS = 2.0
"""When the no-JavaScript checklist says a rep measure was done, how long it is taken to last."""


def _latest(request: Request) -> StoredAssessment | None:
    ctx = context(request)
    if not ctx.has_db:
        return None
    with ctx.session() as session:
        return records.latest_assessment(session, ctx.owner)


def _plan_and_avoid(
    latest: StoredAssessment | None,
) -> tuple[list[str] | None, dict[str, str] | None]:
    if latest is None:
        return None, None
    plan = latest.output.get("plan", {})
    plan_do = [str(item["id"]) for item in plan.get("do", [])]
    avoid = {str(item["id"]): str(item.get("why", "")) for item in plan.get("avoid", [])}
    return plan_do, avoid


def resolve_plan(request: Request, name: str) -> tuple[SessionPlan, StoredAssessment | None]:
    """The session's steps; raises ``UnknownRoutine`` for a name that is neither."""
    from heavylegs.diary.routines import resolve

    latest = _latest(request)
    plan_do, avoid = _plan_and_avoid(latest)
    return resolve(
        None if name == PLAN else name, context(request).kb.measures, plan_do, avoid
    ), latest


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
    _, avoid = _plan_and_avoid(latest)
    guided = sorted(
        (m for m in ctx.kb.measures.values() if m.guided is not None and m.id not in (avoid or {})),
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
    level = latest.output.get("triage", {}).get("level") if latest is not None else None
    return {
        "name": name,
        "title": title,
        "plan": plan,
        "measures": list(dict.fromkeys(step.measure for step in plan.steps)),
        "plan_json": json.dumps(
            {"name": plan.name, "steps": [_step_json(s) for s in plan.steps]}
        ).replace("</", "<\\/"),
        "serious": level in ("urgent", "emergency"),
        "latest": latest,
        "errors": [],
    }


@router.get("/session/{name}")
def session_page(request: Request, name: str) -> Response:
    values = session_values(request, name)
    if isinstance(values, Response):
        return values
    return page(request, "session.html", values)


class _Bad(ValueError):
    pass


def _number(form: Any, key: str, high: float) -> float | None:
    text = str(form.get(key) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{key}: must be a number between 0 and {high:g}") from None
    if not 0 <= value <= high:
        raise _Bad(f"{key}: must be a number between 0 and {high:g}")
    return value


@router.post("/session/{name}/done")
async def session_done(request: Request, name: str) -> Response:
    """Record what the session did (from the timer, or from the ticked checklist)."""
    from heavylegs.diary.entries import SessionRecord
    from heavylegs.diary.routines import UnknownRoutine
    from heavylegs.diary.session import Outcome, Progress, kind_of

    ctx = context(request)
    if not ctx.has_db:
        return page(request, "no_db.html", {"what": "Recording a session"}, status=503)
    try:
        plan, _ = resolve_plan(request, name)
    except UnknownRoutine as exc:
        return page(request, "not_found.html", {"what": str(exc)}, status=404)
    form = await request.form()
    outcome = Outcome.STOPPED if form.get("outcome") == "stopped" else Outcome.COMPLETED
    now = ctx.now()
    done = []
    total_s = 0.0
    try:
        for measure in dict.fromkeys(step.measure for step in plan.steps):
            if not form.get(f"done.{measure}"):
                continue
            steps = [s for s in plan.steps if s.measure == measure]
            reps = _number(form, f"reps.{measure}", MAX_REPS)
            seconds = _number(form, f"seconds.{measure}", MAX_SECONDS)
            sets = _number(form, f"sets.{measure}", 100)
            planned_reps = sum(s.reps or 0 for s in steps)
            progress = Progress(
                measure,
                kind_of(steps[0]),
                seconds=seconds
                if seconds is not None
                else float(
                    sum(s.seconds or 0 for s in steps) or planned_reps * ASSUMED_REP_SECONDS
                ),
                reps=int(reps) if reps is not None else planned_reps,
                sets_completed=int(sets) if sets is not None else len(steps),
            )
            total_s += progress.seconds
            item = progress.as_done(now.date(), now)
            if item is not None:
                done.append(item)
    except _Bad as exc:
        return _session_error(request, name, [str(exc)])
    if not done:
        return _session_error(
            request, name, ["Nothing to record yet: tick what you did, or run the timer."]
        )
    started = now - dt.timedelta(seconds=total_s)
    record = SessionRecord(plan.name, started, now, outcome.value, done)
    await ctx.in_session(lambda session: records.add_session(session, ctx.owner, record))
    return redirect(request, "/diary?saved=session", full_page=True)


def _session_error(request: Request, name: str, errors: list[str]) -> Response:
    values = session_values(request, name)
    if isinstance(values, Response):
        return values
    values["errors"] = errors
    return page(request, "session.html", values, status=422)
