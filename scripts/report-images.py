"""Regenerate docs/report/*.png: the clinician report of a demo person, page by page.

    .venv/bin/python scripts/report-images.py

The demo person (an office worker who runs, three weeks of diary, two imported runs) is stored
in a throwaway SQLite file through the stages' own writers; the clock is fixed, so the pictures
only change when the report does. Needs pdftoppm (Debian poppler-utils).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ (the FIT writer)

from tests.training.fit_writer import steady_run, write_fit  # noqa: E402

from heavylegs.assessment.engine import assess  # noqa: E402
from heavylegs.assessment.validation import parse_answers  # noqa: E402
from heavylegs.diary.entries import record_entry, record_measure  # noqa: E402
from heavylegs.diary.validation import parse_entry, parse_measure_done  # noqa: E402
from heavylegs.knowledge import load_knowledge  # noqa: E402
from heavylegs.reports.gather import gather  # noqa: E402
from heavylegs.reports.pdf import render_report  # noqa: E402
from heavylegs.store import open_store, record_assessment, upsert_profile  # noqa: E402
from heavylegs.training.importer import import_paths  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
ANSWERS = {
    "schema_version": 1,
    "about": {"age": 38, "sex": "female"},
    "symptoms": {
        "legs": "both",
        "heaviness": 6,
        "duration_days": 75,
        "onset": "gradual",
        "when": ["end_of_day", "after_sitting"],
        "relieved_by": ["elevation", "walking"],
        "swelling": "both_legs",
        "swelling_gone_by_morning": True,
        "pain": "dull_ache",
        "calf_tender_to_touch": False,
        "warm_red_skin": False,
        "visible_varicose_veins": True,
        "night_cramps": True,
    },
    "whole_body": {"short_of_breath": "no", "chest_pain": False},
    "history": {"conditions": [], "medications": ["estrogen_contraceptive_or_hrt"]},
    "lifestyle": {"work": "sitting", "hours_still_per_day": 8, "water_liters_per_day": 1.2},
    "running": {"weekly_km": 25, "strength_sessions_per_week": 0},
    "tried": {"measures": ["elevation", "compression"], "weeks": 4, "improving": "partly"},
}


def main() -> int:
    kb = load_knowledge()
    with tempfile.TemporaryDirectory(prefix="heavylegs-docs-") as tmp:
        folder = Path(tmp)
        store = open_store(f"sqlite:///{folder / 'demo.sqlite3'}")
        result = assess(parse_answers(ANSWERS), kb)
        today = NOW.date()
        with store.session() as session:
            at = NOW - dt.timedelta(days=21)
            output = result.model_dump(mode="json")
            record_assessment(session, ANSWERS, output, result.knowledge_version, at)
            upsert_profile(session, ANSWERS, at)
            for i in range(21):
                day = (today - dt.timedelta(days=21 - i)).isoformat()
                evening = {
                    "date": day,
                    "part": "evening",
                    "heaviness": 7 - i // 5,
                    "ankle_left_cm": round(24.6 - i * 0.04, 1),
                    "ankle_right_cm": round(24.8 - i * 0.03, 1),
                    "cramps": 1 if i % 4 == 0 else 0,
                }
                if i == 20:
                    evening["note"] = "Long train trip from Łódź; Zoë says my ankles look better"
                record_entry(session, parse_entry(evening, today=today), NOW)
                morning = {"date": day, "part": "morning", "heaviness": 3 - i // 10, "sleep_h": 7}
                record_entry(session, parse_entry(morning, today=today), NOW)
                for measure, every in (("legs_up_the_wall", 2), ("movement_breaks", 1)):
                    if i % every == 0 and i > 2:
                        done = {"measure": measure, "date": day, "minutes": 12}
                        record_measure(session, parse_measure_done(done, today=today))
        runs = []
        for k, days_ago in enumerate((10, 3)):
            start = NOW - dt.timedelta(days=days_ago, hours=9)
            run = dataclasses.replace(steady_run(start, 2700, seed=k), utc_offset_s=0)
            path = folder / f"run{k}.fit"
            path.write_bytes(write_fit(run))
            runs.append(path)
        import_paths(store, runs, now=NOW)
        with store.session() as session:
            data = gather(session, NOW, kb)
        store.close()
        pdf = folder / "report.pdf"
        pdf.write_bytes(render_report(data))
        target = REPO / "docs" / "report"
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(target / "page")], check=True)
        (target / "answers.json").write_text(json.dumps(ANSWERS, indent=2) + "\n")
    print("\n".join(str(p.relative_to(REPO)) for p in sorted(target.glob("*"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
