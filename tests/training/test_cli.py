"""``heavylegs import``, ``activities``, ``training`` through a Typer app built by ``register``."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.training as cli
from tests.training.helpers import START, fit_run

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(cli, "now", lambda: NOW)
    application = typer.Typer()
    cli.register(application)
    return application


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    for i in range(14):
        start = START + dt.timedelta(days=i)
        (folder / f"{i:02d}.fit").write_bytes(fit_run(start, 1800 + 60 * i, heart_rate=140 + i))
    (folder / "broken.fit").write_bytes(b"\x0e\x10garbage")
    return folder


def test_import_json_contract_and_exit_0_with_skipped_files(
    app: typer.Typer, runs: Path, db_url: str
) -> None:
    result = CliRunner().invoke(app, ["import", str(runs), "--json", "--db", db_url])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {"imported", "duplicates", "skipped", "warnings"} <= set(summary)
    assert summary["imported"] == 14 and summary["duplicates"] == 0
    assert [s["file"].rsplit("/", 1)[-1] for s in summary["skipped"]] == ["broken.fit"]
    assert set(summary["skipped"][0]) == {"file", "reason"}
    again = CliRunner().invoke(app, ["import", str(runs), "--json", "--db", db_url])
    assert json.loads(again.stdout)["duplicates"] == 14

    listed = CliRunner().invoke(app, ["activities", "--json", "--db", db_url])
    rows = json.loads(listed.stdout)
    assert len(rows) == 14
    assert set(rows[0]) == {
        "id", "sport", "start_utc", "utc_offset_s", "duration_s", "moving_s", "distance_m",
        "avg_hr", "max_hr", "avg_cadence_spm", "elevation_gain_m", "source_sha256",
        "name", "sub_sport",  # additive
    }  # fmt: skip
    assert rows[0]["avg_cadence_spm"] == 170.0 and len(rows[0]["source_sha256"]) == 64
    starts = [r["start_utc"] for r in rows]
    assert starts == sorted(starts, reverse=True)  # newest first
    newest = CliRunner().invoke(app, ["activities", "--json", "--limit", "3", "--db", db_url])
    assert json.loads(newest.stdout) == rows[:3]
    day = starts[5][:10]
    one_day = CliRunner().invoke(
        app, ["activities", "--json", "--since", day, "--until", day, "--db", db_url]
    )
    assert {r["start_utc"][:10] for r in json.loads(one_day.stdout)} == {day}
    bad = CliRunner().invoke(app, ["activities", "--since", "yesterday", "--db", db_url])
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_unusable_arguments_exit_2_with_nothing_on_stdout(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path / "missing"), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "no such file or folder" in result.stderr
    result = CliRunner().invoke(app, ["import", str(tmp_path), "--on-error", "maybe"])
    assert result.exit_code == 2 and "--on-error" in result.stderr
    for option in ("--plot", "--chart"):  # --chart: the old name, kept as an alias
        result = CliRunner().invoke(app, ["training", option, str(tmp_path / "x.pdf")])
        assert result.exit_code == 2 and "--plot" in result.stderr
    result = CliRunner().invoke(app, ["training", "--hr-rest", "300"])
    assert result.exit_code == 2 and "--hr-rest" in result.stderr


def test_on_error_stop_exits_1(app: typer.Typer, runs: Path, sqlite_url: str) -> None:
    result = CliRunner().invoke(
        app, ["import", str(runs), "--on-error", "stop", "--db", sqlite_url, "--json"]
    )
    assert result.exit_code == 1
    assert "stopped at" in result.stderr


def test_db_from_the_environment(
    app: typer.Typer, runs: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEAVYLEGS_DB", sqlite_url)
    assert CliRunner().invoke(app, ["import", str(runs / "00.fit")]).exit_code == 0
    rows = json.loads(CliRunner().invoke(app, ["activities", "--json"]).stdout)
    assert len(rows) == 1


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_training_json_and_chart(
    app: typer.Typer, runs: Path, sqlite_url: str, tmp_path: Path, suffix: str
) -> None:
    CliRunner().invoke(app, ["import", str(runs), "--db", sqlite_url])
    chart = tmp_path / f"load{suffix}"
    result = CliRunner().invoke(
        app, ["training", "--json", "--db", sqlite_url, "--plot", str(chart), "--hr-rest", "50",
              "--hr-max", "190"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["activities"] == 14
    assert doc["heart_profile"]["hr_rest"] == 50 and doc["heart_profile"]["hr_max"] == 190
    assert doc["load_methods"] == {"heart_rate": 14}
    assert doc["constants"]["fitness_tau_days"] == 42
    assert "not an injury predictor" in doc["constants"]["ratio_caveat"]
    assert doc["weeks"][-1]["week_start"] <= NOW.date().isoformat()
    assert sum(w["runs"] for w in doc["weeks"]) == 14
    assert doc["running_answers"]["cadence_spm"] == 170.0
    assert doc["heaviness"]["verdict"] == "too_few_data"
    assert chart.stat().st_size > 1000
    # the load model's start-up is stated and the first 42 days are marked calibrating
    series = doc["series"]
    assert series["seed"] > 0 and series["seed_source"].startswith("mean of the first 42")
    assert series["calibrating"][:42] == [True] * min(42, len(series["days"]))
    assert doc["today"]["calibrating"] == (len(series["days"]) <= 42)
    assert doc["units"] == {"distance": "km", "load": "load (TRIMP)", "cadence": "steps/min"}
    assert doc["estimated_activities"] == 0 and all(not e for e in series["estimated"])
    assert "capped at 10" in doc["constants"]["monotony"]
    text = CliRunner().invoke(app, ["training", "--db", sqlite_url, "--seed-load", "40"])
    assert text.exit_code == 0 and "load (TRIMP)" in text.stdout and "km" in text.stdout
    assert "from 40.0 a day (yours)" in " ".join(text.stdout.split())


def test_training_text_without_activities(app: typer.Typer, sqlite_url: str) -> None:
    from heavylegs.store import open_store

    open_store(sqlite_url).close()  # an existing, empty database (--db never creates one)
    result = CliRunner().invoke(app, ["training", "--db", sqlite_url])
    assert result.exit_code == 0 and "heavylegs import" in result.stdout


def test_running_answers_from_activities_for_the_assessment(
    app: typer.Typer, runs: Path, sqlite_url: str
) -> None:
    from heavylegs.assessment.answers import Running
    from heavylegs.store import open_store
    from heavylegs.training.running import running_answers_from_activities

    CliRunner().invoke(app, ["import", str(runs), "--db", sqlite_url])
    with open_store(sqlite_url) as store, store.session() as session:
        answers = running_answers_from_activities(session, NOW)
    assert set(answers) == {"weekly_km", "last_hard_session_hours_ago", "cadence_spm"}
    Running(**answers)  # valid against the assessment schema
    assert answers["weekly_km"] > 0


def test_training_json_shows_the_weeks_asked_for(
    app: typer.Typer, runs: Path, sqlite_url: str
) -> None:
    """The daily series is paged: the weeks of the table by default, ``--since`` for more;
    today's figures do not depend on the period shown."""
    CliRunner().invoke(app, ["import", str(runs), "--db", sqlite_url])

    def training(*extra: str) -> dict:  # type: ignore[type-arg]
        result = CliRunner().invoke(app, ["training", "--json", "--db", sqlite_url, *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    short, default = training("--weeks", "1"), training()
    everything = training("--since", START.date().isoformat())
    monday = NOW.date() - dt.timedelta(days=NOW.weekday())
    assert short["series"]["days"][0] == monday.isoformat() == short["series"]["shown_from"]
    assert (
        everything["series"]["days"][0] == everything["series"]["start"] <= START.date().isoformat()
    )
    assert everything["series"]["days"][-len(short["series"]["days"]) :] == short["series"]["days"]
    assert short["today"] == default["today"] == everything["today"]
    assert len(everything["cadence"]) == 14 and len(short["weeks"]) == 1
    bad = CliRunner().invoke(
        app, ["training", "--json", "--db", sqlite_url, "--since", "2026-13-01"]
    )
    assert bad.exit_code == 2 and "--since" in bad.output


def test_training_text_fits_80_columns_and_says_when_all_runs_are_older(
    app: typer.Typer, runs: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    from heavylegs.cli.training_view import print_training

    def text_of(doc: dict[str, object]) -> str:
        out = Console(width=80, file=io.StringIO(), record=True, color_system=None)
        print_training(doc, None, out)
        return out.export_text()

    CliRunner().invoke(app, ["import", str(runs), "--db", sqlite_url])
    doc = json.loads(CliRunner().invoke(app, ["training", "--json", "--db", sqlite_url]).stdout)
    text = text_of(doc)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text and "None of your" not in text
    for week in doc["weeks"]:
        assert week["week_start"] in text  # whole dates, never cut
    monkeypatch.setattr(cli, "now", lambda: NOW + dt.timedelta(days=200))
    old = json.loads(CliRunner().invoke(app, ["training", "--json", "--db", sqlite_url]).stdout)
    assert old["newest_activity"] == (START + dt.timedelta(days=13)).date().isoformat()
    said = " ".join(text_of(old).split())
    assert (
        "None of your 14 activities falls in the weeks shown "
        f"(the newest is from {old['newest_activity']})"
    ) in said


def test_names_from_files_are_printed_as_text_never_as_markup(
    app: typer.Typer, tmp_path: Path, sqlite_url: str
) -> None:
    """A zip member called ``[/bold]x.fit`` made Rich raise MarkupError after the import."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("[/bold]broken.fit", b"junk")
        out.writestr("[red]run.fit", fit_run(START))
    result = CliRunner().invoke(app, ["import", str(archive), "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "[/bold]broken.fit" in result.stdout.replace("\n", "")
    assert result.exception is None


def test_ctrl_c_during_the_first_import_keeps_what_was_stored(
    app: typer.Typer, runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupting the import that created the database removed the database, with every
    activity already committed to it."""
    from heavylegs.store import open_store
    from heavylegs.training import isolation
    from heavylegs.training.repository import count_rows

    real = isolation.import_isolated

    def interrupted(url: str, paths: list[Path], **kwargs: object) -> object:
        real(url, [runs / "00.fit"], **kwargs)  # type: ignore[arg-type]  # committed for good
        raise KeyboardInterrupt

    monkeypatch.setattr(isolation, "import_isolated", interrupted)
    database = tmp_path / "new.sqlite3"
    result = CliRunner().invoke(app, ["import", str(runs), "--db", str(database)])
    assert result.exit_code == 130
    assert "interrupted: what was stored before stays" in result.stderr
    assert database.exists()
    with open_store(f"sqlite:///{database}") as store, store.session() as session:
        assert count_rows(session)["activities"] == 1
