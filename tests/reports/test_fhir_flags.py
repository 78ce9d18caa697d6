"""The diary's own warnings travel in the FHIR bundle as active Flags with their triage level.

Why: new one-sided swelling logged after a self-care assessment is urgent in the diary, and a
receiving system got only the assessment's "self-care" RiskAssessment.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from heavylegs.knowledge.models import KnowledgeBase
from heavylegs.reports import fhir_codes as codes
from heavylegs.reports.fhir import dumps_bundle, render_bundle
from heavylegs.reports.fhir_import import import_bundle
from heavylegs.store import open_store
from tests.reports.conftest import NOW, answers, read, store_assessment
from tests.reports.test_diary_warnings import log


def flags(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]


def test_new_one_sided_swelling_is_an_urgent_flag(
    sqlite_url: str, shared: Path, kb: KnowledgeBase, tmp_path: Path
) -> None:
    store = open_store(sqlite_url)
    store_assessment(store, kb, answers(shared), NOW - dt.timedelta(days=10))
    for days_ago in (3, 2, 1):
        log(sqlite_url, days_ago, heaviness=4, swelling="left")
    data = read(store, kb)
    store.close()
    bundle = render_bundle(data)
    (flag,) = flags(bundle)
    assert flag["status"] == "active"
    assert flag["extension"][0]["valueCoding"] == {
        "system": codes.TRIAGE_SYSTEM,
        "code": "urgent",
        "display": codes.TRIAGE_LEVELS["urgent"],
    }
    assert "left leg alone was swollen" in flag["code"]["text"]
    assert flag["subject"]["reference"].startswith("Patient/")
    text = dumps_bundle(bundle)
    Bundle.model_validate_json(text)
    assert dumps_bundle(render_bundle(data)) == text  # same data, same bytes
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with fresh.session() as session:  # the import reads past it
        counts = import_bundle(session, json.loads(text), kb, NOW)
    fresh.close()
    assert counts["assessments"] == 1


def test_a_quiet_diary_gives_no_flag(sqlite_url: str, shared: Path, kb: KnowledgeBase) -> None:
    store = open_store(sqlite_url)
    store_assessment(store, kb, answers(shared), NOW - dt.timedelta(days=2))
    log(sqlite_url, 1, heaviness=3)
    bundle = render_bundle(read(store, kb))
    store.close()
    assert flags(bundle) == []
