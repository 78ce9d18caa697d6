"""A small FIT activity writer: synthetic files for tests and benchmarks.

Real watch files cannot be shipped (their licences are unclear), so tests build the files they
need: a run with known values, a big-endian file, one without a session, one of another file
type, a long history for the benchmark. Records are laid out with one numpy structured array,
so an hour at 1 Hz is written in about a millisecond.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from heavylegs.training.fit_crc import crc16
from heavylegs.training.fit_fast import FIT_EPOCH

FloatArray = npt.NDArray[np.float64]

# (field number, numpy kind, FIT base type, scale, offset)
_RECORD_FIELDS = {
    "timestamp": (253, "u4", 0x86, 1.0, 0.0),
    "distance": (5, "u4", 0x86, 100.0, 0.0),
    "speed": (6, "u2", 0x84, 1000.0, 0.0),
    "heart_rate": (3, "u1", 0x02, 1.0, 0.0),
    "cadence": (4, "u1", 0x02, 1.0, 0.0),
    "fractional_cadence": (53, "u1", 0x02, 128.0, 0.0),
    "altitude": (2, "u2", 0x84, 5.0, -500.0),
}
_INVALID = {"u1": 0xFF, "u2": 0xFFFF, "u4": 0xFFFFFFFF}


@dataclass
class FitRun:
    """What to write. Arrays are per second from ``start``; NaN = no value for that sample."""

    start: dt.datetime
    speed_mps: FloatArray
    heart_rate: FloatArray
    cadence_spm: FloatArray
    altitude_m: FloatArray | None = None
    sport: int = 1
    sub_sport: int = 0
    utc_offset_s: int | None = 3600
    file_type: int = 4
    big_endian: bool = False
    with_session: bool = True
    extra: dict[str, float] = field(default_factory=dict)
    """Session fields to override (e.g. ``total_distance``)."""


def _header(data_size: int) -> bytes:
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, data_size, b".FIT")
    return head + struct.pack("<H", crc16(head))


def _definition(
    local: int, global_num: int, fields: list[tuple[int, int, int]], big: bool
) -> bytes:
    order = ">" if big else "<"
    out = struct.pack(order + "BBBHB", 0x40 | local, 0, 1 if big else 0, global_num, len(fields))
    return out + b"".join(struct.pack("BBB", *f) for f in fields)


def _message(local: int, values: list[tuple[str, int]], big: bool) -> bytes:
    order = ">" if big else "<"
    return bytes([local]) + b"".join(struct.pack(order + kind, v) for kind, v in values)


def _fit_time(when: dt.datetime) -> int:
    return int(when.timestamp()) - FIT_EPOCH


def _raw(values: FloatArray, kind: str, scale: float, offset: float) -> npt.NDArray[np.int64]:
    scaled = np.rint((values - offset) * scale)
    out = np.where(np.isfinite(scaled), scaled, _INVALID[kind])
    return np.clip(out, 0, _INVALID[kind]).astype(np.int64)


def write_fit(run: FitRun) -> bytes:
    """The bytes of a FIT activity file for ``run``."""
    big = run.big_endian
    order = ">" if big else "<"
    n = run.speed_mps.size
    seconds = np.arange(n, dtype=np.float64)
    distance = np.concatenate([[0.0], np.cumsum(np.nan_to_num(run.speed_mps)[1:])])
    strides = run.cadence_spm / 2.0
    whole = np.floor(strides)
    columns = {
        "timestamp": seconds + _fit_time(run.start),
        "distance": distance,
        "speed": run.speed_mps,
        "heart_rate": run.heart_rate,
        "cadence": whole,
        "fractional_cadence": strides - whole,
        "altitude": run.altitude_m if run.altitude_m is not None else np.full(n, np.nan),
    }
    names = ["header", *_RECORD_FIELDS]
    dtype = np.dtype(
        {
            "names": names,
            "formats": ["u1"] + [order + spec[1] for spec in _RECORD_FIELDS.values()],
        }
    )
    rows = np.zeros(n, dtype=dtype)
    rows["header"] = 1
    for name, (_num, kind, _base, scale, offset) in _RECORD_FIELDS.items():
        rows[name] = _raw(columns[name], kind, scale, offset)
    record_def = [
        (num, np.dtype(kind).itemsize, base) for num, kind, base, _s, _o in _RECORD_FIELDS.values()
    ]
    start = _fit_time(run.start)
    end = start + max(n - 1, 0)
    body = [
        _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (4, 4, 0x86)], big),
        _message(0, [("B", run.file_type), ("H", 255), ("I", start)], big),
        _definition(1, 20, record_def, big),
        rows.tobytes(),
    ]
    if run.with_session:
        hr = run.heart_rate[np.isfinite(run.heart_rate)]
        cad = strides[np.isfinite(strides) & (strides > 0)]
        altitude = columns["altitude"][np.isfinite(columns["altitude"])]
        ascent = float(np.clip(np.diff(altitude), 0, None).sum()) if altitude.size > 1 else 0.0
        session = {
            "timestamp": (253, "I", 0x86, end),
            "start_time": (2, "I", 0x86, start),
            "sport": (5, "B", 0x00, run.sport),
            "sub_sport": (6, "B", 0x00, run.sub_sport),
            "total_elapsed_time": (7, "I", 0x86, round(max(n - 1, 0) * 1000)),
            "total_timer_time": (8, "I", 0x86, round(max(n - 1, 0) * 1000)),
            "total_distance": (9, "I", 0x86, round(float(distance[-1] if n else 0) * 100)),
            "avg_heart_rate": (16, "B", 0x02, round(float(hr.mean())) if hr.size else 0xFF),
            "max_heart_rate": (17, "B", 0x02, round(float(hr.max())) if hr.size else 0xFF),
            "avg_cadence": (18, "B", 0x02, int(cad.mean()) if cad.size else 0xFF),
            "avg_fractional_cadence": (
                92, "B", 0x02, round((cad.mean() % 1) * 128) if cad.size else 0xFF,
            ),
            "total_ascent": (22, "H", 0x84, round(ascent)),
        }  # fmt: skip
        for key, value in run.extra.items():
            number, kind, base, _old = session[key]
            session[key] = (number, kind, base, int(value))
        fields = [(num, struct.calcsize(kind), base) for num, kind, base, _ in session.values()]
        body.append(_definition(2, 18, fields, big))
        body.append(_message(2, [(kind, value) for _n, kind, _b, value in session.values()], big))
    if run.utc_offset_s is not None:
        body.append(_definition(3, 34, [(253, 4, 0x86), (5, 4, 0x86), (1, 2, 0x84)], big))
        body.append(_message(3, [("I", end), ("I", end + run.utc_offset_s), ("H", 1)], big))
    data = b"".join(body)
    out = _header(len(data)) + data
    return out + struct.pack("<H", crc16(out))


def steady_run(
    start: dt.datetime,
    seconds: int,
    *,
    speed_mps: float = 3.0,
    heart_rate: float = 150.0,
    cadence_spm: float = 170.0,
    seed: int | None = None,
) -> FitRun:
    """A run with steady values (plus small noise when ``seed`` is given)."""
    rng = np.random.default_rng(seed) if seed is not None else None

    def wobble(level: float, spread: float) -> FloatArray:
        base = np.full(seconds, level, dtype=np.float64)
        if rng is not None:
            base = base + rng.normal(0.0, spread, seconds)
        return base

    return FitRun(
        start=start,
        speed_mps=np.round(wobble(speed_mps, 0.2), 3),
        heart_rate=np.round(wobble(heart_rate, 4.0)),
        cadence_spm=np.round(wobble(cadence_spm, 3.0) * 64) / 64,
        altitude_m=np.round(100.0 + 5.0 * np.sin(np.arange(seconds) / 300.0), 1),
    )
