"""Everything the training views show, computed once for the CLI and the web alike.

:func:`training_overview` reads the activities (and the diary, for heaviness) through the store
and returns a JSON-ready document: the constants used, the heart-rate profile (with every
estimate flagged), today's fitness/fatigue/form and load ratio with its band, the weekly table,
the daily series on one time axis, cadence per run against the runner's baseline, the heaviness
link, and the running answers the assessment can take.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heavylegs.training.heaviness import heaviness_link
from heavylegs.training.load import HeartProfile, heart_profile
from heavylegs.training.running import running_fill
from heavylegs.training.series import (
    CALIBRATION_DAYS,
    SEED_DAYS,
    LoadSeries,
    constants,
    ratio_band,
)
from heavylegs.training.signals import (
    SessionInfo,
    build_series,
    cadence_trend,
    sessions,
    weekly,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_OBSERVED_HR = 230.0


@dataclass(frozen=True)
class HeartInputs:
    """What the person said about their heart rate (``None`` = estimate it)."""

    hr_rest: float | None = None
    hr_max: float | None = None
    seed_load: float | None = None
    """Mean daily load to start the load model from (``None``: the first weeks' mean)."""


def local_offset_s(now: dt.datetime) -> int:
    """The machine's UTC offset at ``now``, for files that do not carry their own."""
    offset = now.astimezone().utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def load_sessions(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    default_offset_s: int | None = None,
) -> tuple[list[SessionInfo], HeartProfile]:
    """Stored activities as sessions with their load, and the heart profile used."""
    from heavylegs.store import get_profile
    from heavylegs.training.repository import activity_rows

    heart = heart or HeartInputs()
    rows = activity_rows(session)
    about = get_profile(session).get("about", {})
    observed = [r.max_hr for r in rows if r.max_hr is not None and r.max_hr <= MAX_OBSERVED_HR]
    profile = heart_profile(
        hr_rest=heart.hr_rest,
        hr_max=heart.hr_max,
        age=about.get("age") if isinstance(about.get("age"), int) else None,
        sex=about.get("sex") if isinstance(about.get("sex"), str) else None,
        observed_max=max(observed) if observed else None,
    )
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    return sessions(rows, profile, offset), profile


def _num(value: float, digits: int = 2) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def series_json(series: LoadSeries, estimated: set[dt.date] | None = None) -> dict[str, Any]:
    ratio = series.ratio()
    form = series.form
    calibrating = series.calibrating()
    days = [series.start + dt.timedelta(days=i) for i in range(series.load.size)]
    return {
        "start": series.start.isoformat(),
        "seed": round(series.seed, 1),
        "seed_source": "yours" if series.seed_set else f"mean of the first {SEED_DAYS} days",
        "calibrating_until": (series.start + dt.timedelta(days=CALIBRATION_DAYS - 1)).isoformat(),
        "calibrating": [bool(v) for v in calibrating.tolist()],
        "estimated": [d in (estimated or set()) for d in days],
        "days": [
            (series.start + dt.timedelta(days=i)).isoformat() for i in range(series.load.size)
        ],
        "load": [_num(v, 1) for v in series.load.tolist()],
        "fitness": [_num(v, 1) for v in series.fitness.tolist()],
        "fatigue": [_num(v, 1) for v in series.fatigue.tolist()],
        "form": [_num(v, 1) for v in form.tolist()],
        "ratio": [_num(v) for v in ratio.tolist()],
    }


def today_json(series: LoadSeries | None, today: dt.date) -> dict[str, Any] | None:
    if series is None or today < series.start or today > series.end:
        return None
    i = series.index(today)
    ratio_value = float(series.ratio()[i])
    ratio = ratio_value if math.isfinite(ratio_value) else None
    band = ratio_band(ratio)
    return {
        "day": today.isoformat(),
        "fitness": _num(float(series.fitness[i]), 1),
        "fatigue": _num(float(series.fatigue[i]), 1),
        "form": _num(float(series.fitness[i] - series.fatigue[i]), 1),
        "load_ratio": None if ratio is None else round(ratio, 2),
        "ratio_band": None if band is None else band.value,
        "calibrating": bool(series.calibrating()[i]),
    }


def training_overview(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    *,
    weeks: int | None = 12,
    default_offset_s: int | None = None,
) -> dict[str, Any]:
    """The document behind ``heavylegs training`` and the web page (see the module docstring)."""
    from heavylegs.diary.entries import list_entries

    items, profile = load_sessions(session, now, heart, default_offset_s)
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    today = (now + dt.timedelta(seconds=offset)).date()
    series = build_series(items, today, (heart or HeartInputs()).seed_load)
    table = weekly(items, series, today)
    if weeks is not None:
        table = table[-weeks:]
    last_day = max((s.day for s in items), default=None)
    entries = list_entries(session, series.start if series else None, today)
    link = heaviness_link(entries, series, last_day)
    fill = running_fill(items, now)
    methods = Counter(s.method.value for s in items)
    estimated_days = {s.day for s in items if s.estimated}
    return {
        "as_of": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "activities": len(items),
        "constants": constants(),
        "heart_profile": profile.to_json(),
        "load_methods": dict(sorted(methods.items())),
        "estimated_activities": sum(1 for s in items if s.estimated),
        "units": {"distance": "km", "load": "load (TRIMP)", "cadence": "steps/min"},
        "today": today_json(series, today),
        "weeks": [w.to_json() for w in table],
        "series": series_json(series, estimated_days) if series is not None else None,
        "cadence": [p.to_json() for p in cadence_trend(items)],
        "heaviness": link.to_json(),
        "diary": [
            {"day": e.day.isoformat(), "part": e.part, "heaviness": e.heaviness}
            for e in entries
            if e.heaviness is not None
        ],
        "running_answers": fill.answers,
        "running_notes": fill.notes,
    }
