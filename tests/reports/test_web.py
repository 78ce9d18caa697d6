"""The web routes give the same files as the commands, and the result page links to them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports.fhir import render_bundle
from heavylegs.store import Store
from heavylegs.web.app import create_app
from tests.reports.conftest import NOW, read


@pytest.fixture
def web(full_store: Store, sqlite_url: str) -> Iterator[TestClient]:
    app = create_app(sqlite_url, clock=lambda: NOW, secret=b"test-secret")
    with TestClient(app) as client:
        yield client


@pytest.fixture
def calm_web(calm_store: Store, sqlite_url: str) -> Iterator[TestClient]:
    """A routine plan and a diary that raises nothing: what a calendar is made for."""
    app = create_app(sqlite_url, clock=lambda: NOW, secret=b"test-secret")
    with TestClient(app) as client:
        yield client


@pytest.fixture
def empty_web(tmp_path: Any) -> Iterator[TestClient]:
    app = create_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", clock=lambda: NOW, secret=b"s")
    with TestClient(app) as client:
        yield client


def test_report_pdf(web: TestClient) -> None:
    reply = web.get("/report.pdf?paper=letter")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/pdf"
    assert "heavylegs-report-2026-11-21.pdf" in reply.headers["content-disposition"]
    assert reply.content.startswith(b"%PDF-")
    assert web.get("/report.pdf?paper=a3").status_code == 422


def test_calendar_ics(calm_web: TestClient) -> None:
    web = calm_web
    reply = web.get("/calendar.ics?start=08:00&end=16:00")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(reply.content)
    assert len(cal.walk("VEVENT")) == 3
    assert web.get("/calendar.ics?start=8").status_code == 422


def test_an_urgent_diary_gives_no_calendar(web: TestClient) -> None:
    """The latest assessment is routine, but the diary logged since has the right ankle 2.2 cm
    over the left (urgent in the diary's own rules): no "carry on" reminders, the reason why."""
    reply = web.get("/calendar.ics")
    assert reply.status_code == 409
    assert "your diary is urgent" in reply.text and "2.2 cm" in reply.text
    assert "see a clinician first" in reply.text


def test_calendar_ics_refuses_a_tz_that_names_no_zone(
    calm_web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's ``TZ=UTC+3`` (POSIX: three hours behind UTC) is not passed over for another
    zone: the page says the form to use, as ``heavylegs calendar`` does."""
    web = calm_web
    monkeypatch.setenv("TZ", "UTC+3")
    reply = web.get("/calendar.ics")
    assert reply.status_code == 503
    assert "is not a time zone" in reply.text and "Etc/GMT-3" in reply.text
    monkeypatch.setenv("TZ", "Etc/GMT-3")
    reply = web.get("/calendar.ics")
    assert reply.status_code == 200 and b"X-WR-TIMEZONE:Etc/GMT-3" in reply.content


def test_fhir_export_is_the_cli_bundle(
    web: TestClient, full_store: Store, kb: KnowledgeBase
) -> None:
    reply = web.get("/api/v1/export/fhir")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/fhir+json"
    assert json.loads(reply.content) == render_bundle(read(full_store, kb))


def test_nothing_stored(empty_web: TestClient) -> None:
    assert empty_web.get("/report.pdf").status_code == 404
    assert empty_web.get("/calendar.ics").status_code == 404
    reply = empty_web.get("/api/v1/export/fhir")
    assert reply.status_code == 404 and "nothing stored yet" in reply.text


def test_result_page_offers_the_report_and_calendar(
    web: TestClient, full_store: Store, kb: KnowledgeBase
) -> None:
    latest = read(full_store, kb).assessments[-1]
    html = web.get(f"/results/{latest.id}").text
    assert 'href="/report.pdf"' in html and "Download report for my clinician" in html
    assert 'href="/calendar.ics"' in html and "Add to my calendar" in html
