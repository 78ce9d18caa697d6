"""``heavylegs serve``: start the web app and API on this machine.

Only Typer is imported here at start-up; FastAPI and uvicorn load when the command runs, so
``heavylegs --help`` stays fast. The app binds 127.0.0.1 by default: health data stays local.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

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
) -> None:
    """Start the web app (assessment, results, guided sessions, diary) and the JSON API."""
    raise typer.Exit(run_serve(host, port, db, allow_host or []))


def run_serve(host: str, port: int, db: str | None, allow_host: Sequence[str] = ()) -> int:
    """Exit code: 0 after a clean stop, 1 when the database or the port cannot be used."""
    import socket
    import sys

    from heavylegs.cli.output import Fail, error_lines, resolve_db, sqlite_file
    from heavylegs.store import StoreError

    try:
        url = resolve_db(db)[0]  # a file path is SQLite; --db before "serve" counts too
    except Fail as exc:
        error_lines(exc.problems)
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
    import uvicorn

    from heavylegs.web.app import create_app

    try:
        app = create_app(url, allowed_hosts=allowed_hosts(host, allow_host))
    except StoreError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    address = f"http://{shown}:{port}"
    print(f"heavylegs is running at {address}  (Ctrl-C stops it)", flush=True)
    print(f"database: {_hide_password(url)}{' (created now)' if new else ''}", flush=True)
    if host not in LOOPBACK_NAMES:
        print(
            "warning: listening beyond this computer: anyone on your network can reach your "
            "health data",
            file=sys.stderr,
            flush=True,
        )
        if not allow_host:
            print(
                "note: only loopback names are answered; add --allow-host NAME for the name "
                "others use to reach this computer",
                file=sys.stderr,
                flush=True,
            )
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False)
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
