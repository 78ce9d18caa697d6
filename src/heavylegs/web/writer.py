"""One thread that does the small database writes of the async API routes, in arrival order.

Why not the thread pool (``run_in_threadpool``): SQLite has one writer at a time, so a pool of
threads only queues up at its lock, in SQLite's busy handler, which naps and polls; under 32
concurrent requests a write waited up to ~0.7 s, and a request could even run out of busy
timeout (503) with no other program writing. And each hand-over to the pool (limiter, context
copy, a future, a wake-up of the event loop per request) cost the event loop more than the
write itself. Here a request puts its work on a queue; the writer thread runs what is queued,
one work after another, then wakes the loop once for all the answers it has. The event loop
never waits for the database. The thread ends after :data:`IDLE_S` without work and starts
again with the next one, so an app that is dropped leaves no thread behind.

:func:`writer_for` gives the one writer of a database. On SQLite the API's stored assessment and
every write of an ``async`` route (``WebContext.in_session``) go through it; the synchronous
routes' writes (the wizard's result, imports) run on the thread pool and wait at SQLite's lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

IDLE_S = 5.0
"""The writer thread ends after this long without work."""

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[[], Any]]
_Done = tuple["asyncio.Future[Any]", Any, BaseException | None]


class Writer:
    """Runs each ``work()`` given to :meth:`run` on the writer thread, in order."""

    def __init__(self, name: str = "heavylegs-writer") -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._name = name
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, work: Callable[[], T]) -> T:
        """``work()``'s result (or its exception) once the writer thread has run it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((loop, future, work))
        # Under the lock, always: an idle thread that has just found the queue empty leaves
        # under that lock, so this either sees it gone (and starts one) or it sees this work.
        self._ensure_thread()
        return await future

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                jobs = [self._jobs.get(timeout=IDLE_S)]
            except queue.Empty:
                with self._lock:  # a job put now finds no thread and starts one
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            while True:
                try:
                    jobs.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            done: dict[asyncio.AbstractEventLoop, list[_Done]] = {}
            for loop, future, work in jobs:
                try:
                    outcome: _Done = (future, work(), None)
                except BaseException as exc:  # handed to the request that awaits it
                    outcome = (future, None, exc)
                done.setdefault(loop, []).append(outcome)
            for loop, outcomes in done.items():
                # A closed event loop raises RuntimeError: nobody awaits those answers.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, outcomes)


_WRITERS: weakref.WeakKeyDictionary[object, Writer] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def writer_for(database: object) -> Writer:
    """The one writer of ``database`` (a store's engine) in this process, made on first use:
    every app and request writing to that database goes through the same thread."""
    found = _WRITERS.get(database)
    if found is None:
        with _WRITERS_LOCK:
            found = _WRITERS.setdefault(database, Writer())
    return found


def _settle(outcomes: list[_Done]) -> None:
    for future, value, error in outcomes:
        if future.cancelled():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
