"""The CLI in process: the console script's own command group, a database of each test's own,
and no process-wide state carried from one test (or one invocation) to the next.

A real process per test costs about half a second of start-up; the few tests that prove the
process itself works (entry point, exit codes, stdin, a terminal or none, Ctrl-C) still start
one. Everything else runs here through Typer's ``CliRunner``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner, Result

from heavylegs.cli.main import _lazy_group, app
from heavylegs.cli.output import choose_db, console

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def _forget_db_before_the_command() -> Iterator[None]:
    """``heavylegs --db X cmd`` remembers X for the process (the app callback sets it on every
    run, but a group without that callback, as some tests build, would see it): forget it."""
    yield
    choose_db(None)


@pytest.fixture(scope="session")
def console_group() -> Any:
    """What ``heavylegs`` (``cli.main:run``) runs: each command built on first use, then kept."""
    return _lazy_group()


@pytest.fixture(autouse=True)
def _runner_runs_the_console_script(console_group: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """``CliRunner().invoke(app, ...)`` runs the console script's group, not a group Typer builds
    anew with all commands for every call (~0.15 s each; ``test_lazy_commands`` shows the two
    are the same). Other apps a test builds are left to Typer."""
    build = typer.testing._get_command
    monkeypatch.setattr(
        typer.testing, "_get_command", lambda given: console_group if given is app else build(given)
    )


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database of the test's own, as ``$HEAVYLEGS_DB`` (not created until written)."""
    url = f"sqlite:///{tmp_path / 'heavylegs.sqlite3'}"
    monkeypatch.setenv("HEAVYLEGS_DB", url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return url


@pytest.fixture
def heavylegs(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``heavylegs(*args, input=None, env=None)``: one run of the command in this process, with
    stdout and stderr apart (``result.stdout``, ``result.stderr``), at 100 columns."""
    monkeypatch.setattr(console(), "width", 100)

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(app, list(args), input=input, env=env)

    return invoke
