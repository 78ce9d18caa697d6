"""``log`` and ``done`` on the default stored path (a local SQLite file at the current schema)
run without importing pydantic: their values are checked in plain Python and ``done`` reads the
measure catalog, not the knowledge base (start-up, issue 15). Checked in a real process, after
the command ran, so any import on the way counts; a refused value still takes the pydantic
models, which word it (and shows the check can see pydantic)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = (
    "import atexit, sys\n"
    "sys.argv = ['heavylegs', *sys.argv[1:]]\n"
    "atexit.register(lambda: sys.stderr.write("
    "'\\nPYDANTIC\\n' if 'pydantic' in sys.modules else '\\nNO PYDANTIC\\n'))\n"
    "from heavylegs.cli.main import run\n"
    "run()\n"
)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CODE, *args], capture_output=True, text=True, env=env, check=False
    )


def test_log_and_done_on_the_stored_path_import_no_pydantic(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HEAVYLEGS_DB": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "200",
    }
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    first = _run(["log", "--heaviness", "4", "--date", "2026-11-20"], env)  # creates the file
    assert first.returncode == 0, first.stderr
    assert _run(["done", "calf_raises", "--minutes", "5"], env).returncode == 0  # the catalog

    log = _run(
        ["log", "--heaviness", "3", "--ankle-left-cm", "24.5", "--sock-marks", "--note", "ok"],
        env,
    )
    assert log.returncode == 0, log.stderr
    assert ": heaviness 3/10, ankle left 24.5 cm, sock marks, note “ok”" in log.stdout
    assert log.stderr.split() == ["NO", "PYDANTIC"], log.stderr

    done = _run(["done", "ankle_pumps", "--reps", "10"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Recorded Ankle pumps and circles on "), done.stdout
    assert ": 10 reps (id 2)" in done.stdout
    assert done.stderr.split() == ["NO", "PYDANTIC"], done.stderr

    refused = _run(["log", "--heaviness", "11"], env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.split("\n")[:1] == ["error: heaviness: must be between 0 and 10 (got 11)"]
    assert refused.stderr.split()[-1:] == ["PYDANTIC"] and "NO PYDANTIC" not in refused.stderr
    unknown = _run(["done", "ankle_pump"], env)
    assert unknown.returncode == 2
    assert (
        "error: measure: unknown measure 'ankle_pump' (did you mean ankle_pumps" in unknown.stderr
    )
