"""``report``, ``calendar``, ``export --format fhir`` and ``import-fhir`` through the real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heavylegs.cli.report as report_cli
from heavylegs.cli.main import app
from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.store import Store, open_store
from tests.reports.conftest import NOW, store_assessment


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_cli, "now", lambda: NOW)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_report_writes_a_pdf(full_store: Store, sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = run("report", "--out", str(out), "--paper", "letter", "--db", sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_report_with_nothing_stored(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    out = tmp_path / "report.pdf"
    result = run("report", "--out", str(out), "--db", f"sqlite:///{db}")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: nothing stored yet: run 'heavylegs assess' or log a diary entry first"
    ]
    assert not out.exists() and not db.exists()


def test_bad_paper(full_store: Store, sqlite_url: str, tmp_path: Path) -> None:
    result = run("report", "--out", str(tmp_path / "r.pdf"), "--paper", "a5", "--db", sqlite_url)
    assert result.exit_code == 2 and "--paper: must be a4 or letter" in result.stderr


def test_fhir_export_and_import(full_store: Store, sqlite_url: str, tmp_path: Path) -> None:
    first = tmp_path / "bundle.json"
    assert run("export", "--format", "fhir", "--out", str(first), "--db", sqlite_url).exit_code == 0
    bundle = json.loads(first.read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    result = run("import-fhir", str(first), "--db", other)
    assert result.exit_code == 0, result.stderr
    assert "2 assessments, 42 diary entries, 11 measures done" in result.stdout
    second = tmp_path / "again.json"
    assert run("export", "--format", "fhir", "--out", str(second), "--db", other).exit_code == 0
    assert second.read_text() == first.read_text()


def test_import_fhir_refuses_a_foreign_bundle(tmp_path: Path) -> None:
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection"}))
    db = tmp_path / "db.sqlite3"
    result = run("import-fhir", str(path), "--db", f"sqlite:///{db}")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: $.identifier.system: not a heavylegs bundle")
    assert not db.exists()


def test_export_format_json_is_still_the_backup(full_store: Store, sqlite_url: str) -> None:
    result = run("export", "--out", "-", "--db", sqlite_url)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == "heavylegs-backup"
    bad = run("export", "--format", "xml", "--out", "-", "--db", sqlite_url)
    assert bad.exit_code == 2 and "--format: must be json or fhir" in bad.stderr


def test_calendar(calm_store: Store, sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "routine.ics"
    result = run(
        "calendar", "--out", str(out), "--start", "08:00", "--end", "16:00", "--db", sqlite_url
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.count("BEGIN:VEVENT") == 3 and "RRULE:" in text and "BEGIN:VALARM" in text


def test_an_urgent_diary_gives_no_calendar(
    full_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    """A routine assessment, then a diary whose right ankle grew 2.2 cm over the left (urgent in
    ``heavylegs insights``): routine reminders would say "carry on" when the message is "get
    seen", so the calendar is refused with the diary's own reason."""
    out = tmp_path / "routine.ics"
    result = run("calendar", "--out", str(out), "--db", sqlite_url)
    assert result.exit_code == 2
    assert "your diary is urgent" in result.stderr and "2.2 cm" in result.stderr
    assert "see a clinician first" in result.stderr and not out.exists()


def test_urgent_calendar_says_why(tmp_path: Path, shared: Path, kb: KnowledgeBase) -> None:
    url = f"sqlite:///{tmp_path / 'urgent.sqlite3'}"
    store = open_store(url)
    flight = json.loads((shared / "spec" / "examples" / "after-long-flight.json").read_text())
    output = store_assessment(store, kb, flight, NOW)
    store.close()
    assert output["triage"]["level"] in ("urgent", "emergency")
    out = tmp_path / "routine.ics"
    result = run("calendar", "--out", str(out), "--db", url)
    assert result.exit_code == 2
    assert "see a clinician first" in result.stderr and not out.exists()
