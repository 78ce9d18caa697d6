"""Uploads are read in a separate process with limits: a file that hangs the reader is one
skipped line with its reason, and the rest of the batch is imported."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

from heavylegs.store import open_store
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
