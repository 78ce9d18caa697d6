"""``heavylegs assess --from-activities``: running answers come from imported watch files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.training.fit_writer import FitRun, write_fit

EXE = [sys.executable, "-m", "heavylegs.cli.main"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


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


def test_running_answers_come_from_the_watch_files(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    files = tmp_path / "watch"
    files.mkdir()
    _runs(files, dt.datetime.now(dt.UTC))
    imported = run("import", str(files), "--json", "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["imported"] == 3

    answers = {"schema_version": 1, "symptoms": {"legs": "both", "when": ["during_running"]}}
    done = run(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        "--no-store",
        stdin=json.dumps(answers),
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    why = [
        line
        for cause in result["causes"]
        if cause["id"] == "running_biomechanics"
        for line in cause["why"]
    ]
    assert any("step rate" in line for line in why), "cadence 150 from the files reached the engine"

    typed = {**answers, "running": {"cadence_spm": 180}}
    done = run(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        "--no-store",
        stdin=json.dumps(typed),
    )
    why = [
        line
        for cause in json.loads(done.stdout)["causes"]
        if cause["id"] == "running_biomechanics"
        for line in cause["why"]
    ]
    assert not any("step rate" in line for line in why), "what the person typed wins over the files"


def test_without_activities_the_flag_says_what_to_do(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    answers = {"schema_version": 1, "symptoms": {"legs": "both"}}
    done = run(
        "assess",
        "--answers",
        "-",
        "--from-activities",
        "--json",
        "--db",
        db,
        stdin=json.dumps(answers),
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "heavylegs import" in done.stderr
