"""Assessment speed: in-process assessments per second, and CLI start-up against bare Python.

Targets (issue 2): >= 5,000 assessments/s on one core; ``heavylegs --help`` <= 10x and
``heavylegs assess --answers`` <= 15x the wall time of ``python -c pass``, measured in this run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or Path(__file__).resolve().parents[2] / "shared")
EXE = Path(sys.executable).parent / "heavylegs"


def _vignettes() -> list[dict[str, object]]:
    lines = (SHARED / "vignettes" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["answers"] for line in lines if line.strip()]


def in_process(seconds: float = 2.0) -> None:
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    docs = _vignettes()
    parsed = [parse_answers(d) for d in docs]
    for a in parsed:
        assess(a, kb)  # warm up: compile rules once

    # CPU time of this process: the target is "on one core", and the machine may be shared.
    def rate(fn: object, items: list[object]) -> float:
        count, start = 0, time.process_time()
        while time.process_time() - start < seconds:
            for item in items:
                fn(item)  # type: ignore[operator]
            count += len(items)
        return count / (time.process_time() - start)

    validate_only = rate(parse_answers, docs)  # type: ignore[arg-type]
    full = rate(lambda d: assess(parse_answers(d), kb).model_dump_json(), docs)  # type: ignore[arg-type]
    engine_only = rate(lambda a: assess(a, kb), parsed)  # type: ignore[arg-type]
    print("(rates are per second of CPU time on one core)")
    print(f"baseline  pydantic validation only : {validate_only:10,.0f} /s")
    print(f"engine    assess(parsed answers)   : {engine_only:10,.0f} /s  (target >= 5,000)")
    print(
        f"full      validate+assess+JSON     : {full:10,.0f} /s  ratio to validation {full / validate_only:.2f}"
    )


def _wall(cmd: list[str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli() -> None:
    example = SHARED / "spec" / "examples" / "after-long-flight.json"
    base = [str(EXE), "assess", "--answers", str(example), "--json"]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HEAVYLEGS_CACHE_DIR"] = tmp
        os.environ["HEAVYLEGS_DB"] = f"sqlite:///{tmp}/bench.sqlite3"
        subprocess.run(base, capture_output=True, check=True)  # warm the knowledge cache
        bare = _wall([sys.executable, "-c", "pass"])
        typer = _wall([sys.executable, "-c", "import typer"])
        helptime = _wall([str(EXE), "--help"])
        assess = _wall([*base, "--no-store"])
        stored = _wall(base)
    print(f"baseline  python -c pass                : {bare * 1000:7.1f} ms")
    print(
        f"          python -c 'import typer'      : {typer * 1000:7.1f} ms  ({typer / bare:.1f}x)"
    )
    print(
        f"heavylegs --help                        : {helptime * 1000:7.1f} ms  ({helptime / bare:.1f}x, target <= 10x)"
    )
    print(
        f"heavylegs assess --answers --no-store   : {assess * 1000:7.1f} ms  ({assess / bare:.1f}x, target <= 15x)"
    )
    print(
        f"heavylegs assess --answers (and store)  : {stored * 1000:7.1f} ms  ({stored / bare:.1f}x, SQLAlchemy + SQLite write)"
    )


def main() -> None:
    in_process()
    cli()


if __name__ == "__main__":
    main()
