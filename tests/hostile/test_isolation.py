"""Uploads are read in a separate process with limits: a file that hangs the reader is one
skipped line with its reason, and the rest of the batch is imported."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import heavylegs.cli.training as cli
from heavylegs.store import open_store
from heavylegs.training.importer import Progress
from heavylegs.training.isolation import Limits, import_isolated, import_uploads, isolatable
from tests.hostile import generators as gen

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_a_file_that_never_ends_is_skipped_and_the_batch_goes_on(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    open_store(url).close()
    first, hang, last = tmp_path / "a.gpx", tmp_path / "hang.gpx", tmp_path / "b.gpx"
    first.write_bytes(gen.good_gpx())
    os.mkfifo(hang)  # reading it blocks for ever: a stand-in for a reader that loops
    last.write_bytes(gen.good_gpx(3 * 3600))
    report = import_isolated(url, [first, hang, last], now=NOW, limits=Limits(file_seconds=3))
    assert report.imported == 2
    assert [(Path(n.file).name, n.message) for n in report.skipped] == [
        ("hang.gpx", "refused: reading it took longer than 3 s")
    ]


def test_uploads_keep_their_names_and_hostile_ones_are_reasons(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    open_store(url).close()
    uploads = [
        ("good.gpx", io.BytesIO(gen.good_gpx())),
        ("deep.gpx", io.BytesIO(gen.deeply_nested_gpx())),
        ("bomb.gpx.gz", io.BytesIO(gen.gzip_bomb(32))),
    ]
    report = import_uploads(url, uploads, now=NOW)
    assert report.imported == 1
    assert sorted(n.file for n in report.skipped) == ["bomb.gpx.gz", "deep.gpx"]
    with open_store(url) as store, store.session() as session:
        from heavylegs.store import export_backup

        (row,) = export_backup(session)["tables"]["activity_files"]
    assert row["name"] == "good.gpx"  # the upload's own name, not the temporary copy


def test_only_an_in_memory_database_is_imported_in_process() -> None:
    assert isolatable("sqlite:////tmp/x.sqlite3")
    assert isolatable("postgresql+psycopg://u@h/db")
    assert not isolatable("sqlite://")


def _cli_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[typer.Typer, list[str]]:
    """The CLI with a 320 MB cap, and a good file, a 250 MB file (sparse on disk: reading it
    needs 250 MB, more than the cap leaves once Python and the importer are loaded), a good
    file."""
    monkeypatch.setattr(cli, "now", lambda: NOW)
    monkeypatch.setattr(cli, "LIMITS", Limits(memory_bytes=320 * 2**20, file_seconds=60))
    app = typer.Typer()
    cli.register(app)
    first, big, last = tmp_path / "a.gpx", tmp_path / "big.fit", tmp_path / "b.gpx"
    first.write_bytes(gen.good_gpx())
    with big.open("wb") as out:
        out.truncate(250 * 2**20)
    last.write_bytes(gen.good_gpx(3 * 3600))
    return app, [str(first), str(big), str(last)]


def test_the_cli_skips_a_file_beyond_the_memory_cap_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, files = _cli_batch(tmp_path, monkeypatch)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(app, ["import", *files, "--json", "--db", url])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["imported"] == 2
    ((skipped),) = summary["skipped"]
    assert Path(skipped["file"]).name == "big.fit"
    assert skipped["reason"].startswith("refused:") and "memory" in skipped["reason"]


def test_the_cli_stops_at_a_file_beyond_the_memory_cap_with_on_error_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, files = _cli_batch(tmp_path, monkeypatch)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(
        app, ["import", *files, "--on-error", "stop", "--json", "--db", url]
    )
    assert result.exit_code == 1
    assert "stopped at" in result.stderr and "big.fit" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1  # the file before it is stored, the one after is not
    with open_store(url) as store, store.session() as session:
        from heavylegs.store import export_backup

        names = [row["name"] for row in export_backup(session)["tables"]["activity_files"]]
    assert [Path(n).name for n in names] == ["a.gpx"]


def test_progress_counts_every_file_across_restarted_children(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    open_store(url).close()
    first, hang, last = tmp_path / "a.gpx", tmp_path / "hang.gpx", tmp_path / "b.gpx"
    first.write_bytes(gen.good_gpx())
    os.mkfifo(hang)
    last.write_bytes(gen.good_gpx(3 * 3600))
    steps: list[Progress] = []
    report = import_isolated(
        url, [first, hang, last], now=NOW, limits=Limits(file_seconds=3), progress=steps.append
    )
    assert report.imported == 2
    final = steps[-1]
    assert (final.done, final.total, Path(final.file).name) == (3, 3, "b.gpx")
    assert final.skipped == 1  # (stored counts trail by one transaction, as in process)
