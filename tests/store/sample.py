"""A small but complete database: every table, awkward values (unicode, float noise, µs)."""

from __future__ import annotations

import datetime as dt

from heavylegs.diary.entries import SessionRecord, record_entry, record_measure, record_session
from heavylegs.diary.validation import MeasureDoneIn, parse_entry
from heavylegs.store import Store, record_assessment, upsert_profile
from heavylegs.store.models import Activity
from heavylegs.store.person import parse_profile, save_profile

UTC = dt.UTC
TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 19, 45, 1, 654321, tzinfo=UTC)


def populate(store: Store, days: int = 12) -> None:
    with store.session() as s:
        answers = {
            "schema_version": 1,
            "about": {"age": 47, "sex": "male"},
            "symptoms": {"legs": "both", "heaviness": 6},
            "lifestyle": {"work": "sitting", "water_liters_per_day": 1.2},
        }
        output = {
            "schema_version": 1,
            "triage": {
                "level": "self_care",
                "headline": "Zu Hause behandelbar — ok",
                "reasons": [],
            },
            "causes": [{"id": "static_posture", "likelihood": 0.1 + 0.2, "why": [], "sources": []}],
            "plan": {"do": [{"id": "ankle_pumps"}], "avoid": []},
        }
        record_assessment(s, answers, output, "kb-test", NOW - dt.timedelta(days=days))
        upsert_profile(s, answers, NOW - dt.timedelta(days=days))
        save_profile(
            s,
            parse_profile(
                {"age": 52, "resting_hr": 58, "work_start": "08:30", "work_end": "17:00"}
            ),
            NOW,
        )
        for i in range(days):
            day = TODAY - dt.timedelta(days=days - 1 - i)
            for part, h in (("morning", 2 + i % 3), ("evening", 4 + i % 5)):
                entry = parse_entry(
                    {
                        "date": day,
                        "part": part,
                        "heaviness": h,
                        "ankle_left_cm": 23.1 + i / 30,
                        "ankle_right_cm": 23.4,
                        "swelling": "both" if i % 4 == 0 else "none",
                        "sleep_h": 7.25,
                        "note": f"Tag {i}: „schwer“ 🦵" if part == "evening" else None,
                    },
                    today=TODAY,
                )
                record_entry(s, entry, NOW - dt.timedelta(days=days - i, microseconds=i))
            if i % 2 == 0:
                record_measure(
                    s,
                    MeasureDoneIn(
                        measure="ankle_pumps",
                        date=day,
                        reps=20,
                        at=NOW - dt.timedelta(days=days - i),
                    ),
                )
        record_session(
            s,
            SessionRecord(
                "evening",
                NOW - dt.timedelta(minutes=20),
                NOW,
                "stopped",
                [MeasureDoneIn(measure="legs_up_the_wall", date=TODAY, minutes=7.33, at=NOW)],
            ),
        )
        s.add(
            Activity(
                sport="running",
                start_utc=NOW - dt.timedelta(days=2),
                utc_offset_s=3600,
                duration_s=3021.5,
                moving_s=None,
                distance_m=8012.3,
                avg_hr=151.0,
                max_hr=None,
                avg_cadence_spm=171.2,
                elevation_gain_m=12.0,
                source_sha256="ab" * 32,
            )
        )
