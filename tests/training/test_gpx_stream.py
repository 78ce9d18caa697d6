"""The streaming GPX reader against gpxpy (the oracle) on every corpus GPX file, and its limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from heavylegs.training.gpx import COLUMNS, MAX_DEPTH, decode_xml_text, gpx_points, read_gpx
from heavylegs.training.model import ActivityFileError
from tests.training.helpers import START, gpx_text


def _oracle(text: str) -> dict[str, list[float]]:
    """The same columns through gpxpy (only for files it reads without repair)."""
    import gpxpy

    gpx = gpxpy.parse(text)
    out: dict[str, list[float]] = {k: [] for k in COLUMNS}
    names = {"hr": "hr", "heartrate": "hr", "cad": "cad", "cadence": "cad", "speed": "speed"}
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                when = point.time
                if when is not None and when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)
                out["t"].append(when.timestamp() if when is not None else np.nan)
                out["lat"].append(point.latitude)
                out["lon"].append(point.longitude)
                out["ele"].append(np.nan if point.elevation is None else point.elevation)
                found = dict.fromkeys(("hr", "cad", "speed", "distance"), np.nan)
                for extension in point.extensions or ():
                    for element in extension.iter():
                        local = element.tag.rsplit("}", 1)[-1].lower()
                        key = "distance" if local == "distance" else names.get(local)
                        if key and element.text is not None:
                            found[key] = float(element.text)
                for key, value in found.items():
                    out[key].append(value)
    return out


def _gpx_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "gpx").glob("*.gpx"))


def test_every_corpus_gpx_gives_gpxpys_points(corpus: Path) -> None:
    files = _gpx_files(corpus)
    assert len(files) >= 10
    compared = 0
    for path in files:
        text, _ = decode_xml_text(path.read_bytes())
        mine = gpx_points(text).columns
        expected = _oracle(text)
        for key in COLUMNS:
            np.testing.assert_array_equal(
                np.asarray(mine[key], dtype=float),
                np.asarray(expected[key], dtype=float),
                err_msg=f"{path.name}: {key}",
            )
        compared += bool(mine["t"])
    assert compared >= 10


def test_deep_nesting_is_refused_before_it_is_built() -> None:
    depth = 200_000
    body = "<extensions>" * depth + "</extensions>" * depth
    data = gpx_text(START, 60).replace(
        b"<trkseg>", f"<trkseg><trkpt lat='1' lon='1'>{body}</trkpt>".encode()
    )
    with pytest.raises(ActivityFileError, match=f"nested more than {MAX_DEPTH} deep"):
        read_gpx(data)


def test_a_comment_full_of_xmlns_words_reads_normally() -> None:
    comment = "<!--" + " xmlns" * 100_000 + " -->"
    data = gpx_text(START, 60).replace(b"<trk>", comment.encode() + b"<trk>", 1)
    parsed = read_gpx(data)
    assert parsed.start_utc == START


def test_a_year_one_time_is_not_a_crash() -> None:
    data = gpx_text(START, 60).replace(START.strftime("%Y").encode(), b"0001")
    parsed = read_gpx(data)  # the reader reads it; the importer refuses the date (see hostile)
    assert parsed.start_utc.year == 1


def test_not_gpx_root_is_refused() -> None:
    with pytest.raises(ActivityFileError, match="no gpx element"):
        read_gpx(b"<?xml version='1.0'?><kml></kml>")
