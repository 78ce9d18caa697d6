"""What a Strava export's ``activities.csv`` says beyond its files: manual entries, missing files.

Strava lists every activity in ``activities.csv``; a row whose ``Filename`` is empty was typed in
by hand (a treadmill run logged afterwards, a run without the watch). Such a row becomes a
*summary-only* activity: start, elapsed and moving time, distance, sport, name and perceived
exertion, no samples. Its load then counts like any strapless run's (estimated from the runner's
own load per minute at that pace, else from the stated exertion; see :mod:`load`). A row whose
file is not in the archive is reported, so nothing is lost silently.

Columns: Strava repeats some names. ``Activity Date`` is UTC (``Mar 2, 2026, 7:00:00 AM``); the
first ``Elapsed Time`` is seconds; ``Moving Time`` is seconds; of the two ``Distance`` columns
the second is metres and the first is in the athlete's display unit (km for most), so the
second is used when present and the first is read as km otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from heavylegs.training.model import (
    RUNNING,
    ActivityFileError,
    ParsedActivity,
    SourceFormat,
    Stream,
)
from heavylegs.training.sources import (
    MEMBER_ERRORS,
    csv_rows,
    encrypted,
    read_bounded,
    shown_name,
)
from heavylegs.training.sports import normalise_sport

MAX_CSV_BYTES = 64 * 1024 * 1024
DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%d %b %Y, %H:%M:%S")


class _Cell(Protocol):
    """A cell of a row by column name (the ``occurrence``-th column of that name)."""

    def __call__(self, row: list[str], column: str, occurrence: int = 0) -> str | None: ...


@dataclass(frozen=True)
class ExportRows:
    """The rows of one export's ``activities.csv`` that have no file to import."""

    csv_name: str
    manual: list[tuple[str, ParsedActivity]]
    """``(sha, activity)`` of each manual entry (the sha is stable: re-import is a duplicate)."""
    missing: list[str]
    """One message per row whose file is not in the archive."""
    refused: list[str]
    """One message per manual row that cannot be read (no date, no time)."""


def _number(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # "nan", "inf": no number at all


def _when(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def read_rows(text: str, members: set[str], folder: str, csv_name: str) -> ExportRows:
    """Manual entries and missing-file rows of ``activities.csv`` (``members``: archive names)."""
    rows = csv.reader(io.StringIO(text))
    out = ExportRows(csv_name, [], [], [])
    try:
        header = next(csv_rows(rows), None) or []
    except ActivityFileError as exc:
        out.refused.append(f"{exc}; its manual entries are not read")
        return out
    where: dict[str, list[int]] = {}
    for i, column in enumerate(header):
        where.setdefault(column.strip().lower(), []).append(i)

    def cell(row: list[str], column: str, occurrence: int = 0) -> str | None:
        places = where.get(column, [])
        if len(places) <= occurrence or places[occurrence] >= len(row):
            return None
        return row[places[occurrence]].strip() or None

    try:
        _read_rows(csv_rows(rows), cell, members, folder, out)
    except ActivityFileError as exc:  # the rows before the bad line are kept
        out.refused.append(f"{exc}; the rows after it are not read")
    return out


def _read_rows(
    rows: Iterator[list[str]], cell: _Cell, members: set[str], folder: str, out: ExportRows
) -> None:
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        if not any(value.strip() for value in row):
            continue
        title = cell(row, "activity name")
        label = f"row {number} ({title or 'no name'}, {cell(row, 'activity date') or 'no date'})"
        filename = cell(row, "filename")
        if filename:
            if folder + filename.replace("\\", "/") not in members:
                out.missing.append(f"{label}: its file {filename} is not in the export")
            continue
        parsed = manual_activity(row, cell)
        if isinstance(parsed, str):
            out.refused.append(f"{label}: manual entry not imported ({parsed})")
            continue
        identity = cell(row, "activity id") or f"{parsed.start_utc.isoformat()}|{number}"
        sha = hashlib.sha256(f"strava-manual:{identity}".encode()).hexdigest()
        out.manual.append((sha, parsed))


def manual_activity(row: list[str], cell: _Cell) -> ParsedActivity | str:
    """A summary-only activity from a manual row, or the reason it cannot be one."""
    start = _when(cell(row, "activity date"))
    if start is None:
        return "no readable date: heavylegs never guesses one"
    elapsed = _number(cell(row, "elapsed time"))
    moving = _number(cell(row, "moving time")) or elapsed
    if not elapsed or elapsed <= 0:
        return "no elapsed time"
    metres = _number(cell(row, "distance", 1))
    if metres is None:
        km = _number(cell(row, "distance"))
        metres = km * 1000.0 if km is not None else None
    sport, sub_sport = normalise_sport(cell(row, "activity type"))
    rpe = _number(cell(row, "perceived exertion"))
    return ParsedActivity(
        format=SourceFormat.MANUAL,
        sport=sport,
        sub_sport=sub_sport,
        start_utc=start,
        utc_offset_s=None,
        duration_s=elapsed,
        moving_s=min(moving, elapsed) if moving else elapsed,
        distance_m=metres,
        avg_hr=None,
        max_hr=None,
        avg_cadence_spm=None,
        elevation_gain_m=None,
        run_distance_m=metres if sport == RUNNING else None,
        stream=Stream.empty(),
        warnings=("summary only (entered by hand on Strava): load estimated",),
        title=cell(row, "activity name"),
        rpe=rpe if rpe is not None and 1.0 <= rpe <= 10.0 else None,
    )


def export_archives(
    sources: Sequence[Path | tuple[str, BinaryIO]],
) -> Iterator[tuple[str, zipfile.ZipFile]]:
    """Each zip among ``sources``, open (an upload's stream is put back where it was).

    The walk reads the archives for their files; this opens them once more for the export's
    own summary files (small), without holding anything open between two archives.
    """
    for source in sources:
        if isinstance(source, tuple):
            name, stream = source
            if not name.lower().endswith(".zip") or not stream.seekable():
                continue
            place = stream.tell()
            try:
                stream.seek(0)
                yield from _opened(stream, name)
            finally:
                stream.seek(place)
        else:  # a zip given by name, or every zip in a folder (as the walk finds them)
            found = sorted(source.rglob("*")) if source.is_dir() else [source]
            for path in found:
                if path.is_file() and path.name.lower().endswith(".zip"):
                    with path.open("rb") as handle:
                        yield from _opened(handle, shown_name(path))


def _opened(handle: BinaryIO, name: str) -> Iterator[tuple[str, zipfile.ZipFile]]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # the walk reports an unreadable archive itself
    with archive:
        yield name, archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """A small text member (``None`` when too large or unreadable).

    Read in chunks and refused past :data:`MAX_CSV_BYTES` (:func:`sources.read_bounded`):
    a member whose header claims a few bytes cannot inflate to the whole cap in one read,
    nor beyond it.
    """
    if info.file_size > MAX_CSV_BYTES or encrypted(info):
        return None
    try:
        with archive.open(info) as member:
            data = read_bounded(member.read, MAX_CSV_BYTES)
    except MEMBER_ERRORS:
        return None  # ActivityFileError (too large) is a ValueError; RuntimeError: encrypted
    return data.decode("utf-8-sig", errors="replace")


def export_rows(sources: Sequence[Path | tuple[str, BinaryIO]]) -> list[ExportRows]:
    """The manual and missing rows of every Strava export zip among ``sources``."""
    out = []
    for name, archive in export_archives(sources):
        infos = [i for i in archive.infolist() if not i.is_dir()]
        csv_info = next(
            (i for i in infos if PurePosixPath(i.filename).name.lower() == "activities.csv"), None
        )
        text = read_member(archive, csv_info) if csv_info is not None else None
        if csv_info is None or text is None:
            continue
        folder = str(PurePosixPath(csv_info.filename).parent)
        folder = "" if folder == "." else folder + "/"
        members = {i.filename.replace("\\", "/") for i in infos}
        out.append(read_rows(text, members, folder, f"{name}/{csv_info.filename}"))
    return out
