"""Where activity files come from: paths, folders, ``.gz`` files and zip archives.

Archives are read in place, never unpacked to disk: a Strava export zip (``activities.csv`` plus
``activities/*.fit.gz|.gpx|.gpx.gz|.tcx.gz``) and a Garmin Connect export zip (activity files
inside nested ``UploadedFiles_*.zip``) are both just zips; the Strava CSV adds each file's sport,
title and perceived exertion. A nested zip is opened as a stream inside its parent (members are
read in file order, so the inner archive is decompressed about twice, never stored).

Guards, because an archive is untrusted input:

* a member whose name is absolute or climbs out with ``..`` is refused (path traversal);
* a member larger than :data:`MAX_FILE_BYTES` uncompressed, or compressed more than
  :data:`MAX_RATIO` to 1 beyond :data:`RATIO_FLOOR_BYTES`, is refused (zip bomb); sizes are
  enforced while reading, so a lying header does not get past them;
* zips nest at most :data:`MAX_DEPTH` deep, and an archive lists at most :data:`MAX_MEMBERS`;
* an encrypted member is refused by name (heavylegs never asks for a password), and no error of
  one member (:data:`MEMBER_ERRORS`) escapes as anything but that member's reason.

Each :class:`Candidate` must be loaded before the next one is asked for (archives are closed as
the walk moves on).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from heavylegs.training.formats import BY_SUFFIX
from heavylegs.training.model import ActivityFileError, SourceFormat
from heavylegs.training.sports import normalise_sport

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 500_000
MAX_DEPTH = 2
READ_CHUNK_BYTES = 64 * 1024
INFLATE_CHUNK_BYTES = 1024 * 1024
MEMBER_ERRORS = (
    zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, ValueError,
    RuntimeError,
)  # fmt: skip
"""What reading one archive member may raise (``RuntimeError``: encrypted; ``ValueError``
includes :class:`ActivityFileError`); none of it may end the batch."""
ENCRYPTED = "refused: encrypted archive member (heavylegs never asks for a password)"


def encrypted(info: zipfile.ZipInfo) -> bool:
    """Whether the member needs a password (zipfile raises ``RuntimeError`` on opening it)."""
    return bool(info.flag_bits & 0x1)


@dataclass(frozen=True)
class SourceMeta:
    """What an export says about a file beyond the file itself."""

    sport: str | None = None
    title: str | None = None
    rpe: float | None = None


@dataclass(frozen=True)
class Candidate:
    """A file that looks like an activity; ``load()`` returns its (decompressed) bytes."""

    name: str
    format: SourceFormat | None
    load: Callable[[], bytes]
    meta: SourceMeta | None = None


@dataclass(frozen=True)
class Refused:
    """Something that will not be read, and why (unsafe archive member, unreadable archive)."""

    name: str
    reason: str


@dataclass
class Plan:
    """How many candidates the walk has found so far (grows as nested archives are opened)."""

    total: int = 0
    ignored: int = 0
    notes: list[str] = field(default_factory=list)


Item = Candidate | Refused
Upload = tuple[str, BinaryIO]


def format_of(name: str) -> tuple[SourceFormat | None, bool]:
    """Format from a file name, and whether it is gzipped (``run.fit.gz``)."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return BY_SUFFIX.get(os.path.splitext(lower)[1]), gzipped


def gunzip(data: bytes, name: str) -> bytes:
    """Decompress a gzip file within the size and ratio limits."""
    return gunzip_stream(io.BytesIO(data).read, name)


def gunzip_stream(read: Callable[[int], bytes], name: str) -> bytes:
    """Decompress gzip data read in chunks from ``read``, checking the limits as it grows.

    Why in chunks: a gzip bomb is refused once its output passes :data:`MAX_RATIO` times the
    compressed bytes read so far (beyond :data:`RATIO_FLOOR_BYTES`), so it costs a few
    megabytes, never the 256 MB the size limit alone would allow; the gzip header's size field is
    never trusted.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = consumed = 0
    while not inflater.eof:
        chunk = read(READ_CHUNK_BYTES)
        if not chunk:
            break
        consumed += len(chunk)
        if consumed > MAX_FILE_BYTES:
            raise ActivityFileError(f"refused: larger than {MAX_FILE_BYTES // 2**20} MB")
        while chunk and not inflater.eof:
            try:
                out = inflater.decompress(chunk, INFLATE_CHUNK_BYTES)
            except zlib.error as exc:
                raise ActivityFileError(f"damaged gzip data ({exc})") from None
            size += len(out)
            if size > MAX_FILE_BYTES:
                raise ActivityFileError(
                    f"refused: decompresses to more than {MAX_FILE_BYTES // 2**20} MB "
                    "(gzip bomb guard)"
                )
            _check_ratio(size, consumed, name)
            parts.append(out)
            chunk = inflater.unconsumed_tail
    if not inflater.eof:
        raise ActivityFileError("truncated gzip data")
    return b"".join(parts)


def read_bounded(read: Callable[[int], bytes], limit: int) -> bytes:
    """Everything ``read`` gives, in chunks, refused past ``limit`` bytes.

    Why chunks: one big ``read(n)`` on a zip member lets the decompressor produce up to ``n``
    bytes at once, whatever the member's header says (64 MB for a member claiming 1 KB).
    """
    parts: list[bytes] = []
    size = 0
    while chunk := read(INFLATE_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise ActivityFileError(f"refused: larger than {limit // 2**20} MB")
        parts.append(chunk)
    return b"".join(parts)


def _check_ratio(size: int, compressed: int, name: str) -> None:
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(compressed, 1):
        raise ActivityFileError(
            f"refused: compressed {size // max(compressed, 1)}:1, beyond {MAX_RATIO}:1 "
            "(zip bomb guard)"
        )


def unsafe_member(name: str) -> bool:
    """An archive member name that is absolute or climbs out of the archive."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return True
    return ".." in PurePosixPath(unified).parts


def walk(paths: Sequence[Path | Upload], plan: Plan) -> Iterator[Item]:
    """Every candidate under ``paths`` (files, folders, archives, uploads), in a stable order."""
    for source in paths:
        if isinstance(source, tuple):
            name, stream = source
            yield from _file_object(name, stream, plan)
        elif source.is_dir():
            # Not only regular files: a link to nothing or a pipe with an activity's name is
            # reported as refused here, not passed over without a word.
            files = sorted(p for p in source.rglob("*") if not p.is_dir())
            plan.total += sum(1 for p in files if _interesting(p.name))
            for path in files:
                if not _interesting(path.name):
                    plan.ignored += 1
                elif (why := _not_a_file(path)) is not None:
                    yield Refused(shown_name(path), why)
                else:
                    yield from _path(path, plan)
        else:
            plan.total += 1
            yield from _path(source, plan)


def _interesting(name: str) -> bool:
    fmt, _gz = format_of(name)
    return fmt is not None or name.lower().endswith(".zip")


def shown_name(path: Path) -> str:
    """``path`` as text any database and any output can take.

    Why: a file name need not be UTF-8 on Linux; Python carries such bytes as lone surrogates,
    which the database refused (the good file was skipped as "could not be stored") and which
    made ``--json`` print bytes that are not UTF-8. They become U+FFFD here.
    """
    return os.fsencode(path).decode("utf-8", errors="replace")


def _not_a_file(path: Path) -> str | None:
    """Why ``path``, found in a folder, is not read when it is no regular file: opening a pipe
    there would wait for a writer forever (a pipe named on the command line, as
    ``<(gunzip -c run.fit.gz)`` gives, is read), and a device can be endless (``/dev/zero``)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a link to nothing: not read" if path.is_symlink() else None
    except OSError:
        return None  # reading it says what is wrong
    if stat.S_ISFIFO(mode):
        return "a pipe, not a file: not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file: not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file: not read"
    return None


def _path(path: Path, plan: Plan) -> Iterator[Item]:
    name = shown_name(path)
    if name.lower().endswith(".zip"):
        try:
            with path.open("rb") as handle:
                yield from _archive(handle, name, plan, depth=1)
        except OSError as exc:
            yield Refused(name, f"cannot read: {exc.strerror or exc}")
        return
    fmt, gzipped = format_of(path.name)

    def load() -> bytes:
        try:
            status = path.stat()
            if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode):  # /dev/zero…
                raise ActivityFileError("a device, not a file: not read")
            size = status.st_size
            if size > MAX_FILE_BYTES:
                raise ActivityFileError(f"refused: larger than {MAX_FILE_BYTES // 2**20} MB")
            if gzipped:
                with path.open("rb") as handle:
                    return gunzip_stream(handle.read, name)
            return path.read_bytes()
        except OSError as exc:
            raise ActivityFileError(f"cannot read: {exc.strerror or exc}") from None

    yield Candidate(name, fmt, load)


def _file_object(name: str, stream: BinaryIO, plan: Plan) -> Iterator[Item]:
    plan.total += 1
    if name.lower().endswith(".zip"):
        yield from _archive(stream, name, plan, depth=1)
        return
    fmt, gzipped = format_of(name)

    def load() -> bytes:
        if gzipped:
            return gunzip_stream(stream.read, name)
        data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ActivityFileError(f"refused: larger than {MAX_FILE_BYTES // 2**20} MB")
        return data

    yield Candidate(name, fmt, load)


def _archive(handle: BinaryIO, name: str, plan: Plan, *, depth: int) -> Iterator[Item]:
    """The members of an archive that was counted as one item of ``plan``."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield Refused(name, f"not a readable zip archive ({exc})")
        return
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        plan.total -= 1  # the archive itself is not a file to import; its members are
        if len(infos) > MAX_MEMBERS:
            plan.total += 1
            yield Refused(name, f"refused: {len(infos)} members, more than {MAX_MEMBERS}")
            return
        meta = _strava_meta(archive, infos, name, plan)
        infos.sort(key=lambda i: i.header_offset)  # sequential reads inside nested archives
        plan.total += sum(1 for i in infos if _interesting(i.filename))
        for info in infos:
            member = f"{name}/{info.filename}"
            if not _interesting(info.filename):
                plan.ignored += 1
                continue
            if unsafe_member(info.filename):
                yield Refused(member, "refused: unsafe path in archive (absolute or '..')")
                continue
            if info.filename.lower().endswith(".zip"):
                yield from _nested(archive, info, member, plan, depth)
                continue
            fmt, gzipped = format_of(info.filename)
            yield Candidate(
                member,
                fmt,
                _member_loader(archive, info, member, gzipped),
                meta.get(info.filename.replace("\\", "/")),
            )


def _nested(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, plan: Plan, depth: int
) -> Iterator[Item]:
    if depth >= MAX_DEPTH:
        yield Refused(member, f"refused: archives nested more than {MAX_DEPTH} deep")
        return
    if info.file_size > MAX_ARCHIVE_BYTES:
        yield Refused(member, "refused: nested archive too large")
        return
    if encrypted(info):
        yield Refused(member, ENCRYPTED)
        return
    try:
        _check_ratio(info.file_size, info.compress_size, member)
    except ActivityFileError as exc:
        yield Refused(member, str(exc))
        return
    try:
        with archive.open(info) as inner:
            yield from _archive(inner, member, plan, depth=depth + 1)  # type: ignore[arg-type]
    except MEMBER_ERRORS as exc:
        yield Refused(member, f"damaged nested archive ({exc})")


def _member_loader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str, gzipped: bool
) -> Callable[[], bytes]:
    def load() -> bytes:
        if info.file_size > MAX_FILE_BYTES:
            raise ActivityFileError(f"refused: larger than {MAX_FILE_BYTES // 2**20} MB")
        _check_ratio(info.file_size, info.compress_size, member)
        if encrypted(info):
            raise ActivityFileError(ENCRYPTED)
        try:
            with archive.open(info) as handle:
                if gzipped:  # the member's own header bounds the compressed bytes read
                    return gunzip_stream(handle.read, member)
                data = read_bounded(handle.read, MAX_FILE_BYTES)
        except MEMBER_ERRORS as exc:
            if isinstance(exc, ActivityFileError):
                raise
            raise ActivityFileError(f"damaged archive member ({exc})") from None
        return data

    return load


def _strava_meta(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, plan: Plan
) -> dict[str, SourceMeta]:
    """``member path -> meta`` from a Strava export's ``activities.csv`` (empty otherwise)."""
    csv_info = next(
        (i for i in infos if PurePosixPath(i.filename).name.lower() == "activities.csv"), None
    )
    if csv_info is None or csv_info.file_size > MAX_FILE_BYTES:
        return {}
    folder = str(PurePosixPath(csv_info.filename).parent)
    folder = "" if folder == "." else folder + "/"
    try:
        if encrypted(csv_info):
            raise ActivityFileError("encrypted")
        with archive.open(csv_info) as handle:
            text = read_bounded(handle.read, MAX_FILE_BYTES).decode("utf-8-sig", errors="replace")
        found = read_strava_csv(text)
    except MEMBER_ERRORS as exc:
        plan.notes.append(f"{name}/{csv_info.filename}: unreadable ({exc}); sports not known")
        return {}
    return {folder + path: meta for path, meta in found.items()}


def read_strava_csv(text: str) -> dict[str, SourceMeta]:
    """``Filename -> meta`` from Strava's ``activities.csv``.

    The file repeats column names (two "Elapsed Time", two "Distance"…): the first occurrence of
    each name is used, which is the one Strava documents for the export.
    """
    rows = csv.reader(io.StringIO(text))
    header = next(csv_rows(rows), None)
    if header is None:
        return {}
    index: dict[str, int] = {}
    for i, column in enumerate(header):
        index.setdefault(column.strip().lower(), i)

    def cell(row: list[str], column: str) -> str | None:
        i = index.get(column)
        if i is None or i >= len(row):
            return None
        value = row[i].strip()
        return value or None

    out: dict[str, SourceMeta] = {}
    for row in csv_rows(rows):
        filename = cell(row, "filename")
        if not filename:
            continue  # entered by hand on Strava: no file to import
        sport_text = cell(row, "activity type")
        sport = normalise_sport(sport_text)[0] if sport_text else None
        out[filename.replace("\\", "/")] = SourceMeta(
            sport=sport_text if sport else None,
            title=(cell(row, "activity name") or None),
            rpe=_rpe(cell(row, "perceived exertion")),
        )
    return out


def csv_rows(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of a CSV reader; a malformed line (a field over the csv module's 128 KB limit,
    a NUL byte) is :class:`ActivityFileError` naming the line, never a ``csv.Error``."""
    try:
        yield from rows
    except csv.Error as exc:
        line = getattr(rows, "line_num", 0)
        raise ActivityFileError(f"line {line}: not readable as CSV ({exc})") from None


def _rpe(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 1.0 <= value <= 10.0 else None
