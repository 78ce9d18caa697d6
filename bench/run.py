"""Run every ``bench/bench_*.py`` (each has ``main()``) and print its ratios. Not part of tests.

``python bench/run.py [NAME ...] [--quick]``: only the benches named (``assess``, ``web`` …);
flags are left to the benches. Exit 1 when a target is missed or a bench crashed (the others
still run and print their figures).
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    wanted = {arg for arg in argv if not arg.startswith("-")}  # flags are the benches' own
    missed = []
    for path in sorted(here.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # Registered under its own name (bench/ on the path) so a spawned child process can
        # import it again to find its target function (pickled by module and name).
        sys.modules[path.stem] = module
        if str(here) not in sys.path:
            sys.path.insert(0, str(here))
        print(f"\n== {name} ==", flush=True)
        try:
            spec.loader.exec_module(module)
            failed = module.main()  # a bench that returns non-zero missed its target
        except Exception:  # one broken bench must not hide the others' figures
            traceback.print_exc()
            print(f"{name}: CRASHED", flush=True)
            failed = 1
        if failed:
            missed.append(name)
    if missed:
        print(f"\nmissed targets (or crashed): {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
