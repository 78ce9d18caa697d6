"""Archives and compressed files: Strava and Garmin exports, bombs and path traversal."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from heavylegs.training.formats import sniff
from heavylegs.training.model import ActivityFileError, SourceFormat
from heavylegs.training.sources import (
    MAX_FILE_BYTES,
    Candidate,
    Plan,
    Refused,
    format_of,
    gunzip,
    read_strava_csv,
    unsafe_member,
    walk,
)
from tests.training.helpers import START, fit_run, gz, zip_bytes

STRAVA_CSV = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,"
    "Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,"
    "Perceived Exertion\n"
    '1,"Mar 2, 2026, 7:00:00 AM",Morning Run,Run,,1800,5.4,160,40,false,,,'
    "activities/1.fit.gz,,,1800.0,1790.0,5400.0,3.5,6.0\n"
    '2,"Mar 3, 2026, 7:00:00 AM",Easy Ride,Ride,,3600,30.0,140,30,false,,,'
    "activities/2.gpx,,,3600.0,3500.0,30000.0,10.0,\n"
    '3,"Mar 4, 2026, 7:00:00 AM",Manual,Run,,1800,5.0,,,false,,,,,,1800.0,1800.0,5000.0,,\n'
)


LOADED: dict[str, bytes] = {}


def _items(sources: list) -> tuple[list[Candidate], list[Refused], Plan]:  # type: ignore[type-arg]
    plan = Plan()
    candidates: list[Candidate] = []
    refused: list[Refused] = []
    for item in walk(sources, plan):
        if isinstance(item, Candidate):
            LOADED[item.name] = item.load()  # before the next item: archives are streamed
            candidates.append(item)
        else:
            refused.append(item)
    return candidates, refused, plan


def test_format_from_name_and_content() -> None:
    assert format_of("a/B.FIT.gz") == (SourceFormat.FIT, True)
    assert format_of("x.tcx") == (SourceFormat.TCX, False)
    assert format_of("notes.txt") == (None, False)
    assert sniff(fit_run(seconds=5)) is SourceFormat.FIT
    assert sniff(b"\xef\xbb\xbf  <?xml version='1.0'?><gpx>") is SourceFormat.GPX
    assert sniff(b"<TrainingCenterDatabase>") is SourceFormat.TCX
    assert sniff(b"hello") is None


def test_strava_csv_uses_the_first_of_repeated_columns() -> None:
    meta = read_strava_csv(STRAVA_CSV)
    assert set(meta) == {"activities/1.fit.gz", "activities/2.gpx"}  # manual entry: no file
    assert meta["activities/1.fit.gz"].title == "Morning Run"
    assert meta["activities/1.fit.gz"].rpe == 6.0
    assert meta["activities/1.fit.gz"].sport == "Run"
    assert meta["activities/2.gpx"].rpe is None


def test_strava_export_zip_is_streamed_with_its_metadata(tmp_path: Path) -> None:
    export = tmp_path / "export_123.zip"
    export.write_bytes(
        zip_bytes(
            {
                "activities.csv": STRAVA_CSV.encode(),
                "activities/1.fit.gz": gz(fit_run()),
                "activities/2.gpx": b"<gpx/>",
                "media/photo.jpg": b"\xff\xd8",
                "profile.csv": b"x",
            }
        )
    )
    candidates, refused, plan = _items([export])
    assert refused == []
    assert [c.name for c in candidates] == [
        f"{export}/activities/1.fit.gz",
        f"{export}/activities/2.gpx",
    ]
    assert LOADED[candidates[0].name][8:12] == b".FIT"  # gunzipped
    assert candidates[0].meta is not None and candidates[0].meta.rpe == 6.0
    assert plan.total == 2 and plan.ignored == 3


def test_garmin_export_with_nested_uploaded_files_zip(tmp_path: Path) -> None:
    inner = zip_bytes({"a.fit": fit_run(), "b.fit": fit_run(START.replace(day=5))})
    export = tmp_path / "garmin.zip"
    export.write_bytes(
        zip_bytes(
            {
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner,
                "DI_CONNECT/DI-Connect-User/user_profile.json": b"{}",
            }
        )
    )
    candidates, refused, plan = _items([export])
    assert refused == []
    assert [c.name.rsplit("/", 1)[-1] for c in candidates] == ["a.fit", "b.fit"]
    assert plan.total == 2


@pytest.mark.parametrize(
    "member", ["../evil.fit", "/etc/evil.fit", "a/../../evil.fit", "C:\\evil.fit", "..\\x.fit"]
)
def test_path_traversal_members_are_refused(tmp_path: Path, member: str) -> None:
    assert unsafe_member(member)
    archive = tmp_path / "t.zip"
    archive.write_bytes(zip_bytes({member: fit_run(seconds=5), "ok.fit": fit_run(seconds=5)}))
    candidates, refused, _plan = _items([archive])
    assert [c.name.rsplit("/", 1)[-1] for c in candidates] == ["ok.fit"]
    assert len(refused) == 1 and "unsafe path" in refused[0].reason


def test_zip_bomb_member_is_refused_without_inflating_it(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(zip_bytes({"big.fit": bytes(64 * 1024 * 1024)}))
    for candidate in walk([archive], Plan()):
        assert isinstance(candidate, Candidate)
        with pytest.raises(ActivityFileError, match="zip bomb"):
            candidate.load()


def test_gzip_bomb_is_refused() -> None:
    with pytest.raises(ActivityFileError, match="bomb"):
        gunzip(gz(bytes(32 * 1024 * 1024)), "x.fit.gz")


def test_gzip_over_the_size_limit_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import heavylegs.training.sources as sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ActivityFileError, match="more than"):
        sources.gunzip(gz(bytes(range(256)) * 40), "x.gpx.gz")
    assert MAX_FILE_BYTES > 1000


def test_lying_zip_header_is_caught_while_reading(tmp_path: Path) -> None:
    data = bytearray(zip_bytes({"a.fit": fit_run(seconds=50)}, zipfile.ZIP_STORED))
    archive = tmp_path / "lie.zip"
    archive.write_bytes(bytes(data))
    with zipfile.ZipFile(archive) as z:
        info = z.infolist()[0]
    # corrupt one byte of the member's data: the zip CRC check must catch it
    offset = info.header_offset + 30 + len(info.filename) + 20
    data[offset] ^= 0xFF
    archive.write_bytes(bytes(data))
    for candidate in walk([archive], Plan()):
        assert isinstance(candidate, Candidate)
        with pytest.raises(ActivityFileError, match="damaged archive member"):
            candidate.load()


def test_nesting_deeper_than_allowed_is_refused(tmp_path: Path) -> None:
    deepest = zip_bytes({"a.fit": fit_run(seconds=5)})
    middle = zip_bytes({"inner.zip": deepest})
    archive = tmp_path / "outer.zip"
    archive.write_bytes(zip_bytes({"middle.zip": middle}))
    candidates, refused, _plan = _items([archive])
    assert candidates == []
    assert len(refused) == 1 and "nested" in refused[0].reason


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    _c, refused, _plan = _items([bad])
    assert len(refused) == 1 and "not a readable zip" in refused[0].reason


def test_uploads_are_file_objects() -> None:
    stream = io.BytesIO(zip_bytes({"x/a.tcx.gz": gz(b"<TrainingCenterDatabase/>")}))
    candidates, refused, _plan = _items([("upload.zip", stream)])
    assert refused == [] and candidates[0].format is SourceFormat.TCX


def test_a_device_is_refused_unread_and_a_pipe_is_read(tmp_path: Path) -> None:
    """A link named like an activity to /dev/zero was read until memory ran out (ended only by
    the child's limit). A pipe is read: ``heavylegs import <(gunzip -c run.fit.gz)``."""
    import os

    device = tmp_path / "zero.gpx"
    device.symlink_to("/dev/null")
    (candidate,) = list(walk([device], Plan()))
    assert isinstance(candidate, Candidate)
    with pytest.raises(ActivityFileError, match="a device, not a file"):
        candidate.load()
    data = fit_run(START, 60)
    reader, writer = os.pipe()
    try:
        os.write(writer, data)  # smaller than the pipe's buffer
        os.close(writer)
        (piped,) = list(walk([Path(f"/dev/fd/{reader}")], Plan()))
        assert isinstance(piped, Candidate) and piped.load() == data
    finally:
        os.close(reader)
