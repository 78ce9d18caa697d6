"""Synthetic FIT files for the benchmarks: the tests' writer, ``tests/training/fit_writer.py``.

The writer is test code, not part of heavylegs; this puts the repository root on the path so a
benchmark run as a script (``python bench/bench_training.py``) or by ``bench/run.py`` finds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.training.fit_writer import steady_run, write_fit  # noqa: E402

__all__ = ["steady_run", "write_fit"]
