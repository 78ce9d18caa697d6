"""Import in a separate process with a memory cap and a per-file time limit.

Used for web uploads and for ``heavylegs import`` (whenever the database is not in memory).
Why: the web server must survive any upload, and one file must not end a long CLI batch. A
file that crashes a reader (a C extension's segfault), eats memory or loops would otherwise
take the server, and everyone's requests, with it. Here the server only copies the uploads to
a temporary folder (in chunks, so its own memory does not grow with them) and watches a child
process that runs the ordinary importer under ``RLIMIT_AS`` (:attr:`Limits.memory_bytes`). The
child says which file it is reading and when a write is committed; when it dies or goes quiet
for :attr:`Limits.file_seconds`, that file is a bad file with the reason, and a new child
carries on after the last commit, refusing the culprit without reading it again. The batch
runs to the end (unless ``on_error`` says stop).

Nothing heavy is imported at module level: the child sets its limits before numpy loads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from heavylegs.store import StoreError
    from heavylegs.training.importer import FileNote, ImportReport, OnError, Progress

Entry = Path | tuple[str, Path]
COPY_CHUNK_BYTES = 1024 * 1024
MAX_RESTARTS = 50
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """What one import may use: memory of the reading process, and time per file."""

    memory_bytes: int = 1536 * 1024 * 1024
    file_seconds: float = 120.0
    max_activities: int | None = None
    """The most activities the person may hold (a shared server's limit; ``None``: none)."""


@dataclass
class _Run:
    """What one child process got through before it ended."""

    final: ImportReport | None = None
    committed: int = 0
    snapshot: ImportReport | None = None
    current: tuple[int, str] | None = None
    reason: str = ""
    stopped: tuple[FileNote, ImportReport] | None = None
    """The batch stopped at this bad file (``--on-error stop``), with this report."""
    error: StoreError | None = None
    """The database failed the child (busy, full, read-only…): raised as in process."""


def import_uploads(
    url: str,
    uploads: Sequence[tuple[str, BinaryIO]],
    *,
    now: dt.datetime,
    limits: Limits = Limits(),
    owner: int | None = None,
) -> ImportReport:
    """Copy ``uploads`` to a temporary folder and import them with :func:`import_isolated`.

    ``owner``: the account whose activities they become (server mode); ``None``: the
    single-person app's.

    The child reads each copy as an upload under its own name, so the report and the stored
    file names are the person's, never the temporary paths.
    """
    folder = Path(tempfile.mkdtemp(prefix="heavylegs-upload-"))
    try:
        entries: list[Entry] = []
        for i, (name, stream) in enumerate(uploads):
            target = folder / f"{i:04d}"
            with target.open("wb") as out:
                shutil.copyfileobj(stream, out, COPY_CHUNK_BYTES)
            entries.append((name, target))
        return import_isolated(url, entries, now=now, limits=limits, owner=owner)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_isolated(
    url: str,
    paths: Sequence[Entry],
    *,
    now: dt.datetime,
    limits: Limits = Limits(),
    on_error: OnError | None = None,
    progress: Callable[[Progress], None] | None = None,
    owner: int | None = None,
) -> ImportReport:
    """Import ``paths`` into the database at ``url`` from child processes (module docstring).

    An entry is a path (a file, folder or archive, as ``heavylegs import`` takes them) or a
    ``(name, path)`` pair: a file read as an upload called ``name``. ``on_error`` and
    ``progress`` are those of :func:`~heavylegs.training.importer.import_sources`: a file
    that broke the reader is a bad file like any other, so with ``stop`` the batch stops there
    (:class:`~heavylegs.training.importer.ImportStopped`), after what was read before it. A
    database error in a child (:class:`~heavylegs.store.StoreError`: busy, full…) is raised
    here, as it would be in process.
    """
    from heavylegs.training.importer import FileNote, ImportReport, ImportStopped, OnError

    job = _Job(url, list(paths), now, on_error or OnError.SKIP, limits, progress is not None, owner)
    done = ImportReport()
    start, refused = 0, dict[int, str]()
    for _ in range(MAX_RESTARTS):
        run = _run_child(job, start, refused, _adding(done, progress))
        if run.error is not None:
            raise run.error  # what was committed before stays, as with an import in process
        if run.stopped is not None:
            note, report = run.stopped
            raise ImportStopped(note, _merge(done, report))
        if run.final is not None:
            return _merge(done, run.final)
        if run.snapshot is not None:
            done = _merge(done, run.snapshot)
            start = run.committed
        if run.current is None:
            done.skipped.append(FileNote("(import)", f"stopped: {run.reason}"))
            break
        refused[run.current[0]] = run.reason
    else:
        done.skipped.append(
            FileNote("(import)", f"stopped after {MAX_RESTARTS} files broke the reader")
        )
    return done


@dataclass(frozen=True)
class _Job:
    """What every child of one import is given."""

    url: str
    paths: list[Entry]
    now: dt.datetime
    on_error: OnError
    limits: Limits
    progress: bool
    owner: int | None = None
    """The account the activities go to (``None``: the single-person app's)."""


def _adding(
    done: ImportReport, progress: Callable[[Progress], None] | None
) -> Callable[[Progress], None] | None:
    """``progress`` told a child's counts plus those of the children before it."""
    if progress is None:
        return None

    def told(step: Progress) -> None:
        progress(
            dataclasses.replace(
                step,
                imported=step.imported + done.imported,
                duplicates=step.duplicates + done.duplicates,
                skipped=step.skipped + len(done.skipped),
            )
        )

    return told


def _run_child(
    job: _Job,
    start: int,
    refused: dict[int, str],
    progress: Callable[[Progress], None] | None,
) -> _Run:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, job, start, dict(refused)), daemon=True)
    process.start()
    sender.close()
    run = _Run(committed=start)
    limits = job.limits
    wait = max(STARTUP_SECONDS, limits.file_seconds)  # imports and opening the database first
    try:
        while True:
            if not receiver.poll(wait):
                if run.current is None:
                    run.reason = f"the import process did not start within {wait:g} s"
                    return run
                run.reason = f"refused: reading it took longer than {limits.file_seconds:g} s"
                return run
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                process.join(5)
                run.reason = (
                    _death(process.exitcode)
                    if run.current is not None
                    else f"the import process ended early (exit code {process.exitcode})"
                )
                return run
            kind = message[0]
            wait = limits.file_seconds
            if kind == "reading":
                run.current = (message[1], message[2])
            elif kind == "progress" and progress is not None:
                progress(message[1])
            elif kind == "committed":
                run.committed, run.snapshot = message[1], message[2]
            elif kind == "done":
                run.final = message[1]
                return run
            elif kind == "stopped":
                run.stopped = (message[1], message[2])
                return run
            elif kind == "failed":
                run.error = message[1]
                return run
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        return f"refused: reading it stopped the reader (signal {-code}; out of memory or a crash)"
    return "refused: reading it stopped the reader (out of memory or a crash)"


def _child(
    sender: Connection, job: _Job, start: int, refused: dict[int, str]
) -> None:  # pragma: no cover - runs in the child process (covered by the hostile tests)
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends this child
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    memory = job.limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from heavylegs.store import StoreError, open_store
    from heavylegs.training.importer import Checkpoints, ImportStopped, import_sources

    def committed(done: int, report: ImportReport) -> None:
        sender.send(("committed", done, report))

    def progress(step: Progress) -> None:
        sender.send(("progress", step))

    checkpoints = Checkpoints(
        start=start,
        refused=refused,
        reading=lambda index, name: sender.send(("reading", index, name)),
        committed=committed,
    )
    with ExitStack() as files:
        sources = [
            entry
            if isinstance(entry, Path)
            else (entry[0], files.enter_context(entry[1].open("rb")))
            for entry in job.paths
        ]
        try:
            opened = open_store(job.url)
            with opened if job.owner is None else opened.for_owner(job.owner) as store:
                sender.send(("ready",))
                report = import_sources(
                    store,
                    sources,
                    now=job.now,
                    on_error=job.on_error,
                    progress=progress if job.progress else None,
                    checkpoints=checkpoints,
                    max_activities=job.limits.max_activities,
                )
        except ImportStopped as stopped:
            sender.send(("stopped", stopped.note, stopped.report))
            return
        except StoreError as exc:
            sender.send(("failed", exc))
            return
        except BrokenPipeError:  # the parent is gone (killed): what was committed stays
            return
    sender.send(("done", report))


def _merge(first: ImportReport, second: ImportReport) -> ImportReport:
    """Two parts of one batch as one report: counts added, lists joined, except ``ignored``,
    which each part counts over the whole walk."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(second):
        a, b = getattr(first, item.name), getattr(second, item.name)
        if item.name == "ignored":
            values[item.name] = max(a, b)
        elif isinstance(b, list):
            values[item.name] = [*a, *b]
        elif isinstance(b, int):
            values[item.name] = a + b
    return dataclasses.replace(second, **values)


def isolatable(url: str) -> bool:
    """Whether a child process can open the same database (not an in-memory SQLite)."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    return not (parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"))
