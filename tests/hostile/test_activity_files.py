"""Hostile activity files end in a reason per file, and the good files of the batch are imported."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from heavylegs.store import Store
from heavylegs.training.importer import import_paths, parse_bytes
from heavylegs.training.model import ActivityFileError
from heavylegs.training.sources import gunzip, gunzip_stream
from heavylegs.training.strava import read_member
from tests.hostile import generators as gen

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_a_batch_of_hostile_files_keeps_the_good_ones(store: Store, tmp_path: Path) -> None:
    files = {
        "a-good.gpx": gen.good_gpx(),
        "b-deep.gpx": gen.deeply_nested_gpx(),
        "c-xmlns-comment.gpx": gen.xmlns_comment_gpx(),
        "d-year-1.gpx": gen.gpx_dated(1),
        "e-year-9999.gpx": gen.gpx_dated(9999),
        "f-year-1899.gpx": gen.gpx_dated(1899),
        "g-thirty-days.gpx": gen.gpx_lasting(30),
        "h-bomb.gpx.gz": gen.gzip_bomb(),
        "i-lying-bomb.gpx.gz": gen.gzip_bomb(lying_size=True),
        "j-good-later.gpx": gen.good_gpx(3 * 3600),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = import_paths(store, [tmp_path], now=NOW)
    reasons = {Path(n.file).name: n.message for n in report.skipped}
    # a-good, j-good-later, the xmlns comment file, and g without its point 30 days later
    assert report.imported == 4, reasons
    assert "nested more than" in reasons["b-deep.gpx"]
    assert "before 1980" in reasons["d-year-1.gpx"]
    assert "after tomorrow" in reasons["e-year-9999.gpx"]
    assert "before 1980" in reasons["f-year-1899.gpx"]
    warned = {Path(n.file).name: n.message for n in report.warnings}
    assert "more than 14 days from the rest" in warned["g-thirty-days.gpx"]
    assert "bomb guard" in reasons["h-bomb.gpx.gz"]
    assert "bomb guard" in reasons["i-lying-bomb.gpx.gz"]
    assert set(reasons) == set(files) - {
        "a-good.gpx",
        "j-good-later.gpx",
        "c-xmlns-comment.gpx",
        "g-thirty-days.gpx",
    }


def test_a_gzip_bomb_is_refused_within_a_few_megabytes() -> None:
    bomb = gen.gzip_bomb(128)
    tracemalloc.start()
    try:
        with pytest.raises(ActivityFileError, match="bomb guard"):
            gunzip_stream(io.BytesIO(bomb).read, "bomb.fit.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20  # the ratio guard stops it long before the 256 MB size limit


def test_an_honest_gzip_still_reads() -> None:
    data = gen.good_gpx()
    assert gunzip(gzip.compress(data), "run.gpx.gz") == data


def test_a_truncated_gzip_is_a_reason() -> None:
    with pytest.raises(ActivityFileError, match="truncated"):
        gunzip(gzip.compress(gen.good_gpx())[:-20], "run.gpx.gz")


def test_the_reader_refuses_deep_xml_without_building_it() -> None:
    with pytest.raises(ActivityFileError, match="nested more than"):
        parse_bytes(gen.deeply_nested_gpx(), None, None)


def test_the_tcx_reader_refuses_deep_xml_too() -> None:
    assert parse_bytes(gen.deeply_nested_tcx(3), None, None).start_utc.year == 2026
    with pytest.raises(ActivityFileError, match="nested more than"):
        parse_bytes(gen.deeply_nested_tcx(), None, None)


def test_a_zip_member_lying_about_its_size_is_a_reason(store: Store, tmp_path: Path) -> None:
    (tmp_path / "export.zip").write_bytes(gen.zip_lying_about_size())
    (tmp_path / "good.gpx").write_bytes(gen.good_gpx())
    tracemalloc.start()
    try:
        report = import_paths(store, [tmp_path / "export.zip", tmp_path / "good.gpx"], now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.imported == 1
    ((name, reason),) = [(n.file, n.message) for n in report.skipped]
    assert name.endswith("export.zip/activities/run.fit") and "damaged archive member" in reason
    assert peak < 40 * 2**20


def test_a_strava_csv_lying_about_its_size_is_read_in_chunks() -> None:
    data = gen.zip_lying_about_size(member="export/activities.csv")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (info,) = archive.infolist()
        tracemalloc.start()
        try:
            text = read_member(archive, info)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert text is None  # it inflates past what its header claims: unreadable
    assert peak < 16 * 2**20  # never the 64 MB the member holds, nor the 64 MB cap at once
