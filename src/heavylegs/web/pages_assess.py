"""The assessment wizard and result pages: plain forms that post and redirect; htmx only helps.

The draft answers live in a signed cookie (:mod:`heavylegs.web.sealed`), so the browser's back
and forward buttons, and the wizard's own Back button, never lose an answer. The logic (steps,
skip logic, parsing) is in :mod:`heavylegs.web.wizard`; this module only talks HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from heavylegs.assessment.questionnaire import SECTIONS, Kind, Question
from heavylegs.assessment.result import Assessment
from heavylegs.diary.plan import is_serious
from heavylegs.knowledge.models import KnowledgeBase, MeasureKind, Urgency
from heavylegs.web import records, result_view, wizard
from heavylegs.web.sealed import seal, unseal
from heavylegs.web.templating import context, page, redirect

router = APIRouter(include_in_schema=False)

DRAFT_COOKIE = "heavylegs_draft"
DRAFT_MAX_AGE_S = 24 * 3600
"""A day: long enough to come back to unfinished answers, short for health data in a cookie."""
ALERTED = "_alerted"
"""Draft key: the most serious level the wizard already stopped for (it stops once per level)."""


def _interrupts(level: Urgency, draft: dict[str, Any]) -> bool:
    """Whether the answers so far should stop the wizard now: an emergency or a same-day result
    the wizard has not stopped for yet. Why same-day too: clot signs known at step 5 must not
    wait three more steps."""
    if not is_serious(level):
        return False
    shown = draft.get(ALERTED)
    return shown is None or (shown == Urgency.URGENT.value and level is Urgency.EMERGENCY)


def load_draft(request: Request) -> dict[str, Any] | None:
    value = unseal(request.cookies.get(DRAFT_COOKIE), context(request).secret)
    if value is None:
        return None
    draft = value.get("answers")
    return draft if isinstance(draft, dict) else None


def keep_draft(request: Request, response: Response, draft: dict[str, Any]) -> Response:
    response.set_cookie(
        DRAFT_COOKIE,
        seal({"answers": draft}, context(request).secret),
        max_age=DRAFT_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response


@dataclass(frozen=True)
class FieldView:
    """One question as the template draws it."""

    q: Question
    id: str
    value: Any
    raw: Any
    error: str | None
    new: bool
    required: bool

    @property
    def text(self) -> str:
        """What a number box shows: what was typed if it was refused, else the stored value."""
        if self.raw is not None and not isinstance(self.raw, list):
            return str(self.raw)
        if self.value is None:
            return ""
        return f"{self.value:g}" if isinstance(self.value, float) else str(self.value)

    def checked(self, option: str) -> bool:
        if self.q.kind is Kind.MULTI:
            if isinstance(self.raw, list):
                return option in self.raw
            if option == wizard.NONE_OF_THESE:
                return bool(self.value == [])
            return option in (self.value or ())
        if self.q.kind is Kind.YES_NO:
            return {"yes": True, "no": False, "": None}[option] is self.value
        return bool((self.value or "") == option)

    @property
    def numeric_mode(self) -> str:
        return "numeric" if self.q.kind is Kind.INTEGER else "decimal"


def field_views(
    step: int,
    draft: dict[str, Any],
    errors: dict[str, str] | None = None,
    raw: dict[str, Any] | None = None,
    new: list[str] | None = None,
) -> list[FieldView]:
    errors, raw, new = errors or {}, raw or {}, new or []
    return [
        FieldView(
            q=q,
            id=wizard.field_id(q.path),
            value=wizard.get_answer(draft, q.path),
            raw=raw.get(q.path),
            error=errors.get(q.path),
            new=q.path in new,
            required=wizard.is_required(q),
        )
        for q in wizard.visible(step, draft)
    ]


def step_page(
    request: Request,
    step: int,
    draft: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    raw: dict[str, Any] | None = None,
    new: list[str] | None = None,
    status: int = 200,
) -> Response:
    fields = field_views(step, draft, errors, raw, new)
    known = {f.q.path for f in fields}
    stray = {p: m for p, m in (errors or {}).items() if p not in known}
    response = page(
        request,
        "wizard.html",
        {
            "step": step,
            "total": wizard.STEP_COUNT,
            "section": wizard.section_of(step),
            "sections": SECTIONS,
            "fields": fields,
            "errors": [(f.id, f.q.text, f.error) for f in fields if f.error],
            "stray_errors": stray,
            "revealed": bool(new),
            "can_finish": step >= wizard.FINISH_EARLY_FROM,
            "none_value": wizard.NONE_OF_THESE,
            "answered": wizard.answered_count(draft),
            "level_so_far": _serious_so_far(step, draft),
        },
        status=status,
    )
    return keep_draft(request, response, draft)


def _serious_so_far(step: int, draft: dict[str, Any]) -> str | None:
    """The level to show above the step when the answers so far are already serious."""
    if step <= wizard.FIRST_CHECK:
        return None
    level = _level(draft)
    return level.value if level is not None and is_serious(level) else None


def _step_or_404(request: Request, step: int) -> Response | None:
    if 1 <= step <= wizard.STEP_COUNT:
        return None
    return page(request, "not_found.html", {"what": "That step does not exist."}, status=404)


@router.get("/assess")
def assess_start(request: Request) -> Response:
    return page(request, "assess_start.html", {"has_draft": load_draft(request) is not None})


@router.post("/assess/new")
def assess_new(request: Request) -> Response:
    ctx = context(request)
    draft: dict[str, Any] = {}
    if ctx.has_db:
        with ctx.reading() as session:
            draft = wizard.prefill(records.profile(session, ctx.owner))
    return keep_draft(request, redirect(request, "/assess/1", full_page=True), draft)


@router.get("/assess/{step:int}")
def get_step(request: Request, step: int) -> Response:
    return _step_or_404(request, step) or step_page(request, step, load_draft(request) or {})


@router.post("/assess/{step:int}")
async def post_step(request: Request, step: int) -> Response:
    missing = _step_or_404(request, step)
    if missing is not None:
        return missing
    form = await request.form()
    nav = str(form.get("nav") or "next")
    result = wizard.apply_step(step, load_draft(request) or {}, form)
    if nav == "back":
        target = f"/assess/{max(step - 1, 1)}"
        return keep_draft(request, redirect(request, target), result.draft)
    if result.errors or result.revealed:
        return step_page(
            request,
            step,
            result.draft,
            errors=result.errors,
            raw=result.raw,
            new=result.revealed,
            status=422 if result.errors else 200,
        )
    if step >= wizard.FIRST_CHECK and step < wizard.STEP_COUNT:
        level = _level(result.draft)
        if level is not None and _interrupts(level, result.draft):
            result.draft[ALERTED] = level.value
            response = redirect(request, f"/assess/alert?after={step}", full_page=True)
            return keep_draft(request, response, result.draft)
    if step == wizard.STEP_COUNT or (nav == "finish" and step >= wizard.FINISH_EARLY_FROM):
        # finish() stores the assessment: on a worker thread, off the event loop.
        return await run_in_threadpool(finish, request, result.draft)
    return keep_draft(request, redirect(request, f"/assess/{step + 1}"), result.draft)


@router.post("/assess/{step:int}/preview")
async def preview_step(request: Request, step: int) -> Response:
    """Redraw the step's questions as answers change (htmx); 204 when nothing appears or goes."""
    missing = _step_or_404(request, step)
    if missing is not None:
        return missing
    form = await request.form()
    draft, raw = wizard.preview(step, load_draft(request) or {}, form)
    shown = [str(p) for p in form.getlist("shown")]
    fields = field_views(step, draft, raw=raw)
    if [f.q.path for f in fields] == shown:
        return Response(status_code=204)
    new = [f.q.path for f in fields if f.q.path not in shown]
    return page(
        request,
        "_questions.html",
        {
            "step": step,
            "fields": field_views(step, draft, raw=raw, new=new),
            "none_value": wizard.NONE_OF_THESE,
        },
    )


def _assess(draft: dict[str, Any], request: Request) -> tuple[Any, Assessment] | list[str]:
    """Parsed answers and their assessment, or the problems ``parse_answers`` found."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import AnswersError, parse_answers

    try:
        answers = parse_answers(wizard.schema_answers(draft))
    except AnswersError as exc:
        return exc.problems
    return answers, assess(answers, context(request).kb)


def _level(draft: dict[str, Any]) -> Urgency | None:
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import AnswersError, parse_answers

    try:
        return assess(parse_answers(wizard.schema_answers(draft))).triage.level
    except AnswersError:
        return None


def finish(request: Request, draft: dict[str, Any]) -> Response:
    outcome = _assess(draft, request)
    if isinstance(outcome, list):
        grouped = wizard.problems_by_step(outcome)
        first = min(grouped)
        return step_page(request, first, draft, errors=grouped[first], status=422)
    answers, result = outcome
    ctx = context(request)
    if not ctx.has_db:
        return keep_draft(request, redirect(request, "/result", full_page=True), draft)
    with ctx.session() as session:
        saved = records.save_assessment(
            session,
            ctx.owner,
            answers.model_dump(mode="json", exclude_none=True),
            result.model_dump(mode="json"),
            ctx.now(),
        )
    response = redirect(request, f"/results/{saved}", full_page=True)
    response.delete_cookie(DRAFT_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.post("/assess/again/{assessment_id:int}")
def assess_again(request: Request, assessment_id: int) -> Response:
    """Change the answers of a saved assessment: a new draft from them (the saved one stays).

    Why: the draft cookie is cleared once an assessment is saved (answers do not linger in the
    browser), so "Change my answers" starts from the stored answers instead.
    """
    ctx = context(request)
    with ctx.reading() as session:
        item = records.load_assessment(session, ctx.owner, assessment_id)
    if item is None:
        return page(request, "not_found.html", {"what": "No such assessment."}, status=404)
    draft = wizard.prefill({k: v for k, v in item.answers.items() if isinstance(v, dict)})
    return keep_draft(request, redirect(request, "/assess/1", full_page=True), draft)


@router.get("/assess/alert")
def alert(request: Request, after: int = 3) -> Response:
    """The answers so far point to an emergency or a same-day visit: say so now, before any more
    questions (the person may still go on answering)."""
    draft = load_draft(request) or {}
    outcome = _assess(draft, request)
    after = min(max(after, 1), wizard.STEP_COUNT - 1)
    if isinstance(outcome, list) or not is_serious(outcome[1].triage.level):
        return redirect(request, f"/assess/{after + 1}")
    return page(request, "alert.html", {**result_values(outcome[1]), "next_step": after + 1})


@router.post("/assess/finish")
def finish_now(request: Request) -> Response:
    return finish(request, load_draft(request) or {})


def result_values(
    result: Assessment,
    *,
    answers: dict[str, Any] | None = None,
    kb: KnowledgeBase | None = None,
) -> dict[str, Any]:
    """What the result templates need: the banner's do-now actions apart from the rest, and the
    avoid list grouped by reason (without runners' measures for a non-runner, see
    :mod:`heavylegs.web.result_view`)."""
    actions = [item for item in result.plan.do if item.kind == MeasureKind.ACTION.value]
    others = [item for item in result.plan.do if item.kind != MeasureKind.ACTION.value]
    level = result.triage.level
    runner_only = result_view.runner_only_measures(kb) if kb is not None else frozenset()
    groups, left_out = result_view.avoid_groups(
        result.plan.avoid, runner_only, result_view.runs(answers)
    )
    return {
        "result": result,
        "level": level.value,
        "serious": is_serious(level),
        "actions": actions,
        "plan_items": others,
        "avoid_groups": groups,
        "avoid_left_out": left_out,
    }


@router.get("/result")
def draft_result(request: Request) -> Response:
    """The result of the current answers, when nothing is stored (no database)."""
    outcome = _assess(load_draft(request) or {}, request)
    if isinstance(outcome, list):
        return redirect(request, "/assess")
    answers, result = outcome
    values = result_values(
        result, answers=answers.model_dump(exclude_none=True), kb=context(request).kb
    )
    return page(request, "result.html", {**values, "saved_id": None})


@router.get("/results/{assessment_id:int}")
def stored_result(request: Request, assessment_id: int) -> Response:
    ctx = context(request)
    with ctx.reading() as session:
        item = records.load_assessment(session, ctx.owner, assessment_id)
    if item is None:
        return page(request, "not_found.html", {"what": "No such assessment."}, status=404)
    try:
        result = Assessment.model_validate(item.output)
    except ValidationError:
        return page(
            request,
            "not_found.html",
            {"what": "This assessment was saved by an older heavylegs; please assess again."},
            status=404,
        )
    return page(
        request,
        "result.html",
        {
            **result_values(result, answers=item.answers, kb=context(request).kb),
            "saved_id": item.id,
            "saved_at": item.at.astimezone(),
        },
    )
