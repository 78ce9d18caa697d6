"""Import in a separate process with a memory cap and a per-file time limit (web uploads).

Why: the web server must survive any upload. A file that crashes a reader (a C extension's
segfault), eats memory or loops would otherwise take the server, and everyone's requests, with
it. Here the server only copies the uploads to a temporary folder (in chunks, so its own memory
does not grow with them) and watches a child process that runs the ordinary importer under
``RLIMIT_AS`` (:attr:`Limits.memory_bytes`). The child says which file it is reading and when a
write is committed; when it dies or goes quiet for :attr:`Limits.file_seconds`, that file is
reported as skipped with the reason, and a new child carries on after the last commit, passing
over the culprit. The batch always runs to the end.

Nothing heavy is imported at module level: the child sets its limits before numpy loads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from heavylegs.training.importer import FileNote, ImportReport

Entry = Path | tuple[str, Path]
COPY_CHUNK_BYTES = 1024 * 1024
MAX_RESTARTS = 50
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """What one import may use: memory of the reading process, and time per file."""

    memory_bytes: int = 1536 * 1024 * 1024
    file_seconds: float = 120.0


@dataclass
class _Run:
    """What one child process got through before it ended."""

    final: ImportReport | None = None
    committed: int = 0
    snapshot: ImportReport | None = None
    current: tuple[int, str] | None = None
    reason: str = ""


def import_uploads(
    url: str,
    uploads: Sequence[tuple[str, BinaryIO]],
    *,
    now: dt.datetime,
    limits: Limits = Limits(),
) -> ImportReport:
    """Copy ``uploads`` to a temporary folder and import them with :func:`import_isolated`.

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
        return import_isolated(url, entries, now=now, limits=limits)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_isolated(
    url: str, paths: Sequence[Entry], *, now: dt.datetime, limits: Limits = Limits()
) -> ImportReport:
    """Import ``paths`` into the database at ``url`` from child processes (module docstring).

    An entry is a path (a file, folder or archive, as ``heavylegs import`` takes them) or a
    ``(name, path)`` pair: a file read as an upload called ``name``.
    """
    from heavylegs.training.importer import FileNote, ImportReport

    done = ImportReport()
    notes: list[FileNote] = []
    start, skip = 0, set[int]()
    for _ in range(MAX_RESTARTS):
        run = _run_child(url, list(paths), now, start, frozenset(skip), limits)
        if run.final is not None:
            merged = _merge(done, run.final)
            merged.skipped.extend(notes)
            return merged
        if run.snapshot is not None:
            done = _merge(done, run.snapshot)
            start = run.committed
        if run.current is None:
            notes.append(FileNote("(import)", f"stopped: {run.reason}"))
            break
        index, name = run.current
        notes.append(FileNote(name, run.reason))
        skip.add(index)
    else:
        notes.append(FileNote("(import)", f"stopped after {MAX_RESTARTS} files broke the reader"))
    done.skipped.extend(notes)
    return done


def _run_child(
    url: str,
    paths: list[Entry],
    now: dt.datetime,
    start: int,
    skip: frozenset[int],
    limits: Limits,
) -> _Run:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, url, paths, now, start, skip, limits.memory_bytes),
        daemon=True,
    )
    process.start()
    sender.close()
    run = _Run(committed=start)
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
            elif kind == "committed":
                run.committed, run.snapshot = message[1], message[2]
            elif kind == "done":
                run.final = message[1]
                return run
            elif kind == "failed":
                run.current = None
                run.reason = message[1]
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
    sender: Connection,
    url: str,
    paths: list[Entry],
    now: dt.datetime,
    start: int,
    skip: frozenset[int],
    memory_bytes: int,
) -> None:  # pragma: no cover - runs in the child process (covered by the hostile tests)
    import resource

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from heavylegs.store import StoreError, open_store
    from heavylegs.training.importer import Checkpoints, import_sources

    def committed(done: int, report: ImportReport) -> None:
        sender.send(("committed", done, report))

    checkpoints = Checkpoints(
        start=start,
        skip=skip,
        reading=lambda index, name: sender.send(("reading", index, name)),
        committed=committed,
    )
    with ExitStack() as files:
        sources = [
            entry
            if isinstance(entry, Path)
            else (entry[0], files.enter_context(entry[1].open("rb")))
            for entry in paths
        ]
        try:
            with open_store(url) as store:
                sender.send(("ready",))
                report = import_sources(store, sources, now=now, checkpoints=checkpoints)
        except StoreError as exc:
            sender.send(("failed", str(exc)))
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
