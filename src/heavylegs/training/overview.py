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
from typing import TYPE_CHECKING, Any

from heavylegs.training.heaviness import heaviness_link
from heavylegs.training.load import LoadMethod
from heavylegs.training.repository import HeartInputs as HeartInputs  # the overview's input
from heavylegs.training.repository import History, load_history, local_offset_s
from heavylegs.training.running import HARD_LOOKBACK, MAX_HOURS, running_fill
from heavylegs.training.series import (
    CALIBRATION_DAYS,
    SEED_DAYS,
    LoadSeries,
    constants,
    ratio_band,
)
from heavylegs.training.signals import (
    BASELINE_DAYS,
    SessionInfo,
    cadence_trend,
    monday,
    weekly,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CADENCE_SHOWN = 10
"""Runs with a cadence the views list, newest first (their points are always computed)."""
LINK_DAYS = 365
"""Heaviness against load looks at the diary scores of the last year: the person as they are
now, and a view that costs the same after one year of diary as after ten."""


def _num(value: float, digits: int = 2) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def series_json(
    series: LoadSeries, estimated: set[dt.date] | None = None, since: dt.date | None = None
) -> dict[str, Any]:
    """The daily series from ``since`` (default: the series' start) to its end.

    ``start`` stays the model's first day (the seed and the calibration count from it); the
    per-day lists begin at ``shown_from``.
    """
    begin = 0 if since is None else min(max(series.index(since), 0), series.load.size)
    ratio = series.ratio()[begin:]
    form = series.form[begin:]
    calibrating = series.calibrating()[begin:]
    days = [series.start + dt.timedelta(days=i) for i in range(begin, series.load.size)]
    return {
        "start": series.start.isoformat(),
        "shown_from": days[0].isoformat() if days else series.start.isoformat(),
        "seed": round(series.seed, 1),
        "seed_source": "yours" if series.seed_set else f"mean of the first {SEED_DAYS} days",
        "calibrating_until": (series.start + dt.timedelta(days=CALIBRATION_DAYS - 1)).isoformat(),
        "calibrating": [bool(v) for v in calibrating.tolist()],
        "estimated": [d in (estimated or set()) for d in days],
        "days": [d.isoformat() for d in days],
        "load": [_num(v, 1) for v in series.load[begin:].tolist()],
        "fitness": [_num(v, 1) for v in series.fitness[begin:].tolist()],
        "fatigue": [_num(v, 1) for v in series.fatigue[begin:].tolist()],
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


def shown_since(today: dt.date, weeks: int | None) -> dt.date | None:
    """The Monday that starts the first of the last ``weeks`` weeks (``None``: everything)."""
    if weeks is None:
        return None
    return monday(today) - dt.timedelta(weeks=weeks - 1)


def _cadence_since(items: list[SessionInfo], since: dt.date | None) -> dt.date | None:
    """``since``, moved back to cover at least the last :data:`CADENCE_SHOWN` runs with a
    cadence (the page lists them even when they are older than the weeks shown)."""
    if since is None:
        return None
    with_cadence = [s.day for s in items if s.cadence_spm is not None and s.cadence_spm > 0]
    if len(with_cadence) >= CADENCE_SHOWN:
        return min(since, sorted(with_cadence)[-CADENCE_SHOWN])
    return None if with_cadence else since


RAMP_WEEKS = 4
"""The weekly table compares a week with the one four weeks before (the 4-week ramp)."""


def detail_since(now: dt.datetime, shown: dt.date | None) -> dt.datetime | None:
    """From when the overview needs whole sessions (``None``: from the first), for a view that
    shows from ``shown`` on: those weeks and the four before them (the 4-week ramp), the cadence
    baselines of the shown runs, and the last year with six weeks before it (the running
    answers' hard session); two days earlier still, as a local day can be a day either side of
    the UTC date."""
    if shown is None:
        return None
    first_day = min(
        shown - dt.timedelta(weeks=RAMP_WEEKS), shown - dt.timedelta(days=BASELINE_DAYS)
    ) - dt.timedelta(days=2)
    first = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    year = now - dt.timedelta(hours=MAX_HOURS) - HARD_LOOKBACK - dt.timedelta(days=2)
    return min(first, year)


def _history(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None,
    default_offset_s: int | None,
    shown: dt.date | None,
    table_from: dt.date | None,
) -> tuple[History, dt.date | None]:
    """The activities the overview reads (:func:`load_history`), and from when it lists
    cadence: from ``shown``, or earlier to list the last :data:`CADENCE_SHOWN` runs.

    ``table_from``: the first week of the weekly table (``None``: every week)."""
    earliest = None if shown is None or table_from is None else min(shown, table_from)
    since = detail_since(now, earliest)
    history = load_history(session, now, heart, default_offset_s, detail_since=since)
    cadence_from = _cadence_since(history.items, shown)
    if history.earlier_count and since is not None:
        runs = sum(1 for s in history.items if s.cadence_spm is not None and s.cadence_spm > 0)
        # The runs listed, and the runs their baselines look back over, must all have been read
        # (an earlier activity's local day is at most the UTC date it was read up to).
        reach = since.date() + dt.timedelta(days=BASELINE_DAYS + 2)
        if runs < CADENCE_SHOWN or cadence_from is None or cadence_from < reach:
            history = load_history(session, now, heart, default_offset_s)
            cadence_from = _cadence_since(history.items, shown)
    return history, cadence_from


def training_overview(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    *,
    weeks: int | None = 12,
    since: dt.date | None = None,
    default_offset_s: int | None = None,
) -> dict[str, Any]:
    """The document behind ``heavylegs training`` and the web page (see the module docstring).

    What a person looks at is shown: the daily series, cadence points and diary scores from
    ``since`` (default: the first of the ``weeks`` in the table; ``weeks=None``: everything).
    Today's figures and the series still start from the first activity, so they do not depend
    on the period shown.
    """
    from heavylegs.diary.entries import list_entries

    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    today = (now + dt.timedelta(seconds=offset)).date()
    shown = since if since is not None else shown_since(today, weeks)
    table_from = shown_since(today, weeks)
    history, cadence_from = _history(session, now, heart, default_offset_s, shown, table_from)
    items, profile, first_day = history.items, history.profile, history.first_day
    series = history.series(today, (heart or HeartInputs()).seed_load)
    table = weekly(items, series, today, shown=weeks, first_day=first_day)
    last_day = history.last_day
    link_from = today - dt.timedelta(days=LINK_DAYS - 1)
    read_from = shown if series is None or shown is None else min(shown, link_from)
    if series is not None:
        read_from = series.start if read_from is None else max(read_from, series.start)
    entries = list_entries(session, read_from, today)
    link = heaviness_link([e for e in entries if e.day >= link_from], series, last_day)
    fill = running_fill(items, now, history.first_start)
    methods = Counter(s.method.value for s in items)
    if history.earlier_count:  # every earlier activity's load is its heart-rate TRIMP
        methods[LoadMethod.HEART_RATE.value] += history.earlier_count
    estimated_days = {s.day for s in items if s.estimated}
    return {
        "as_of": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "activities": history.count,
        "newest_activity": last_day.isoformat() if last_day is not None else None,
        "constants": constants(),
        "heart_profile": profile.to_json(),
        "load_methods": dict(sorted(methods.items())),
        "estimated_activities": sum(1 for s in items if s.estimated),
        "units": {"distance": "km", "load": "load (TRIMP)", "cadence": "steps/min"},
        "today": today_json(series, today),
        "weeks": [w.to_json() for w in table],
        "series": series_json(series, estimated_days, shown) if series is not None else None,
        "cadence": [p.to_json() for p in cadence_trend(items, cadence_from)],
        "heaviness": link.to_json(),
        "diary": [
            {"day": e.day.isoformat(), "part": e.part, "heaviness": e.heaviness}
            for e in entries
            if e.heaviness is not None and (shown is None or e.day >= shown)
        ],
        "running_answers": fill.answers,
        "running_notes": fill.notes,
    }
