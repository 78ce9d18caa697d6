"""FIT files: the fast decoder first, fitdecode where it cannot, then one activity summary.

The summary prefers the device's own ``session`` messages (distance, average heart rate and
cadence, ascent, moving time, else timer time), as the activities contract asks; the records
fill what a file lacks. FIT running cadence is strides per minute plus ``fractional_cadence``:
it is doubled into steps per minute for foot sports. A multisport file (triathlon) becomes one
activity whose sport is ``multisport``; its cadence comes from the foot-sport legs only, and
``run_distance_m`` sums the running legs. A damaged file keeps the records before the damage
(:attr:`ParsedActivity.damage` says where).

fitdecode runs with ``check_crc=CrcCheck.WARN`` on purpose: a bad file CRC alone does not stop
the import. Its warnings are caught and returned as the activity's warnings, like the fast path's.
It reads about 10,000 records (some 400 KB) a second, so it reads only so far into a file: a few
megabytes of one that passes its CRC (a real old-device file with compressed timestamps is
small), an eighth of a megabyte of one that fails it (a hostile or broken file must not hold up
a batch). Past that the records read are kept, as for any damage, and the note says where it
stopped. A byte budget, not a clock: the same file imports the same on any machine.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings as pywarnings
from collections.abc import Callable
from typing import Any

import numpy as np

from heavylegs.training.fit_fast import (
    FIT_EPOCH,
    MESSAGE_NAMES,
    RECORD_FIELDS_ALL,
    WANTED,
    FieldSpec,
    FitData,
    FitFormatError,
    NeedsFallback,
    decode_fit,
    intact,
)
from heavylegs.training.model import (
    FOOT_SPORTS,
    RUNNING,
    ActivityFileError,
    FloatArray,
    ParsedActivity,
    SourceFormat,
)
from heavylegs.training.samples import (
    Figures,
    average_cadence,
    build_stream,
    clock_note,
    device_else_samples,
    elapsed_seconds,
    hr_seconds,
    moving_seconds,
)

SPORTS = {
    0: "generic", 1: "running", 2: "cycling", 3: "transition", 4: "fitness_equipment",
    5: "swimming", 10: "training", 11: "walking", 12: "cross_country_skiing",
    13: "alpine_skiing", 15: "rowing", 16: "mountaineering", 17: "hiking", 18: "multisport",
    19: "paddling", 21: "e_biking", 30: "inline_skating", 31: "rock_climbing",
    35: "snowshoeing", 37: "stand_up_paddleboarding", 41: "kayaking", 62: "hiit",
}  # fmt: skip
SUB_SPORTS = {
    0: "generic", 1: "treadmill", 2: "street", 3: "trail", 4: "track", 5: "spin",
    6: "indoor_cycling", 7: "road", 8: "mountain", 14: "indoor_rowing", 15: "elliptical",
    17: "lap_swimming", 18: "open_water", 20: "strength_training", 27: "indoor_walking",
    45: "indoor_running", 58: "virtual_activity", 67: "ultra",
}  # fmt: skip
FILE_TYPES = {1: "device", 2: "settings", 3: "sport", 4: "activity", 5: "workout", 6: "course"}
ACTIVITY_FILE = 4
SYSTEM_TIME_LIMIT = 0x10000000
"""FIT date_time values below this are seconds since the device started, not dates."""
MAX_OFFSET_S = 14 * 3600
MAX_WARNINGS = 3
FALLBACK_BYTES = 2 * 1024 * 1024
"""How far fitdecode reads into a file that passes its CRC (about five seconds)."""
DAMAGED_FALLBACK_BYTES = 128 * 1024
"""How far fitdecode reads into a file that fails its CRC or is cut short (well under 1 s)."""
_CHECK_EVERY = 64
"""Frames between two looks at the position."""


class _TooFar(Exception):
    """fitdecode read past its byte budget."""


def decode_with_fitdecode(data: bytes, budget_bytes: int | None = None) -> FitData:
    """The same :class:`FitData` as the fast path, decoded by fitdecode (slow, complete).

    ``budget_bytes``: stop once past about this byte and keep what was read (``None``: read all).
    """
    import fitdecode  # type: ignore[import-untyped]

    # the fast path's own field table: both decoders read the same fields in the same units
    wanted = {name: WANTED[number] for number, name in MESSAGE_NAMES.items()}
    columns: dict[str, list[float]] = {k: [] for k in RECORD_FIELDS_ALL}
    messages: dict[str, list[dict[str, float | None]]] = {name: [] for name in wanted}
    caught: list[str] = []
    damage: str | None = None
    source = io.BytesIO(data)
    with pywarnings.catch_warnings(record=True) as raised:
        pywarnings.simplefilter("always")
        reader = fitdecode.FitReader(source, check_crc=fitdecode.CrcCheck.WARN)
        past = None if budget_bytes is None else (lambda: source.tell() > budget_bytes)
        try:
            _read_frames(reader, wanted, columns, messages, past)
        except _TooFar:
            reason = (
                f"decoding stopped near byte {source.tell()} of {len(data)}: only the first "
                f"{_size(budget_bytes)} of a file {_why(budget_bytes)} are read"
            )
            if not columns["timestamp"]:
                raise ActivityFileError(f"no record found: {reason}") from None
            damage = f"{reason}; the {len(columns['timestamp'])} records before it are kept"
        except Exception as exc:  # damage after some records: keep them (like the fast path)
            if not columns["timestamp"]:
                raise ActivityFileError(
                    f"damaged FIT file near byte {source.tell()}: {_describe(exc)}"
                ) from None
            damage = (
                f"damaged near byte {source.tell()} ({_describe(exc)}); the "
                f"{len(columns['timestamp'])} records before it are kept"
            )
        caught = [str(w.message) for w in raised]
    if len(caught) > MAX_WARNINGS:  # a broken file makes fitdecode warn once per field
        caught = [
            *caught[:MAX_WARNINGS],
            f"… and {len(caught) - MAX_WARNINGS} more decoder warnings",
        ]
    if damage is None:
        damage = next((w for w in caught if "CRC" in w), None)
    else:
        caught.append(damage)
    records = {name: np.asarray(values, dtype=np.float64) for name, values in columns.items()}
    return FitData(records=records, messages=messages, warnings=caught, damage=damage)


def _read_frames(
    reader: Any,
    wanted: dict[str, dict[int, FieldSpec]],
    columns: dict[str, list[float]],
    messages: dict[str, list[dict[str, float | None]]],
    past: Callable[[], bool] | None = None,
) -> None:
    import fitdecode

    with reader:
        for count, frame in enumerate(reader):
            if past is not None and count % _CHECK_EVERY == 0 and past():
                raise _TooFar
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record":
                _fitdecode_record(frame, columns)
            elif frame.name in wanted:
                fields = wanted[frame.name]
                values: dict[str, float | None] = {}
                for fld in frame.fields:
                    definition = fld.field_def
                    if definition is None or definition.is_dev:
                        continue  # developer fields reuse numbers; expanded components
                    spec = fields.get(fld.def_num)
                    if spec is not None and isinstance(fld.raw_value, int | float):
                        values[spec.name] = float(fld.raw_value) / spec.scale - spec.offset
                messages[frame.name].append(values)


_RECORD_NAMES = frozenset(
    ("timestamp", "distance", "enhanced_speed", "speed", "heart_rate", "cadence",
     "fractional_cadence", "enhanced_altitude", "altitude")
)  # fmt: skip


def _fitdecode_record(frame: Any, columns: dict[str, list[float]]) -> None:
    found: dict[str, Any] = {}
    for fld in frame.fields:  # one pass; the first field of a name wins, as in get_value()
        if fld.name in _RECORD_NAMES and fld.name not in found:
            found[fld.name] = fld.value

    def value(*names: str) -> float:
        for name in names:
            got = found.get(name)
            if isinstance(got, dt.datetime):
                return got.timestamp()
            if isinstance(got, int | float):
                return float(got)
        return float("nan")

    stamp = value("timestamp")
    if stamp == stamp and stamp < SYSTEM_TIME_LIMIT:
        stamp += FIT_EPOCH  # fitdecode leaves device-relative times as plain numbers
    columns["timestamp"].append(stamp)
    columns["distance"].append(value("distance"))
    columns["speed"].append(value("enhanced_speed", "speed"))
    columns["heart_rate"].append(value("heart_rate"))
    columns["cadence"].append(value("cadence"))
    columns["fractional_cadence"].append(value("fractional_cadence"))
    columns["altitude"].append(value("enhanced_altitude", "altitude"))


def decode(data: bytes) -> tuple[FitData, bool]:
    """Decoded file and whether the fast path did it."""
    try:
        return decode_fit(data), True
    except NeedsFallback:
        pass
    budget = FALLBACK_BYTES if intact(data) else DAMAGED_FALLBACK_BYTES
    try:
        return decode_with_fitdecode(data, budget), False
    except ActivityFileError:
        raise
    except Exception as exc:  # fitdecode raises several unrelated types on damaged input
        raise ActivityFileError(f"damaged FIT file: {_describe(exc)}") from None


def _size(count: int | None) -> str:
    return f"{(count or 0) / 2**20:g} MB"


def _why(budget: int | None) -> str:
    if budget == DAMAGED_FALLBACK_BYTES:
        return "that fails its CRC and needs the slow decoder"
    return "that needs the slow decoder"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_fit(data: bytes) -> ParsedActivity:
    """One activity from the bytes of a FIT file (see the module docstring)."""
    try:
        decoded, _fast = decode(data)
    except FitFormatError as exc:
        raise ActivityFileError(f"damaged FIT file: {exc}") from None
    return activity_from_fit(decoded)


def _name(table: dict[int, str], value: float | None, prefix: str) -> str | None:
    if value is None:
        return None
    return table.get(int(value), f"{prefix}_{int(value)}")


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def activity_from_fit(decoded: FitData) -> ParsedActivity:
    """Summary and stream of a decoded FIT file; :class:`ActivityFileError` if it is not one."""
    warnings = list(decoded.warnings)
    file_ids = decoded.messages.get("file_id", [])
    file_type = file_ids[0].get("type") if file_ids else None
    if file_type is not None and int(file_type) != ACTIVITY_FILE:
        kind = FILE_TYPES.get(int(file_type), f"type {int(file_type)}")
        raise ActivityFileError(f"not an activity file (FIT {kind} file)")
    records = decoded.records
    sessions = [s for s in decoded.messages.get("session", []) if s.get("start_time") is not None]
    stamps = records["timestamp"]
    with np.errstate(invalid="ignore"):
        undated = stamps < FIT_EPOCH + SYSTEM_TIME_LIMIT
    if undated.any():
        if not (np.isfinite(stamps) & ~undated).any():
            raise ActivityFileError(
                "no date in the file: its times count from when the device was switched on"
            )
        # one damaged timestamp among dated records refused the whole file as undated
        records = {**records, "timestamp": np.where(undated, np.nan, stamps)}
        warnings.append(
            f"{int(undated.sum())} of {stamps.size} records are timed from when the device was "
            "switched on, not dated: left out"
        )
    if not np.isfinite(stamps).any() and not sessions:
        raise ActivityFileError("no activity data: no timed records and no session summary")

    session_sports = [_name(SPORTS, s.get("sport"), "sport") or "generic" for s in sessions]
    sport_messages = decoded.messages.get("sport", [])
    if len(set(session_sports)) > 1:
        sport = "multisport"
    elif session_sports:
        sport = session_sports[0]
    elif sport_messages:
        sport = _name(SPORTS, sport_messages[0].get("sport"), "sport") or "generic"
    else:
        sport = "generic"
    subs = {_name(SUB_SPORTS, s.get("sub_sport"), "sub_sport") for s in sessions} - {None}
    sub_sport = subs.pop() if len(subs) == 1 else None

    cadence = _steps_per_minute(records, sessions, session_sports, sport)
    if note := clock_note(records["timestamp"]):
        warnings.append(note)
    stream, start_unix, altitude = build_stream(
        records["timestamp"],
        records["distance"],
        records["speed"],
        records["heart_rate"],
        cadence,
        records.get("altitude"),
    )
    # A start below the system-time limit counts from when the device was switched on: no
    # date (it made a 2026 run an activity of 1989-12-31, the FIT epoch).
    starts = [float(s["start_time"] or 0) for s in sessions]
    session_starts = [t + FIT_EPOCH for t in starts if t >= SYSTEM_TIME_LIMIT]
    if session_starts:
        start_unix = min(session_starts)
    if start_unix is None:
        if starts:
            raise ActivityFileError(
                "no date in the file: its times count from when the device was switched on"
            )
        raise ActivityFileError("no activity data: no timed records")
    start_utc = dt.datetime.fromtimestamp(round(start_unix), dt.UTC)

    timer = _sum([s.get("total_timer_time") for s in sessions])
    duration = _sum([s.get("total_elapsed_time") for s in sessions]) or elapsed_seconds(stream)
    if duration is not None and timer and duration > 86_400 and duration > 3 * timer:
        warnings.append(
            f"elapsed time of {duration / 86_400:.1f} days does not fit the timer time of "
            f"{timer / 3600:.1f} h (device clock?); the timer time is used"
        )
        duration = timer
    # The device's own moving time, else its timer time (stopped by auto-pause), else the
    # samples (gaps over which the distance advanced at a moving pace count as moving).
    moving = _sum([s.get("total_moving_time") for s in sessions]) or timer
    if moving is None:
        moving = moving_seconds(stream)
    if moving is not None and duration is not None:
        moving = min(moving, duration)
    weights = [s.get("total_timer_time") or s.get("total_elapsed_time") or 0.0 for s in sessions]
    device = Figures(
        distance_m=_sum([s.get("total_distance") for s in sessions]),
        avg_hr=_weighted([_positive(s.get("avg_heart_rate")) for s in sessions], weights),
        max_hr=max(
            (v for s in sessions if (v := _positive(s.get("max_heart_rate")))), default=None
        ),
        elevation_gain_m=_sum([s.get("total_ascent") for s in sessions]),
    )
    figures = device_else_samples(device, stream, altitude)
    distance = figures.distance_m

    avg_cadence = _session_cadence(sessions, session_sports, weights)
    if avg_cadence is None and (sport in FOOT_SPORTS or sport == "multisport"):
        avg_cadence = average_cadence(stream)

    if sport == RUNNING:
        run_distance = distance
    else:
        run_distance = _sum(
            [s.get("total_distance") for s, name in zip(sessions, session_sports, strict=True)
             if name == RUNNING]
        )  # fmt: skip
    return ParsedActivity(
        format=SourceFormat.FIT,
        sport=sport,
        sub_sport=sub_sport,
        start_utc=start_utc,
        utc_offset_s=_utc_offset(decoded),
        duration_s=duration,
        moving_s=moving,
        distance_m=distance,
        avg_hr=figures.avg_hr,
        max_hr=figures.max_hr,
        avg_cadence_spm=avg_cadence,
        elevation_gain_m=figures.elevation_gain_m,
        run_distance_m=run_distance,
        stream=stream,
        warnings=tuple(warnings),
        hr_seconds=hr_seconds(stream),
        damage=decoded.damage,
    )


def _positive(value: float | None) -> float | None:
    """Devices write 0 for "no heart-rate strap": not a measurement."""
    return value if value is not None and value > 0 else None


def _weighted(values: list[float | None], weights: list[float]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    total = sum(w for _, w in pairs)
    if not pairs:
        return None
    if total <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total


def _session_cadence(
    sessions: list[dict[str, float | None]], sports: list[str], weights: list[float]
) -> float | None:
    values: list[float | None] = []
    kept: list[float] = []
    for session, sport, weight in zip(sessions, sports, weights, strict=True):
        whole = session.get("avg_cadence")
        if sport not in FOOT_SPORTS or whole is None or whole <= 0:
            continue
        values.append(2.0 * (whole + (session.get("avg_fractional_cadence") or 0.0)))
        kept.append(weight)
    return _weighted(values, kept)


def _steps_per_minute(
    records: dict[str, FloatArray],
    sessions: list[dict[str, float | None]],
    session_sports: list[str],
    sport: str,
) -> FloatArray:
    """Record cadence in steps/min for foot-sport time, NaN elsewhere (bike rpm is no step)."""
    fraction = np.nan_to_num(records["fractional_cadence"], nan=0.0)
    steps = 2.0 * (records["cadence"] + fraction)
    if sport in FOOT_SPORTS:
        return steps
    if sport != "multisport":
        return np.full(steps.size, np.nan)
    foot = np.zeros(steps.size, dtype=bool)
    stamps = records["timestamp"]
    for session, name in zip(sessions, session_sports, strict=True):
        if name not in FOOT_SPORTS:
            continue
        begin = float(session["start_time"] or 0) + FIT_EPOCH
        length = session.get("total_elapsed_time") or session.get("total_timer_time") or 0.0
        with np.errstate(invalid="ignore"):
            foot |= (stamps >= begin) & (stamps <= begin + length)
    return np.where(foot, steps, np.nan)


def _utc_offset(decoded: FitData) -> int | None:
    """Local offset from the ``activity`` message's ``local_timestamp`` (to 15 minutes)."""
    for message in decoded.messages.get("activity", []):
        local = message.get("local_timestamp")
        utc = message.get("timestamp")
        if local is None or utc is None:
            continue
        offset = round((local - utc) / 900.0) * 900
        if abs(offset) <= MAX_OFFSET_S:
            return offset
    return None
