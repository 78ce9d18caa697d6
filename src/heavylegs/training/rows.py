"""Stored activities read back: the tables, the rows of the activity lists, and the rows the
load and signal functions read (whole, or with the stored heart-rate figures for the views).

Reads return plain dataclasses and dicts; writes live in :mod:`heavylegs.training.repository`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

import heavylegs.store.activities  # noqa: F401  (registers the tables on Base.metadata)
from heavylegs.store.models import Base
from heavylegs.training.load import HeartFigures

ACTIVITIES: Table = Base.metadata.tables["activities"]
FILES: Table = Base.metadata.tables["activity_files"]
DETAILS: Table = Base.metadata.tables["activity_details"]

CONTRACT_FIELDS = (
    "id", "sport", "start_utc", "utc_offset_s", "duration_s", "moving_s", "distance_m",
    "avg_hr", "max_hr", "avg_cadence_spm", "elevation_gain_m", "source_sha256",
)  # fmt: skip
"""The row of ``heavylegs activities --json``, in the contract's order."""


@dataclass(slots=True)
class ActivityRow:
    """A stored activity with what the load and signal functions read.

    Not frozen (treat it as read-only): a view builds one per activity of the whole history,
    and a frozen dataclass's ``__init__`` costs about three times as much.
    """

    id: int
    sport: str
    sub_sport: str | None
    start_utc: dt.datetime
    utc_offset_s: int | None
    duration_s: float | None
    moving_s: float | None
    distance_m: float | None
    run_distance_m: float | None
    avg_hr: float | None
    max_hr: float | None
    avg_cadence_spm: float | None
    elevation_gain_m: float | None
    rpe: float | None
    hr_seconds: tuple[tuple[int, float], ...]
    figures: HeartFigures | None = None
    """Stored heart-rate figures, valid for the heart profile named by ``figures_for``."""
    figures_for: str | None = None


def contract_rows(session: Session) -> list[dict[str, Any]]:
    """``heavylegs activities --json``: every activity, oldest first, contract fields only."""
    columns = [ACTIVITIES.c[name] for name in CONTRACT_FIELDS]
    query = select(*columns).order_by(ACTIVITIES.c.start_utc, ACTIVITIES.c.id)
    out = []
    for row in session.execute(query).mappings():
        out.append(_contract_item(row))
    return out


def listed_rows(
    session: Session,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """``heavylegs activities``: newest first, the contract fields plus ``name`` (the title
    from a Strava or Garmin export, ``None`` without one) and ``sub_sport``.

    ``since`` and ``until`` bound the start (``until`` exclusive); ``limit`` keeps the newest.
    """
    a = ACTIVITIES.c
    columns = [a[name] for name in CONTRACT_FIELDS]
    query = (
        select(*columns, DETAILS.c.title, DETAILS.c.sub_sport)
        .outerjoin(DETAILS, DETAILS.c.activity_id == a.id)
        .order_by(a.start_utc.desc(), a.id.desc())
    )
    if since is not None:
        query = query.where(a.start_utc >= since)
    if until is not None:
        query = query.where(a.start_utc < until)
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in session.execute(query).mappings():
        item = _contract_item(row)
        item["name"] = row["title"]
        item["sub_sport"] = row["sub_sport"]
        out.append(item)
    return out


def _contract_item(row: Any) -> dict[str, Any]:
    item = {name: row[name] for name in CONTRACT_FIELDS}
    item["start_utc"] = row["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ")
    for key in ("duration_s", "moving_s", "distance_m", "avg_hr", "max_hr",
                "avg_cadence_spm", "elevation_gain_m"):  # fmt: skip
        value = item[key]
        item[key] = None if value is None else round(float(value), 3)
    return item


def activity_rows(
    session: Session, since: dt.datetime | None = None, *, heart_rates: bool = True
) -> list[ActivityRow]:
    """Activities (oldest first) with their details, for the load and signal functions.

    ``heart_rates=False`` reads the stored heart-rate figures instead of the seconds at each
    heart rate (``hr_seconds`` left empty): what the views need, a fraction of the reading.
    """
    if not heart_rates:
        return rows_with_figures(session, since, details_figures(session))
    a, d = ACTIVITIES.c, DETAILS.c
    query = (
        select(
            a.id, a.sport, d.sub_sport, a.start_utc, a.utc_offset_s, a.duration_s, a.moving_s,
            a.distance_m, d.run_distance_m, a.avg_hr, a.max_hr, a.avg_cadence_spm,
            a.elevation_gain_m, d.rpe, d.hr_seconds,
        )
        .outerjoin(DETAILS, d.activity_id == a.id)
        .order_by(a.start_utc, a.id)
    )  # fmt: skip
    if since is not None:
        query = query.where(a.start_utc >= since)
    out = []
    for r in session.execute(query):
        out.append(
            ActivityRow(
                id=r.id, sport=r.sport, sub_sport=r.sub_sport, start_utc=r.start_utc,
                utc_offset_s=r.utc_offset_s, duration_s=r.duration_s, moving_s=r.moving_s,
                distance_m=r.distance_m, run_distance_m=r.run_distance_m, avg_hr=r.avg_hr,
                max_hr=r.max_hr, avg_cadence_spm=r.avg_cadence_spm,
                elevation_gain_m=r.elevation_gain_m, rpe=r.rpe,
                hr_seconds=tuple((int(b), float(s)) for b, s in (r.hr_seconds or ())),
            )
        )  # fmt: skip
    return out


NO_DETAILS = (None, None, None, None, None, None, None)


_FIGURES = tuple(
    DETAILS.c[name]
    for name in (
        "activity_id", "sub_sport", "run_distance_m", "rpe", "hr_covered_s", "load_profile",
        "trimp", "mean_reserve",
    )
)  # fmt: skip
"""Activity id, then the stored figures (:data:`NO_DETAILS` stands for them when missing)."""


def details_figures(session: Session) -> dict[int, Any]:
    """Activity id -> (sub-sport, running m, RPE, covered s, profile key, TRIMP, reserve).

    Every column is in ``ix_activity_details_figures`` (migration 0007), so this reads the index
    alone. Joined to the activities, SQLite looked each details row up in the table instead,
    where these columns come after the samples (~20 KB an hour): every view walked every run's
    samples.
    """
    return {row[0]: row[1:] for row in session.execute(select(*_FIGURES)).all()}


DETAILS_CHUNK = 500
"""Ids per look-up of :func:`details_of` (a statement's bound values are limited)."""


def details_of(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """:func:`details_figures` of the activities ``ids`` only, looked up in the same index:
    a view's recent activities cost what they are, not what the whole history is."""
    out: dict[int, Any] = {}
    for i in range(0, len(ids), DETAILS_CHUNK):
        chunk = ids[i : i + DETAILS_CHUNK]
        figures = select(*_FIGURES).where(DETAILS.c.activity_id.in_(chunk))
        out.update((row[0], row[1:]) for row in session.execute(figures).all())
    return out


def rows_with_figures(
    session: Session, since: dt.datetime | None, details: dict[int, Any] | None = None
) -> list[ActivityRow]:
    """:func:`activity_rows` with the stored figures (``details``: :func:`details_figures`;
    ``None``: those of the rows read, by :func:`details_of`).

    Rows are taken by position: a view reads every activity, and looking columns up by name
    cost more than the query.
    """
    a = ACTIVITIES.c
    query = select(
        a.id, a.sport, a.start_utc, a.utc_offset_s, a.duration_s, a.moving_s, a.distance_m,
        a.avg_hr, a.max_hr, a.avg_cadence_spm, a.elevation_gain_m,
    ).order_by(a.start_utc, a.id)  # fmt: skip
    if since is not None:
        query = query.where(a.start_utc >= since)
    found = session.execute(query).all()
    if details is None:
        details = details_of(session, [r[0] for r in found])
    out = []
    for i, sport, start, offset, duration, moving, distance, *rest in found:
        avg_hr, max_hr, cadence, gain = rest
        sub_sport, run_m, rpe, covered, key, trimp, reserve = details.get(i, NO_DETAILS)
        heart = None
        if key is not None and covered is not None:
            heart = HeartFigures(covered, trimp, reserve)
        out.append(
            ActivityRow(
                i, sport, sub_sport, start, offset, duration, moving, distance, run_m, avg_hr,
                max_hr, cadence, gain, rpe, (), heart, key if heart is not None else None,
            )
        )  # fmt: skip
    return out


def count_rows(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    tables: Sequence[Table] = (ACTIVITIES, FILES, DETAILS)
    return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables}
