"""More hostile activity files: damaged large FIT files must stay cheap, and say where."""

from __future__ import annotations

import datetime as dt
import struct
import time
from pathlib import Path

import pytest

from heavylegs.store import Store
from heavylegs.training import fit, fit_fast
from heavylegs.training.fit import decode, decode_with_fitdecode, read_fit


def _definitions(data: bytes) -> list[int]:
    """Byte offsets of the definition messages of an intact FIT file."""
    found: list[int] = []
    original = fit_fast._definition

    def spy(*args: object) -> int:
        found.append(int(args[1]))  # type: ignore[call-overload]
        return original(*args)  # type: ignore[arg-type]

    fit_fast._definition = spy  # type: ignore[assignment]
    try:
        fit_fast.decode_fit(data)
    finally:
        fit_fast._definition = original
    return found


def _global(data: bytes, at: int) -> int:
    (number,) = struct.unpack_from(">H" if data[at + 2] else "<H", data, at + 3)
    return int(number)


def test_a_flipped_header_bit_mid_file_keeps_the_fast_path(corpus: Path) -> None:
    """A definition header with its compressed-timestamp bit flipped sent the whole 1 MB file to
    fitdecode (2.7 s; 8 s for the 3 MB triathlon); the file fails its CRC, so it is damage."""
    data = bytearray((corpus / "fit" / "tm_activity-large-fenxi2-multisport.fit").read_bytes())
    at = _definitions(bytes(data))[-2]
    data[at] |= 0x80
    decoded, fast = decode(bytes(data))
    assert fast  # not fitdecode: milliseconds, not seconds
    assert decoded.damage is not None
    assert f"compressed timestamp header at byte {at}" in decoded.damage
    assert "fails its CRC" in decoded.damage
    assert decoded.records["timestamp"].size == 24239


def test_the_damage_keeps_what_fitdecode_keeps(corpus: Path) -> None:
    """fitdecode stays the oracle: the records kept before the damage are its records there.

    fitdecode reads on past the flipped bit and decodes a few more "records" out of what
    follows (timestamps in 2043 and 2060); the fast path stops at the damage."""
    data = bytearray((corpus / "fit" / "sa_6782987395_fr945_run.fit").read_bytes())
    at = _definitions(bytes(data))[-3]
    data[at] |= 0x80
    fast, was_fast = decode(bytes(data))
    assert was_fast
    oracle = decode_with_fitdecode(bytes(data))
    assert oracle.damage is not None
    kept = fast.records["timestamp"].size
    assert kept == 4988  # every record of the intact file
    assert oracle.records["timestamp"].size >= kept
    for name, values in fast.records.items():
        assert values == pytest.approx(oracle.records[name][:kept], nan_ok=True), name


def test_an_odd_field_size_in_a_damaged_file_is_damage_at_its_definition(corpus: Path) -> None:
    data = bytearray((corpus / "fit" / "sa_6782987395_fr945_run.fit").read_bytes())
    records = [at for at in _definitions(bytes(data)) if _global(bytes(data), at) == 20]
    at = records[-1]
    assert data[at + 6] == 253 and data[at + 7] == 4  # the timestamp field: make it 3 bytes
    data[at + 7] = 3
    data[at + 6 + 3 * data[at + 5] - 2] += 1  # and keep the message size (walk stays in step)
    decoded, fast = decode(bytes(data))
    assert fast
    assert decoded.damage is not None and f"at byte {at}" in decoded.damage
    assert decoded.records["timestamp"].size > 0


def test_fitdecode_on_a_damaged_file_reads_a_bounded_prefix(corpus: Path) -> None:
    """With no record before the odd field (the first record definition), fitdecode gets the
    file, but reads only its first :data:`fit.DAMAGED_FALLBACK_BYTES` of a file failing its CRC:
    the 3 MB triathlon took 8.5 s, whatever the batch around it."""
    data = bytearray((corpus / "fit" / "gc_MultiSport-2019-11-24_fenix5x.fit").read_bytes())
    first = next(at for at in _definitions(bytes(data)) if _global(bytes(data), at) == 20)
    assert data[first + 6] == 253
    data[first + 6] = 8  # timestamp -> compressed_speed_distance: only fitdecode reads it
    started = time.perf_counter()
    activity = read_fit(bytes(data))
    assert time.perf_counter() - started < 5.0  # about 0.4 s; it was 8.5 s
    assert activity.damage is not None
    assert "decoding stopped near byte" in activity.damage
    assert "fails its CRC" in activity.damage


def test_an_intact_file_needing_fitdecode_is_still_read_whole(corpus: Path) -> None:
    blob = (corpus / "fit" / "fp_null_compressed_speed_dist_zwift.fit").read_bytes()
    assert fit_fast.intact(blob)
    decoded, fast = decode(blob)
    assert not fast
    assert decoded.records["timestamp"].size == 1808
    assert len(blob) < fit.FALLBACK_BYTES


def _raw_fit(body: bytes) -> bytes:
    from heavylegs.training.fit_crc import crc16

    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    head += struct.pack("<H", crc16(head))
    return head + body + struct.pack("<H", crc16(head + body))


_TIMESTAMP_RECORD = struct.pack("<BBBHB", 0x40, 0, 0, 20, 1) + bytes([253, 4, 0x86])
_ONE_BYTE_MESSAGE = struct.pack("<BBBHB", 0x41, 0, 0, 78, 1) + bytes([0, 1, 2])


def _stamp(second: int) -> bytes:
    return b"\x00" + struct.pack("<I", 1_100_000_000 + second)


def _short_runs(repeats: int) -> bytes:
    """Two records then one other message, over and over: every pair is a 'run'."""
    units = b"".join(_stamp(2 * i) + _stamp(2 * i + 1) + b"\x01\x05" for i in range(repeats))
    return _raw_fit(_TIMESTAMP_RECORD + _ONE_BYTE_MESSAGE + units)


def test_alternating_short_runs_are_not_quadratic() -> None:
    """Each run of two records looked ahead to the end of the file: 1 MB took 6 s, 2 MB 24 s,
    10 MB would take ten minutes."""
    data = _short_runs(2 * 2**20 // 12)
    started = time.perf_counter()
    decoded = fit_fast.decode_fit(data)
    assert time.perf_counter() - started < 10.0  # about 0.7 s; it was 24 s
    assert decoded.records["timestamp"].size == 2 * (2 * 2**20 // 12)


def test_short_runs_decode_as_fitdecode_does() -> None:
    data = _short_runs(500)
    fast = fit_fast.decode_fit(data)
    oracle = decode_with_fitdecode(data)
    assert fast.records["timestamp"] == pytest.approx(oracle.records["timestamp"])


@pytest.mark.parametrize("runs", [True, False])
def test_absurd_message_counts_keep_the_first_ones(
    monkeypatch: pytest.MonkeyPatch, runs: bool
) -> None:
    """A valid file of two-byte messages held 18 bytes of memory per byte (1.7 GB for 20 MB):
    past :data:`fit_fast.MAX_MESSAGES` the rest is damage, the first ones are kept."""
    monkeypatch.setattr(fit_fast, "MAX_MESSAGES", 1000)
    if runs:
        data = _raw_fit(_TIMESTAMP_RECORD + b"".join(_stamp(i) for i in range(3000)))
    else:
        data = _short_runs(1500)
    decoded = fit_fast.decode_fit(data)
    assert decoded.damage is not None
    assert "more than 1,000 messages by byte" in decoded.damage
    assert decoded.records["timestamp"].size == (1000 if runs else 667)


def test_a_huge_message_layout_does_not_multiply_memory() -> None:
    """A definition of 255 fields of 255 bytes with the timestamp among them: the decoder
    gathered whole messages through an index eight times their size (830 MB for 100 MB)."""
    import tracemalloc

    fields = bytes([253, 4, 0x86]) + bytes([1, 255, 0x0D]) * 254
    definition = struct.pack("<BBBHB", 0x40, 0, 0, 20, 255) + fields
    size = 4 + 254 * 255
    body = bytearray(definition)
    count = 8 * 2**20 // size
    for i in range(count):
        body += _stamp(i) + bytes(size - 4)
    data = _raw_fit(bytes(body))
    tracemalloc.start()
    try:
        decoded = fit_fast.decode_fit(data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert decoded.records["timestamp"].size == count
    assert peak < 4 * len(data)  # the CRC copies it twice; the old index alone was 8 times


def _tcx(times: list[str], lap_start: str = "2026-03-01T08:00:00Z") -> bytes:
    points = "".join(
        f"<Trackpoint><Time>{t}</Time><DistanceMeters>{3.0 * i}</DistanceMeters>"
        "<HeartRateBpm><Value>150</Value></HeartRateBpm></Trackpoint>"
        for i, t in enumerate(times)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>x</Id>'
        f'<Lap StartTime="{lap_start}"><TotalTimeSeconds>600</TotalTimeSeconds>'
        f"<DistanceMeters>1800</DistanceMeters><Track>{points}</Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>"
    ).encode()


def _seconds(count: int, suffix: str = "Z") -> list[str]:
    return [f"2026-03-01T08:{i // 60:02d}:{i % 60:02d}{suffix}" for i in range(count)]


def _gpx(times: list[str]) -> bytes:
    points = "".join(
        f'<trkpt lat="45.0" lon="{14.0 + i * 1e-4}"><time>{t}</time></trkpt>'
        for i, t in enumerate(times)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>'
    ).encode()


def test_a_lowercase_z_is_utc() -> None:
    """RFC 3339 allows "z": every trackpoint time was unreadable, the heart rate lost."""
    from heavylegs.training.importer import parse_bytes

    activity = parse_bytes(_tcx(_seconds(600, "z")), None, None)
    assert activity.avg_hr == pytest.approx(150)
    assert activity.stream.size == 600
    gpx = parse_bytes(_gpx(_seconds(600, "z")), None, None)
    assert gpx.start_utc.isoformat() == "2026-03-01T08:00:00+00:00"
    assert gpx.stream.size == 600


@pytest.mark.parametrize(
    ("times", "words"),
    [
        (list(reversed(_seconds(600))), "599 of 600 samples are earlier than one before them"),
        (["2026-03-01T08:00:61Z"] * 600, "600 of 600 samples have no readable time"),
    ],
)
def test_trackpoints_left_out_for_their_time_are_named(times: list[str], words: str) -> None:
    """A reversed file, or one whose times cannot be read, kept the lap totals but lost every
    heart-rate sample without a word."""
    from heavylegs.training.importer import parse_bytes

    activity = parse_bytes(_tcx(times), None, None)
    assert any(words in w for w in activity.warnings), activity.warnings


def test_the_cli_summarises_thousands_of_skipped_files_by_reason(tmp_path: Path) -> None:
    """``heavylegs import`` with its default database: an export of many empty members printed
    one line each (100,000 lines took 18 s), and a rare reason (a path climbing out of the
    archive) drowned among them. Past 50 lines, a few files per reason and a count."""
    import os
    import subprocess
    import sys
    import zipfile

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for i in range(300):
            handle.writestr(f"activities/{i}.fit", b"")
        handle.writestr("../../escape.gpx", _gpx(_seconds(60)))
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "HEAVYLEGS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("XDG_DATA_HOME", None)
    env["COLUMNS"] = "200"
    command = [sys.executable, "-m", "heavylegs.cli.main", "import", str(archive)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert len(lines) < 12, done.stdout
    assert "… and 297 more: empty file" in done.stdout
    assert "escape.gpx: refused: unsafe path in archive" in done.stdout
    assert "(--json lists every file)" in done.stdout
    assert list(home.rglob("heavylegs.sqlite3"))  # the default stored path
    as_json = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True)
    import json

    assert len(json.loads(as_json.stdout)["skipped"]) == 301


@pytest.mark.parametrize("latitude", ["145.2", "-95", "45.2e3", "0"])
def test_one_corrupt_track_point_does_not_make_a_walk_22000_km(corpus: Path, latitude: str) -> None:
    """One point with a latitude off the globe (or a jump to 0,0) made a 2.7 km outing
    22,224 km, with no warning; the distance is now the track's, and the glitch is named."""
    import re

    from heavylegs.training.importer import parse_bytes

    text = (corpus / "gpx" / "gx_around-visnjan-with-car_etrex20x.gpx").read_text()
    at = [m.end() for m in re.finditer(r'<trkpt lat="', text)][50]
    mutated = text[:at] + latitude + text[text.index('"', at) :]
    whole = parse_bytes(text.encode(), None, None).distance_m
    activity = parse_bytes(mutated.encode(), None, None)
    assert whole is not None and activity.distance_m is not None
    assert whole - 50 < activity.distance_m <= whole
    assert any("GPS glitches" in w for w in activity.warnings)


_ESCAPES = "\x1b[2J\x1b]0;pwned\x07\u202eEVIL"


def test_names_from_an_export_are_stored_without_terminal_escapes(
    store: Store, tmp_path: Path
) -> None:
    """A Strava CSV name holding ``ESC [2J`` (clear the screen) and ``ESC ]0;`` (retitle the
    window) was stored and printed raw by ``heavylegs activities``; a right-to-left override
    made it read backwards. So was a 100,000-character name's first 256 characters (kept)."""
    import zipfile

    from sqlalchemy import select

    from heavylegs.training.importer import import_paths
    from heavylegs.training.rows import DETAILS

    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
        "Filename,Moving Time,Distance\n"
    )
    rows = (
        f'1,"Mar 1, 2026, 8:00:00 AM","{_ESCAPES} run",Run,600,1.8,activities/1.gpx,600,1800\n'
        f'2,"Mar 3, 2026, 8:00:00 AM","{"A" * 100_000}",Run,1800,5.0,,1800,5000\n'
    )
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("activities.csv", header + rows)
        handle.writestr("activities/1.gpx", _gpx(_seconds(600)))
    report = import_paths(store, [archive], now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert report.activities + report.manual >= 2, report.to_json()
    with store.session() as session:
        titles = sorted(t or "" for t in session.execute(select(DETAILS.c.title)).scalars())
    assert titles[0] == "A" * 256
    assert titles[1] == "[2J ]0;pwned EVIL run"


def test_the_cli_prints_no_control_characters_from_file_names() -> None:
    import io

    from rich.console import Console

    import heavylegs.cli.output as output
    from heavylegs.cli.training import _print_report
    from heavylegs.training.import_report import FileNote, ImportReport

    report = ImportReport()
    report.skipped.append(FileNote(f"export.zip/{_ESCAPES}.fit", "empty file"))
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, force_terminal=False)
    original = output.console
    output.console = lambda *a, **k: console  # type: ignore[assignment]
    try:
        _print_report(report)
    finally:
        output.console = original
    printed = buffer.getvalue()
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed
    assert "?[2J?]0;pwned??EVIL.fit: empty file" in printed


def test_a_file_stored_by_a_concurrent_import_is_a_duplicate(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports of one folder at once: the second's files were 'skipped', and the CLI ended
    with "nothing imported: no file was an activity heavylegs can read" and exit code 1."""
    from heavylegs.training import repository
    from heavylegs.training.importer import import_paths

    (tmp_path / "a.gpx").write_bytes(_gpx(_seconds(600)))
    now = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    assert import_paths(store, [tmp_path], now=now).imported == 1
    # the second import started before the first one stored the file: it knows no hash yet
    monkeypatch.setattr(repository, "known_files", lambda session: set())
    again = import_paths(store, [tmp_path], now=now)
    assert again.skipped == []
    assert again.duplicates == 1 and again.imported == 0
    assert any("another import" in n.message for n in again.warnings)


def test_thousands_of_garmin_summaries_around_one_run_ask_once(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Garmin export whose summaries all start within a minute of one stored run cost two
    queries per summary (300,000 summaries: 65 s); the closest start's first name wins."""
    import json
    import zipfile

    from heavylegs.training import repository
    from heavylegs.training.importer import import_paths

    begin = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC).timestamp() * 1000
    summaries = [
        {"activityId": i, "name": f"name {i}", "beginTimestamp": begin + 10 * i}
        for i in range(3000)
    ]
    archive = tmp_path / "garmin.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(
            "DI_CONNECT/DI-Connect-Fitness/me_0_summarizedActivities.json",
            json.dumps([{"summarizedActivitiesExport": summaries}]),
        )
        handle.writestr("run.gpx", _gpx(_seconds(600)))
    asked: list[object] = []
    find = repository.find_same_activity

    def counted(*args: object) -> object:
        asked.append(args)
        return find(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "find_same_activity", counted)
    report = import_paths(store, [archive], now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert report.imported == 1
    assert len(asked) <= 3  # the run's own duplicate check, and one name lookup
    from sqlalchemy import select

    from heavylegs.training.rows import DETAILS

    with store.session() as session:
        assert session.execute(select(DETAILS.c.title)).scalar_one() == "name 0"


@pytest.mark.parametrize(("laps", "refused"), [(100, False), (101, True)])
def test_a_tcx_of_absurdly_many_laps_is_refused(
    monkeypatch: pytest.MonkeyPatch, laps: int, refused: bool
) -> None:
    """Laps stay in memory to the end (about 1 KB each): a million took 1 GB and 19 s."""
    from heavylegs.training import tcx
    from heavylegs.training.importer import parse_bytes
    from heavylegs.training.model import ActivityFileError

    monkeypatch.setattr(tcx, "MAX_LAPS", 100)
    lap = (
        '<Lap StartTime="2026-03-01T08:00:00Z"><TotalTimeSeconds>1</TotalTimeSeconds>'
        "<DistanceMeters>3</DistanceMeters></Lap>"
    )
    data = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
        f"<Id>2026-03-01T08:00:00Z</Id>{lap * laps}</Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()
    if refused:
        with pytest.raises(ActivityFileError, match="more than 100 laps"):
            parse_bytes(data, None, None)
    else:
        assert parse_bytes(data, None, None).distance_m == pytest.approx(300)
