"""The FastAPI application: pages, the JSON API, static files, and how errors are answered.

``create_app(db_url=None, clock=system_clock)`` builds one app. Without ``db_url`` nothing is kept
(assessments still work; the diary says a database is needed); with it, assessments, diary entries
and sessions are stored through :mod:`heavylegs.store`. ``heavylegs serve`` passes the user's
database, and ``app_from_env`` is the factory for ``uvicorn --factory`` (benchmarks, several
workers).

Errors: bad input is a 422 naming the field (:mod:`heavylegs.web.problems`), a missing database a
503, an unknown page a 404; an unexpected exception is logged and answered with a plain 500 page
that shows no internals.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from heavylegs import __version__
from heavylegs.serving import DB_ENV, HOSTS_ENV, MULTI_USER_ENV, SECRET_ENV, TRUST_PROXY_ENV
from heavylegs.web.context import Clock, NoDatabase, WebContext, system_clock
from heavylegs.web.guard import Guard
from heavylegs.web.problems import from_fastapi, response, single
from heavylegs.web.templating import HERE, make_templates, page

log = logging.getLogger("heavylegs.web")

BUSY_TIMEOUT_MS = 2_000
"""A request waits this long for another program's write lock, then gets a 503 to retry."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    db_url: str | None = None,
    clock: Clock = system_clock,
    *,
    secret: bytes | None = None,
    allowed_hosts: Sequence[str] | None = None,
    multi_user: bool = False,
    trust_proxy: bool = False,
) -> FastAPI:
    """The heavylegs web app. ``allowed_hosts``: accepted ``Host`` names (``None``: any).

    ``multi_user``: accounts mode (:mod:`heavylegs.web.auth`); it needs ``db_url``.
    """
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    store = None
    if db_url:
        from heavylegs.store import open_store

        store = open_store(db_url, busy_timeout_ms=BUSY_TIMEOUT_MS)
    elif multi_user:
        raise ValueError("accounts mode needs a database")
    key = secret or os.environ.get(SECRET_ENV, "").encode() or secrets.token_bytes(32)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if store is not None:
            store.close()

    app = FastAPI(
        title="heavylegs",
        version=__version__,
        description="Local-first help for heavy legs. It informs; it does not diagnose. "
        "Bodies are JSON sent as Content-Type: application/json; whole numbers are written "
        "without a decimal point (18, not 18.0). A request from a browser that holds the app's "
        "cookie needs the X-CSRF-Token header of its pages.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    # In accounts mode the app's own context has no store: each request gets a scoped one.
    app.state.ctx = WebContext(kb=kb, clock=clock, store=None if multi_user else store, secret=key)
    app.state.multi_user = multi_user
    app.state.templates = make_templates(kb)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from heavylegs.web import (
        api,
        pages_ask,
        pages_assess,
        pages_diary,
        pages_edits,
        pages_home,
        pages_profile,
        pages_reports,
        pages_session,
        pages_training,
    )

    for module in (
        api,
        pages_home,
        pages_assess,
        pages_session,
        pages_diary,
        pages_ask,
        pages_training,
        pages_reports,
        pages_edits,
        pages_profile,
    ):
        app.include_router(module.router)
    if multi_user:
        from heavylegs.web import auth, pages_account, people

        assert store is not None
        app.state.server = auth.Server(store=store, trust_proxy=trust_proxy)
        app.include_router(pages_account.router)
        app.include_router(people.router)
        app.add_middleware(auth.Accounts)
    _add_error_handlers(app)
    session_cookie = "heavylegs_session" if multi_user else None  # auth.SESSION_COOKIE
    upload_max: int | None = None
    if multi_user:
        from heavylegs.web.quotas import SERVER_UPLOAD_MAX_BYTES

        upload_max = SERVER_UPLOAD_MAX_BYTES
    app.add_middleware(
        Guard,
        allowed_hosts=allowed_hosts,
        secret=key,
        session_cookie=session_cookie,
        upload_max_bytes=upload_max,
        session_of=auth.session_reader(trust_proxy) if multi_user else None,
    )

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app)
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: database from ``HEAVYLEGS_WEB_DB`` (unset: none).

    Answers the loopback names only, plus the comma-separated ``HEAVYLEGS_WEB_ALLOW_HOSTS``.
    In accounts mode (``HEAVYLEGS_WEB_MULTI_USER=1``, set by ``heavylegs serve --multi-user``)
    every worker must get the same ``HEAVYLEGS_WEB_SECRET``.
    """
    extra = [h.strip() for h in os.environ.get(HOSTS_ENV, "").split(",") if h.strip()]
    return create_app(
        os.environ.get(DB_ENV) or None,
        allowed_hosts=["127.0.0.1", "localhost", "[::1]", *extra],
        multi_user=os.environ.get(MULTI_USER_ENV, "") == "1",
        trust_proxy=os.environ.get(TRUST_PROXY_ENV, "") == "1",
    )


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the request bodies the API validates itself."""
    from heavylegs.assessment.answers import Answers
    from heavylegs.diary.validation import EntryIn, MeasureDoneIn

    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (Answers, EntryIn, MeasureDoneIn):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas[model.__name__] = schema
    from heavylegs.web.openapi import tighten

    # The assessment refuses null and repeated choices; the diary's models take null for "not
    # noted", so only the answers are tightened.
    document = tighten(document, [Answers.__name__], list(app.state.ctx.kb.measures))
    if app.state.multi_user:
        from heavylegs.web.auth import document_accounts

        document = document_accounts(document)
    return document


def _add_error_handlers(app: FastAPI) -> None:
    from heavylegs.store import StoreError

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        document = from_fastapi(exc.errors())
        if _is_api(request):
            return response(document)
        return page(request, "not_found.html", {"what": "; ".join(document["problems"])}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail).lower()
        result: Response
        if _is_api(request):
            result = single(exc.status_code, message)
        else:
            result = page(
                request, "not_found.html", {"what": message.capitalize()}, exc.status_code
            )
        if exc.headers:
            result.headers.update(exc.headers)
        if exc.status_code == 405:
            from heavylegs.web.openapi import allowed_methods

            result.headers["Allow"] = allowed_methods(request.app.routes, request.scope)
        return result

    @app.exception_handler(NoDatabase)
    async def no_database(request: Request, exc: NoDatabase) -> Response:
        if _is_api(request):
            return single(503, str(exc))
        return page(request, "no_db.html", {"what": "This page"}, 503)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        from heavylegs.store.engine import DatabaseBusy, DatabaseFull

        log.error("database error: %s", exc)
        # A lock clears by itself (retry soon); a full disk needs the person (507, RFC 4918).
        status = 507 if isinstance(exc, DatabaseFull) else 503
        result: Response
        if _is_api(request):
            result = single(status, str(exc))
        else:
            what = {"what": f"The database cannot be used: {exc}"}
            result = page(request, "not_found.html", what, status)
        if isinstance(exc, DatabaseBusy):
            result.headers["Retry-After"] = str(exc.retry_after_s)
        return result

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if _is_api(request):
            return JSONResponse(
                {"detail": [], "problems": ["(server): unexpected error; see the server log"]},
                status_code=500,
            )
        return Response(
            "Something went wrong inside heavylegs; the server log says what.",
            status_code=500,
            media_type="text/plain",
        )
