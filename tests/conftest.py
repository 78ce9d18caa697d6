"""Test-wide set-up: where ``shared/`` is, and isolated cache/data folders for every run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or REPO.parent / "shared").resolve()

# Isolate before anything imports heavylegs: subprocesses inherit these too.
_ISOLATED = Path(tempfile.mkdtemp(prefix="heavylegs-tests-"))
os.environ["HEAVYLEGS_CACHE_DIR"] = str(_ISOLATED / "cache")
os.environ.setdefault("XDG_DATA_HOME", str(_ISOLATED / "data"))
os.environ.setdefault("XDG_CACHE_HOME", str(_ISOLATED / "xdg-cache"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder (spec, seeds, vignettes); the tests need it and say so if missing."""
    if not (SHARED / "spec").is_dir():
        pytest.fail(f"shared folder not found at {SHARED}; set HEAVYLEGS_SHARED")
    return SHARED
