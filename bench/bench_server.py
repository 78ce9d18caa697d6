"""Server-mode load: 64 people at once on ``heavylegs serve --multi-user --workers 2`` over
PostgreSQL, mixed reads and writes, then every write counted in the database.

Each person has an account and an API token (``Authorization: Bearer``) and one keep-alive
connection; they alternate ``POST /api/v1/measures-done`` (a new row each time) and
``GET /api/v1/measures-done?since=<today>`` (their own rows) for ``SECONDS``. Afterwards the rows
of each person are counted: every 201 must be a row (zero lost writes), and no request may fail.

The baseline is a bare FastAPI app with the same two workers, the same database and the same
load, whose POST writes one row and whose GET reads the person's rows: no accounts, no
validation, no scoping. The ratio says what all of heavylegs' work per request (token lookup,
owner-scoped session, validation, the diary's rules) costs against that.
Target: >= 0.15x the baseline's requests per second, no errors, no lost writes.

Bounded and loopback only: ``HEAVYLEGS_BENCH_SERVER_SECONDS`` (default 60) per phase, servers on
127.0.0.1, stopped at the end whatever happens. PostgreSQL: ``HEAVYLEGS_TEST_PG`` (a database is
created and dropped), else the run starts itself again under ``scripts/with-postgres.sh``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_ENV = "HEAVYLEGS_TEST_PG"
SECONDS = float(os.environ.get("HEAVYLEGS_BENCH_SERVER_SECONDS", "60"))
PEOPLE = 64
WORKERS = 2
TARGET = 0.15
BASELINE_URL_ENV = "HEAVYLEGS_BENCH_BASELINE_DB"


# ------------------------------------------------------------------------------- the baseline


def baseline_app() -> FastAPI:
    """A bare FastAPI app: POST writes one row, GET reads the person's rows (uvicorn factory)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ[BASELINE_URL_ENV])
    app = FastAPI()

    @app.post("/rows/{person}")
    async def write(person: int, request: Request) -> JSONResponse:
        body = json.loads(await request.body())

        def insert() -> int:
            with engine.begin() as conn:
                return int(
                    conn.execute(
                        text(
                            "INSERT INTO bench_rows (person, minutes) VALUES (:p, :m) RETURNING id"
                        ),
                        {"p": person, "m": body["minutes"]},
                    ).scalar_one()
                )

        from starlette.concurrency import run_in_threadpool

        return JSONResponse({"id": await run_in_threadpool(insert)}, status_code=201)

    @app.get("/rows/{person}")
    def read(person: int) -> JSONResponse:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, minutes FROM bench_rows WHERE person = :p ORDER BY id"),
                {"p": person},
            ).all()
        return JSONResponse([{"id": r.id, "minutes": r.minutes} for r in rows])

    return app


# ------------------------------------------------------------------------------------ the load


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    written: dict[int, int] = field(default_factory=dict)
    requests: int = 0


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> int:
    writer.write(head + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


def _head(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _person(
    port: int, index: int, auth: dict[str, str], paths: tuple[str, str], until: float, stats: Stats
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    today = dt.date.today().isoformat()
    n = 0
    try:
        while time.monotonic() < until:
            n += 1
            write = n % 2 == 1
            if write:
                body = json.dumps(
                    {"date": today, "measure": "walking", "minutes": 1 + n % 60}
                ).encode()
                head = _head("POST", paths[0], auth, body)
            else:
                body = b""
                head = _head("GET", paths[1], auth, body)
            start = time.perf_counter()
            status = await _exchange(reader, writer, head, body)
            stats.latencies.append(time.perf_counter() - start)
            stats.requests += 1
            if write and status == 201:
                stats.written[index] = stats.written.get(index, 0) + 1
            elif status >= 400 or (write and status != 201):
                stats.errors += 1
    finally:
        writer.close()


async def _load(
    port: int, people: list[tuple[dict[str, str], tuple[str, str]]]
) -> tuple[Stats, float]:
    stats = Stats()
    began = time.monotonic()
    until = began + SECONDS
    await asyncio.gather(
        *(_person(port, i, auth, paths, until, stats) for i, (auth, paths) in enumerate(people))
    )
    return stats, time.monotonic() - began


# ----------------------------------------------------------------------------- the servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped while starting (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer in {seconds} s") from None
            time.sleep(0.2)


@contextmanager
def _running(command: list[str], env: dict[str, str], probe: str) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait(probe, process)
        yield
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def _database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, make_url, text

    name = f"hl_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _accounts(url: str) -> list[tuple[int, str]]:
    """``PEOPLE`` accounts with an API token each: (account id, token)."""
    from heavylegs.store import accounts, open_store

    now = dt.datetime.now(dt.UTC)
    store = open_store(url, owner=None)
    try:
        made = []
        for i in range(PEOPLE):
            email = f"bench{i}@example.org"
            code = accounts.create_invite(store, email, accounts.Role.PERSON, now)
            account = accounts.sign_up(store, code, email, f"bench password {i:04d}", now)
            made.append((account.id, accounts.new_api_token(store, account.id, now)))
        return made
    finally:
        store.close()


def _summary(name: str, stats: Stats, elapsed: float) -> dict[str, float]:
    latencies = sorted(stats.latencies) or [0.0]
    rate = stats.requests / elapsed if elapsed else 0.0
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(
        f"{name:>10}: {rate:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
        f"errors {stats.errors}  writes {sum(stats.written.values())}",
        flush=True,
    )
    return {"rate": rate, "p50": p50, "p99": p99}


def _heavylegs_phase(url: str) -> tuple[Stats, float, dict[int, int]]:
    from sqlalchemy import create_engine, text

    people = _accounts(url)
    port = _free_port()
    env = {**os.environ, "HEAVYLEGS_WEB_SECRET": secrets.token_urlsafe(16)}
    exe = str(Path(sys.executable).with_name("heavylegs"))
    command = [exe, "serve", "--multi-user", "--workers", str(WORKERS), "--port", str(port)]
    command += ["--db", url]
    today = dt.date.today().isoformat()
    load = [
        (
            {"Authorization": f"Bearer {token}"},
            ("/api/v1/measures-done", f"/api/v1/measures-done?since={today}"),
        )
        for _, token in people
    ]
    with _running(command, env, f"http://127.0.0.1:{port}/login"):
        stats, elapsed = asyncio.run(_load(port, load))
    engine = create_engine(url)
    with engine.connect() as conn:
        counted = dict(
            conn.execute(
                text("SELECT owner_id, count(*) FROM measures_done GROUP BY owner_id")
            ).all()
        )
    engine.dispose()
    # the load's person index -> the account's rows
    rows = {i: int(counted.get(account_id, 0)) for i, (account_id, _) in enumerate(people)}
    return stats, elapsed, rows


def _baseline_phase(url: str) -> tuple[Stats, float, dict[int, int]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE bench_rows (id serial PRIMARY KEY, person int NOT NULL, minutes int)"
            )
        )
        conn.execute(text("CREATE INDEX ON bench_rows (person)"))
    port = _free_port()
    env = {**os.environ, BASELINE_URL_ENV: url}
    command = [
        sys.executable, "-m", "uvicorn", "bench_server:baseline_app", "--factory",
        "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(WORKERS), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    load = [({}, (f"/rows/{i}", f"/rows/{i}")) for i in range(PEOPLE)]
    with _running(command, env, f"http://127.0.0.1:{port}/rows/0"):
        stats, elapsed = asyncio.run(_load(port, load))
    with engine.connect() as conn:
        counted = dict(
            conn.execute(text("SELECT person, count(*) FROM bench_rows GROUP BY person")).all()
        )
    engine.dispose()
    return stats, elapsed, {i: int(counted.get(i, 0)) for i in range(PEOPLE)}


def _lost(stats: Stats, rows: dict[int, int]) -> int:
    return sum(abs(rows.get(i, 0) - stats.written.get(i, 0)) for i in range(PEOPLE))


def main() -> int:
    admin = os.environ.get(PG_ENV)
    if not admin:
        script = ROOT / "scripts" / "with-postgres.sh"
        print(
            "no PostgreSQL given: starting a throwaway one (scripts/with-postgres.sh)", flush=True
        )
        return subprocess.call([str(script), sys.executable, str(Path(__file__).resolve())])
    print(
        f"{PEOPLE} people, {WORKERS} workers, {SECONDS:.0f} s per phase, PostgreSQL, loopback",
        flush=True,
    )
    with _database(admin) as url:
        stats, elapsed, rows = _heavylegs_phase(url)
    heavylegs = _summary("heavylegs", stats, elapsed)
    lost = _lost(stats, rows)
    errors = stats.errors
    with _database(admin) as url:
        base_stats, base_elapsed, base_rows = _baseline_phase(url)
    baseline = _summary("baseline", base_stats, base_elapsed)
    ratio = heavylegs["rate"] / baseline["rate"] if baseline["rate"] else 0.0
    print(f"lost writes: {lost} (baseline {_lost(base_stats, base_rows)})")
    ok = ratio >= TARGET and lost == 0 and errors == 0
    print(
        f"ratio {ratio:.2f}x the bare app (target >= {TARGET}x, no errors, no lost writes): "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
