"""The clinician report over ten years: 3,650 days of diary (morning and evening, 8 measures)
and a run every two to three days (about 1,500 runs), stored in a SQLite file.

Target (CPU time of this process, so a busy shared machine does not decide it): the report's
work — gather from the database (entries, insights, the recent running load) and typeset the
PDF with its two charts — under 2 s (median of warm runs; the first run, with matplotlib's and
fpdf2's imports, is printed too). Baseline measured in the same run: rendering the same two
charts alone (diary and training, PNG as in the report) from the same data: the report should
cost little more than its pictures. Also shown: vector charts, the FHIR bundle and the calendar
on the same data. Exits 1 when the target is missed.

``python bench/bench_report.py [--quick]`` (``--quick``: one year instead of ten).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert

from bench_insights import MEASURES, synthetic
from heavylegs.knowledge import load_knowledge
from heavylegs.reports.calendar import WorkingDay, render_calendar
from heavylegs.reports.charts import ChartFormat, diary_chart, training_chart
from heavylegs.reports.fhir import render_bundle
from heavylegs.reports.gather import gather
from heavylegs.reports.pdf import render_report
from heavylegs.store import open_store, record_assessment, upsert_profile
from heavylegs.store.models import DiaryEntry, MeasureDone
from heavylegs.training.importer import import_paths
from synthetic_fit import steady_run, write_fit

NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
TARGET_S = 2.0
ANSWERS: dict[str, Any] = {
    "schema_version": 1,
    "about": {"age": 41, "sex": "female"},
    "symptoms": {"legs": "both", "heaviness": 5, "duration_days": 3650, "when": ["end_of_day"]},
    "lifestyle": {"work": "sitting", "hours_still_per_day": 8},
    "running": {"weekly_km": 25, "strength_sessions_per_week": 0},
}


def _median_s(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of this process: other work on a shared machine does not count."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def build(folder: Path, days: int) -> str:
    """A SQLite file with an assessment, ``days`` days of diary and the runs in between."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers

    url = f"sqlite:///{folder / 'report.sqlite3'}"
    store = open_store(url)
    entries, measures = synthetic()
    since = NOW.date() - dt.timedelta(days=days - 1)
    entries = [e for e in entries if e.day >= since]
    measures = [m for m in measures if m.day >= since]
    result = assess(parse_answers(ANSWERS))
    with store.session() as session:
        record_assessment(
            session, ANSWERS, result.model_dump(mode="json"), result.knowledge_version, NOW
        )
        upsert_profile(session, ANSWERS, NOW)
        rows = [
            {
                "day": e.day,
                "part": e.part,
                "heaviness": e.heaviness,
                "ankle_left_cm": e.ankle_left_cm,
                "ankle_right_cm": e.ankle_right_cm,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for e in entries
        ]
        session.execute(insert(DiaryEntry), rows)
        session.execute(
            insert(MeasureDone),
            [{"measure": m.measure, "day": m.day, "minutes": m.minutes} for m in measures],
        )
    fit = folder / "fit"
    fit.mkdir()
    rng = np.random.default_rng(3)
    when = dt.datetime.combine(since, dt.time(7), tzinfo=dt.UTC)
    count = 0
    while when < NOW - dt.timedelta(hours=3):
        run = steady_run(when, 1200, heart_rate=float(rng.uniform(135, 160)), seed=count)
        (fit / f"run_{count:05d}.fit").write_bytes(write_fit(run))
        count += 1
        when += dt.timedelta(hours=float(rng.uniform(48, 72)))
    report = import_paths(store, [fit], now=NOW)
    store.close()
    print(
        f"data: {days} days, {len(entries)} diary entries, {len(measures)} measures done "
        f"({len(MEASURES)} kinds), {report.imported} runs imported"
    )
    return url


def main(argv: list[str] | None = None) -> int:
    days = 365 if "--quick" in (argv if argv is not None else sys.argv[1:]) else 3650
    kb = load_knowledge()
    with tempfile.TemporaryDirectory(prefix="heavylegs-bench-report-") as tmp:
        url = build(Path(tmp), days)
        store = open_store(url)

        def make_report() -> bytes:
            with store.session() as session:
                data = gather(session, NOW, kb)
            return render_report(data)

        t0 = time.process_time()
        first = make_report()  # warm: imports, the font cache, matplotlib
        first_s = time.process_time() - t0
        report_s = _median_s(make_report, 3)
        with store.session() as session:
            data = gather(session, NOW, kb)

        def gather_only() -> None:
            with store.session() as session:
                gather(session, NOW, kb)

        gather_s = _median_s(gather_only, 3)
        charts_s = _median_s(lambda: (diary_chart(data), training_chart(data)), 3)
        vector_s = _median_s(lambda: render_report(data, charts=ChartFormat.VECTOR), 1)
        fhir_s = _median_s(lambda: render_bundle(data), 3)
        hours, zone = WorkingDay.parse("09:00", "17:30"), ZoneInfo("UTC")
        ics_s = _median_s(lambda: render_calendar(data, hours, zone), 3)
        store.close()
    ok = report_s < TARGET_S
    print(f"report (gather + PDF, {len(first) // 1024} KB): {report_s:.2f} s "
          f"(target < {TARGET_S:.0f} s: {'ok' if ok else 'MISSED'})")  # fmt: skip
    print(f"  of which gather (store, insights, recent running load): {gather_s:.2f} s")
    print(f"  first report of the process (imports included): {first_s:.2f} s")
    print(f"baseline: the same two charts alone: {charts_s:.2f} s")
    print(f"ratio report / charts alone: {report_s / charts_s:.1f}x")
    print(f"report with vector charts (--charts vector, PDF only): {vector_s:.2f} s")
    print(f"FHIR bundle: {fhir_s:.2f} s; calendar: {ics_s * 1000:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
