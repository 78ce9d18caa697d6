"""``insights --json`` on an empty database (answered without numpy) against the full
computation on the same day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.diary as cli
from heavylegs.diary.escalation import wording_from_kb
from heavylegs.diary.insights import compute_insights
from heavylegs.knowledge import load_knowledge
from heavylegs.store import open_store


@pytest.mark.parametrize("as_of", ["2026-11-21", "2024-02-29", "2027-01-01"])
def test_empty_database_insights_are_the_full_computation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_of: str
) -> None:
    url = f"sqlite:///{tmp_path / 'heavylegs.sqlite3'}"
    open_store(url).close()
    monkeypatch.setenv("HEAVYLEGS_DB", url)
    app = typer.Typer()
    cli.register(app)
    result = CliRunner().invoke(app, ["insights", "--json", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    day = dt.date.fromisoformat(as_of)
    full = compute_insights([], [], as_of=day, wording=wording_from_kb(load_knowledge()))
    assert json.loads(result.stdout) == full.to_json()
