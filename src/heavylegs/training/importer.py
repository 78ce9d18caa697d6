"""Import a batch of activity files: read, recognise duplicates, store, report.

The batch always runs to the end unless told otherwise (:class:`OnError`): a damaged, truncated
or non-activity file is reported with its name and reason and skipped, and nothing of it is
stored. Files are parsed outside any transaction; parsed activities are written in short
transactions (:data:`BATCH_FILES` files or :data:`BATCH_SECONDS`, whichever comes first, so a
diary entry logged meanwhile waits at most about a second), each file under its own savepoint.

Duplicates: a file whose SHA-256 is already known is not even parsed; a different file of the
same run (see :mod:`dedupe`) is recorded as merged into the stored activity, and if it is the
better source (FIT over TCX over GPX) its data replaces the stored data under the same id.
Counts in the report are files; they are final when the call returns (the progress callback's
counts trail by at most one transaction).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from heavylegs.training.dedupe import START_TOLERANCE_S, Key, Resolution, resolve
from heavylegs.training.formats import read_activities, sniff
from heavylegs.training.import_report import FileNote as FileNote
from heavylegs.training.import_report import ImportReport as ImportReport
from heavylegs.training.import_report import ImportStopped as ImportStopped
from heavylegs.training.import_report import Merge as Merge
from heavylegs.training.import_report import OnError as OnError
from heavylegs.training.import_report import Progress as Progress
from heavylegs.training.model import ActivityFileError, ParsedActivity, SourceFormat
from heavylegs.training.sanity import check_plausible, plausible_figures
from heavylegs.training.sources import Candidate, Plan, Refused, SourceMeta, Upload, walk

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from heavylegs.store import Store

BATCH_FILES = 200
BATCH_SECONDS = 1.0


def parse_bytes(data: bytes, fmt: SourceFormat | None, meta: SourceMeta | None) -> ParsedActivity:
    """The (first) activity in ``data``; :class:`ActivityFileError` with a reason otherwise."""
    return parse_all(data, fmt, meta)[0]


def parse_all(
    data: bytes, fmt: SourceFormat | None, meta: SourceMeta | None
) -> list[ParsedActivity]:
    """Every activity in ``data`` (a TCX history file holds several), oldest first."""
    if not data:
        raise ActivityFileError("empty file")
    fmt = sniff(data) or fmt  # content first: names lie (a .fit that is really a GPX)
    if fmt is None:
        raise ActivityFileError("not an activity file (FIT, GPX or TCX)")
    hint = meta.sport if meta else None
    try:
        found = read_activities(data, fmt, hint)
    except ActivityFileError:
        raise
    except RecursionError:
        raise ActivityFileError("unreadable: nested too deeply") from None
    except Exception as exc:  # any reader failure on damaged input is a reason, never a crash
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        raise ActivityFileError(f"unreadable {fmt.value.upper()} file ({detail})") from None
    if meta is not None and (meta.title or meta.rpe) and len(found) == 1:
        found = [dataclasses.replace(found[0], title=meta.title, rpe=meta.rpe)]
    return [plausible_figures(parsed) for parsed in found]


@dataclass(frozen=True)
class _Queued:
    parsed: ParsedActivity
    sha: str
    name: str
    file: str | None
    """The file it counts toward (activities of one history file share it); None: manual row."""


class _Batch:
    """Parsed files waiting to be written; duplicates are decided inside the write transaction.

    Deciding there (one indexed query per file for stored activities starting within the
    tolerance) sees exactly what is stored, including this batch's own rows, and needs no copy
    of the whole history in memory: importing one file into ten years costs milliseconds.
    """

    def __init__(
        self,
        store: Store,
        report: ImportReport,
        now: dt.datetime,
        max_activities: int | None = None,
    ) -> None:
        from heavylegs.training import repository

        self.store = store
        self.report = report
        self.now = now
        self.max_activities = max_activities
        """At most this many activities stored for the person once a new one is added (a
        shared server's per-person limit; ``None``: none)."""
        self.held = 0
        with store.session() as session:
            self.shas = repository.known_files(session)
        self.queue: list[_Queued] = []
        self.enrich: list[tuple[str, SourceMeta]] = []
        self.started: float | None = None

    def seen(self, sha: str) -> bool:
        return sha in self.shas

    def add(self, parsed: ParsedActivity, sha: str, name: str, file: str | None) -> None:
        check_plausible(parsed, self.now)  # a year-1 or 9999 start never reaches the store
        self.shas.add(sha)
        self.queue.append(_Queued(parsed, sha, name, file))
        if self.started is None:
            self.started = time.monotonic()

    def due(self) -> bool:
        if not self.queue:
            return False
        elapsed = time.monotonic() - (self.started or time.monotonic())
        return len(self.queue) >= BATCH_FILES or elapsed >= BATCH_SECONDS

    def flush(self) -> None:
        from sqlalchemy.exc import IntegrityError, InterfaceError, InternalError, OperationalError

        from heavylegs.training import repository

        if not (self.queue or self.enrich):
            return
        new_in_file: dict[str, bool] = {}  # the contract counts files, not activities
        with self.store.session() as session:
            if self.max_activities is not None:
                # Counted in the write transaction: other imports of the person count too.
                self.held = repository.count_rows(session)["activities"]
            for item in self.queue:
                try:
                    with session.begin_nested():
                        new = self._write(session, item)
                    if item.file is not None:
                        new_in_file[item.file] = new_in_file.get(item.file, False) or new
                except IntegrityError:
                    # Another import running now stored this very file: a duplicate, not a
                    # fault (it was a skipped file, and a batch of them "nothing imported").
                    if item.file is not None:
                        new_in_file.setdefault(item.file, False)
                    self.report.warnings.append(
                        FileNote(item.name, "already imported by another import running now")
                    )
                except _Full:
                    self.report.skipped.append(
                        FileNote(
                            item.name,
                            f"refused: {self.max_activities} activities are stored, the most "
                            "this server keeps for one person; delete old ones first",
                        )
                    )
                except (OperationalError, InterfaceError, InternalError):
                    raise  # the database itself is busy, full or gone: the store says which
                except Exception as exc:  # one row that cannot be written never loses the batch
                    self.report.skipped.append(
                        FileNote(item.name, f"could not be stored ({type(exc).__name__})")
                    )
            for sha, meta in self.enrich:
                repository.enrich(session, sha, meta.title, meta.rpe)
        for new in new_in_file.values():
            if new:
                self.report.imported += 1
            else:
                self.report.duplicates += 1
        self.queue.clear()
        self.enrich.clear()
        self.started = None

    def _write(self, session: Session, item: _Queued) -> bool:
        """Store one activity; True when it is new, False when it matched a stored one."""
        from heavylegs.training import repository

        parsed = item.parsed
        key = Key(parsed.start_utc, parsed.duration_s, parsed.distance_m, parsed.damage is not None)
        match = repository.find_same_activity(session, key)
        if match is None:
            if self.max_activities is not None and self.held >= self.max_activities:
                raise _Full
            new_id = repository.insert_activity(session, parsed, item.sha, item.name, self.now)
            self.held += 1
            self.report.activities += 1
            self.report.activity_ids.append(new_id)
            return True
        action = resolve(
            parsed.format, match.format, parsed.damage is not None, match.damage is not None
        )
        if action is Resolution.KEEP_EXISTING:
            repository.add_file(session, match.id, item.sha, item.name, parsed.format, self.now)
            repository.enrich_activity(session, match.id, parsed.title, parsed.rpe)
            self.report.merged.append(Merge(item.name, match.name, match.id))
            return False
        better = dataclasses.replace(
            parsed, title=parsed.title or match.title, rpe=parsed.rpe or match.rpe
        )
        repository.replace_activity(session, match.id, better, item.sha, item.name, self.now)
        self.report.merged.append(Merge(match.name, item.name, match.id))
        return False


class _Full(Exception):
    """The person holds as many activities as the server keeps (:attr:`_Batch.max_activities`)."""


@dataclass(frozen=True)
class Checkpoints:
    """Hooks for an import watched from another process (:mod:`heavylegs.training.isolation`).

    Items (files and refusals, in walk order) before ``start`` were done by an earlier run and
    are passed over. Those in ``refused`` (a file that crashed or hung the reader) are not read
    again: each is a bad file with that reason, like any other (so ``--on-error stop`` stops
    there). ``reading`` hears of each item before it is read; ``committed`` after each write
    with the number of items now stored for good and the report so far.
    """

    start: int = 0
    refused: Mapping[int, str] = field(default_factory=dict)
    reading: Callable[[int, str], None] | None = None
    committed: Callable[[int, ImportReport], None] | None = None

    def passes(self, index: int, name: str) -> bool:
        """Whether the item ``index`` is passed over; otherwise ``reading`` hears of it."""
        if index < self.start:
            return True
        if self.reading is not None and index not in self.refused:
            self.reading(index, name)
        return False


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_sources(
    store: Store,
    sources: Sequence[Path | Upload],
    *,
    now: dt.datetime,
    on_error: OnError = OnError.SKIP,
    progress: Callable[[Progress], None] | None = None,
    checkpoints: Checkpoints | None = None,
    max_activities: int | None = None,
) -> ImportReport:
    """Import every activity under ``sources`` (paths, or ``(name, file object)`` uploads).

    ``max_activities``: a new activity that would take the person past this many stored is
    skipped with that reason (a shared server's limit, which one upload of a big export must
    not pass either); matches of stored activities still merge."""
    report = ImportReport()
    batch = _Batch(store, report, now, max_activities)
    plan = Plan()
    done = 0

    def tick(name: str) -> None:
        if progress is not None:
            progress(
                Progress(done, max(plan.total, done), name, report.imported, report.duplicates,
                         len(report.skipped))
            )  # fmt: skip

    def fail(note: FileNote) -> None:
        report.skipped.append(note)
        if on_error is OnError.STOP:
            batch.flush()
            raise ImportStopped(note, report)

    def commit_due() -> None:
        """Write what is due; a watching parent hears of it (it is alive, and where to resume)."""
        if batch.due():
            batch.flush()
            if checkpoints is not None and checkpoints.committed is not None:
                checkpoints.committed(done, report)

    for item in walk(sources, plan):
        done += 1
        if checkpoints is not None:
            if checkpoints.passes(done - 1, item.name):
                continue
            if done - 1 in checkpoints.refused:
                item = Refused(item.name, checkpoints.refused[done - 1])
        if isinstance(item, Refused):
            fail(FileNote(item.name, item.reason))
            tick(item.name)
            continue
        _guarded(item, batch, report, fail)
        commit_due()
        tick(item.name)
    _strava_rows(sources, batch, report, commit_due)
    batch.flush()
    _garmin_names(store, sources, report)
    report.ignored = plan.ignored
    report.warnings.extend(FileNote("(import)", note) for note in plan.notes)
    return report


def _garmin_names(store: Store, sources: Sequence[Path | Upload], report: ImportReport) -> None:
    """Names from a Garmin export's summaries fill the matching activities' empty titles."""
    from heavylegs.training import repository
    from heavylegs.training.garmin import export_names

    try:
        named, notes = export_names(sources)
    except Exception as exc:  # an export's extras never lose the batch's stored files
        report.warnings.append(FileNote("(import)", f"Garmin export names not read ({exc!r:.200})"))
        return
    report.warnings.extend(FileNote("(import)", note) for note in notes)
    if not any(n.name for n in named):
        return
    with store.session() as session:
        # one query per summary took minutes for a big (or hostile) export, long enough for
        # the isolated import to be taken for hung: ask only where an activity starts nearby
        starts = repository.stored_starts(session)
        # and once per stored activity: the closest start is the match, and its first name
        # wins (90,000 summaries around one run still took 90,000 pairs of queries, minutes)
        named_starts: set[float] = set()
        for item in named:
            if item.name is None:
                continue
            at = item.start_utc.timestamp()
            after = bisect.bisect_left(starts, at)
            nearby = [
                s for s in starts[max(after - 1, 0) : after + 1] if abs(s - at) <= START_TOLERANCE_S
            ]
            if not nearby:
                continue
            closest = min(nearby, key=lambda s: abs(s - at))
            if closest in named_starts:
                continue
            named_starts.add(closest)
            match = repository.find_same_activity(session, Key(item.start_utc, None, None))
            if match is not None:
                repository.enrich_activity(session, match.id, item.name, None)


def _strava_rows(
    sources: Sequence[Path | Upload],
    batch: _Batch,
    report: ImportReport,
    commit_due: Callable[[], None],
) -> None:
    """Manual entries of Strava exports become summary-only activities; missing files are told."""
    from heavylegs.training.strava import export_rows

    try:
        exports = export_rows(sources)
    except Exception as exc:  # an export's extras never lose the batch's stored files
        report.warnings.append(
            FileNote("(import)", f"Strava manual entries not read ({exc!r:.200})")
        )
        return
    for export in exports:
        report.warnings.extend(FileNote(export.csv_name, m) for m in export.missing)
        report.skipped.extend(FileNote(export.csv_name, m) for m in export.refused)
        for sha, parsed in export.manual:
            if batch.seen(sha):
                continue  # already stored; the file counts above are for files only
            name = f"{export.csv_name} (manual entry: {parsed.title or 'no name'})"
            checked = plausible_figures(parsed)
            report.warnings.extend(
                FileNote(name, w) for w in checked.warnings[len(parsed.warnings) :]
            )
            parsed = checked
            try:
                batch.add(parsed, sha, name, None)
            except ActivityFileError as exc:
                report.skipped.append(FileNote(name, str(exc)))
                continue
            report.manual += 1
            commit_due()  # 100,000 rows in one final write outlasted the isolated import's wait


def _guarded(
    item: Candidate, batch: _Batch, report: ImportReport, fail: Callable[[FileNote], None]
) -> None:
    """:func:`_one`; any failure of one file is that file's skipped line, never the batch's."""
    try:
        _one(item, batch, report, fail)
    except ImportStopped:
        raise
    except ActivityFileError as exc:
        fail(FileNote(item.name, str(exc)))
    except MemoryError:
        fail(FileNote(item.name, "refused: too large to read within the memory limit"))
    except RecursionError:
        fail(FileNote(item.name, "unreadable: nested too deeply"))
    except Exception as exc:
        fail(FileNote(item.name, f"unreadable ({type(exc).__name__})"))


def _one(
    item: Candidate, batch: _Batch, report: ImportReport, fail: Callable[[FileNote], None]
) -> None:
    try:
        data = item.load()
    except ActivityFileError as exc:
        fail(FileNote(item.name, str(exc)))
        return
    sha = sha256_hex(data)
    if batch.seen(sha):
        report.duplicates += 1
        if item.meta is not None and (item.meta.title or item.meta.rpe):
            batch.enrich.append((sha, item.meta))
        return
    try:
        found = parse_all(data, item.format, item.meta)
    except ActivityFileError as exc:
        fail(FileNote(item.name, str(exc)))
        return
    report.warnings.extend(FileNote(item.name, w) for w in found[0].warnings)
    batch.add(found[0], sha, item.name, sha)
    for number, parsed in enumerate(found[1:], start=2):  # more activities in one file
        name = f"{item.name} (activity {number} of {len(found)})"
        batch.add(parsed, sha256_hex(f"{sha}#{number}".encode()), name, sha)


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    now: dt.datetime,
    on_error: OnError = OnError.SKIP,
    progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    """:func:`import_sources` for paths on disk (files, folders, zips)."""
    return import_sources(store, list(paths), now=now, on_error=on_error, progress=progress)
