"""Activities into the store: insert, replace, enrich, edit and delete, and the look-ups that
find a file or an activity already stored (duplicate detection).

Writes use SQLAlchemy Core (one statement per table, no ORM identity map) because an import of
ten years of runs writes thousands of rows. The reads live in :mod:`heavylegs.training.rows` and
:mod:`heavylegs.training.history`; their public names stay importable from here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from heavylegs.store.owners import owner_filter
from heavylegs.training.codec import encode_stream
from heavylegs.training.dedupe import START_TOLERANCE_S, Key, same_activity
from heavylegs.training.history import MAX_OBSERVED_HR as MAX_OBSERVED_HR
from heavylegs.training.history import REFRESH_CHUNK as REFRESH_CHUNK
from heavylegs.training.history import HeartInputs as HeartInputs
from heavylegs.training.history import History as History
from heavylegs.training.history import load_history as load_history
from heavylegs.training.history import load_sessions as load_sessions
from heavylegs.training.history import local_offset_s as local_offset_s
from heavylegs.training.history import refresh_heart_figures as refresh_heart_figures
from heavylegs.training.model import ParsedActivity, SourceFormat
from heavylegs.training.rows import ACTIVITIES as ACTIVITIES
from heavylegs.training.rows import CONTRACT_FIELDS as CONTRACT_FIELDS
from heavylegs.training.rows import DETAILS as DETAILS
from heavylegs.training.rows import FILES as FILES
from heavylegs.training.rows import ActivityRow as ActivityRow
from heavylegs.training.rows import activity_rows as activity_rows
from heavylegs.training.rows import contract_rows as contract_rows
from heavylegs.training.rows import count_rows as count_rows
from heavylegs.training.rows import listed_rows as listed_rows

if TYPE_CHECKING:
    from heavylegs.store.undo import Snapshot

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
        "title": clean_title(parsed.title),
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


def stored_starts(session: Session) -> list[float]:
    """Start of every stored activity (Unix seconds, sorted): where a match can be at all."""
    return sorted(
        (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).timestamp()
        for t in session.scalars(select(ACTIVITIES.c.start_utc))
    )


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


TITLE_CHARS = 256
_INVISIBLE = frozenset(
    (*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
     *range(0x2066, 0x206A), 0xFEFF)
)  # fmt: skip
"""Control characters (C0, DEL, C1) and invisible or direction-changing format characters."""


def clean_title(title: str | None) -> str | None:
    """A name as it may be stored: one line of visible text, at most :data:`TITLE_CHARS`.

    Why: names come from files (a Strava CSV, a Garmin summary); one holding terminal escapes
    (``ESC [2J`` clears the screen, ``ESC ]0;`` retitles the window) was printed raw by
    ``heavylegs activities``, and a right-to-left override can make a name read backwards.
    """
    if not title:
        return None
    if any(ord(c) in _INVISIBLE for c in title):
        title = "".join(" " if ord(c) in _INVISIBLE else c for c in title)
    return " ".join(title.split())[:TITLE_CHARS] or None


def _fill_missing(session: Session, activity: Any, title: str | None, rpe: float | None) -> None:
    """Set title and RPE where still empty; ``activity`` is an id or a scalar subquery."""
    title = clean_title(title)
    if title:
        session.execute(
            update(DETAILS)
            .where(DETAILS.c.activity_id == activity, DETAILS.c.title.is_(None))
            .values(title=title)
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
        values["title"] = clean_title(title)
    if rpe is not None:
        values["rpe"] = rpe
    if values:
        query = update(DETAILS).where(DETAILS.c.activity_id == activity_id)
        session.execute(query.values(**values))
    return Snapshot(f"activity {activity_id}", {"activity_details": before})
