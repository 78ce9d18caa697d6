"""FIT: the fast path agrees with fitdecode (the oracle) on every corpus file; summaries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.training.fit import decode, decode_with_fitdecode, read_fit
from heavylegs.training.fit_crc import crc16, crc16_slow
from heavylegs.training.fit_fast import FitData, NeedsFallback, decode_fit
from heavylegs.training.model import ActivityFileError
from tests.training.fit_writer import steady_run, write_fit
from tests.training.helpers import START, nan_equal
from tests.training.oracle import GOLDEN, digest

CORPUS_FIT = sorted(
    (Path(os.environ.get("HEAVYLEGS_SHARED") or Path(__file__).parents[3] / "shared")
     / "data" / "activities" / "fit").glob("*.fit")
)  # fmt: skip


@given(st.binary(min_size=0, max_size=20_000))
@settings(max_examples=60, deadline=None)
def test_bulk_crc_equals_the_byte_loop(data: bytes) -> None:
    assert crc16(data) == crc16_slow(data)


def test_crc_of_a_real_file_matches_its_stored_crc(corpus: Path) -> None:
    blob = (corpus / "fit" / "sa_6914448270_suunto_long_run.fit").read_bytes()
    assert crc16(blob[:-2]) == int.from_bytes(blob[-2:], "little")
    assert crc16(blob) == 0


LIVE_ORACLE_BYTES = 150_000
"""Files up to this size are also compared value by value with a live fitdecode run."""


def _fitdecode_file(path: Path) -> FitData:
    return decode_with_fitdecode(path.read_bytes())


@pytest.fixture(scope="module")
def live_oracle() -> dict[str, FitData]:
    """fitdecode's reading of the smaller corpus files, on all cores."""
    small = [p for p in CORPUS_FIT if p.stat().st_size <= LIVE_ORACLE_BYTES]
    with ProcessPoolExecutor(max_workers=max(os.cpu_count() or 1, 2)) as pool:
        decoded = pool.map(_fitdecode_file, small, chunksize=1)
        return {path.name: data for path, data in zip(small, decoded, strict=True)}


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, object]]:
    loaded: dict[str, dict[str, object]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("path", CORPUS_FIT, ids=lambda p: p.name)
def test_fast_path_equals_fitdecode_on_every_corpus_file(
    path: Path, golden: dict[str, dict[str, object]]
) -> None:
    blob = path.read_bytes()
    entry = golden.get(path.name)
    assert entry is not None, "corpus file not in fit_oracle.json: python -m tests.training.oracle"
    assert entry["file_sha256"] == hashlib.sha256(blob).hexdigest(), "corpus file changed"
    try:
        fast = decode_fit(blob)
    except NeedsFallback:
        pytest.skip("decoded by fitdecode itself (compressed timestamps or speed/distance)")
    assert fast.records["timestamp"].size == entry["records"]
    assert digest(fast) == entry["digest"]


@pytest.mark.parametrize(
    "path", [p for p in CORPUS_FIT if p.stat().st_size <= LIVE_ORACLE_BYTES], ids=lambda p: p.name
)
def test_fast_path_equals_a_live_fitdecode_run(path: Path, live_oracle: dict[str, FitData]) -> None:
    try:
        fast = decode_fit(path.read_bytes())
    except NeedsFallback:
        pytest.skip("decoded by fitdecode itself")
    expected = live_oracle[path.name]
    assert fast.records.keys() == expected.records.keys()
    for name, values in fast.records.items():
        assert nan_equal(values, expected.records[name]), name
    assert fast.messages == expected.messages
    assert digest(fast) == digest(expected)


def test_fast_path_covers_almost_all_real_corpus_files(corpus: Path) -> None:
    real = [p for p in sorted((corpus / "fit").glob("*.fit")) if not p.name.startswith("SYNTHETIC")]
    assert len(real) == 55
    fallback = []
    for path in real:
        try:
            decode_fit(path.read_bytes())
        except NeedsFallback:
            fallback.append(path.name)
    assert sorted(fallback) == [
        "fp_null_compressed_speed_dist_zwift.fit",
        "tm_antfs-dump.63_fr70.fit",
        "tm_compressed-speed-distance_fr70.fit",
    ]


def test_synthetic_file_summary_has_the_values_written() -> None:
    run = steady_run(START, 1800, speed_mps=3.0, heart_rate=150.0, cadence_spm=170.5)
    activity = read_fit(write_fit(run))
    assert activity.sport == "running"
    assert activity.start_utc == START
    assert activity.utc_offset_s == 3600
    assert activity.duration_s == pytest.approx(1799.0)
    assert activity.distance_m == pytest.approx(3.0 * 1799, abs=0.01)
    assert activity.avg_hr == 150.0
    assert activity.max_hr == 150.0
    # FIT stores strides (85) + fractional cadence (0.25): stored as steps per minute
    assert activity.avg_cadence_spm == pytest.approx(170.5)
    assert np.nanmean(activity.stream.cadence_spm) == pytest.approx(170.5)
    assert activity.stream.size == 1800
    assert dict(activity.hr_seconds) == {150: 1799.0}
    assert activity.warnings == ()


def test_big_endian_files_decode_the_same() -> None:
    run = steady_run(START, 600, seed=3)
    little = decode_fit(write_fit(run))
    big = decode_fit(write_fit(dataclasses.replace(run, big_endian=True)))
    for name, values in little.records.items():
        assert nan_equal(values, big.records[name]), name
    assert little.messages == big.messages


def test_without_a_session_the_summary_comes_from_the_records() -> None:
    run = dataclasses.replace(steady_run(START, 900, heart_rate=140.0), with_session=False)
    activity = read_fit(write_fit(run))
    assert activity.duration_s == 899.0
    assert activity.distance_m == pytest.approx(3.0 * 899, abs=0.01)
    assert activity.avg_hr == pytest.approx(140.0)
    # no session and no sport message: the sport is unknown, so cadence is not called steps
    assert activity.sport == "generic"
    assert activity.avg_cadence_spm is None


def test_cycling_cadence_is_not_steps() -> None:
    run = dataclasses.replace(steady_run(START, 600), sport=2)
    activity = read_fit(write_fit(run))
    assert activity.sport == "cycling"
    assert activity.avg_cadence_spm is None
    assert np.isnan(activity.stream.cadence_spm).all()
    assert activity.run_distance_m is None


def test_a_settings_file_is_not_an_activity() -> None:
    run = dataclasses.replace(steady_run(START, 10), file_type=2)
    with pytest.raises(ActivityFileError, match="not an activity file"):
        read_fit(write_fit(run))


def test_bad_crc_is_a_warning_and_the_data_is_kept() -> None:
    blob = bytearray(write_fit(steady_run(START, 600)))
    blob[-1] ^= 0xFF
    activity = read_fit(bytes(blob))
    assert activity.stream.size == 600
    assert any("CRC" in w for w in activity.warnings)


@pytest.mark.parametrize("cut", [5, 11, 13])
def test_files_cut_before_any_data_are_refused_with_a_reason(cut: int) -> None:
    blob = write_fit(steady_run(START, 600))
    with pytest.raises(ActivityFileError, match="damaged FIT file"):
        read_fit(blob[:cut])


@pytest.mark.parametrize("cut", [3000, 6000, -3])
def test_truncated_files_keep_the_records_before_the_cut(cut: int) -> None:
    blob = write_fit(steady_run(START, 600))
    end = cut if cut > 0 else len(blob) + cut
    activity = read_fit(blob[:cut])
    assert activity.damage is not None and f"ends at byte {end}" in activity.damage
    assert activity.damage in activity.warnings
    full = read_fit(blob)
    kept = activity.stream.size
    assert 0 < kept <= full.stream.size
    assert np.array_equal(activity.stream.t, full.stream.t[:kept])
    assert full.damage is None


def test_multisport_corpus_file_counts_only_the_run_leg(corpus: Path) -> None:
    activity = read_fit((corpus / "fit" / "sa_4623204522_kona_ironman_fr935.fit").read_bytes())
    assert activity.sport == "multisport"
    assert activity.distance_m == pytest.approx(227232, rel=0.01)
    assert activity.run_distance_m == pytest.approx(42564, rel=0.01)  # the marathon
    assert 150 < (activity.avg_cadence_spm or 0) < 190  # run legs only, not bike rpm


def test_corpus_run_summary_uses_the_session(corpus: Path) -> None:
    activity = read_fit((corpus / "fit" / "sa_6782987395_fr945_run.fit").read_bytes())
    assert activity.start_utc == dt.datetime(2019, 6, 15, 9, 42, 23, tzinfo=dt.UTC)
    assert activity.utc_offset_s == -4 * 3600  # local_timestamp in the activity message
    assert activity.distance_m == pytest.approx(14004.85)
    assert activity.avg_hr == 137 and activity.max_hr == 167
    assert activity.avg_cadence_spm == pytest.approx(2 * (79 + 0.71875))
    assert activity.elevation_gain_m == 347


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("SYNTHETIC_truncated_in_header_fr945_run.fit", "too short"),
        ("sa_empty-activities_header-datasize-0.fit", "no data"),
        ("sa_empty-sessions_0bytes.fit", "empty"),
    ],
)
def test_corrupt_corpus_files_without_data_are_refused(
    corpus: Path, name: str, reason: str
) -> None:
    with pytest.raises(ActivityFileError, match=reason):
        read_fit((corpus / "corrupt" / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "records", "where"),
    [  # records: what fitdecode, fitparse and the Garmin SDK recover (SOURCES.md)
        ("SYNTHETIC_truncated50_fr945_run.fit", 2489, "ends at byte 125610"),
        ("SYNTHETIC_bitflip16_fr945_run.fit", 4988, "CRC mismatch (FIT data ending at byte"),
        ("fd_activity-activity-filecrc.fit", 28, "CRC mismatch"),
        ("fd_activity-settings-corruptheader.fit", 14, "not a FIT header at byte 771"),
        ("fd_activity-settings-nodata.fit", 14, "before byte 783"),
        ("fd_activity-unexpected-eof.fit", 14, "ends at byte 768"),
        ("fp_nick_sigma_truncated.fit", 14391, "byte 403454"),
        ("fp_strava-android-app-201.10-b1218918.fit", 473, "local type 11 at byte 7471"),
        ("gb_lezyne_super_gps-bad-endian.fit", 804, "at byte 22181"),
    ],
)
def test_damaged_corpus_files_keep_what_can_be_read(
    corpus: Path, name: str, records: int, where: str
) -> None:
    blob = (corpus / "corrupt" / name).read_bytes()
    decoded, _fast = decode(blob)
    assert decoded.records["timestamp"].size == records
    activity = read_fit(blob)
    assert activity.damage is not None and where in activity.damage
    assert activity.damage in activity.warnings
    assert len(activity.warnings) <= 5  # fitdecode's per-field warnings are summarised


def test_undefined_local_type_is_damage_at_its_byte() -> None:
    blob = write_fit(steady_run(START, 5))
    data = bytearray(blob)
    # the first data message after the header is file_id (local 0): point it at local 9
    at = 14 + 6 + 3 * 3
    assert data[at] == 0
    data[at] = 9
    decoded = decode_fit(bytes(data))
    assert decoded.damage is not None
    assert f"undefined local type 9 at byte {at}" in decoded.damage
    assert decoded.records["timestamp"].size == 0


@pytest.mark.parametrize(
    ("data", "offset", "words"),
    [
        (b"", 0, "empty file"),
        (b"\x0e\x10" + b"\x00" * 6, 0, "too short for a FIT header"),
        (b"\x0e\x10\x00\x00\x10\x00\x00\x00.FOO\x00\x00" + b"\x00" * 16, 0, "not a FIT header"),
    ],
)
def test_a_format_error_carries_its_byte_offset(data: bytes, offset: int, words: str) -> None:
    from heavylegs.training.fit_fast import FitFormatError

    with pytest.raises(FitFormatError, match=words) as caught:
        decode_fit(data)
    assert caught.value.offset == offset


def test_damage_in_the_first_message_reports_the_byte_it_was_found_at() -> None:
    from heavylegs.training.fit_fast import FitFormatError

    data = write_fit(steady_run(START, 60))
    header = data[0]
    # a data message of an undefined local type where the first definition should be
    broken = data[:header] + bytes([0x0F]) + data[header + 1 :]
    with pytest.raises(FitFormatError, match=f"undefined local type 15 at byte {header}") as caught:
        decode_fit(broken)
    assert caught.value.offset == header


def _raw_fit(body: bytes) -> bytes:
    import struct

    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    head += struct.pack("<H", crc16(head))
    return head + body + struct.pack("<H", crc16(head + body))


@pytest.mark.parametrize("base_type", [0x07, 0x0D])  # string, byte array: not a date
def test_a_file_fitdecode_cannot_read_says_where(base_type: int) -> None:
    """A record timestamp typed as a string made fitdecode raise a bare ``TypeError``; the
    reason named no place in the file."""
    import struct

    definition = struct.pack("<BBBHB", 0x40, 0, 0, 20, 2) + bytes([253, 8, base_type, 3, 1, 2])
    records = b"".join(b"\x00" + b"2026-03-" + bytes([150]) for _ in range(10))
    with pytest.raises(ActivityFileError, match=r"damaged FIT file near byte \d+: "):
        read_fit(_raw_fit(definition + records))


@pytest.mark.parametrize("start_time", [0, 5, 0x0FFFFFFF])
def test_a_session_start_counted_from_power_on_is_no_date(start_time: int) -> None:
    """A session ``start_time`` below the system-time limit (a clock never set) made a run
    recorded in 2026 an activity of 1989-12-31, the FIT epoch, which passed every check."""
    run = steady_run(START, 600)
    run.extra["start_time"] = start_time
    assert read_fit(write_fit(run)).start_utc == START  # the records' own dates
    run.speed_mps = run.speed_mps[:0]
    run.heart_rate, run.cadence_spm, run.altitude_m = run.speed_mps, run.speed_mps, None
    with pytest.raises(ActivityFileError, match="no date in the file"):
        read_fit(write_fit(run))  # a session only, and it has no date


def test_one_undated_record_among_dated_ones_is_left_out_not_the_file() -> None:
    """One damaged record timestamp (below the system-time limit) refused a whole run as
    "no date in the file"."""
    import struct

    data = bytearray(write_fit(steady_run(START, 600)))
    first = data.index(bytes([1]) + struct.pack("<I", int(START.timestamp()) - 631_065_600))
    at = first + 1 + 100 * 16  # record 100 (16 bytes each, with its header byte)
    data[at : at + 4] = struct.pack("<I", 4242)
    read = read_fit(bytes(data))
    assert read.start_utc == START and read.stream.size == 599
    assert any("1 of 600 records are timed from when the device was switched on" in w
               for w in read.warnings)  # fmt: skip
