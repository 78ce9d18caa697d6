"""Child processes for the crash and concurrency tests (``python -m tests.store.workers …``)."""

from __future__ import annotations

import datetime as dt
import sys

from heavylegs.diary.entries import record_entry, record_measure
from heavylegs.diary.validation import EntryIn, MeasureDoneIn, Part
from heavylegs.store import open_store

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 20, 0, tzinfo=dt.UTC)
COMMITTED = 50


def entry(n: int, heaviness: int = 4) -> EntryIn:
    """Entry number ``n``: distinct (day, part) for every n."""
    return EntryIn(
        date=TODAY - dt.timedelta(days=n // 2),
        part=Part.MORNING if n % 2 == 0 else Part.EVENING,
        heaviness=heaviness,
        note=f"entry {n}",
    )


def bulk(url: str, batch: int) -> None:
    """Commit a first batch, then write a big second batch in ONE transaction (to be killed)."""
    store = open_store(url)
    with store.session() as s:
        for n in range(COMMITTED):  # one transaction: all or none
            record_entry(s, entry(n), NOW)
    print("committed", flush=True)
    with store.session() as s:
        for n in range(COMMITTED, COMMITTED + batch):
            record_entry(s, entry(n, 7), NOW)
            if (n - COMMITTED) % 100 == 0:
                s.flush()
                print(f"progress {n - COMMITTED}", flush=True)
    print("finished", flush=True)


def writer(url: str, worker: int, count: int) -> None:
    """``count`` entries and measures, each in its own transaction, plus one shared entry."""
    store = open_store(url)
    print("ready", flush=True)
    for i in range(count):
        n = 10_000 * (worker + 1) + i
        with store.session() as s:
            e = entry(n)
            record_entry(s, e, NOW)
            record_measure(s, MeasureDoneIn(measure=f"m{worker}", date=e.date, reps=i + 1))
        if i % 10 == 0:
            with store.session() as s:  # everyone updates the same entry too
                shared = EntryIn(date=TODAY, part=Part.EVENING, heaviness=worker, note=f"w{worker}")
                record_entry(s, shared, NOW)
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    command, url, *rest = sys.argv[1:]
    if command == "bulk":
        bulk(url, int(rest[0]))
    elif command == "writer":
        writer(url, int(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown command {command}")
