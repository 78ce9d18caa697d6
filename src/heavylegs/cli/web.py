"""``heavylegs serve``: start the web app and API on this machine.

Only Typer is imported here at start-up; FastAPI and uvicorn load when the command runs, so
``heavylegs --help`` stays fast. The app binds 127.0.0.1 by default: health data stays local.
"""

from __future__ import annotations

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
) -> None:
    """Start the web app (assessment, results, guided sessions, diary) and the JSON API."""
    raise typer.Exit(run_serve(host, port, db))


def run_serve(host: str, port: int, db: str | None) -> int:
    """Exit code: 0 after a clean stop, 1 when the database or the port cannot be used."""
    import socket
    import sys

    from heavylegs.store import StoreError, default_url

    url = db or default_url()
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
        app = create_app(url, allowed_hosts=_allowed_hosts(host))
    except StoreError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    address = f"http://{shown}:{port}"
    print(f"heavylegs is running at {address}  (Ctrl-C stops it)", flush=True)
    print(f"database: {_hide_password(url)}", flush=True)
    if host not in LOOPBACK_NAMES:
        print(
            "warning: listening beyond this computer: anyone on your network can reach your "
            "health data",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False)
    return 0


def _allowed_hosts(host: str) -> list[str] | None:
    """Loopback names, plus the address itself; ``None`` (any) when listening on all interfaces."""
    if host in ("0.0.0.0", "::", "[::]"):
        return None
    return sorted(
        {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host.strip('[]')}]"}
    )


def _hide_password(url: str) -> str:
    from sqlalchemy import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unusual URL is still shown, just not parsed
        return url


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app`` (called by ``heavylegs.cli.main``)."""
    app.command("serve")(serve)
