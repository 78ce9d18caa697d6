"""The FIT messages and fields heavylegs reads, and what a FIT decoder gives back.

One table (``WANTED``) for both decoders: the fast path (:mod:`heavylegs.training.fit_fast`) and
the fitdecode fallback (:mod:`heavylegs.training.fit`) read the same fields into the same
:class:`FitData`, so a file decodes to the same values whichever path reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

FIT_EPOCH = 631_065_600
"""Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z)."""

# base type number (low 5 bits) -> (numpy kind, size, invalid value)
BASE_TYPES: dict[int, tuple[str, int, int | float | None]] = {
    0x00: ("u1", 1, 0xFF),  # enum
    0x01: ("i1", 1, 0x7F),
    0x02: ("u1", 1, 0xFF),
    0x03: ("i2", 2, 0x7FFF),
    0x04: ("u2", 2, 0xFFFF),
    0x05: ("i4", 4, 0x7FFFFFFF),
    0x06: ("u4", 4, 0xFFFFFFFF),
    0x07: ("S1", 1, None),  # string
    0x08: ("f4", 4, None),  # invalid: all bits set (a NaN)
    0x09: ("f8", 8, None),
    0x0A: ("u1", 1, 0x00),  # uint8z
    0x0B: ("u2", 2, 0x0000),
    0x0C: ("u4", 4, 0x00000000),
    0x0D: ("u1", 1, 0xFF),  # byte
    0x0E: ("i8", 8, 0x7FFFFFFFFFFFFFFF),
    0x0F: ("u8", 8, 0xFFFFFFFFFFFFFFFF),
    0x10: ("u8", 8, 0),
}


@dataclass(frozen=True)
class FieldSpec:
    """A field heavylegs reads; physical value = ``raw / scale - offset``."""

    name: str
    scale: float = 1.0
    offset: float = 0.0


FILE_ID = 0
SPORT = 12
SESSION = 18
RECORD = 20
ACTIVITY = 34

WANTED: dict[int, dict[int, FieldSpec]] = {
    FILE_ID: {0: FieldSpec("type"), 1: FieldSpec("manufacturer"), 4: FieldSpec("time_created")},
    SPORT: {0: FieldSpec("sport"), 1: FieldSpec("sub_sport")},
    SESSION: {
        253: FieldSpec("timestamp"),
        2: FieldSpec("start_time"),
        5: FieldSpec("sport"),
        6: FieldSpec("sub_sport"),
        7: FieldSpec("total_elapsed_time", 1000),
        8: FieldSpec("total_timer_time", 1000),
        9: FieldSpec("total_distance", 100),
        16: FieldSpec("avg_heart_rate"),
        17: FieldSpec("max_heart_rate"),
        18: FieldSpec("avg_cadence"),
        92: FieldSpec("avg_fractional_cadence", 128),
        22: FieldSpec("total_ascent"),
        59: FieldSpec("total_moving_time", 1000),
    },
    ACTIVITY: {253: FieldSpec("timestamp"), 5: FieldSpec("local_timestamp")},
    RECORD: {
        253: FieldSpec("timestamp"),
        5: FieldSpec("distance", 100),
        6: FieldSpec("speed", 1000),
        73: FieldSpec("enhanced_speed", 1000),
        3: FieldSpec("heart_rate"),
        4: FieldSpec("cadence"),
        53: FieldSpec("fractional_cadence", 128),
        2: FieldSpec("altitude", 5, 500),
        78: FieldSpec("enhanced_altitude", 5, 500),
    },
}
"""Messages and fields decoded; everything else is stepped over by size."""

RECORD_FIELDS = ("timestamp", "distance", "speed", "heart_rate", "cadence", "fractional_cadence")
RECORD_FIELDS_ALL = (*RECORD_FIELDS, "altitude")
UNSUPPORTED_RECORD_FIELDS = {8: "compressed_speed_distance"}


@dataclass
class FitData:
    """What a FIT file holds for heavylegs, in physical units (NaN or ``None`` = invalid/absent).

    ``records`` are arrays in file order: ``timestamp`` (Unix seconds), ``distance`` (m),
    ``speed`` (m/s, the enhanced field when valid), ``heart_rate`` (bpm), ``cadence`` (rpm or
    strides/min as stored), ``fractional_cadence``, ``altitude`` (m, enhanced when valid).
    ``messages`` maps ``file_id``, ``sport``, ``session``, ``activity`` to their messages.
    """

    records: dict[str, FloatArray]
    messages: dict[str, list[dict[str, float | None]]]
    warnings: list[str] = field(default_factory=list)
    damage: str | None = None
    """Why the file is not whole (truncated, broken, CRC mismatch), ``None`` when it is."""


MESSAGE_NAMES = {FILE_ID: "file_id", SPORT: "sport", SESSION: "session", ACTIVITY: "activity"}
"""The summary messages kept, by global number (records go to columns instead)."""
