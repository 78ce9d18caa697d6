"""The JSON API under ``/api/v1/``: assessments (the contract), diary entries, measures done,
insights, the backup, and ask (``GET /api/v1/ask?q=``, the ``heavylegs ask --json`` contract).

Bodies are read as raw JSON and validated by the stages themselves (``parse_answers``,
``parse_entry``, ``parse_measure_done``), so the API reports exactly the messages the CLI prints.
The request schemas still appear in ``/openapi.json`` (see :func:`heavylegs.web.app.openapi`);
reading the body and the query is :mod:`heavylegs.web.api_input`'s.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic_core import to_json

from heavylegs.assessment.result import Assessment
from heavylegs.web import records
from heavylegs.web.api_input import MAX_BODY_BYTES as MAX_BODY_BYTES
from heavylegs.web.api_input import BodyProblem as BodyProblem
from heavylegs.web.api_input import DirectRoute as DirectRoute
from heavylegs.web.api_input import IsoDate as IsoDate
from heavylegs.web.api_input import json_object, query_flag
from heavylegs.web.problems import Problems, from_lines, response, single
from heavylegs.web.templating import context
from heavylegs.web.writer import writer_for

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.diary.rows import EntryRow, MeasureRow

    DiaryRows = tuple[list[EntryRow], list[MeasureRow]]

router = APIRouter(prefix="/api/v1", tags=["api"])
PROFILE_HEADER = "X-Heavylegs-Profile"

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problems, "description": "Bad input: one entry per problem, naming the field"},
    503: {"model": Problems, "description": "No database configured, or it cannot be used"},
}


def _stored_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "at": item.at.isoformat(),
        "knowledge_version": item.knowledge_version,
        "answers": item.answers,
        "output": item.output,
    }


async def post_assessment(request: Request) -> Response:
    """The answers JSON (``shared/spec`` schema) in, the assessment JSON out.

    With a database the assessment is also kept (as ``heavylegs assess`` does) and ``Location``
    names it; ``?store=false`` only computes. The profile that pre-fills the web wizard changes
    only with ``?profile=true`` (``X-Heavylegs-Profile`` says ``updated`` or ``unchanged``).
    (``store`` and ``profile`` are read by hand rather than declared as FastAPI parameters:
    declaring them cost more per request than the rest of the web layer.)
    Plainly valid answers are read without building models (``validation.checked_answers``),
    the engine writes the result as its JSON document (``assessment.reasoning``) and pydantic's
    serializer turns it into the very text ``model_dump_json()`` of the models gives (tested):
    no model is built, no ``response_model`` re-validation, and :class:`DirectRoute` skips
    FastAPI's dependency machinery. On SQLite,
    without ``profile``, that same text is the stored output, written by the store's one-INSERT
    path (:func:`heavylegs.store.assessments.append_assessment`) on the database's writer
    thread (:mod:`heavylegs.web.writer`); otherwise in a session on the thread pool.
    """
    from heavylegs.assessment.compiled import compile_knowledge
    from heavylegs.assessment.reasoning import assess_flat
    from heavylegs.assessment.validation import AnswersError, checked_answers

    ctx = context(request)
    query = request.scope["query_string"]
    store = query_flag(request.query_params.get("store"), default=True) if query else True
    if store is None:
        return single(422, "must be true or false", "store", where="query")
    profile = query_flag(request.query_params.get("profile"), default=False) if query else False
    if profile is None:
        return single(422, "must be true or false", "profile", where="query")
    try:
        # parse_answers checks JSON types itself, with the messages the CLI prints.
        data = await json_object(request)
        answers_json, flat = checked_answers(data)
    except BodyProblem as problem:
        return problem.response
    except AnswersError as exc:
        return response(from_lines(exc.problems))
    except RecursionError:
        return single(422, "nested too deeply")
    output = assess_flat(flat, compile_knowledge(ctx.kb))
    body = to_json(output)  # what model_dump_json() of the models writes, without building them
    if not (ctx.has_db and store):
        return Response(body, media_type="application/json")
    now = ctx.now()
    saved = None
    database = ctx.store
    if not profile and database is not None and database.dialect == "sqlite":
        saved = await writer_for(database.engine).run(
            lambda: records.append_assessment(
                database, ctx.owner, answers_json, output, body.decode(), now
            )
        )
    if saved is None:
        saved = await ctx.in_session(
            lambda session: records.save_assessment(
                session, ctx.owner, answers_json, output, now, update_profile=profile
            )
        )
    headers = {
        "Location": f"/api/v1/assessments/{saved}",
        PROFILE_HEADER: "updated" if profile else "unchanged",
    }
    return Response(body, media_type="application/json", headers=headers)


router.add_api_route(
    "/assessments",
    post_assessment,
    methods=["POST"],
    summary="Assess answers: triage, likely causes and a safe plan",
    responses={
        200: {"model": Assessment, "description": "The assessment (the output contract)"},
        **ERRORS,
    },
    route_class_override=DirectRoute,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answers"}}},
        },
        "parameters": [
            {
                "name": "store",
                "in": "query",
                "required": False,
                "schema": {"type": "boolean", "default": True},
                "description": "Keep the assessment when a database is configured.",
            },
            {
                "name": "profile",
                "in": "query",
                "required": False,
                "schema": {"type": "boolean", "default": False},
                "description": "Also copy the stable answers (about you, history, day, running) to "
                "the profile that pre-fills the next assessment in the web app. Off by default: "
                "a client's answers never change the profile unasked. The "
                "X-Heavylegs-Profile header says what happened (updated or unchanged).",
            },
        ],
    },
)


@router.get("/assessments/latest", summary="The newest stored assessment", responses=ERRORS)
def latest_assessment(request: Request) -> JSONResponse:
    ctx = context(request)
    with ctx.reading() as session:
        item = records.latest_assessment(session, ctx.owner)
    if item is None:
        return single(404, "no assessment stored yet")
    return JSONResponse(_stored_json(item))


@router.get("/assessments/{assessment_id}", summary="One stored assessment", responses=ERRORS)
def get_assessment(request: Request, assessment_id: int) -> JSONResponse:
    ctx = context(request)
    with ctx.reading() as session:
        item = records.load_assessment(session, ctx.owner, assessment_id)
    if item is None:
        return single(404, f"no assessment {assessment_id}", "assessment_id", where="path")
    return JSONResponse(_stored_json(item))


def _entry_schema_ref(name: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    }


@router.post(
    "/diary/entries",
    status_code=201,
    summary="Record a morning or evening entry (the same date and part again updates it)",
    responses=ERRORS,
    openapi_extra=_entry_schema_ref("EntryIn"),
)
async def post_entry(request: Request) -> Response:
    from heavylegs.diary.validation import DiaryInputError, parse_entry

    ctx = context(request)
    try:
        data = await json_object(request, "EntryIn")
        entry = parse_entry(data, today=ctx.today())
        now = ctx.now()
        entry_id = await ctx.in_session(
            lambda session: records.add_entry(session, ctx.owner, entry, now)
        )
    except BodyProblem as problem:
        return problem.response
    except DiaryInputError as exc:
        return response(from_lines(exc.problems))
    return JSONResponse(
        {"id": entry_id, "date": entry.date.isoformat(), "part": entry.part.value},
        status_code=201,
    )


@router.get("/diary/entries", summary="Diary entries, oldest first")
def get_entries(
    request: Request, since: IsoDate | None = None, until: IsoDate | None = None
) -> JSONResponse:
    import dataclasses

    ctx = context(request)
    with ctx.reading() as session:
        rows = records.entries(session, ctx.owner, since, until)
    return JSONResponse([_jsonable(dataclasses.asdict(r)) for r in rows])


@router.post(
    "/measures-done",
    status_code=201,
    summary="Record a measure done (minutes and/or reps)",
    responses=ERRORS,
    openapi_extra=_entry_schema_ref("MeasureDoneIn"),
)
async def post_measure(request: Request) -> Response:
    from heavylegs.diary.validation import DiaryInputError, parse_measure_done

    ctx = context(request)
    try:
        data = await json_object(request, "MeasureDoneIn")
        done = parse_measure_done(data, today=ctx.today(), known=frozenset(ctx.kb.measures))
        done_id = await ctx.in_session(
            lambda session: records.add_measure(session, ctx.owner, done)
        )
    except BodyProblem as problem:
        return problem.response
    except DiaryInputError as exc:
        return response(from_lines(exc.problems))
    return JSONResponse(
        {"id": done_id, "measure": done.measure, "date": done.date.isoformat()}, status_code=201
    )


@router.get("/measures-done", summary="Measures done, oldest first")
def get_measures(
    request: Request, since: IsoDate | None = None, until: IsoDate | None = None
) -> JSONResponse:
    import dataclasses

    ctx = context(request)
    with ctx.reading() as session:
        rows = records.measures(session, ctx.owner, since, until)
    return JSONResponse([_jsonable(dataclasses.asdict(r)) for r in rows])


@router.get(
    "/insights",
    summary="Trend, personal effect of each measure, and when to get checked",
    responses=ERRORS,
)
def get_insights(request: Request, as_of: IsoDate | None = None) -> JSONResponse:
    ctx = context(request)
    day = as_of or ctx.today()
    earliest, latest = dt.date(1900, 1, 1), ctx.today() + dt.timedelta(days=366)
    if not earliest <= day <= latest:  # year 1 overflowed the insights' date arithmetic
        return single(422, f"must be between {earliest} and {latest}", "as_of", where="query")
    return JSONResponse(compute(request, day).to_json())


def compute(
    request: Request, day: dt.date, since: dt.date | None = None, rows: DiaryRows | None = None
) -> Any:
    """The diary's insights as of ``day`` from the rows since ``since`` (shared by the diary
    page, which looks at :data:`~heavylegs.diary.insights.RECENT_DAYS` days); ``rows``: those
    :func:`insight_rows` read already."""
    from heavylegs.diary.escalation import wording_from_kb
    from heavylegs.diary.insights import compute_insights

    ctx = context(request)
    if rows is None:
        with ctx.reading() as session:
            rows = insight_rows(session, ctx.owner, day, since)
    entry_rows, measure_rows = rows
    titles = {mid: m.title for mid, m in ctx.kb.measures.items()}
    return compute_insights(
        entry_rows, measure_rows, as_of=day, wording=wording_from_kb(ctx.kb), titles=titles
    )


def insight_rows(session: Session, owner: str, day: dt.date, since: dt.date | None) -> DiaryRows:
    """The diary rows :func:`compute` looks at: (entries, measures done), each by day."""
    entry_rows = records.entries(session, owner, since=since, until=day)
    measure_rows = records.measures(session, owner, since=since, until=day)
    began = records.first_measure_day(session, owner, until=day) if since else None
    if began is not None and since is not None and began < since:
        # The no-improvement warning compares with the week around the first measure ever
        # done: those rows come too, so a window never changes a warning.
        low = began - dt.timedelta(days=7)
        high = min(began + dt.timedelta(days=6), since - dt.timedelta(days=1))
        entry_rows = records.entries(session, owner, low, high) + entry_rows
        measure_rows = records.measures(session, owner, low, high) + measure_rows
    return entry_rows, measure_rows


@router.get("/backup", summary="Everything stored, as the backup JSON", responses=ERRORS)
def get_backup(request: Request) -> Response:
    ctx = context(request)
    with ctx.reading() as session:
        text = records.backup_text(session, ctx.owner)
    return Response(text, media_type="application/json")


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


@router.get(
    "/ask",
    summary="Answers to a question from the knowledge base, with a triage hint (the ask contract)",
    responses={422: ERRORS[422]},
)
def get_ask(request: Request, q: str) -> JSONResponse:
    """``{"answers": [...], "triage_hint": null | {...}}`` as ``heavylegs ask --json`` prints it."""
    from heavylegs.ask import QuestionError, ask

    try:
        result = ask(q, context(request).kb)
    except QuestionError as exc:
        return single(422, str(exc), "q", where="query")
    return JSONResponse(result.to_json())
