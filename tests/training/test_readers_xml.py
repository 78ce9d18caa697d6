"""GPX and TCX readers on the corpus and on files built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from heavylegs.training.gpx import declare_missing_prefixes, read_gpx
from heavylegs.training.model import ActivityFileError, Stream
from heavylegs.training.samples import hr_seconds, moving_seconds, sample_seconds, steps_factor
from heavylegs.training.tcx import read_tcx, read_tcx_all
from tests.training.helpers import START, gpx_text


def test_gpx_built_here_has_the_values_written() -> None:
    activity = read_gpx(gpx_text(START, 601, hr=150, cad=85, speed=3.0))
    assert activity.sport == "running"
    assert activity.start_utc == START
    assert activity.duration_s == 600
    assert activity.distance_m == pytest.approx(1800, rel=1e-3)
    assert activity.avg_hr == 150
    assert activity.avg_cadence_spm == 170  # strides per minute doubled
    assert activity.utc_offset_s is None


def test_gpx_cadence_already_in_steps_is_left_alone() -> None:
    activity = read_gpx(gpx_text(START, 120, cad=172))
    assert activity.avg_cadence_spm == 172


def test_gpx_sport_hint_wins_and_cycling_has_no_step_cadence() -> None:
    activity = read_gpx(gpx_text(START, 120, kind="9"), sport_hint="Ride")
    assert activity.sport == "cycling"
    assert activity.avg_cadence_spm is None


def test_strava_gpx_with_undeclared_prefix_is_repaired_with_a_warning(corpus: Path) -> None:
    for name in (
        "sa_6037744996_strava_unbound-prefix.gpx",
        "sa_6048438275_strava_unbound-prefix.gpx",
    ):
        activity = read_gpx((corpus / "corrupt" / name).read_bytes())
        assert activity.sport == "running"  # Strava <type>9</type>
        assert activity.stream.size > 4000
        assert any("gpxdata" in w for w in activity.warnings)


def test_declare_missing_prefixes_only_adds_what_is_missing() -> None:
    text = '<gpx xmlns:a="u"><a:x/><b:y/></gpx>'
    repaired, added = declare_missing_prefixes(text)
    assert added == ["b"]
    assert 'xmlns:b="urn:heavylegs:undeclared:b"' in repaired
    assert declare_missing_prefixes(repaired) == (repaired, [])


@pytest.mark.parametrize("name", ["gc_MetadataOnly_strava.gpx", "gx_unicode_with_bom.gpx"])
def test_gpx_without_timed_points_is_refused(corpus: Path, name: str) -> None:
    with pytest.raises(ActivityFileError, match="no timed track points"):
        read_gpx((corpus / "gpx" / name).read_bytes())


def test_gpx_and_fit_of_the_same_run_agree(corpus: Path) -> None:
    from heavylegs.training.fit import read_fit

    gpx = read_gpx((corpus / "gpx" / "sa_6782987395_fr945_run.gpx").read_bytes())
    fit = read_fit((corpus / "fit" / "sa_6782987395_fr945_run.fit").read_bytes())
    assert gpx.start_utc == fit.start_utc
    assert gpx.duration_s == pytest.approx(fit.duration_s or 0, rel=0.01)
    assert gpx.distance_m == pytest.approx(fit.distance_m or 0, rel=0.03)
    assert gpx.avg_hr == pytest.approx(fit.avg_hr or 0, abs=2)


def test_tcx_treadmill_keeps_every_point_without_gps(corpus: Path) -> None:
    activity = read_tcx((corpus / "tcx" / "sa_6860622783_fr945_treadmill.tcx").read_bytes())
    assert activity.stream.size == 3101
    assert activity.distance_m == pytest.approx(10630, rel=0.01)
    assert activity.avg_cadence_spm == pytest.approx(164, abs=2)


def test_tcx_with_whitespace_before_the_declaration_is_read(corpus: Path) -> None:
    activity = read_tcx((corpus / "corrupt" / "sa_6281425038_leading-whitespace.tcx").read_bytes())
    assert activity.sport == "running"
    assert activity.stream.size > 1500
    assert any("whitespace" in w for w in activity.warnings)


def test_tcx_history_export_gives_every_activity(corpus: Path) -> None:
    path = corpus / "tcx" / "gc_activity_165850259_multi-session_fr305.tcx"
    found = read_tcx_all(path.read_bytes())
    assert [a.sport for a in found] == ["running", "cycling", "running", "cycling"]
    assert [a.start_utc.date().isoformat() for a in found] == [
        "2011-11-29", "2011-12-01", "2011-12-04", "2011-12-07"
    ]  # fmt: skip
    assert all("4 separate activities" in " ".join(a.warnings) for a in found)
    assert read_tcx(path.read_bytes()).start_utc == found[0].start_utc


def test_tcx_without_any_time_is_refused_with_the_reason() -> None:
    text = (
        '<?xml version="1.0"?><TrainingCenterDatabase><Activities><Activity Sport="Running">'
        "<Lap><TotalTimeSeconds>60</TotalTimeSeconds><Track><Trackpoint>"
        "<DistanceMeters>10</DistanceMeters></Trackpoint></Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    )
    with pytest.raises(ActivityFileError, match="date is unknown"):
        read_tcx_all(text.encode())


def test_tcx_lap_totals_are_the_summary(corpus: Path) -> None:
    activity = read_tcx((corpus / "tcx" / "sa_6782987395_fr945_run.tcx").read_bytes())
    assert activity.distance_m == pytest.approx(14004.85, abs=1)
    assert activity.avg_hr == pytest.approx(137, abs=1)
    assert np.isfinite(activity.stream.heart_rate).mean() > 0.99


def test_tcx_multisport_session_is_one_activity() -> None:
    def activity(sport: str, start: str, seconds: int) -> str:
        points = "".join(
            f"<Trackpoint><Time>{start[:-2]}{i:02d}Z</Time><HeartRateBpm><Value>140</Value>"
            "</HeartRateBpm></Trackpoint>"
            for i in range(seconds)
        )
        return (
            f'<Activity Sport="{sport}"><Id>{start}Z</Id><Lap StartTime="{start}Z">'
            f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>100</DistanceMeters>"
            f"<Track>{points}</Track></Lap></Activity>"
        )

    text = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns='
        '"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        "<MultiSportSession><FirstSport>"
        + activity("Biking", "2024-05-01T10:00:00", 30)
        + "</FirstSport><NextSport>"
        + activity("Running", "2024-05-01T10:01:00", 30)
        + "</NextSport></MultiSportSession></Activities></TrainingCenterDatabase>"
    )
    parsed = read_tcx(text.encode())
    assert parsed.sport == "multisport"
    assert parsed.distance_m == 200
    assert parsed.stream.size == 60


@pytest.mark.parametrize("blob", [b"", b"<gpx", b"not xml at all", b"<?xml version='1.0'?><a/>"])
def test_garbage_is_a_reason_not_a_crash(blob: bytes) -> None:
    with pytest.raises(ActivityFileError):
        read_tcx(blob)
    with pytest.raises(ActivityFileError):
        read_gpx(blob)


def test_step_or_stride_is_decided_by_step_length_against_speed() -> None:
    speed = np.full(100, 1.5)  # uphill: 1.5 m/s
    steps_uphill = np.full(100, 160.0)  # already steps: 0.56 m a step
    assert steps_factor(steps_uphill, speed) == 1.0  # not 320
    jog_strides = np.full(100, 85.0)
    assert steps_factor(jog_strides, np.full(100, 2.0)) == 2.0  # 170 spm, 0.7 m
    assert steps_factor(jog_strides, np.full(100, 3.2)) == 2.0  # 85 "steps" would be 2.3 m
    writer_in_steps = np.full(100, 164.0)  # the TCX writer that gave 328 spm
    assert steps_factor(writer_in_steps, np.full(100, 3.0)) == 1.0
    walk_steps = np.full(100, 115.0)
    assert steps_factor(walk_steps, np.full(100, 1.3), "walking") == 1.0
    assert steps_factor(np.full(100, 55.0), np.full(100, 1.3), "walking") == 2.0
    assert steps_factor(np.full(100, 170.0)) == 1.0  # no speed: the median rule
    assert steps_factor(np.full(100, 85.0)) == 2.0


def test_a_gap_where_the_runner_kept_running_is_moving_time() -> None:
    t = np.array([0.0, 1.0, 2.0, 32.0, 33.0, 93.0, 94.0])
    # 0-2 s: 3 m/s; 2→32 s: 90 m in 30 s (3 m/s, a "smart recording" gap);
    # 33→93 s: 5 m in 60 s (a stop at a crossing)
    d = np.array([0.0, 3.0, 6.0, 96.0, 99.0, 104.0, 107.0])
    stream = Stream(t, d, np.full(7, 3.0), np.full(7, 150.0), np.full(7, np.nan))
    assert sample_seconds(t).tolist() == [0, 1, 1, 0, 1, 0, 1]
    assert sample_seconds(t, d).tolist() == [0, 1, 1, 30, 1, 0, 1]
    assert moving_seconds(stream) == 34.0
    assert sum(s for _, s in hr_seconds(stream)) == 34.0  # TRIMP follows the same rule


def _tcx(cadence: int, lap_cadence: int, seconds: int = 120, speed: float = 3.0) -> bytes:
    ext = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
    points = "".join(
        f"<Trackpoint><Time>2026-03-02T07:{i // 60:02d}:{i % 60:02d}Z</Time>"
        f"<DistanceMeters>{speed * i:.1f}</DistanceMeters><Extensions><ns3:TPX>"
        f"<ns3:RunCadence>{cadence}</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>"
        for i in range(seconds)
    )
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns:ns3="{ext}"><Activities>'
        '<Activity Sport="Running"><Id>2026-03-02T07:00:00Z</Id>'
        '<Lap StartTime="2026-03-02T07:00:00Z">'
        f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
        f"<DistanceMeters>{speed * seconds}</DistanceMeters><Track>{points}</Track>"
        f"<Extensions><ns3:LX><ns3:AvgRunCadence>{lap_cadence}</ns3:AvgRunCadence></ns3:LX>"
        "</Extensions></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


@pytest.mark.parametrize(("written", "expected"), [(82, 164), (164, 164)])
def test_tcx_cadence_in_strides_or_steps_reads_as_steps(written: int, expected: int) -> None:
    # a writer in strides (the TCX schema) and one in steps: both 164 spm, never 328
    activity = read_tcx(_tcx(written, written))
    assert activity.avg_cadence_spm == pytest.approx(expected)  # the lap value, same rule
    assert np.nanmedian(activity.stream.cadence_spm) == pytest.approx(expected)


def test_moving_time_of_a_smart_recording_file_is_not_short(corpus: Path) -> None:
    # the same vivoactive HR run as FIT (timer time) and as Garmin Connect GPX (samples only):
    # the GPX's long gaps were counted as stops (2474 s, 12 % short); now they are moving
    from heavylegs.training.fit import read_fit
    from heavylegs.training.gpx import read_gpx

    fit = read_fit((corpus / "fit" / "sa_2067489619_vivoactiveHR_run.fit").read_bytes())
    gpx = read_gpx((corpus / "gpx" / "sa_2067489619_garmin_connect_run.gpx").read_bytes())
    assert fit.moving_s == pytest.approx(2820.172, abs=0.01)  # the session's timer time
    assert gpx.moving_s is not None and gpx.moving_s >= 0.92 * fit.moving_s
    assert sum(s for _, s in gpx.hr_seconds) >= 0.93 * fit.moving_s


@pytest.mark.parametrize(
    ("codec", "declared"),
    [
        ("utf-16", "UTF-16"),  # with a byte-order mark (Windows tools write these)
        ("utf-16-le", "UTF-16"),  # without one
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-8-sig", "UTF-8"),
        ("iso-8859-1", "ISO-8859-1"),
        ("cp1252", "windows-1252"),
    ],
)
def test_xml_in_any_encoding_it_declares_or_marks_reads_like_utf8(
    codec: str, declared: str
) -> None:
    """A UTF-16 GPX or TCX was "not well-formed (invalid token): line 1, column 0"."""
    from heavylegs.training.importer import parse_bytes

    utf8 = gpx_text(START, 120).decode().replace("<name>t</name>", "<name>Café</name>")
    text = utf8.replace('encoding="UTF-8"', f'encoding="{declared}"')
    expected = parse_bytes(utf8.encode(), None, None)
    read = parse_bytes(text.encode(codec), None, None)  # recognised by content, not by name
    assert (read.start_utc, read.duration_s, read.avg_hr) == (
        expected.start_utc, expected.duration_s, expected.avg_hr,
    )  # fmt: skip
    tcx = _tcx_run().decode().replace('<?xml version="1.0"?>', "")
    assert parse_bytes(tcx.encode(codec), None, None).start_utc == START


def _tcx_run() -> bytes:
    when = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase><Activities><Activity Sport="Running">'
        f'<Id>{when}</Id><Lap StartTime="{when}"><TotalTimeSeconds>60</TotalTimeSeconds>'
        f"<Track><Trackpoint><Time>{when}</Time></Trackpoint></Track></Lap></Activity>"
        "</Activities></TrainingCenterDatabase>"
    ).encode()


def test_one_huge_token_is_fed_to_expat_in_growing_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """expat scans an unfinished token again on every feed: a 50 MB attribute fed 64 KB at a
    time took minutes (quadratic). The chunk doubles while no element comes out."""
    import xml.etree.ElementTree as ET

    from heavylegs.training import xmlstream

    feeds: list[int] = []

    class Counting(ET.XMLPullParser):  # type: ignore[type-arg]
        def feed(self, data: str | bytes) -> None:
            feeds.append(len(data))
            super().feed(data)

    monkeypatch.setattr(xmlstream.ET, "XMLPullParser", Counting)
    text = '<gpx><trkpt lat="' + "4" * (8 * 2**20) + '"/></gpx>'
    events = [event for event, _e, _s in xmlstream.xml_events(text)]
    assert events == ["start", "start", "end", "end"]
    assert len(feeds) <= 10  # 64 KB doubling to 8 MB, not 128 feeds of 64 KB
    deep = "<a>" * 40 + "</a>" * 40  # the depth limit still stops a read early
    with pytest.raises(ActivityFileError, match="nested more than"):
        list(xmlstream.xml_events(deep))


def test_a_big_tcx_is_read_without_keeping_its_tree() -> None:
    """The reader kept every trackpoint element until the end: ~10 times the file in memory
    (a 105 MB file of a million points peaked at 1.25 GB, near the import's memory cap)."""
    import datetime as dt
    import tracemalloc

    points = "".join(
        f"<Trackpoint><Time>{(START + dt.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        "</Time><HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>"
        for i in range(20_000)
    )
    when = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    tcx = (
        '<?xml version="1.0"?><TrainingCenterDatabase><Activities><Activity Sport="Running">'
        f'<Id>{when}</Id><Lap StartTime="{when}"><Track><Note/>{points}</Track></Lap></Activity>'
        "</Activities></TrainingCenterDatabase>"
    ).encode()
    tracemalloc.start()
    try:
        read = read_tcx(tcx)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read.stream.size == 20_000 and read.avg_hr == 140
    assert peak < 5 * len(tcx)  # the text, its columns and the stream; no tree
