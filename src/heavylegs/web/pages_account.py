"""Accounts mode: sign-up by invite, sign-in, sign-out, password change and API tokens, as JSON
under ``/api/v1/auth/`` and as pages (``/login``, ``/signup``, ``/logout``, ``/account``).

The rules live in :mod:`heavylegs.store.accounts` (argon2 hashes, sessions and tokens kept in the
database, the login rate limit); these routes only carry them over HTTP. Signing in always starts
a new session and ends the one the browser came with (no session fixation); the CSRF token is
bound to the session (:func:`heavylegs.web.auth.csrf_for_session`), so it changes with it.
Nothing here logs an email, a password or a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from heavylegs.web import auth
from heavylegs.web.problems import Problems, from_lines, response, single
from heavylegs.web.templating import context, page, redirect

router = APIRouter()

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problems, "description": "The body is not JSON"},
    401: {"model": Problems, "description": "Not signed in, or the email or password is wrong"},
    422: {"model": Problems, "description": "Bad input: one entry per problem, naming the field"},
}
TEXT = Field(min_length=1, max_length=1024)


class SignUp(BaseModel):
    invite: str = TEXT
    email: str = TEXT
    password: str = TEXT


class Credentials(BaseModel):
    email: str = TEXT
    password: str = TEXT


class PasswordChange(BaseModel):
    old_password: str = TEXT
    new_password: str = TEXT


def _accounts() -> Any:
    from heavylegs.store import accounts

    return accounts


def client_address(request: Request) -> str:
    """The client the login rate limit counts: the peer, or behind a trusted proxy the address
    that proxy appended last to ``X-Forwarded-For`` (earlier ones the client could have made up)."""
    if auth.server(request).trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return request.client.host if request.client else "unknown"


def _account_json(account: Any) -> dict[str, Any]:
    return {"id": account.id, "email": account.email, "role": account.role.value}


class Refused(Exception):
    """Sign-in or sign-up refused: the status and a message a person can act on."""

    def __init__(
        self,
        status: int,
        message: str,
        retry_after: int | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.problems = problems


async def _dated(request: Request, name: str, *args: Any) -> Any:
    """``heavylegs.store.accounts.<name>(store, *args, now)``, run on a worker thread (it reads
    and writes the database)."""
    store = auth.server(request).store
    now = context(request).clock()
    work = getattr(_accounts(), name)
    return await run_in_threadpool(lambda: work(store, *args, now))


async def _sign_in(request: Request, email: str, password: str) -> tuple[Any, str]:
    """The account and its new session token; the browser's previous session ends."""
    accounts = _accounts()
    store = auth.server(request).store
    now = context(request).clock()
    known = auth.device_known(request, accounts.folded_email(email))
    client = client_address(request)
    try:
        account = await run_in_threadpool(
            lambda: accounts.authenticate(store, email, password, client, now, known=known)
        )
    except accounts.RateLimited as exc:
        raise _too_many(exc) from None
    except accounts.LoginRefused:
        raise Refused(401, "the email or the password is wrong") from None
    await _end_session(request)
    token: str = await run_in_threadpool(accounts.new_session, store, account.id, now)
    return account, token


def _too_many(exc: Exception) -> Refused:
    wait = max(1, int(getattr(exc, "retry_after", 60)))
    return Refused(429, f"too many wrong passwords: try again in {wait} s", wait)


async def _sign_up(request: Request, invite: str, email: str, password: str) -> Any:
    accounts = _accounts()
    try:
        return await _dated(request, "sign_up", invite, email, password)
    except accounts.AccountError as exc:
        raise Refused(422, str(exc), problems=exc.problems) from None


def _refused_json(exc: Refused, field: str | None = None) -> Response:
    result: Response
    if exc.problems:
        result = response(from_lines(exc.problems), exc.status)
    elif field:
        result = single(exc.status, str(exc), field)
    else:
        result = single(exc.status, str(exc))
    if exc.retry_after is not None:
        result.headers["Retry-After"] = str(exc.retry_after)
    return result


# ------------------------------------------------------------------------------------ the API


@router.post(
    "/api/v1/auth/signup",
    status_code=201,
    tags=["auth"],
    summary="Create an account with an invite code",
    responses=ERRORS,
)
async def api_signup(request: Request, body: SignUp) -> Response:
    try:
        account = await _sign_up(request, body.invite, body.email, body.password)
    except Refused as exc:
        return _refused_json(exc)
    return JSONResponse(_account_json(account), status_code=201)


@router.post(
    "/api/v1/auth/login",
    tags=["auth"],
    summary="Sign in: a session cookie and its CSRF token",
    responses={**ERRORS, 429: {"model": Problems, "description": "Too many failed sign-ins"}},
)
async def api_login(request: Request, body: Credentials) -> Response:
    try:
        account, token = await _sign_in(request, body.email, body.password)
    except Refused as exc:
        return _refused_json(exc)
    result = JSONResponse(
        {"csrf_token": auth.csrf_for_session(request, token), "account": _account_json(account)}
    )
    auth.set_session_cookie(result, request, token, account.email)
    return result


@router.post("/api/v1/auth/logout", status_code=204, tags=["auth"], summary="Sign out")
async def api_logout(request: Request) -> Response:
    await _end_session(request)
    result = Response(status_code=204)
    auth.clear_session_cookie(result, request)
    return result


async def _end_session(request: Request) -> None:
    token = auth.session_token(request)
    if token:
        await run_in_threadpool(_accounts().end_session, auth.server(request).store, token)


@router.post(
    "/api/v1/auth/tokens",
    status_code=201,
    tags=["auth"],
    summary="A new API token (send it as Authorization: Bearer <token>)",
    responses=ERRORS,
)
async def api_new_token(request: Request) -> Response:
    try:
        token = await _new_token(request)
    except Refused as exc:
        return _refused_json(exc)
    return JSONResponse({"token": token}, status_code=201)


async def _new_token(request: Request) -> str:
    accounts = _accounts()
    try:
        token: str = await _dated(request, "new_api_token", auth.account(request).id)
    except accounts.AccountError as exc:
        raise Refused(422, str(exc), problems=exc.problems) from None
    return token


class TokenIn(BaseModel):
    token: str = Field(min_length=1, max_length=200)


@router.post(
    "/api/v1/auth/tokens/revoke",
    status_code=204,
    tags=["auth"],
    summary="Revoke one of your API tokens (a lost one, or the one sending this)",
    responses={**ERRORS, 404: {"model": Problems, "description": "No such token of yours"}},
)
async def api_revoke_token(request: Request, body: TokenIn) -> Response:
    done = await _dated(request, "revoke_api_token", auth.account(request).id, body.token)
    if not done:
        return single(404, "no such active token of yours", "token")
    return Response(status_code=204)


@router.post(
    "/api/v1/auth/password",
    tags=["auth"],
    summary="Change the password: every other session ends; this one gets a new cookie",
    responses={**ERRORS, 429: {"model": Problems, "description": "Too many wrong passwords"}},
)
async def api_password(request: Request, body: PasswordChange) -> Response:
    try:
        token = await _change_password(request, body.old_password, body.new_password)
    except Refused as exc:
        return _refused_json(exc, "new_password" if exc.status == 422 else "old_password")
    result = JSONResponse({"csrf_token": auth.csrf_for_session(request, token)})
    auth.set_session_cookie(result, request, token)
    return result


async def _change_password(request: Request, old: str, new: str) -> str:
    accounts = _accounts()
    account = auth.account(request)
    try:
        store, now, client = (
            auth.server(request).store,
            context(request).clock(),
            client_address(request),
        )
        token: str = await run_in_threadpool(
            lambda: accounts.change_password(store, account.id, old, new, now, client)
        )
    except accounts.RateLimited as exc:
        raise _too_many(exc) from None
    except accounts.LoginRefused:
        raise Refused(401, "the old password is wrong") from None
    except accounts.AccountError as exc:
        raise Refused(422, str(exc), problems=exc.problems) from None
    return token


# ---------------------------------------------------------------------------------- the pages


def _form_text(form: Any, name: str) -> str:
    value = form.get(name)
    return value[:1024] if isinstance(value, str) else ""


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    from heavylegs.web.pages_diary import safe_next

    return page(request, "login.html", {"next": safe_next(next, "/"), "error": None, "email": ""})


@router.post("/login", include_in_schema=False)
async def login_submit(request: Request) -> Response:
    from heavylegs.web.pages_diary import safe_next

    form = await request.form()
    email = _form_text(form, "email")
    target = safe_next(form.get("next"), "/")
    try:
        account, token = await _sign_in(request, email, _form_text(form, "password"))
    except Refused as exc:
        values = {"next": target, "error": str(exc).capitalize() + ".", "email": email}
        result = page(request, "login.html", values, exc.status)
        if exc.retry_after is not None:
            result.headers["Retry-After"] = str(exc.retry_after)
        return result
    response = redirect(request, target)
    auth.set_session_cookie(response, request, token, account.email)
    return response


@router.get("/signup", include_in_schema=False)
def signup_page(request: Request, invite: str = "") -> Response:
    values = {"invite": invite[:200], "email": "", "error": None}
    return page(request, "signup.html", values)


@router.post("/signup", include_in_schema=False)
async def signup_submit(request: Request) -> Response:
    form = await request.form()
    invite, email = _form_text(form, "invite"), _form_text(form, "email")
    password = _form_text(form, "password")
    try:
        await _sign_up(request, invite, email, password)
        account, token = await _sign_in(request, email, password)
    except Refused as exc:
        values = {"invite": invite, "email": email, "error": str(exc).capitalize() + "."}
        return page(request, "signup.html", values, exc.status)
    response = redirect(request, "/")
    auth.set_session_cookie(response, request, token, account.email)
    return response


@router.get("/logout", include_in_schema=False)
def logout_page(request: Request) -> Response:
    return page(request, "logout.html")


@router.post("/logout", include_in_schema=False)
async def logout_submit(request: Request) -> Response:
    await _end_session(request)
    response = redirect(request, "/login")
    auth.clear_session_cookie(response, request)
    return response


@router.get("/account", include_in_schema=False)
async def account_page(request: Request, saved: str = "") -> Response:
    return page(request, "account.html", await _account_values(request, saved=saved))


async def _account_values(request: Request, **extra: Any) -> dict[str, Any]:
    from heavylegs.store import sharing

    account = auth.account(request)
    store = auth.server(request).store

    def read() -> tuple[list[Any], list[Any], list[Any]]:
        shares = sharing.shares_of(store, account.id)
        audit = sharing.audit_for(store, account.id, 200)
        people = sharing.people_sharing_with(store, account.id)
        return shares, audit, people

    shares, audit, people = await run_in_threadpool(read)
    values: dict[str, Any] = {
        "shares": shares,
        "audit": audit[:200],
        "people": people,
        "token": None,
        "error": None,
        "saved": "",
    }
    values.update(extra)
    return values


@router.post("/account/password", include_in_schema=False)
async def account_password(request: Request) -> Response:
    form = await request.form()
    try:
        token = await _change_password(
            request, _form_text(form, "old_password"), _form_text(form, "new_password")
        )
    except Refused as exc:
        values = await _account_values(request, error=str(exc).capitalize() + ".")
        result = page(request, "account.html", values, exc.status)
        if exc.retry_after is not None:
            result.headers["Retry-After"] = str(exc.retry_after)
        return result
    response = redirect(request, "/account?saved=password")
    auth.set_session_cookie(response, request, token)
    return response


@router.post("/account/tokens", include_in_schema=False)
async def account_token(request: Request) -> Response:
    try:
        token = await _new_token(request)
    except Refused as exc:
        values = await _account_values(request, error=str(exc).capitalize() + ".")
        return page(request, "account.html", values, exc.status)
    return page(request, "account.html", await _account_values(request, token=token), 201)
