"""A fast FIT decoder for what heavylegs reads: records in bulk, plus a few summary messages.

Why it exists: fitdecode builds a Python object per field of every message (~10k records/s);
the disk is not the cost, the per-field work is. A FIT file is a list of messages whose layout is
fixed by the last *definition* message of their local type. So one tight loop only finds where
each data message starts (a byte read and an add per message) and remembers its definition;
then every field heavylegs needs is decoded for all messages of a definition at once, gathered
one byte column at a time into a numpy view. The fields read, and what comes back
(:class:`FitData`), are in :mod:`heavylegs.training.fit_fields`, shared with the fallback.

What it does not handle raises :class:`NeedsFallback`, and :mod:`heavylegs.training.fit` decodes
the file with fitdecode instead: compressed-timestamp headers, ``compressed_speed_distance``,
array-valued or odd-sized fields among the ones read here. Only for a file that passes its CRC:
in one that fails it, such a "feature" is taken as damage at its byte (see :func:`decode_fit`).

Damage: a file cut short, or broken inside (an undefined local type, a bad architecture byte, a
corrupt header of a later chained segment), keeps every message complete before the damage; the
place is a warning and :attr:`FitData.damage`. A file CRC that does not match is kept whole
(its damage cannot be placed) and flagged the same way. Damage before any data (a broken first
header, no data at all) raises :class:`FitFormatError` with the place.

Hostile files stay linear and bounded: runs are looked ahead in growing windows, and past
:data:`MAX_MESSAGES` data messages the rest is damage.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from heavylegs.training.fit_crc import crc16
from heavylegs.training.fit_fields import (
    BASE_TYPES,
    FIT_EPOCH,
    MESSAGE_NAMES,
    RECORD,
    RECORD_FIELDS,
    RECORD_FIELDS_ALL,
    UNSUPPORTED_RECORD_FIELDS,
    WANTED,
    FieldSpec,
    FitData,
    FloatArray,
)

__all__ = [  # the field table and FitData live in fit_fields; readers import them from here too
    "FIT_EPOCH",
    "MESSAGE_NAMES",
    "RECORD_FIELDS",
    "RECORD_FIELDS_ALL",
    "WANTED",
    "FieldSpec",
    "FitData",
    "FitFormatError",
    "NeedsFallback",
    "decode_fit",
    "intact",
]


MAX_MESSAGES = 2_000_000
"""Data messages read from one file at most: 23 days of records at one a second, ten times a
week-long race. Each costs about 40 bytes while walking; a hostile 20 MB file of two-byte
messages took 1.7 GB (256 MB would have taken more than the machine has)."""


class FitFormatError(ValueError):
    """The bytes are not a complete, well-formed FIT file; the message says where, and
    ``offset`` is the byte it was found at (as fitdecode's errors carry theirs)."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.offset = offset


class _Damage(FitFormatError):
    """Damage found while walking the messages, at byte ``offset``."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason, offset)


class NeedsFallback(Exception):
    """A valid FIT feature the fast path does not decode; use fitdecode for this file.

    ``offset`` is the byte it was met at: in a file that fails its CRC the "feature" is more
    likely damage, and :func:`decode_fit` keeps the records before it instead (see there).
    """

    def __init__(self, reason: str, offset: int = 0) -> None:
        super().__init__(reason)
        self.offset = offset


class _Definition:
    __slots__ = ("at", "big_endian", "fields", "global_num", "offsets", "size")

    def __init__(
        self,
        global_num: int,
        big_endian: bool,
        fields: list[tuple[int, int, int]],
        size: int,
        at: int = 0,
    ) -> None:
        self.at = at  # the byte the definition message starts at
        self.global_num = global_num
        self.big_endian = big_endian
        self.fields = fields  # (field number, size, base type byte)
        self.size = size
        self.offsets: list[int] = []


def decode_fit(data: bytes) -> FitData:
    """Decode ``data`` (a whole FIT file, possibly chained). See the module docstring.

    :class:`NeedsFallback` only for a file that passes its CRCs: in one that does not, what
    looks like a feature the fast path lacks (a compressed-timestamp header, an odd field size)
    is most often a flipped bit, and handing the whole file to fitdecode cost seconds per
    megabyte to read what this path reads in milliseconds. There it is damage at its byte, and
    the records before it are kept, as for any other damage; only when nothing at all comes
    before it does fitdecode get the file.
    """
    warnings: list[str] = []
    definitions: list[_Definition] = []
    pos = 0
    total = len(data)
    if total == 0:
        raise FitFormatError("empty file", 0)
    segment = 0
    damage: str | None = None
    while pos < total:
        segment += 1
        try:
            pos = _segment(data, pos, segment, definitions, warnings)
        except _Damage as exc:
            if segment == 1 and exc.offset <= data[0]:
                raise FitFormatError(str(exc), exc.offset) from None
            kept = _prune(definitions, exc.offset)
            damage = f"{exc}; the {kept} records before byte {exc.offset} are kept"
            warnings.append(damage)
            break
        except NeedsFallback as exc:
            damage = _as_damage(data, definitions, exc)
            warnings.append(damage)
            break
    if damage is None:
        damage = next((w for w in warnings if "CRC mismatch" in w and "file CRC" in w), None)
    while True:
        try:
            decoded = _assemble(data, definitions, warnings)
            break
        except NeedsFallback as exc:
            damage = _as_damage(data, definitions, exc)
            warnings.append(damage)
    decoded.damage = damage
    return decoded


def _as_damage(data: bytes, definitions: list[_Definition], exc: NeedsFallback) -> str:
    """The damage note for ``exc`` in a file that fails its CRC (``exc`` again if it passes, or
    if nothing is left before it: then fitdecode may still read what this path cannot)."""
    if intact(data):
        raise exc
    kept = _prune(definitions, exc.offset)
    if not kept:
        raise exc
    return (
        f"{exc}, in a file that fails its CRC: read as damage; the {kept} records before "
        f"byte {exc.offset} are kept"
    )


def intact(data: bytes) -> bool:
    """Whether every chained segment of ``data`` is whole and passes its file CRC."""
    pos = 0
    total = len(data)
    while pos < total:
        if total - pos < 12:
            return False
        header_size = data[pos]
        if header_size < 12 or data[pos + 8 : pos + 12] != b".FIT" or total - pos < header_size:
            return False
        (data_size,) = struct.unpack_from("<I", data, pos + 4)
        end = pos + header_size + data_size
        if data_size == 0 or end + 2 > total:
            return False
        (file_crc,) = struct.unpack_from("<H", data, end)
        if file_crc != crc16(data[pos:end]):
            return False
        pos = end + 2
    return True


def _prune(definitions: list[_Definition], limit: int) -> int:
    """Drop messages that do not end by byte ``limit``; the record messages left."""
    records = 0
    for definition in definitions:
        offsets = definition.offsets
        while offsets and offsets[-1] + definition.size > limit:
            offsets.pop()
        if definition.global_num == RECORD:
            records += len(offsets)
    return records


def _segment(
    data: bytes, start: int, segment: int, definitions: list[_Definition], warnings: list[str]
) -> int:
    where = f"FIT segment {segment}" if segment > 1 else "FIT header"

    def fail(reason: str) -> FitFormatError:
        return FitFormatError(reason, start) if segment == 1 else _Damage(start, reason)

    if len(data) - start < 12:
        raise fail(f"{where}: {len(data) - start} bytes, too short for a FIT header")
    header_size = data[start]
    if header_size < 12 or data[start + 8 : start + 12] != b".FIT":
        raise fail(f"{where}: not a FIT header at byte {start}")
    if len(data) - start < header_size:
        raise fail(f"{where}: cut off inside the {header_size}-byte header")
    (data_size,) = struct.unpack_from("<I", data, start + 4)
    if header_size >= 14:
        (header_crc,) = struct.unpack_from("<H", data, start + 12)
        if header_crc not in (0, crc16(data[start : start + 12])):
            warnings.append(f"header CRC mismatch at byte {start}")
    begin = start + header_size
    end = begin + data_size
    if data_size == 0:
        raise fail(f"{where}: declares no data")
    if end + 2 > len(data):
        truncated = (
            f"truncated: the file ends at byte {len(data)} but its FIT data runs to byte {end + 2}"
        )
        try:
            _walk(data, begin, len(data), definitions)
        except _Damage as exc:
            if exc.offset >= len(data) - 1:
                raise _Damage(len(data), truncated) from None
            raise _Damage(exc.offset, f"{exc} ({truncated})") from None
        raise _Damage(len(data), truncated)
    _walk(data, begin, end, definitions)
    (file_crc,) = struct.unpack_from("<H", data, end)
    if file_crc != crc16(data[start:end]):
        warnings.append(f"file CRC mismatch (FIT data ending at byte {end}): data may be damaged")
    return int(end + 2)


def _walk(data: bytes, pos: int, end: int, definitions: list[_Definition]) -> None:
    """Find every message; remember where each data message's fields start.

    The hot loop keeps per-local-type sizes and bound ``append`` methods in plain lists: a data
    message with header byte 0-15 (the common case) costs a byte read, two list lookups, a call
    and an add.
    """
    local: list[_Definition | None] = [None] * 16
    sizes = [-1] * 16
    adders: list[Callable[[int], None]] = [_undefined] * 16
    extenders: list[Callable[[range], None]] = [_undefined_range] * 16
    view = np.frombuffer(data, dtype=np.uint8)
    previous = -1
    seen = 0
    while pos < end:
        header = data[pos]
        if header < 16:
            size = sizes[header]
            if size < 0:
                raise _Damage(pos, f"data message of undefined local type {header} at byte {pos}")
            if header == previous:
                # A run of one message type (most record streams): find where it ends in bulk.
                count = _run_length(view, pos, end, size, header)
                if count > 0:
                    seen += count
                    if seen > MAX_MESSAGES:  # keep the messages up to the limit
                        count -= seen - MAX_MESSAGES
                        last = pos + count * size
                        extenders[header](range(pos + 1, last + 1, size))
                        raise _Damage(last, _too_many(last))
                    last = pos + count * size
                    extenders[header](range(pos + 1, last + 1, size))
                    pos = last
                    continue
            adders[header](pos + 1)
            pos += size
            previous = header
            seen += 1
            if seen > MAX_MESSAGES:
                raise _Damage(pos - size, _too_many(pos - size))
            continue
        previous = -1
        if header & 0x80:
            raise NeedsFallback(f"compressed timestamp header at byte {pos}", pos)
        if header & 0x40 == 0:  # data message with reserved bits set
            current = local[header & 0x0F]
            if current is None:
                raise _Damage(
                    pos, f"data message of undefined local type {header & 0x0F} at byte {pos}"
                )
            current.offsets.append(pos + 1)
            pos += current.size + 1
            seen += 1
            if seen > MAX_MESSAGES:
                raise _Damage(pos, _too_many(pos))
            continue
        pos = _definition(data, pos, end, header, local, definitions)
        number = header & 0x0F
        defined = local[number]
        assert defined is not None
        sizes[number] = defined.size + 1
        adders[number] = defined.offsets.append
        extenders[number] = defined.offsets.extend
    if pos != end:
        raise _Damage(end, f"message runs past the end of the FIT data (byte {end})")


def _run_length(view: npt.NDArray[np.uint8], pos: int, end: int, size: int, header: int) -> int:
    """How many messages from ``pos`` on, ``size`` bytes apart, start with ``header`` and end
    by ``end``.

    Looked at in windows that grow fourfold: one look to the end of the file per run made a
    file of alternating short runs quadratic (a 1 MB hostile file took 6 s, 10 MB minutes).
    """
    count = 0
    window = 16
    fits = (end - pos) // size  # messages that end by ``end``
    while count < fits:
        take = min(window, fits - count)
        at = pos + count * size
        matches = view[at : at + take * size : size] == header
        if matches.all():
            count += take
            window *= 4
            continue
        return count + int(np.argmin(matches))
    return count


def _too_many(pos: int) -> str:
    return (
        f"more than {MAX_MESSAGES:,} messages by byte {pos} (an activity has at most a few "
        "hundred thousand): the rest is left out"
    )


def _undefined(offset: int) -> None:  # pragma: no cover - guarded by sizes[] < 0
    raise AssertionError(offset)


def _undefined_range(offsets: range) -> None:  # pragma: no cover - guarded by sizes[] < 0
    raise AssertionError(offsets)


def _definition(
    data: bytes,
    pos: int,
    end: int,
    header: int,
    local: list[_Definition | None],
    definitions: list[_Definition],
) -> int:
    if pos + 6 > end:
        raise _Damage(pos, f"definition message cut off at byte {pos}")
    arch = data[pos + 2]
    if arch > 1:
        raise _Damage(pos, f"invalid architecture byte {arch} at byte {pos + 2}")
    big = arch == 1
    (global_num,) = struct.unpack_from(">H" if big else "<H", data, pos + 3)
    count = data[pos + 5]
    fields_at = pos + 6
    after = fields_at + 3 * count
    if after > end:
        raise _Damage(pos, f"definition message cut off at byte {pos}")
    raw = data[fields_at:after]
    fields = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, 3 * count, 3)]
    size = sum(f[1] for f in fields)
    if header & 0x20:
        if after + 1 > end:
            raise _Damage(pos, f"definition message cut off at byte {pos}")
        dev_count = data[after]
        dev_end = after + 1 + 3 * dev_count
        if dev_end > end:
            raise _Damage(pos, f"definition message cut off at byte {pos}")
        size += sum(data[after + 2 : dev_end : 3])
        after = dev_end
    definition = _Definition(global_num, big, fields, size, pos)
    local[header & 0x0F] = definition
    if global_num in WANTED:
        definitions.append(definition)
    return after


def _assemble(data: bytes, definitions: list[_Definition], warnings: list[str]) -> FitData:
    buffer = np.frombuffer(data, dtype=np.uint8)
    record_parts: list[tuple[npt.NDArray[np.int64], dict[str, FloatArray]]] = []
    messages: dict[str, list[tuple[int, dict[str, float | None]]]] = {
        name: [] for name in MESSAGE_NAMES.values()
    }
    for definition in definitions:
        if not definition.offsets:
            continue
        columns = _columns(buffer, definition)
        offsets = np.asarray(definition.offsets, dtype=np.int64)
        if definition.global_num == RECORD:
            record_parts.append((offsets, columns))
            continue
        name = MESSAGE_NAMES[definition.global_num]
        for i, offset in enumerate(definition.offsets):
            values: dict[str, float | None] = {
                key: float(col[i]) for key, col in columns.items() if not np.isnan(col[i])
            }
            messages[name].append((offset, values))
    return FitData(
        records=_merge_records(record_parts),
        messages={
            k: [v for _, v in sorted(msgs, key=lambda m: m[0])] for k, msgs in messages.items()
        },
        warnings=warnings,
    )


def _columns(buffer: npt.NDArray[np.uint8], definition: _Definition) -> dict[str, FloatArray]:
    """Physical values of the wanted fields for all messages of ``definition`` at once."""
    wanted = WANTED[definition.global_num]
    order = ">" if definition.big_endian else "<"
    names: list[str] = []
    formats: list[str] = []
    offsets: list[int] = []
    specs: list[tuple[str, FieldSpec, int | float | None]] = []
    at = 0
    for number, size, base in definition.fields:
        spec = wanted.get(number)
        if definition.global_num == RECORD and number in UNSUPPORTED_RECORD_FIELDS:
            raise NeedsFallback(
                f"{UNSUPPORTED_RECORD_FIELDS[number]} (definition at byte {definition.at})",
                definition.at,
            )
        if spec is not None and size:
            kind = BASE_TYPES.get(base & 0x1F)
            if kind is None or kind[0] == "S1":
                raise NeedsFallback(
                    f"field {spec.name} has base type {base:#x} (definition at byte "
                    f"{definition.at})",
                    definition.at,
                )
            if size != kind[1]:
                raise NeedsFallback(
                    f"field {spec.name} is {size} bytes, base type {kind[1]} (definition at "
                    f"byte {definition.at})",
                    definition.at,
                )
            names.append(spec.name)
            formats.append(order + kind[0])
            offsets.append(at)
            specs.append((spec.name, spec, kind[2]))
        at += size
    count = len(definition.offsets)
    if not names:
        return {}
    starts = np.asarray(definition.offsets, dtype=np.int64)
    out: dict[str, FloatArray] = {}
    for (name, spec, invalid), fmt, at_field in zip(specs, formats, offsets, strict=True):
        if name in out:  # a field listed twice: the first wins, as in fitdecode
            continue
        # One field at a time, a byte column at a time: an index matrix over whole messages
        # took 8 bytes per byte of the file (2 GB for a padded 256 MB file).
        width = np.dtype(fmt).itemsize
        gathered = np.empty((count, width), dtype=np.uint8)
        for byte in range(width):
            gathered[:, byte] = buffer[starts + (at_field + byte)]
        raw = gathered.view(np.dtype(fmt))[:, 0]
        values = raw.astype(np.float64)
        bad = np.isnan(values) if invalid is None else raw == invalid
        if spec.scale != 1.0:
            values = values / spec.scale
        if spec.offset:
            values = values - spec.offset
        values[bad] = np.nan
        out[name] = values
    assert all(v.shape == (count,) for v in out.values())
    return out


def _merge_records(
    parts: list[tuple[npt.NDArray[np.int64], dict[str, FloatArray]]],
) -> dict[str, FloatArray]:
    """One array per field in file order, across every record definition."""
    if not parts:
        return {name: np.empty(0) for name in RECORD_FIELDS_ALL}
    offsets = np.concatenate([p[0] for p in parts])
    order = np.argsort(offsets, kind="stable")
    merged: dict[str, FloatArray] = {}
    for name in (*RECORD_FIELDS, "enhanced_speed", "altitude", "enhanced_altitude"):
        pieces = [cols.get(name, np.full(offs.size, np.nan)) for offs, cols in parts]
        merged[name] = np.concatenate(pieces)[order]
    speed = merged.pop("enhanced_speed")
    merged["speed"] = np.where(np.isnan(speed), merged["speed"], speed)
    altitude = merged.pop("enhanced_altitude")
    merged["altitude"] = np.where(np.isnan(altitude), merged["altitude"], altitude)
    merged["timestamp"] = merged["timestamp"] + FIT_EPOCH
    return merged
