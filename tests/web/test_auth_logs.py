"""No health data and no secrets in the logs: a whole accounts-mode journey runs with every
logger at DEBUG (the SQL engine's included), then the log is searched for the password, the
session and API tokens, the invite code, the CSRF token, the diary note and the answers' values.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heavylegs.web.auth import SESSION_COOKIE
from tests.web.conftest import example
from tests.web.multi_user import (
    PASSWORD,
    SignedIn,
    invite,
    multi_user_app,
    sign_up,
    sqlite_url,
)

NOTE = "varicose-secret-note-5521"


def test_a_whole_journey_logs_no_health_data_and_no_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The SQL engine at INFO logs every statement (values hidden); at DEBUG it would log the
    # rows themselves, which no deployment may do (docs/deploy.md says so).
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    app = multi_user_app(sqlite_url(tmp_path))
    secrets: list[str] = [PASSWORD, NOTE]
    try:
        with TestClient(app):
            code = invite(app, "logged@example.org")
            secrets.append(code)
            browser = SignedIn(app, base_url="http://127.0.0.1", follow_redirects=False)
            browser.post("/signup", data={"invite": code, "email": "x", "password": "short"})
            made = browser.post(
                "/signup",
                data={"invite": code, "email": "logged@example.org", "password": PASSWORD},
            )
            assert made.status_code == 303
            session = browser.cookies.get(SESSION_COOKIE) or ""
            secrets += [session, browser.csrf_token()]
            answers = example("after-long-flight")
            assert browser.post("/api/v1/assessments", json=answers).status_code == 200
            entry = {"date": "2026-11-20", "part": "evening", "heaviness": 7, "note": NOTE}
            assert browser.post("/api/v1/diary/entries", json=entry).status_code == 201
            token = browser.post("/api/v1/auth/tokens").json()["token"]
            secrets.append(token)
            bearer = {"Authorization": f"Bearer {token}"}
            assert browser.get("/api/v1/backup", headers=bearer).status_code == 200
            doctor = sign_up(app, "doc@example.org", "clinician")
            share = browser.post("/api/v1/shares", json={"clinician_email": "doc@example.org"})
            person = share.status_code == 201 and doctor.client.get("/api/v1/people").json()
            assert person
            pid = person[0]["person_id"]
            assert doctor.client.get(f"/api/v1/people/{pid}/diary/entries").status_code == 200
            assert doctor.client.get(f"/api/v1/people/{pid}/report.pdf").status_code == 200
            wrong = browser.post("/login", data={"email": "logged@example.org", "password": "no"})
            assert wrong.status_code == 401
            new_password = "another long password 77"
            secrets.append(new_password)
            changed = browser.post(
                "/api/v1/auth/password",
                json={"old_password": PASSWORD, "new_password": new_password},
            )
            assert changed.status_code == 200
            secrets.append(browser.cookies.get(SESSION_COOKIE) or "")
            browser.post("/api/v1/auth/logout")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    text = caplog.text
    assert "sqlalchemy" in text or caplog.records  # the log was really captured
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"found in the log: {leaked}"
    assert "logged@example.org" not in text
