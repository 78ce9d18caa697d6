"""``heavylegs assess --from-activities``: running answers come from imported watch files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from tests.cli.conftest import Invoke
from tests.training.fit_writer import FitRun, write_fit


def _runs(folder: Path, now: dt.datetime) -> None:
    """Three recent 40-minute runs at 150 steps a minute (10 km/h)."""
    seconds = 40 * 60
    for day in (1, 3, 5):
        start = (now - dt.timedelta(days=day)).replace(microsecond=0)
        data = write_fit(
            FitRun(
                start=start,
                speed_mps=np.full(seconds, 10 / 3.6),
                heart_rate=np.full(seconds, 140.0),
                cadence_spm=np.full(seconds, 150.0),
            )
        )
        (folder / f"run-{day}.fit").write_bytes(data)


def test_running_answers_come_from_the_watch_files(heavylegs: Invoke, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    files = tmp_path / "watch"
    files.mkdir()
    _runs(files, dt.datetime.now(dt.UTC))
    imported = heavylegs("import", str(files), "--json", "--db", db)  # read in the isolated child
    assert imported.exit_code == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == 3

    answers = {"schema_version": 1, "symptoms": {"legs": "both", "when": ["during_running"]}}
    done = heavylegs(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        "--no-store",
        input=json.dumps(answers),
    )
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    why = [
        line
        for cause in result["causes"]
        if cause["id"] == "running_biomechanics"
        for line in cause["why"]
    ]
    assert any("step rate" in line for line in why), "cadence 150 from the files reached the engine"

    typed = {**answers, "running": {"cadence_spm": 180}}
    done = heavylegs(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        "--no-store",
        input=json.dumps(typed),
    )
    why = [
        line
        for cause in json.loads(done.stdout)["causes"]
        if cause["id"] == "running_biomechanics"
        for line in cause["why"]
    ]
    assert not any("step rate" in line for line in why), "what the person typed wins over the files"


def test_without_activities_the_flag_says_what_to_do(heavylegs: Invoke, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    answers = {"schema_version": 1, "symptoms": {"legs": "both"}}
    done = heavylegs(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        input=json.dumps(answers),
    )
    assert done.exit_code == 2 and done.stdout == ""
    assert "heavylegs import" in done.stderr
