"""``log`` and ``done`` on the default stored path (a local SQLite file at the current schema)
run without importing pydantic or Rich: their values are checked in plain Python, ``done`` reads
the measure catalog, not the knowledge base, and their lines are written as Rich writes them
(start-up, issue 15). Checked in a real process, after the command ran, so any import on the
way counts; a refused value still takes the pydantic models, which word it (and shows the check
can see pydantic)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

CODE = (
    "import atexit, sys\n"
    "sys.argv = ['heavylegs', *sys.argv[1:]]\n"
    "atexit.register(lambda: sys.stderr.write('\\n' + ' '.join(\n"
    "    ('WITH ' if name in sys.modules else 'NO ') + name for name in ('pydantic', 'rich'))))\n"
    "from heavylegs.cli.main import run\n"
    "run()\n"
)
NEITHER = "NO pydantic NO rich"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CODE, *args], capture_output=True, text=True, env=env, check=False
    )


def _imports(done: subprocess.CompletedProcess[str]) -> str:
    return done.stderr.rsplit("\n", 1)[-1]


def _unwrap(lines: str) -> str:
    """The line Rich wrapped (its words are one space apart)."""
    parts = lines.rstrip("\n").split("\n")
    return "".join(
        p if p.endswith(" ") or i == len(parts) - 1 else p + " " for i, p in enumerate(parts)
    )


def _as_rich_prints(width: int, *lines: str) -> str:
    out = io.StringIO()
    for line in lines:
        Console(file=out, width=width, highlight=False).print(line)
    return out.getvalue()


def test_log_and_done_on_the_stored_path_import_no_pydantic_nor_rich(
    tmp_path: Path, shared: Path
) -> None:
    env = {
        **os.environ,
        "HEAVYLEGS_DB": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "60",
    }
    for name in ("PYDANTIC_DISABLE_PLUGINS", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM"):
        env.pop(name, None)
    example = shared / "spec" / "examples" / "after-long-flight.json"
    urgent = _run(["assess", "--answers", str(example), "--json"], env)  # creates the file
    assert urgent.returncode == 0 and '"level": "urgent"' in urgent.stdout, urgent.stderr
    assert _run(["done", "calf_raises", "--minutes", "5"], env).returncode == 0  # the catalog

    log = _run(
        ["log", "--heaviness", "3", "--ankle-left-cm", "24.5", "--sock-marks", "--note", "ok"],
        env,
    )
    assert log.returncode == 0, log.stderr
    logged = _unwrap(log.stdout)
    # The part is the clock's (evening from 14:00): this runs at any time of day.
    assert logged.split(" ", 2)[2] in (
        f"{part}: heaviness 3/10, ankle left 24.5 cm, sock marks, note “ok”"
        for part in ("morning", "evening")
    )
    assert log.stdout == _as_rich_prints(60, logged) and log.stdout.count("\n") == 2
    assert _imports(log) == NEITHER, log.stderr

    done = _run(["done", "ankle_pumps", "--reps", "10"], env)
    assert done.returncode == 0, done.stderr
    recorded, careful = done.stdout.split("Careful:")
    recorded, careful = _unwrap(recorded), _unwrap(careful)
    assert recorded.startswith("Recorded Ankle pumps and circles on "), done.stdout
    assert recorded.endswith(": 10 reps (id 2)")
    assert "avoid Ankle pumps" in careful  # the URGENT plan says to avoid it: the warning too
    expected = _as_rich_prints(60, recorded, f"[bold red]Careful:[/]{careful}")
    assert done.stdout == expected and done.stdout.count("\n") > 3
    assert _imports(done) == NEITHER, done.stderr

    refused = _run(["log", "--heaviness", "11"], env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.split("\n")[:1] == ["error: heaviness: must be between 0 and 10 (got 11)"]
    assert _imports(refused).startswith("WITH pydantic"), refused.stderr
    unknown = _run(["done", "ankle_pump"], env)
    assert unknown.returncode == 2
    assert (
        "error: measure: unknown measure 'ankle_pump' (did you mean ankle_pumps" in unknown.stderr
    )
