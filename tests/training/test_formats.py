"""The registry of activity formats: one entry per format, and the sources and importer use it."""

from __future__ import annotations

import numpy as np
import pytest

from heavylegs.training import fit_fast
from heavylegs.training.formats import BY_SUFFIX, READERS, read_activities, sniff
from heavylegs.training.model import SourceFormat, Stream
from heavylegs.training.samples import Figures, device_else_samples
from heavylegs.training.sources import format_of
from tests.training.helpers import START, fit_run, gpx_text


def test_every_file_format_has_exactly_one_reader() -> None:
    files = {f for f in SourceFormat if f is not SourceFormat.MANUAL}
    assert sorted(r.format for r in READERS) == sorted(files)
    assert BY_SUFFIX == {
        ".fit": SourceFormat.FIT,
        ".gpx": SourceFormat.GPX,
        ".tcx": SourceFormat.TCX,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("run.FIT", (SourceFormat.FIT, False)),
        ("a/b/run.gpx.gz", (SourceFormat.GPX, True)),
        ("run.tcx", (SourceFormat.TCX, False)),
        ("notes.txt", (None, False)),
    ],
)
def test_file_names_are_looked_up_in_the_registry(name: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert format_of(name) == expected


def test_content_decides_the_format() -> None:
    assert sniff(fit_run()) is SourceFormat.FIT
    assert sniff("\ufeff  ".encode() + gpx_text(START, 60)) is SourceFormat.GPX
    assert sniff(b'<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="x">') is SourceFormat.TCX
    assert sniff(b"hello") is None and sniff(b"") is None


def test_the_registry_reads_through_the_format_s_reader() -> None:
    (fit,) = read_activities(fit_run(), SourceFormat.FIT)
    assert fit.format is SourceFormat.FIT and fit.sport == "running"
    (gpx,) = read_activities(gpx_text(START, 60), SourceFormat.GPX, "Walk")
    assert gpx.format is SourceFormat.GPX and gpx.sport == "walking"


def test_the_fitdecode_fallback_reads_the_fast_path_s_fields() -> None:
    from heavylegs.training.fit import decode_with_fitdecode

    data = fit_run()
    slow, fast = decode_with_fitdecode(data), fit_fast.decode_fit(data)
    assert set(slow.messages) == set(fit_fast.MESSAGE_NAMES.values())
    assert slow.messages["session"] == fast.messages["session"]
    assert set(slow.records) == set(fit_fast.RECORD_FIELDS_ALL)


def _stream() -> tuple[Stream, np.ndarray]:
    t = np.arange(0.0, 600.0)
    d = t * 3.0
    hr = np.full(t.size, 150.0)
    nan = np.full(t.size, np.nan)
    return Stream(t, d, np.full(t.size, 3.0), hr, nan), np.linspace(100.0, 160.0, t.size)


def test_the_device_s_figures_win_and_the_samples_fill_the_rest() -> None:
    stream, altitude = _stream()
    samples = device_else_samples(Figures(), stream, altitude)
    assert samples.distance_m == pytest.approx(1797.0)
    assert samples.avg_hr == pytest.approx(150.0) and samples.max_hr == 150.0
    assert samples.elevation_gain_m == pytest.approx(60.0, abs=3.0)
    device = Figures(distance_m=1800.0, max_hr=171.0)
    mixed = device_else_samples(device, stream, altitude)
    assert (mixed.distance_m, mixed.max_hr) == (1800.0, 171.0)
    assert (mixed.avg_hr, mixed.elevation_gain_m) == (samples.avg_hr, samples.elevation_gain_m)
