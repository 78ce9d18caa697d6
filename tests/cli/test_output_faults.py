"""Standard output that cannot be written: a full disk says one line and exits 1; a reader that
went away (``| head``) gets no traceback either. Real processes: the failure is at the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [["info", "--json"], ["ask", "heavy legs after a flight", "--json"], ["sources"]]


def _run(args: list[str], tmp_path: Path, stdout: int) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "HEAVYLEGS_DB": str(tmp_path / "heavylegs.sqlite3"),
        "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-c", "from heavylegs.cli.main import run; run()", *args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=120)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_full_disk_is_one_line_and_exit_1(args: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(args, tmp_path, full.fileno())
    assert done.returncode == 1
    assert done.stderr.decode() == "error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", COMMANDS)
def test_a_closed_pipe_gives_no_traceback(args: list[str], tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte
    try:
        done = _run(args, tmp_path, write)
    finally:
        os.close(write)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
