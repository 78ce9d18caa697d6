"""``heavylegs serve``: start the web app and API on this machine, or the server for many people.

Only Typer is imported here at start-up; FastAPI and uvicorn load when the command runs, so
``heavylegs --help`` stays fast. The single-person app binds 127.0.0.1 and refuses any other
address: it has no login. ``--multi-user`` serves accounts (invite-only sign-up, sessions kept in
the database) and may listen anywhere, with ``--workers`` uvicorn worker processes that hold no
state of their own: every setting reaches them through the environment read by
:func:`heavylegs.web.app.app_from_env`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import typer

from heavylegs import serving

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1 keeps it on this computer).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (SQLAlchemy), e.g. sqlite:///diary.db "
            "[default: $HEAVYLEGS_DB, else a SQLite file in your user data folder]",
            show_default=False,
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="A host name the app answers to besides the loopback names (repeatable), e.g. "
            "the machine's name on your network. Other Host headers get 400 (DNS rebinding).",
            show_default=False,
        ),
    ] = None,
    multi_user: Annotated[
        bool,
        typer.Option(
            "--multi-user",
            help="Serve many people: accounts, invite-only sign-up, sharing with clinicians "
            "(see docs/deploy.md). PostgreSQL is the deployment database.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(help="Worker processes (--multi-user on PostgreSQL only).", min=1, max=64),
    ] = 1,
    trust_proxy: Annotated[
        bool,
        typer.Option(
            "--trust-proxy",
            help="Read the scheme from X-Forwarded-Proto (only behind your own TLS proxy).",
        ),
    ] = False,
) -> None:
    """Start the web app (assessment, results, guided sessions, diary) and the JSON API."""
    mode = ServeMode(multi_user=multi_user, workers=workers, trust_proxy=trust_proxy)
    raise typer.Exit(run_serve(host, port, db, allow_host or [], mode))


@dataclass(frozen=True)
class ServeMode:
    """How the server runs: one person on this computer (the default) or accounts."""

    multi_user: bool = False
    workers: int = 1
    trust_proxy: bool = False


def mode_problem(host: str, url: str, mode: ServeMode) -> str | None:
    """Why this combination cannot be served, or ``None``."""
    if not mode.multi_user:
        if host.strip().lower() not in LOOPBACK_NAMES:
            return (
                f"--host: {host} is not this computer; the single-person app has no login, so "
                "it listens on 127.0.0.1 only (a server for many people: --multi-user)"
            )
        if mode.workers != 1:
            return "--workers: only with --multi-user"
        if mode.trust_proxy:
            return "--trust-proxy: only with --multi-user"
        return None
    if mode.workers > 1 and url.startswith("sqlite"):
        return (
            "--workers: SQLite serves one worker; use PostgreSQL (--db postgresql+psycopg://...) "
            "for more"
        )
    return None


def run_serve(
    host: str,
    port: int,
    db: str | None,
    allow_host: Sequence[str] = (),
    mode: ServeMode = ServeMode(),
) -> int:
    """Exit code: 0 after a clean stop, 1 when the database or the port cannot be used, 2 for
    options that do not go together."""
    import socket
    import sys

    from heavylegs.cli.output import Fail, error_lines, resolve_db, sqlite_file
    from heavylegs.store import StoreError

    try:
        url = resolve_db(db)[0]  # a file path is SQLite; --db before "serve" counts too
    except Fail as exc:
        error_lines(exc.problems)
        return 2
    problem = mode_problem(host, url, mode)
    if problem is not None:
        sys.stderr.write(f"error: {problem}\n")
        return 2
    path = sqlite_file(url)
    new = path is not None and not path.exists()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]"), port))
    except OSError as exc:
        sys.stderr.write(
            f"error: --port: cannot listen on {host}:{port} ({exc.strerror}); "
            f"is heavylegs already running? Try --port {port + 1}\n"
        )
        return 1
    if mode.multi_user:
        return _serve_accounts(host, port, url, allow_host, mode, new)
    import os

    import uvicorn

    from heavylegs.store import open_store

    try:
        open_store(url).close()  # created and migrated here: a problem is one line, exit 1
    except StoreError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    os.environ[serving.DB_ENV] = url
    os.environ[serving.MULTI_USER_ENV] = ""
    os.environ[serving.TRUST_PROXY_ENV] = ""
    os.environ[serving.HOSTS_ENV] = ",".join(allowed_hosts(host, allow_host))
    _say_running(host, port, url, new)
    uvicorn.run(
        serving.APP_FACTORY,
        factory=True,
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        access_log=False,
    )
    return 0


def _say_running(host: str, port: int, url: str, new: bool) -> None:
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    address = f"http://{shown}:{port}"
    print(f"heavylegs is running at {address}  (Ctrl-C stops it)", flush=True)
    print(f"database: {_hide_password(url)}{' (created now)' if new else ''}", flush=True)


def _serve_accounts(
    host: str, port: int, url: str, allow_host: Sequence[str], mode: ServeMode, new: bool
) -> int:
    """Accounts mode: the database is migrated once here, then uvicorn starts the workers, each
    building its app from the environment (nothing but the environment passes to them)."""
    import os
    import secrets
    import sys

    import uvicorn

    from heavylegs.store import StoreError, open_store

    try:
        open_store(url).close()  # creates and migrates once, not once per worker
    except StoreError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    # Workers must sign CSRF tokens alike: one secret for all (several machines: set it yourself).
    os.environ.setdefault(serving.SECRET_ENV, secrets.token_urlsafe(32))
    os.environ[serving.DB_ENV] = url
    os.environ[serving.MULTI_USER_ENV] = "1"
    os.environ[serving.TRUST_PROXY_ENV] = "1" if mode.trust_proxy else ""
    names = [n for n in allowed_hosts(host, allow_host) if n not in ("127.0.0.1", "localhost")]
    os.environ[serving.HOSTS_ENV] = ",".join(names)
    _say_running(host, port, url, new)
    print(f"accounts mode: {mode.workers} worker(s); invite people with: heavylegs users invite")
    if url.startswith("sqlite"):
        print(
            "note: SQLite is for trying it out; PostgreSQL is the deployment database "
            "(docs/deploy.md)",
            flush=True,
        )
    uvicorn.run(
        serving.APP_FACTORY,
        factory=True,
        host=host.strip("[]"),
        port=port,
        workers=mode.workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    return 0


WILDCARDS = ("0.0.0.0", "::", "[::]")


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> list[str]:
    """The ``Host`` names answered: loopback, the address listened on, and ``--allow-host``.

    Why never "any": a page on another site can make its own name resolve to 127.0.0.1 (DNS
    rebinding) and read the answers; its requests carry its own name as ``Host``. So even on
    ``0.0.0.0`` only the names given are answered; a wildcard address itself is not a name.
    """
    names = {"127.0.0.1", "localhost", "[::1]"}
    for name in (host, *extra):
        name = name.strip().lower()
        if not name or name in WILDCARDS:
            continue
        names.add(f"[{name.strip('[]')}]" if ":" in name else name)
    return sorted(names)


def _hide_password(url: str) -> str:
    from sqlalchemy import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unusual URL is still shown, just not parsed
        return url


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("serve")(serve)
