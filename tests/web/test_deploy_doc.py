"""``docs/deploy.md`` run as written: invite with the CLI, serve with two workers behind the
document's own nginx block (TLS, a self-signed certificate), sign up and write through the proxy
(the cookie is ``Secure``), then the document's ``pg_dump`` / ``pg_restore`` commands and a server
on the restored database (the session and the data are there).

Needs the throwaway PostgreSQL of ``scripts/with-postgres.sh``, nginx and openssl; without one of
them it skips and says which.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import make_url

from tests.store.databases import pg_url as pg_url
from tests.web.test_auth_workers import free_port, wait_until_up

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
HEAVYLEGS = str(Path(sys.executable).with_name("heavylegs"))
SECRET = "deploy-doc-secret"
PASSWORD = "the admin's long password"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def libpq(url: str) -> dict[str, str]:
    """libpq's environment for a SQLAlchemy URL (what ``$PGURL`` and ``createdb`` use)."""
    parsed = make_url(url)
    env = {"PGHOST": parsed.host or "127.0.0.1", "PGPORT": str(parsed.port or 5432)}
    env["PGUSER"] = parsed.username or "postgres"
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return env


@contextmanager
def serving(url: str, port: int, workers: int) -> Iterator[None]:
    command = [HEAVYLEGS, "serve", "--multi-user", "--workers", str(workers), "--trust-proxy"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    command += ["--allow-host", "heavylegs.example.org", "--db", url]
    env = {**os.environ, "HEAVYLEGS_WEB_SECRET": SECRET}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        yield
    finally:
        process.terminate()
        process.communicate(timeout=20)


@contextmanager
def nginx(folder: Path, app_port: int, *more_ports: int) -> Iterator[int]:
    """The document's nginx block on a free port with a fresh self-signed certificate; with
    several app ports, behind the document's ``upstream`` block (scaling out)."""
    key, cert = folder / "privkey.pem", folder / "fullchain.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(openssl, check=True, capture_output=True)
    port = free_port()
    server = blocks("nginx")[0]
    server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    server = server.replace("/etc/ssl/heavylegs/fullchain.pem", str(cert))
    server = server.replace("/etc/ssl/heavylegs/privkey.pem", str(key))
    assert "http://127.0.0.1:8000;" in server
    upstream = ""
    if more_ports:
        upstream = blocks("nginx")[1]
        machines = ("server 10.0.0.11:8000;", "server 10.0.0.12:8000;")
        assert all(m in upstream for m in machines), upstream
        upstream = upstream.replace(machines[0], f"server 127.0.0.1:{app_port};")
        upstream = upstream.replace(machines[1], f"server 127.0.0.1:{more_ports[0]};")
        server = server.replace("http://127.0.0.1:8000;", "http://heavylegs;")
    server = server.replace("http://127.0.0.1:8000;", f"http://127.0.0.1:{app_port};")
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    temp += f" uwsgi_temp_path {folder / 'uwsgi'}; scgi_temp_path {folder / 'scgi'};"
    config = folder / "nginx.conf"
    config.write_text(
        f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{\n{temp}\naccess_log off;\n{upstream}\n{server}\n}}\n"
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(f"https://127.0.0.1:{port}", process, verify=False)
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_the_deploy_document_works_as_written(pg_url: str, tmp_path: Path) -> None:
    for tool in ("nginx", "openssl", "pg_dump", "pg_restore", "createdb"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install nginx-light postgresql-client)")
    invited = subprocess.run(
        [HEAVYLEGS, "users", "invite", "admin@example.org", "--role", "admin", "--db", pg_url],
        capture_output=True,
        text=True,
        check=True,
    )
    code = invited.stdout.split()[0]
    app_port = free_port()
    with serving(pg_url, app_port, 2), nginx(tmp_path, app_port) as tls:
        base = f"https://127.0.0.1:{tls}"
        with httpx.Client(base_url=base, verify=False) as client:
            made = client.post(
                "/api/v1/auth/signup",
                json={"invite": code, "email": "admin@example.org", "password": PASSWORD},
            )
            assert made.status_code == 201, made.text
            login = client.post(
                "/api/v1/auth/login", json={"email": "admin@example.org", "password": PASSWORD}
            )
            assert login.status_code == 200
            assert "Secure" in login.headers["set-cookie"]
            headers = {"X-CSRF-Token": login.json()["csrf_token"], "Origin": base}
            entry = {"date": "2026-11-20", "part": "evening", "heaviness": 5, "note": "proxied"}
            written = client.post("/api/v1/diary/entries", json=entry, headers=headers)
            assert written.status_code == 201, written.text
            # over https the cookie is __Host- prefixed; the restored server below is plain
            # http (no proxy), where the session goes by the unprefixed name
            assert "__Host-heavylegs_session" in login.headers["set-cookie"]
            session = {"heavylegs_session": client.cookies["__Host-heavylegs_session"]}

    # backup and restore, with the document's commands
    restored = f"hl_restored_{uuid.uuid4().hex[:10]}"
    env = {**os.environ, **libpq(pg_url)}
    env["PGURL"] = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
    dump, restore = (b for b in blocks("sh") if "pg_dump" in b or "pg_restore" in b)
    subprocess.run(["bash", "-ec", dump], cwd=tmp_path, env=env, check=True)
    dumped = sorted(tmp_path.glob("heavylegs-*.dump"))
    assert len(dumped) == 1
    restore = restore.replace("heavylegs-2026-12-05.dump", dumped[0].name)
    restore = restore.replace("heavylegs_restored", restored)
    subprocess.run(["bash", "-ec", restore], cwd=tmp_path, env=env, check=True)
    try:
        restored_url = make_url(pg_url).set(database=restored).render_as_string(False)
        port = free_port()
        with (
            serving(restored_url, port, 1),
            httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies=session) as again,
        ):
            entries = again.get("/api/v1/diary/entries")
            assert entries.status_code == 200
            assert [e["note"] for e in entries.json()] == ["proxied"]
    finally:
        subprocess.run(["dropdb", "--force", restored], env=env, check=False)


def test_scaling_out_as_written(pg_url: str, tmp_path: Path) -> None:
    """The document's ``upstream`` block over two servers on one PostgreSQL (two "machines" with
    the same secret): nginx takes turns, and every request of one session works on either."""
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install nginx-light openssl)")
    invited = subprocess.run(
        [HEAVYLEGS, "users", "invite", "person@example.org", "--db", pg_url],
        capture_output=True,
        text=True,
        check=True,
    )
    code = invited.stdout.split()[0]
    first, second = free_port(), free_port()
    with (
        serving(pg_url, first, 1),
        serving(pg_url, second, 1),
        nginx(tmp_path, first, second) as tls,
        httpx.Client(base_url=f"https://127.0.0.1:{tls}", verify=False) as client,
    ):
        base = f"https://127.0.0.1:{tls}"
        account = {"email": "person@example.org", "password": PASSWORD}
        made = client.post("/api/v1/auth/signup", json={"invite": code, **account})
        assert made.status_code == 201, made.text
        login = client.post("/api/v1/auth/login", json=account)
        assert login.status_code == 200, login.text
        headers = {"X-CSRF-Token": login.json()["csrf_token"], "Origin": base}
        days = [f"2026-11-{day:02d}" for day in range(1, 7)]
        for day in days:  # round robin: three writes land on each server
            entry = {"date": day, "part": "evening", "heaviness": 4}
            written = client.post("/api/v1/diary/entries", json=entry, headers=headers)
            assert written.status_code == 201, written.text
        for _ in range(2):
            listed = client.get("/api/v1/diary/entries")
            assert listed.status_code == 200, listed.text
            assert sorted(e["day"] for e in listed.json()) == days
