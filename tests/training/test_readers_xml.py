"""GPX and TCX readers on the corpus and on files built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from heavylegs.training.gpx import declare_missing_prefixes, read_gpx
from heavylegs.training.model import ActivityFileError
from heavylegs.training.tcx import read_tcx
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


def test_tcx_history_export_with_several_activities_is_refused(corpus: Path) -> None:
    path = corpus / "tcx" / "gc_activity_165850259_multi-session_fr305.tcx"
    with pytest.raises(ActivityFileError, match="4 separate activities"):
        read_tcx(path.read_bytes())


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
