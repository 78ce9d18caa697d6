"""Web load check: assessments per second of ``POST /api/v1/assessments``, stored and not.

Each server runs as many uvicorn worker processes as ``heavylegs serve`` does (one; see
``serve_forever``) on a 127.0.0.1 port; a loopback load generator in this process (asyncio,
keep-alive connections, raw HTTP/1.1) posts the three example answer documents in turn for a
fixed time. The baseline is a bare FastAPI endpoint that reads the body and returns the very
bytes heavylegs answers for it (worked out once at its start-up; before loading, each run checks
that both servers answer every body with the same status and bytes, stored and not, and fails
if not), served and loaded the same way in the same run, in alternating rounds: the ratio says
how much of the HTTP stack's capacity an assessment keeps. (heavylegs adds a few headers the
bare endpoint does not send: the security headers, ``Cache-Control``, and when stored
``Location`` and ``X-Heavylegs-Profile``; the body is the same.) Targets (issue 15): stored in
SQLite (the default) >= 0.5x the baseline; ``?store=false`` >= 0.8x. For information, a third
server, the same heavylegs but with the engine's answers looked up once seen
(``_engine_for_free``), shows what the rest of a request costs; a fourth, a plain ASGI callable
answering the same bytes without FastAPI (``raw_app``), shows what the HTTP server alone costs;
and :func:`own_work` times heavylegs' own work on a request (reading and checking the answers,
the engine, writing the JSON) in this process. Together they give the ceiling printed last: the
ratio a web layer costing nothing at all beyond the HTTP server would reach.

Bounded: each phase lasts ``SECONDS`` (plus start-up), requests only go to 127.0.0.1, and every
server is stopped at the end, whatever happens. ``HEAVYLEGS_BENCH_SECONDS`` and
``HEAVYLEGS_BENCH_WORKERS`` change the duration and the worker count. The client shares the
machine's cores with the servers, so absolute numbers are modest; the ratio is what to compare.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or HERE.parents[1] / "shared")
SECONDS = float(os.environ.get("HEAVYLEGS_BENCH_SECONDS", "6"))
WARM_UP_SECONDS = 0.5
CONNECTIONS = 32
WORKERS = int(os.environ.get("HEAVYLEGS_BENCH_WORKERS", "1"))
"""``heavylegs serve`` runs one uvicorn process: so does every server here."""
MAX_REQUESTS = 200_000
EXAMPLES = ("office-worker", "runner", "after-long-flight")
STORED_TARGET = 0.5
STATELESS_TARGET = 0.8


def _answers_bytes() -> dict[bytes, bytes]:
    """Request body -> the assessment JSON heavylegs answers with (the same bytes)."""
    from heavylegs.assessment.engine import assess
    from heavylegs.assessment.validation import parse_answers
    from heavylegs.knowledge import load_knowledge

    kb = load_knowledge()
    return {
        body: assess(parse_answers(json.loads(body)), kb).model_dump_json().encode()
        for body in _bodies()
    }


def bare_app() -> FastAPI:
    """The baseline: FastAPI with one endpoint that reads the body and returns heavylegs'
    answer to it, computed once at start-up (no validation, no engine, no database)."""
    answers = _answers_bytes()
    app = FastAPI()

    @app.post("/api/v1/assessments")
    async def same_bytes(request: Request) -> Response:
        return Response(answers[await request.body()], media_type="application/json")

    return app


def raw_app() -> Callable[[dict[str, Any], Any, Any], Awaitable[None]]:
    """For information: the same bytes as :func:`bare_app` from a plain ASGI callable, served by
    the same uvicorn, so its rate is what the HTTP server alone allows (no FastAPI at all)."""
    answers = _answers_bytes()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        out = answers[body]
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(out))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": out})

    return app


def own_work(folder: str, repeat: int = 2000) -> dict[str, float]:
    """Microseconds per request of heavylegs' own work in this process, averaged over the
    example bodies: the JSON read, the answers checked, the engine, the result written, and
    (last) the row kept in a SQLite file in ``folder`` as the stored API keeps it."""
    from pydantic_core import to_json

    from heavylegs import safejson
    from heavylegs.assessment.compiled import compile_knowledge
    from heavylegs.assessment.reasoning import assess_flat
    from heavylegs.assessment.validation import checked_answers
    from heavylegs.knowledge import load_knowledge
    from heavylegs.store import open_store
    from heavylegs.web import records
    from heavylegs.web.context import LOCAL_OWNER

    compiled = compile_knowledge(load_knowledge())
    store = open_store(f"sqlite:///{Path(folder) / 'own-work.sqlite3'}")
    at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    bodies = _bodies()
    data = [safejson.loads(body) for body in bodies]
    flats = [checked_answers(d)[1] for d in data]
    answers = [checked_answers(d)[0] for d in data]
    outputs = [assess_flat(flat, compiled) for flat in flats]
    texts = [to_json(output).decode() for output in outputs]
    steps: dict[str, Callable[[int], object]] = {
        "read JSON": lambda i: safejson.loads(bodies[i]),
        "check answers": lambda i: checked_answers(data[i]),
        "engine": lambda i: assess_flat(flats[i], compiled),
        "write JSON": lambda i: to_json(outputs[i]),
        "keep": lambda i: records.append_assessment(
            store, LOCAL_OWNER, answers[i], outputs[i], texts[i], at
        ),
    }
    result = {}
    for name, step in steps.items():
        start = time.perf_counter()
        for k in range(repeat):
            step(k % len(bodies))
        result[name] = (time.perf_counter() - start) / repeat * 1e6
    store.close()
    return result


def _engine_for_free() -> None:
    """In this server process only: the engine's answer to answers it has seen is looked up.

    For information, not a target: the rows it gives say what the rest of a request costs (the
    HTTP stack, reading and checking the answers, writing the JSON, storing), so a ratio still
    short of the target with a free engine shows the gap is not the engine's.
    """
    from heavylegs.assessment import reasoning

    engine = reasoning.assess_flat
    seen: dict[str, dict[str, object]] = {}

    def looked_up(flat: dict[str, object], compiled: object) -> dict[str, object]:
        key = repr(flat)
        found = seen.get(key)
        if found is None:
            found = seen[key] = engine(flat, compiled)  # type: ignore[arg-type]
        return found

    reasoning.assess_flat = looked_up  # type: ignore[assignment]


class Run:
    """What one load phase measured (a plain class: ``bench/run.py`` loads this file without
    registering it as a module, which dataclasses need)."""

    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self.requests = 0
        self.errors = 0
        self.latencies_ms: list[float] = []
        self.all_requests = 0  # warm-up included: what the servers' CPU time was spent on
        self.server_cpu_s = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU time per request (all workers): unlike the rate, not skewed by other
        programs running on the machine at the same time."""
        return 1000 * self.server_cpu_s / max(self.all_requests, 1)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    return sock


def _worker(name: str, port: int) -> None:
    import uvicorn

    factory: Callable[[], Any]
    if name == "bare":
        factory = bare_app
    elif name == "raw":
        factory = raw_app
    else:
        from heavylegs.web.app import app_from_env as factory

        if name == "heavylegs-free-engine":
            _engine_for_free()
    config = uvicorn.Config(factory, factory=True, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[_listen(port)])


def serve_forever(name: str, port: int) -> None:
    """``WORKERS`` uvicorn server processes on one port, like ``uvicorn --workers``.

    Two differences from uvicorn's own multi-worker mode, both so that the benchmark measures
    the app rather than socket plumbing:

    * each worker has its own ``SO_REUSEPORT`` socket, so the kernel spreads connections over
      the workers; with one shared socket the first worker to wake often accepts every
      keep-alive connection and the second one idles;
    * the sockets are made with the TCP protocol number, so asyncio sets TCP_NODELAY on each
      connection. uvicorn's own socket (protocol 0) leaves Nagle's algorithm on, and each
      keep-alive response then waits ~40 ms for a delayed ACK. (``heavylegs serve`` runs one
      process and lets asyncio make its socket, so it is not affected.)
    """
    import multiprocessing
    import signal

    workers = [
        multiprocessing.get_context("fork").Process(target=_worker, args=(name, port))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()

    def stop(*_: object) -> None:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=10)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()


def _cpu_seconds(parent: int) -> float:
    """User + system CPU time of the worker processes under ``parent`` (Linux ``/proc``)."""
    total = 0
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve(name: str, env: dict[str, str]) -> Iterator[int]:
    """The ``name`` server ("bare" or "heavylegs") in a subprocess on a free port."""
    port = _free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", name, str(port)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/assessments",
                    data=_bodies()[0],
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    response.read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the {name} server did not start") from None
                time.sleep(0.1)
        _SERVERS[port] = process.pid
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answer(port: int, body: bytes, path: str = "/api/v1/assessments") -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def check_same_bytes(bare_port: int, port: int) -> list[str]:
    """What makes the baseline unfair, if anything: for each request body, the bare server must
    answer the very status and bytes heavylegs answers, stored and not (an empty list: fair)."""
    problems = []
    for n, body in zip(EXAMPLES, _bodies(), strict=True):
        bare = _answer(bare_port, body)
        for path in ("/api/v1/assessments", "/api/v1/assessments?store=false"):
            if _answer(port, body, path) != bare:
                problems.append(f"{n}: {path} does not answer the baseline's status and bytes")
    return problems


def _bodies() -> list[bytes]:
    return [
        json.dumps(json.loads((SHARED / "spec" / "examples" / f"{n}.json").read_text())).encode()
        for n in EXAMPLES
    ]


def _requests(port: int, path: str) -> list[bytes]:
    return [
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in _bodies()
    ]


async def _connection(
    port: int, requests: list[bytes], until: float, record_from: float, out: Run, offset: int
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while (now := time.perf_counter()) < until and out.requests < MAX_REQUESTS:
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            done = time.perf_counter()
            out.all_requests += 1
            if now >= record_from:
                out.requests += 1
                out.latencies_ms.append((done - now) * 1000)
                if not head.startswith(b"HTTP/1.1 200"):
                    out.errors += 1
    finally:
        writer.close()


_SERVERS: dict[int, int] = {}
"""Port -> pid of the process whose children are that server's workers."""


def load(
    name: str,
    port: int,
    seconds: float = SECONDS,
    run: Run | None = None,
    path: str = "/api/v1/assessments",
) -> Run:
    """``CONNECTIONS`` keep-alive connections for ``WARM_UP_SECONDS + seconds``; adds to ``run``."""
    requests = _requests(port, path)
    run = run or Run(name, 0.0)
    run.seconds += seconds
    cpu_before = _cpu_seconds(_SERVERS.get(port, 0))

    async def drive() -> None:
        start = time.perf_counter()
        record_from = start + WARM_UP_SECONDS
        until = record_from + seconds
        await asyncio.gather(
            *(_connection(port, requests, until, record_from, run, k) for k in range(CONNECTIONS))
        )

    asyncio.run(drive())
    run.server_cpu_s += _cpu_seconds(_SERVERS.get(port, 0)) - cpu_before
    return run


def _report(run: Run, baseline: Run | None) -> None:
    ratio = f"  ratio to bare {run.rate / baseline.rate:.2f}" if baseline else ""
    print(
        f"{run.name:<34} {run.rate:8,.0f} req/s  p50 {statistics.median(run.latencies_ms):6.1f} ms"
        f"  p99 {run.percentile(0.99):6.1f} ms  server CPU {run.cpu_ms:.2f} ms/req"
        f"  errors {run.errors}{ratio}",
        flush=True,
    )


def main() -> int:
    """0 when both targets are met, 1 otherwise (``bench/run.py`` lists the misses)."""
    rounds = 3
    print(
        f"{WORKERS} uvicorn worker(s) per server (as heavylegs serve), {CONNECTIONS} keep-alive "
        f"connections, {rounds} alternating rounds of {SECONDS / rounds:.2g} s (after "
        f"{WARM_UP_SECONDS:g} s warm-up each), 127.0.0.1 only"
    )
    # All servers are up at once and loaded in turn, so anything else running on the machine
    # slows them alike and the ratios stay fair.
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        free_url = f"sqlite:///{Path(folder) / 'free.sqlite3'}"
        with (
            serve("bare", {}) as bare_port,
            serve("heavylegs", {"HEAVYLEGS_WEB_DB": url}) as port,
            serve("heavylegs-free-engine", {"HEAVYLEGS_WEB_DB": free_url}) as free_port,
            serve("raw", {}) as raw_port,
        ):
            unfair = check_same_bytes(bare_port, port) + check_same_bytes(bare_port, free_port)
            bare = Run("bare FastAPI, same bytes (baseline)", 0.0)
            stored = Run("heavylegs assess, stored (SQLite)", 0.0)
            stateless = Run("heavylegs assess, ?store=false", 0.0)
            free_stored = Run("  engine for free, stored", 0.0)
            free_stateless = Run("  engine for free, ?store=false", 0.0)
            raw = Run("  plain ASGI, same bytes", 0.0)
            stateless_path = "/api/v1/assessments?store=false"
            for _ in range(rounds):
                load(bare.name, bare_port, SECONDS / rounds, bare)
                load(stored.name, port, SECONDS / rounds, stored)
                load(stateless.name, port, SECONDS / rounds, stateless, stateless_path)
                load(free_stored.name, free_port, SECONDS / rounds, free_stored)
                load(free_stateless.name, free_port, SECONDS / rounds, free_stateless,
                     stateless_path)  # fmt: skip
                load(raw.name, raw_port, SECONDS / rounds, raw)
    _report(bare, None)
    _report(stored, bare)
    _report(stateless, bare)
    print("for information, the engine's answers looked up (what the rest of a request costs):")
    _report(free_stored, bare)
    _report(free_stateless, bare)
    _report(raw, bare)
    with tempfile.TemporaryDirectory() as folder:
        work = own_work(folder)
    computed = sum(us for name, us in work.items() if name != "keep") / 1000
    parts = ", ".join(f"{name} {us:.0f}" for name, us in work.items())
    print(f"  heavylegs' own work per request, in this process (µs): {parts}")
    print(
        f"  ceiling with a web layer costing nothing beyond the HTTP server "
        f"({raw.cpu_ms:.2f} ms/req): stored "
        f"{bare.cpu_ms / (raw.cpu_ms + computed + work['keep'] / 1000):.2f}, "
        f"?store=false {bare.cpu_ms / (raw.cpu_ms + computed):.2f}"
    )
    for problem in unfair:
        print(f"baseline NOT FAIR: {problem}")
    ok = not unfair
    for run, target in ((stored, STORED_TARGET), (stateless, STATELESS_TARGET)):
        ratio = run.rate / bare.rate
        meets = ratio >= target and run.errors == 0
        ok = ok and meets
        print(
            f"{run.name:<34} {run.rate:8,.0f} req/s  baseline {bare.rate:8,.0f} req/s  "
            f"ratio {ratio:.2f}  target >= {target:g}  {'ok' if meets else 'MISSED'}"
            f"  (server CPU ratio {bare.cpu_ms / run.cpu_ms if run.cpu_ms else float('nan'):.2f})"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve_forever(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(main())
