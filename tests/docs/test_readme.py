"""Every ``console`` block of the README runs, in order, against a fresh database: the README
cannot drift from the program.

A block's ``$`` lines are commands (``heavylegs …``, also ``.venv/bin/heavylegs`` and
``echo '…' | heavylegs …``); the lines under a command are its output. A shown ``error:`` line
means the command must fail with it on stderr; otherwise it must succeed, and every ``[id]``
the shown output names must be in the real output. Commands run in-process (the diary's clock
and sleep are replaced, so a guided session takes no time) in a temporary folder where
``docs/`` is the repository's and ``~/Downloads/export_12345.zip`` is a small Strava-style export
of recent runs. The interactive ``heavylegs assess`` gets the answers of a desk worker typed in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shlex
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli.test_interview import script_for
from tests.conftest import REPO
from tests.training.helpers import fit_run

README = REPO / "README.md"
DESK_WORKER = {
    "about.age": 41,
    "about.sex": "female",
    "symptoms.legs": "both",
    "symptoms.heaviness": 4,
    "symptoms.when": ["after_sitting", "end_of_day"],
    "symptoms.swelling": "none",
    "lifestyle.work": "sitting",
    "lifestyle.hours_still_per_day": 8,
    "meta.runs": False,
}


@dataclass
class Command:
    line: int
    argv: list[str]
    stdin: str | None
    shown: list[str] = field(default_factory=list)


def console_commands(text: str) -> list[Command]:
    """The commands of every ``console`` block, each with the output lines shown under it."""
    commands: list[Command] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            commands.append(_parse(number, line[2:]))
        elif commands and line.strip():
            commands[-1].shown.append(line)
    return commands


def _parse(number: int, text: str) -> Command:
    stdin = None
    if " | " in text:
        feed, _, text = text.partition(" | ")
        words = shlex.split(feed)
        assert words[0] == "echo", f"README line {number}: only `echo … |` pipes are run"
        stdin = " ".join(words[1:]) + "\n"
    argv = shlex.split(text, comments=True)
    assert argv[0] in ("heavylegs", ".venv/bin/heavylegs"), f"README line {number}: {argv[0]}"
    return Command(number, argv[1:], stdin)


def test_the_readme_has_console_blocks_with_commands() -> None:
    commands = console_commands(README.read_text(encoding="utf-8"))
    assert len(commands) >= 20
    for needed in ("training", "import", "profile", "info", "edit", "delete", "explain"):
        assert any(c.argv[0] == needed for c in commands), needed


def _export_zip(now: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for days in (2, 4, 6, 9, 11, 13):
            start = now - dt.timedelta(days=days, hours=2)
            archive.writestr(f"activities/{days}.fit", fit_run(start, 1800 + 60 * days))
    return buffer.getvalue()


def test_every_console_block_of_the_readme_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import heavylegs.cli.diary as diary_cli
    from heavylegs.cli.main import app
    from heavylegs.cli.output import console

    now = dt.datetime.now(dt.UTC)
    work = tmp_path / "work"
    work.mkdir()
    (work / "docs").symlink_to(REPO / "docs")
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "Downloads" / "export_12345.zip").write_bytes(_export_zip(now))
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HEAVYLEGS_DB", f"sqlite:///{tmp_path / 'readme.sqlite3'}")
    clock = [0.0]
    monkeypatch.setattr(diary_cli, "monotonic", lambda: clock[0])
    monkeypatch.setattr(diary_cli, "sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    monkeypatch.setattr(console(), "width", 80)

    commands = console_commands(README.read_text(encoding="utf-8"))
    for command in commands:
        argv = [Path(a).expanduser().as_posix() if a.startswith("~") else a for a in command.argv]
        stdin = command.stdin
        if argv == ["assess"]:  # the interactive interview: type a desk worker's answers
            monkeypatch.setenv("HEAVYLEGS_INTERACTIVE", "1")
            stdin = script_for(DESK_WORKER)[0]
        result: Any = CliRunner().invoke(app, argv, input=stdin)
        monkeypatch.delenv("HEAVYLEGS_INTERACTIVE", raising=False)
        where = f"README line {command.line}: heavylegs {' '.join(command.argv)}"
        errors = [line for line in command.shown if line.startswith("error: ")]
        if errors:
            assert result.exit_code != 0, where
            for shown in errors:
                assert any(line.startswith(shown) for line in result.stderr.splitlines()), (
                    where,
                    shown,
                    result.stderr,
                )
            continue
        assert result.exit_code == 0, (where, result.stdout[-2000:], result.stderr[-2000:])
        assert "Traceback" not in result.output, where
        for shown in command.shown:
            for entry_id in re.findall(r"\[([a-z0-9][a-z0-9_-]+)\]", shown):
                assert f"[{entry_id}]" in result.stdout, (where, entry_id)
    assert (work / "load.png").stat().st_size > 0 and (work / "backup.json").exists()
