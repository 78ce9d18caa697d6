"""Web pages at one and ten years of history: ``/training`` and ``/diary`` (28 days shown).

A synthetic history (a one-hour run with heart rate every ~1.25 days, a morning and an evening
diary entry and a few measures done every day) is written straight into a SQLite file, then
each page is requested through the app in this process (Starlette's test client, no network)
several times; the median counts. The baseline is the same page over one year of the same
history, measured in the same run: a page that grows with history shows a ratio well above 1.

Targets (issue 15): ``/training`` at ten years < 100 ms and flat (ratio to one year < 1.5);
``/diary`` at ten years < 60 ms.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
REPEAT = 15
TRAINING_MS = 100.0
DIARY_MS = 60.0
FLAT = 1.5
STREAM_BYTES = 15_000
"""Raw bytes of a run's stored samples before base64 (~20 KB of text, as a real hour's)."""
PATHS = ("/training", "/diary")
REMEMBERED = "/diary again"
"""The diary page shown again with the diary unchanged (its insights' bootstraps remembered);
every other request is timed as the first view after a change."""
MEASURES = ("ankle_pumps", "calf_raises", "legs_up_the_wall", "walking", "leg_elevation")


def write_history(url: str, years: int, seed: int = 5) -> int:
    """``years`` of runs and diary ending at :data:`NOW`; the number of activities."""
    from heavylegs.store import open_store
    from heavylegs.store.models import Base

    tables = Base.metadata.tables
    rng = random.Random(seed)
    first = NOW - dt.timedelta(days=365 * years)
    activities: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    # Each run keeps its samples as ~20 KB of text, as the codec writes for a real hour (the
    # shared corpus' one-hour FIT file): rows that size are what a view reads past on disk.
    stream = base64.b64encode(rng.randbytes(STREAM_BYTES)).decode()
    when = first
    n = 0
    while when < NOW - dt.timedelta(hours=2):
        n += 1
        seconds = 3600.0
        speed = rng.uniform(2.6, 3.6)
        hr = rng.uniform(130, 165)
        bins = {int(hr + k): 60.0 for k in range(-30, 30)}
        sha = f"{n:064x}"
        activities.append(
            {"id": n, "sport": "running", "start_utc": when, "utc_offset_s": 0,
             "duration_s": seconds, "moving_s": seconds, "distance_m": speed * seconds,
             "avg_hr": hr, "max_hr": hr + 25, "avg_cadence_spm": rng.uniform(160, 182),
             "elevation_gain_m": 20.0, "source_sha256": sha}
        )  # fmt: skip
        details.append(
            {"activity_id": n, "sub_sport": None, "title": None, "rpe": None,
             "run_distance_m": speed * seconds, "samples": 3600, "stream": stream,
             "hr_seconds": [[b, s] for b, s in sorted(bins.items())], "damage": None}
        )  # fmt: skip
        files.append(
            {"sha256": sha, "activity_id": n, "name": f"run_{n}.fit", "format": "fit",
             "imported_at": NOW}
        )  # fmt: skip
        when += dt.timedelta(hours=rng.uniform(24, 36))
    entries: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    day = first.date()
    while day <= NOW.date():
        for part in ("morning", "evening"):
            entries.append(
                {"day": day, "part": part, "heaviness": rng.randint(1, 7), "created_at": NOW,
                 "updated_at": NOW}
            )  # fmt: skip
        for measure in MEASURES:
            if rng.random() < 0.5:
                done.append({"measure": measure, "day": day, "minutes": 10.0, "source": "manual"})
        day += dt.timedelta(days=1)
    store = open_store(url)
    with store.session() as session:
        session.execute(tables["activities"].insert(), activities)
        session.execute(tables["activity_details"].insert(), details)
        session.execute(tables["activity_files"].insert(), files)
        session.execute(tables["diary_entries"].insert(), entries)
        session.execute(tables["measures_done"].insert(), done)
    store.close()
    return n


def time_pages(urls: dict[int, str]) -> dict[int, dict[str, tuple[float, float]]]:
    """Median (wall, CPU) milliseconds per page and history (after one warm-up request each).

    The histories' requests alternate (one year, ten years, one year, ...), so a machine busy
    with other work slows both alike and the ratio stays fair. CPU time is this process's (the
    app runs in its threads): on a shared machine it is what the page itself costs, where wall
    time also holds the wait for a core.
    """
    from starlette.testclient import TestClient

    from heavylegs.diary import insights
    from heavylegs.web.app import create_app

    def forget() -> None:
        """Every request as the first after a new diary entry: the insights' bootstraps are
        remembered for an unchanged diary, and a view after a change computes them afresh."""
        insights._remembered_difference.cache_clear()

    clients = {
        years: TestClient(create_app(url, clock=lambda: NOW), base_url="http://127.0.0.1")
        for years, url in urls.items()
    }
    out: dict[int, dict[str, tuple[float, float]]] = {years: {} for years in urls}
    with contextlib.ExitStack() as stack:
        for client in clients.values():
            stack.enter_context(client)
        for name in (*PATHS, REMEMBERED):
            remembered = name == REMEMBERED
            path = name.split(" ")[0]
            wall: dict[int, list[float]] = {years: [] for years in urls}
            cpu: dict[int, list[float]] = {years: [] for years in urls}
            for client in clients.values():
                assert client.get(path).status_code == 200, path
            for _ in range(REPEAT):
                for years, client in clients.items():
                    if not remembered:
                        forget()
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    wall[years].append((time.perf_counter() - t0) * 1000)
                    cpu[years].append((time.process_time() - c0) * 1000)
                    assert response.status_code == 200, path
            for years in urls:
                out[years][name] = (statistics.median(wall[years]), statistics.median(cpu[years]))
    return out


def main() -> int:
    """0 when every target is met (judged on CPU time, see :func:`time_pages`), 1 otherwise."""
    counts: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        urls = {years: f"sqlite:///{Path(tmp) / f'{years}y.sqlite3'}" for years in (1, 10)}
        for years, url in urls.items():
            counts[years] = write_history(url, years)
        measured = time_pages(urls)
    print(
        f"median of {REPEAT} requests in process, the two histories alternating; baseline: the "
        f"same page over one year ({counts[1]} runs) in this run; ten years = {counts[10]} runs, "
        "3,650 diary days; targets judged on CPU ms (wall ms also shown: it holds the wait for "
        "a shared core)"
    )
    ok = True
    for path, target in zip(PATHS, (TRAINING_MS, DIARY_MS), strict=True):
        (ten_wall, ten), (one_wall, one) = measured[10][path], measured[1][path]
        ratio = ten / one
        flat = path != "/training" or ratio < FLAT
        meets = ten < target and flat
        ok = ok and meets
        flat_text = f", ratio < {FLAT:g}" if path == "/training" else ""
        print(
            f"{path:<10} 10 years {ten:6.1f} ms CPU ({ten_wall:6.1f} wall)  baseline 1 year "
            f"{one:6.1f} ms CPU ({one_wall:6.1f} wall)  ratio {ratio:5.2f}  "
            f"target < {target:.0f} ms{flat_text}  {'ok' if meets else 'MISSED'}"
        )
    (ten_wall, ten), (one_wall, one) = measured[10][REMEMBERED], measured[1][REMEMBERED]
    print(
        f"{'/diary':<10} 10 years {ten:6.1f} ms CPU ({ten_wall:6.1f} wall)  1 year {one:6.1f} ms "
        f"CPU ({one_wall:6.1f} wall): shown again, the diary unchanged (no target: the one "
        "above, the first view after a change, is what counts)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
