"""Hostile inputs, made at test time (nothing large is committed): one generator per pattern of
the fault-injection run in issue 10."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

from tests.training.helpers import START, gpx_text


def good_gpx(offset_s: int = 0) -> bytes:
    return gpx_text(START + dt.timedelta(seconds=offset_s), 120)


def deeply_nested_gpx(depth: int = 200_000) -> bytes:
    """200,000 nested ``<extensions>`` inside a point (1.4 MB): segfaulted gpxpy."""
    body = "<extensions>" * depth + "</extensions>" * depth
    return good_gpx().replace(
        b"<trkseg>", f'<trkseg><trkpt lat="45" lon="6">{body}</trkpt>'.encode(), 1
    )


def deeply_nested_tcx(depth: int = 200_000) -> bytes:
    """A one-point TCX run whose trackpoint holds ``depth`` nested ``<Extensions>``."""
    when = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = "<Extensions>" * depth + "</Extensions>" * depth
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        f'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>{when}</Id>'
        f'<Lap StartTime="{when}"><TotalTimeSeconds>60</TotalTimeSeconds><Track><Trackpoint>'
        f"<Time>{when}</Time>{body}</Trackpoint></Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


def xmlns_comment_gpx(words: int = 100_000) -> bytes:
    """A comment with 100,000 `` xmlns`` words: 40 s in gpxpy's namespace regex."""
    return good_gpx(600).replace(b"<trk>", b"<!--" + b" xmlns" * words + b" --><trk>", 1)


def gpx_dated(year: int) -> bytes:
    """A good track whose clock says ``year`` (1, 1899, 9999)."""
    return good_gpx().replace(str(START.year).encode() + b"-", f"{year:04d}-".encode())


def gpx_lasting(days: int) -> bytes:
    """Two points ``days`` apart: an absurd duration."""
    later = (START + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    point = f'<trkpt lat="45.1" lon="6"><time>{later}</time></trkpt></trkseg>'
    return good_gpx(1200).replace(b"</trkseg>", point.encode(), 1)


def gzip_bomb(megabytes: int = 64, *, lying_size: bool = False) -> bytes:
    """Zeros that inflate ~1000:1; ``lying_size`` makes the gzip trailer claim 100 bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    data = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    if lying_size:
        data = data[:-4] + (100).to_bytes(4, "little")
    return data


def nested_brackets(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def answers_with(value_text: str) -> bytes:
    """Answers whose heaviness is ``value_text`` verbatim (a 5,000-digit or 2**70 number)."""
    return (
        '{"schema_version": 1, "symptoms": {"legs": "both", "heaviness": ' + value_text + "}}"
    ).encode()


def long_number(digits: int = 5000) -> str:
    return "9" * digits


def beyond_64_bits() -> str:
    return str(2**70)


def tampered(backup: dict[str, Any], table: str, column: str, value: Any) -> dict[str, Any]:
    """``backup`` with ``column`` of the first row of ``table`` set to ``value``."""
    copy = json.loads(json.dumps(backup))
    copy["tables"][table][0][column] = value
    return copy


def zip_lying_about_size(
    megabytes: int = 64, claimed: int = 1000, member: str = "activities/run.fit"
) -> bytes:
    """A zip whose ``member`` inflates to ``megabytes`` of zeros but whose headers claim
    ``claimed``."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, bytes(megabytes * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    real = megabytes * 1024 * 1024
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        assert struct.unpack_from("<I", data, at + offset)[0] == real
        struct.pack_into("<I", data, at + offset, claimed)
    return bytes(data)
