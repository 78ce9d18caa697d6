"""``heavylegs serve``: registered by the CLI, prints the address, serves, refuses a busy port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import typer
from typer.testing import CliRunner

from heavylegs.cli import web


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_register_adds_serve_with_its_options() -> None:
    app = typer.Typer()
    web.register(app)

    @app.command()
    def other() -> None:  # a second command so Typer keeps sub-command names
        """Unused."""

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db"):
        assert option in result.output


def test_the_cli_module_imports_no_web_stack_at_start_up() -> None:
    code = (
        "import sys, heavylegs.cli.web; "
        "print(any(m.split('.')[0] in ('fastapi', 'uvicorn', 'sqlalchemy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_busy_port_is_refused_with_a_hint(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = web.run_serve("127.0.0.1", port, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 1


def test_serve_prints_the_address_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    db = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    exe = Path(sys.executable).with_name("heavylegs")
    command = [str(exe), "serve", "--port", str(port), "--db", db]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith(f"heavylegs is running at http://127.0.0.1:{port}")
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    assert b"Heavy legs?" in response.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Host": "attacker.example"}
        )
        try:
            urllib.request.urlopen(request, timeout=2)
            raise AssertionError("a foreign Host header was served")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
    finally:
        process.terminate()
        process.communicate(timeout=10)  # reaps it and closes the pipes
