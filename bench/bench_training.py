"""Activity import and load maths, against fitdecode measured in the same run.

1. FIT decoding on the shared corpus (``$HEAVYLEGS_SHARED/data/activities/fit``): records/s of
   the fast path (with its fitdecode fallback) against fitdecode alone; and a full import
   (parse + store into SQLite) in records/s. Target: import ≥ 30× fitdecode's records/s.
2. A synthetic ten-year history: 3,000 one-hour runs at 1 Hz (≈ 11 M records) written as FIT
   files, then imported by a fresh process into a fresh SQLite file. Targets: < 30 s and
   < 500 MB peak memory (the child's maximum resident set size).
3. One new activity on top of that history: parse + store + load + every series updated
   incrementally. Target: < 100 ms. Baseline: rebuilding every series from the stored rows.

``python bench/bench_training.py [--quick]`` (``--quick``: 300 runs instead of 3,000).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from heavylegs.store import open_store
from heavylegs.training.fit import decode
from heavylegs.training.importer import import_paths
from synthetic_fit import steady_run, write_fit

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "data" / "activities" / "fit"
RUNS = 3000
START = dt.datetime(2016, 11, 1, 6, 30, tzinfo=dt.UTC)


def _fitdecode_records(blob: bytes) -> int:
    """fitdecode's cheapest full read: iterate every frame, count records, touch nothing."""
    import io
    import warnings

    import fitdecode  # type: ignore[import-untyped]

    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fitdecode.FitReader(io.BytesIO(blob), check_crc=fitdecode.CrcCheck.WARN) as reader:
            try:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                        count += 1
            except fitdecode.FitError:
                pass
    return count


def corpus_speed() -> bool:
    """Whether the import reached 30× fitdecode's records/s."""
    files = sorted(CORPUS.glob("*.fit"))
    blobs = [p.read_bytes() for p in files]
    t0 = time.perf_counter()
    ref_records = 0
    for blob in blobs:
        ref_records += _fitdecode_records(blob)
    ref_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast_records = 0
    fast_files = 0
    for blob in blobs:
        data, fast = decode(blob)
        fast_records += data.records["timestamp"].size
        fast_files += fast
    fast_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.sqlite3")
        t0 = time.perf_counter()
        report = import_paths(store, [CORPUS], now=dt.datetime.now(dt.UTC))
        import_s = time.perf_counter() - t0
        store.close()
    ref_rate = ref_records / ref_s
    print(f"corpus: {len(files)} FIT files, {ref_records:,} records; fast path on {fast_files}")
    print(f"  fitdecode            {ref_rate:12,.0f} records/s ({ref_s:.2f} s)")
    print(
        f"  fast decode          {fast_records / fast_s:12,.0f} records/s ({fast_s:.2f} s)  "
        f"{fast_records / fast_s / ref_rate:6.1f}x"
    )
    print(
        f"  import (parse+store) {fast_records / import_s:12,.0f} records/s ({import_s:.2f} s)  "
        f"{fast_records / import_s / ref_rate:6.1f}x  target >= 30x  "
        f"[{report.imported} new, {report.duplicates} duplicates, {len(report.skipped)} skipped]"
    )
    return fast_records / import_s / ref_rate >= 30


def write_history(folder: Path, runs: int) -> int:
    rng = np.random.default_rng(11)
    records = 0
    when = START
    for i in range(runs):
        run = steady_run(
            when,
            3600,
            speed_mps=float(rng.uniform(2.6, 3.6)),
            heart_rate=float(rng.uniform(130, 165)),
            cadence_spm=float(rng.uniform(160, 182)),
            seed=i,
        )
        (folder / f"run_{i:05d}.fit").write_bytes(write_fit(run))
        records += 3600
        when += dt.timedelta(hours=float(rng.uniform(24, 34)))
    return records


def _child_import(folder: str, url: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = open_store(url)
    t0 = time.perf_counter()
    report = import_paths(store, [Path(folder)], now=dt.datetime.now(dt.UTC))
    elapsed = time.perf_counter() - t0
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((elapsed, peak_mb, report.imported, len(report.skipped)))


def history(runs: int) -> bool:
    """Whether ten years imported in under 30 s and 500 MB, and one more run in 100 ms."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fit"
        folder.mkdir()
        t0 = time.perf_counter()
        records = write_history(folder, runs)
        written = time.perf_counter() - t0
        url = f"sqlite:///{tmp}/history.sqlite3"
        open_store(url).close()  # schema first: migrations are not part of the import
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_child_import, args=(str(folder), url, queue))
        child.start()
        elapsed, peak_mb, imported, skipped = queue.get()
        child.join()
        size_mb = Path(f"{tmp}/history.sqlite3").stat().st_size / 2**20
        print(
            f"history: {runs} runs, {records:,} records written in {written:.1f} s; "
            f"import {elapsed:.1f} s ({records / elapsed:,.0f} records/s, target < 30 s), "
            f"peak RSS {peak_mb:.0f} MB (target < 500 MB), database {size_mb:.0f} MB; "
            f"{imported} imported, {skipped} skipped"
        )
        step_ok = incremental(url, folder, runs)
        return elapsed < 30 and peak_mb < 500 and step_ok


def incremental(url: str, folder: Path, runs: int) -> bool:
    from heavylegs.training.repository import load_sessions
    from heavylegs.training.signals import build_series

    store = open_store(url)
    now = START + dt.timedelta(days=runs * 1.25 + 2)
    with store.session() as session:
        t0 = time.perf_counter()
        items, profile = load_sessions(session, now, default_offset_s=0)
        series = build_series(items, now.date())
        rebuild_ms = (time.perf_counter() - t0) * 1000
    assert series is not None
    new_file = folder / "new.fit"
    new_file.write_bytes(write_fit(steady_run(now - dt.timedelta(hours=3), 3600, seed=99)))
    t0 = time.perf_counter()
    report = import_paths(store, [new_file], now=now)
    with store.session() as session:
        from heavylegs.training.repository import activity_rows
        from heavylegs.training.signals import sessions

        rows = activity_rows(session, since=now - dt.timedelta(days=1))
        (added,) = [s for s in sessions(rows, profile, 0) if s.id in report.activity_ids]
    series.add(added.day, added.load)
    step_ms = (time.perf_counter() - t0) * 1000
    store.close()
    print(
        f"one new activity: import + load + incremental series {step_ms:.1f} ms "
        f"(target < 100 ms); rebuilding every series from the rows {rebuild_ms:.1f} ms"
    )
    return step_ms < 100


def main() -> int:
    """0 when every target is met, 1 otherwise (``bench/run.py`` lists the misses)."""
    quick = "--quick" in sys.argv
    ok = True
    if CORPUS.is_dir():
        ok = corpus_speed()
    else:
        print(f"corpus not found at {CORPUS}: set HEAVYLEGS_SHARED")
        ok = False
    return 0 if history(300 if quick else RUNS) and ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
