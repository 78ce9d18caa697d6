"""Activities in and out of the store. The only module of ``training`` that speaks SQL.

Writes use SQLAlchemy Core (one statement per table, no ORM identity map) because an import of
ten years of runs writes thousands of rows; reads return plain dataclasses for the pure load and
signal functions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Table, bindparam, delete, insert, select, type_coerce, update
from sqlalchemy.orm import Session

import heavylegs.store.activities  # noqa: F401  (registers the tables on Base.metadata)
from heavylegs.store.models import Base
from heavylegs.store.owners import owner_filter
from heavylegs.training.codec import encode_stream
from heavylegs.training.dedupe import START_TOLERANCE_S, Key, same_activity
from heavylegs.training.load import (
    HeartFigures,
    HeartProfile,
    TrimpTable,
    covers,
    heart_profile,
    profile_key,
)
from heavylegs.training.model import ParsedActivity, SourceFormat
from heavylegs.training.signals import SessionInfo, sessions

if TYPE_CHECKING:
    from heavylegs.store.undo import Snapshot

ACTIVITIES: Table = Base.metadata.tables["activities"]
FILES: Table = Base.metadata.tables["activity_files"]
DETAILS: Table = Base.metadata.tables["activity_details"]

CONTRACT_FIELDS = (
    "id", "sport", "start_utc", "utc_offset_s", "duration_s", "moving_s", "distance_m",
    "avg_hr", "max_hr", "avg_cadence_spm", "elevation_gain_m", "source_sha256",
)  # fmt: skip
"""The row of ``heavylegs activities --json``, in the contract's order."""

# Built once: building a statement costs more than running it (thousands per import).
_INSERT_ACTIVITY = insert(ACTIVITIES).returning(ACTIVITIES.c.id)
_INSERT_DETAILS = insert(DETAILS)
_INSERT_FILE = insert(FILES)


@dataclass(frozen=True)
class Indexed:
    """What duplicate detection needs to know about a stored activity."""

    id: int
    start_utc: dt.datetime
    duration_s: float | None
    distance_m: float | None
    format: SourceFormat
    name: str
    title: str | None
    rpe: float | None
    damage: str | None = None


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


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _activity_values(parsed: ParsedActivity, sha256: str) -> dict[str, Any]:
    return {
        "sport": parsed.sport[:32],
        "start_utc": parsed.start_utc,
        "utc_offset_s": parsed.utc_offset_s,
        "duration_s": _finite(parsed.duration_s),
        "moving_s": _finite(parsed.moving_s),
        "distance_m": _finite(parsed.distance_m),
        "avg_hr": _finite(parsed.avg_hr),
        "max_hr": _finite(parsed.max_hr),
        "avg_cadence_spm": _finite(parsed.avg_cadence_spm),
        "elevation_gain_m": _finite(parsed.elevation_gain_m),
        "source_sha256": sha256,
    }


def _detail_values(parsed: ParsedActivity, stream_text: str) -> dict[str, Any]:
    return {
        "sub_sport": parsed.sub_sport[:32] if parsed.sub_sport else None,
        "title": parsed.title[:256] if parsed.title else None,
        "rpe": _finite(parsed.rpe),
        "run_distance_m": _finite(parsed.run_distance_m),
        "hr_seconds": [[bpm, round(seconds, 3)] for bpm, seconds in parsed.hr_seconds],
        "samples": parsed.stream.size,
        "stream": stream_text,
        "damage": parsed.damage[:256] if parsed.damage else None,
    }


def known_files(session: Session) -> set[str]:
    """SHA-256 of every file already imported."""
    return set(session.scalars(select(FILES.c.sha256)))


def find_same_activity(session: Session, key: Key) -> Indexed | None:
    """The stored activity ``key`` is a recording of (closest start wins), or ``None``."""
    window = dt.timedelta(seconds=START_TOLERANCE_S)
    query = (
        select(
            ACTIVITIES.c.id,
            ACTIVITIES.c.start_utc,
            ACTIVITIES.c.duration_s,
            ACTIVITIES.c.distance_m,
            FILES.c.format,
            FILES.c.name,
            DETAILS.c.title,
            DETAILS.c.rpe,
            DETAILS.c.damage,
        )
        .join(FILES, FILES.c.sha256 == ACTIVITIES.c.source_sha256)
        .outerjoin(DETAILS, DETAILS.c.activity_id == ACTIVITIES.c.id)
        .where(ACTIVITIES.c.start_utc.between(key.start_utc - window, key.start_utc + window))
    )
    found = [
        Indexed(r.id, r.start_utc, r.duration_s, r.distance_m, SourceFormat(r.format), r.name,
                r.title, r.rpe, r.damage)
        for r in session.execute(query)
    ]  # fmt: skip
    same = [
        i for i in found
        if same_activity(key, Key(i.start_utc, i.duration_s, i.distance_m, i.damage is not None))
    ]  # fmt: skip
    if not same:
        return None
    return min(same, key=lambda i: (abs((i.start_utc - key.start_utc).total_seconds()), i.id))


def enrich_activity(
    session: Session, activity_id: int, title: str | None, rpe: float | None
) -> None:
    """Fill a title and perceived exertion the stored activity does not have yet."""
    _fill_missing(session, activity_id, title, rpe)


def _fill_missing(session: Session, activity: Any, title: str | None, rpe: float | None) -> None:
    """Set title and RPE where still empty; ``activity`` is an id or a scalar subquery."""
    if title:
        session.execute(
            update(DETAILS)
            .where(DETAILS.c.activity_id == activity, DETAILS.c.title.is_(None))
            .values(title=title[:256])
        )
    if rpe is not None:
        session.execute(
            update(DETAILS)
            .where(DETAILS.c.activity_id == activity, DETAILS.c.rpe.is_(None))
            .values(rpe=rpe)
        )


def insert_activity(
    session: Session, parsed: ParsedActivity, sha256: str, name: str, now: dt.datetime
) -> int:
    """Store a new activity with its details and source file; its id."""
    stream_text = encode_stream(parsed.stream)
    new_id = session.execute(_INSERT_ACTIVITY, _activity_values(parsed, sha256)).scalar_one()
    session.execute(_INSERT_DETAILS, {"activity_id": new_id, **_detail_values(parsed, stream_text)})
    add_file(session, new_id, sha256, name, parsed.format, now)
    return int(new_id)


def replace_activity(
    session: Session, activity_id: int, parsed: ParsedActivity, sha256: str, name: str,
    now: dt.datetime,
) -> None:  # fmt: skip
    """Put a better source's data in place of an activity's (same id, old file kept as merged)."""
    stream_text = encode_stream(parsed.stream)
    session.execute(
        update(ACTIVITIES)
        .where(ACTIVITIES.c.id == activity_id)
        .values(**_activity_values(parsed, sha256))
    )
    session.execute(delete(DETAILS).where(DETAILS.c.activity_id == activity_id))
    session.execute(
        _INSERT_DETAILS, {"activity_id": activity_id, **_detail_values(parsed, stream_text)}
    )
    add_file(session, activity_id, sha256, name, parsed.format, now)


def add_file(
    session: Session, activity_id: int, sha256: str, name: str, fmt: SourceFormat,
    now: dt.datetime,
) -> None:  # fmt: skip
    session.execute(
        _INSERT_FILE,
        {"sha256": sha256, "activity_id": activity_id, "name": name[-512:],
         "format": fmt.value, "imported_at": now},
    )  # fmt: skip


def enrich(session: Session, sha256: str, title: str | None, rpe: float | None) -> None:
    """Fill an export's title and perceived exertion into the activity of a known file."""
    found = (
        select(FILES.c.activity_id)
        .where(FILES.c.sha256 == sha256, owner_filter(session, FILES))
        .scalar_subquery()
    )
    _fill_missing(session, found, title, rpe)


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
        return _rows_with_figures(session, since, _details_figures(session))
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


_NO_DETAILS = (None, None, None, None, None, None, None)


def _details_figures(session: Session) -> dict[int, Any]:
    """Activity id -> (sub-sport, running m, RPE, covered s, profile key, TRIMP, reserve).

    Every column is in ``ix_activity_details_figures`` (migration 0007), so this reads the index
    alone. Joined to the activities, SQLite looked each details row up in the table instead,
    where these columns come after the samples (~20 KB an hour): every view walked every run's
    samples.
    """
    d = DETAILS.c
    figures = select(
        d.activity_id, d.sub_sport, d.run_distance_m, d.rpe, d.hr_covered_s, d.load_profile,
        d.trimp, d.mean_reserve,
    )  # fmt: skip
    return {row[0]: row[1:] for row in session.execute(figures).all()}


def _rows_with_figures(
    session: Session, since: dt.datetime | None, details: dict[int, Any]
) -> list[ActivityRow]:
    """:func:`activity_rows` with the stored figures (``details``: :func:`_details_figures`).

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
    out = []
    for i, sport, start, offset, duration, moving, distance, *rest in session.execute(query).all():
        avg_hr, max_hr, cadence, gain = rest
        sub_sport, run_m, rpe, covered, key, trimp, reserve = details.get(i, _NO_DETAILS)
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


REFRESH_CHUNK = 500


def refresh_heart_figures(
    session: Session, rows: Sequence[ActivityRow], profile: HeartProfile
) -> list[ActivityRow]:
    """``rows`` with heart-rate figures for ``profile``: the one place they are (re)computed.

    Rows whose stored figures were computed for another profile (or never: a new import, a
    database from before revision 0005) get theirs from the seconds at each heart rate, and
    the new figures are stored, so the next view reads them. A changed profile costs one pass
    over the history; otherwise only the activities imported since the last view are read.
    """
    key = profile_key(profile)
    stale = [r.id for r in rows if r.figures_for != key]
    if not stale:
        return list(rows)
    table = TrimpTable(profile)
    fresh: dict[int, HeartFigures] = {}
    for i in range(0, len(stale), REFRESH_CHUNK):
        chunk = stale[i : i + REFRESH_CHUNK]
        query = select(DETAILS.c.activity_id, DETAILS.c.hr_seconds).where(
            DETAILS.c.activity_id.in_(chunk)
        )
        for activity_id, hr_seconds in session.execute(query):
            pairs = tuple((int(b), float(s)) for b, s in (hr_seconds or ()))
            fresh[activity_id] = table.figures(pairs)
    if fresh:
        session.execute(
            update(DETAILS)
            .where(DETAILS.c.activity_id == bindparam("which"))
            .values(
                hr_covered_s=bindparam("covered"),
                load_profile=bindparam("key"),
                trimp=bindparam("trimp_value"),
                mean_reserve=bindparam("reserve"),
            ),
            [
                {
                    "which": i,
                    "covered": f.covered_s,
                    "key": key,
                    "trimp_value": f.trimp,
                    "reserve": f.mean_reserve,
                }
                for i, f in fresh.items()
            ],
        )
    empty = HeartFigures(0.0, None, None)  # an activity without a details row
    return [
        r if r.figures_for == key
        else replace(r, figures=fresh.get(r.id, empty), figures_for=key)
        for r in rows
    ]  # fmt: skip


def count_rows(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    tables: Sequence[Table] = (ACTIVITIES, FILES, DETAILS)
    return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables}


def delete_activity(session: Session, activity_id: int) -> Snapshot | None:
    """Remove an activity with its files and details; the snapshot puts them back (undo).

    ``None`` when there is no such activity. Its files can be imported again afterwards.
    """
    from heavylegs.store.undo import Snapshot, take

    rows = take(session, "activities", "id", activity_id) if 0 < activity_id < 2**31 else []
    if not rows:
        return None
    snapshot = Snapshot(
        f"activity {activity_id} ({rows[0]['sport']}, {rows[0]['start_utc']:%Y-%m-%d})",
        {
            "activities": rows,
            "activity_files": take(session, "activity_files", "activity_id", activity_id),
            "activity_details": take(session, "activity_details", "activity_id", activity_id),
        },
    )
    for table in (FILES, DETAILS):
        session.execute(delete(table).where(table.c.activity_id == activity_id))
    session.execute(delete(ACTIVITIES).where(ACTIVITIES.c.id == activity_id))
    return snapshot


def edit_activity(
    session: Session, activity_id: int, *, title: str | None, rpe: float | None
) -> Snapshot | None:
    """Set the title and/or perceived exertion (RPE 0–10) a person gives an activity.

    ``None`` when there is no such activity; else a snapshot of the details before the change.
    """
    from heavylegs.store.undo import Snapshot, take

    before = take(session, "activity_details", "activity_id", activity_id)
    if not before or not 0 < activity_id < 2**31:
        return None
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = title.strip()[:256] or None
    if rpe is not None:
        values["rpe"] = rpe
    if values:
        query = update(DETAILS).where(DETAILS.c.activity_id == activity_id)
        session.execute(query.values(**values))
    return Snapshot(f"activity {activity_id}", {"activity_details": before})


MAX_OBSERVED_HR = 230.0
"""A maximum heart rate above this in a file is a sensor glitch, not the runner's maximum."""


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


def _heart_profile(
    session: Session, heart: HeartInputs, observed_max: float | None
) -> HeartProfile:
    from heavylegs.store.person import load_profile

    about = load_profile(session).about()  # the saved profile, else the last assessment's
    return heart_profile(
        hr_rest=heart.hr_rest,
        hr_max=heart.hr_max,
        age=about.get("age") if isinstance(about.get("age"), int) else None,
        sex=about.get("sex") if isinstance(about.get("sex"), str) else None,
        observed_max=observed_max,
    )


def load_sessions(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    default_offset_s: int | None = None,
) -> tuple[list[SessionInfo], HeartProfile]:
    """Stored activities as sessions with their load, and the heart profile used.

    Here, next to the reads it makes, so every view (overview, running answers, report) loads
    sessions the same way without importing one another."""
    heart = heart or HeartInputs()
    rows = activity_rows(session, heart_rates=False)
    observed = [r.max_hr for r in rows if r.max_hr is not None and r.max_hr <= MAX_OBSERVED_HR]
    profile = _heart_profile(session, heart, max(observed) if observed else None)
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    rows = refresh_heart_figures(session, rows, profile)
    return sessions(rows, profile, offset), profile


@dataclass
class History:
    """The stored activities as a view reads them: whole sessions from some day on, and of
    the activities before it only what the load series needs (see :func:`load_history`)."""

    items: list[SessionInfo]
    """Sessions (start order): every activity, or those from the ``detail_since`` asked for."""
    profile: HeartProfile
    earlier: list[tuple[dt.date, float]]
    """Local day and load of each activity before ``items`` (all heart-rate TRIMP), in order."""
    first_start: dt.datetime | None
    """When the first activity of the whole history started (``None``: no activities)."""
    first_day: dt.date | None
    """The earliest local day of the whole history (days can step back across time zones)."""

    @property
    def count(self) -> int:
        return len(self.earlier) + len(self.items)

    def loads(self) -> list[tuple[dt.date, float]]:
        """Day and load of every activity of the history."""
        return self.earlier + [(s.day, s.load) for s in self.items]


def load_history(
    session: Session,
    now: dt.datetime,
    heart: HeartInputs | None = None,
    default_offset_s: int | None = None,
    *,
    detail_since: dt.datetime | None = None,
) -> History:
    """:func:`load_sessions` for a view that shows only the activities from ``detail_since``
    on, and needs the earlier ones only for their loads (fitness and fatigue start from the
    first activity): the same figures, at about the cost of the recent activities alone.

    Each earlier activity is read from two indexes (no row, no sample) and costs a day and a
    number, not a session. That holds when every earlier activity has stored heart-rate figures
    for the current profile that cover it, and no recent one needs an estimated load (which
    compares its pace with the runner's heart-rate sessions of the whole history); otherwise
    every activity is loaded as :func:`load_sessions` does (and stale figures are refreshed,
    so the next view is quick again). ``detail_since=None`` loads everything that way.
    """
    heart = heart or HeartInputs()
    offset = local_offset_s(now) if default_offset_s is None else default_offset_s
    if detail_since is not None:
        found = _recent_history(session, heart, offset, detail_since)
        if found is not None:
            return found
    items, profile = load_sessions(session, now, heart, offset)
    first_day = min((s.day for s in items), default=None)
    return History(items, profile, [], items[0].start_utc if items else None, first_day)


def _recent_history(
    session: Session, heart: HeartInputs, offset: int, detail_since: dt.datetime
) -> History | None:
    """:func:`load_history`'s quick way, or ``None`` when it does not hold."""
    from sqlalchemy import func

    a = ACTIVITIES.c
    observed = session.scalar(select(func.max(a.max_hr)).where(a.max_hr <= MAX_OBSERVED_HR))
    profile = _heart_profile(session, heart, observed)
    key = profile_key(profile)
    details = _details_figures(session)
    # The start as the driver gives it (SQLite: text): parsing it is most of a row's cost.
    start_utc = type_coerce(a.start_utc, String)
    before = (
        select(a.id, start_utc, a.utc_offset_s, a.moving_s, a.duration_s)
        .where(a.start_utc < detail_since)
        .order_by(a.start_utc, a.id)
    )
    earlier: list[tuple[dt.date, float]] = []
    first_start = None
    shifts: dict[int, dt.timedelta] = {}
    for activity_id, start, utc_offset, moving, duration in session.execute(before).all():
        figures = details.get(activity_id, _NO_DETAILS)
        covered, figure_key, trimp = figures[3], figures[4], figures[5]
        seconds = moving or duration or 0.0
        if figure_key != key or covered is None or trimp is None:
            return None
        if not covers(covered, seconds / 60.0 if seconds else None):
            return None
        when = dt.datetime.fromisoformat(start) if isinstance(start, str) else start  # naive UTC
        shift = utc_offset if utc_offset is not None else offset
        step = shifts.get(shift) or shifts.setdefault(shift, dt.timedelta(seconds=shift))
        earlier.append(((when + step).date(), trimp))
        if first_start is None:
            first_start = when.replace(tzinfo=dt.UTC)
    rows = _rows_with_figures(session, detail_since, details)
    rows = refresh_heart_figures(session, rows, profile)
    items = sessions(rows, profile, offset)
    if any(s.estimated for s in items):
        return None
    if first_start is None:
        first_start = items[0].start_utc if items else None
    first_day = min([day for day, _ in earlier] + [s.day for s in items], default=None)
    return History(items, profile, earlier, first_start, first_day)
