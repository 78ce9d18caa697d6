"""The sparkline and the matplotlib chart."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from heavylegs.chart_files import ChartFormatError, chart_format
from heavylegs.diary.charts import render_plot, sparkline
from heavylegs.diary.rows import EntryRow
from heavylegs.diary.series import build_series
from tests.diary.factory import AS_OF, day, diary


def test_sparkline_uses_a_fixed_scale_and_marks_gaps() -> None:
    assert sparkline([0, 10, None, 5, math.nan, 11, -1]) == "▁█·▅·█▁"
    assert sparkline([7, 7, 7]) != sparkline([1, 1, 1])
    assert sparkline([]) == ""


def _series():  # type: ignore[no-untyped-def]
    entries, measures = diary(
        40,
        done=lambda i: ["legs_up_the_wall"] * (i % 2) + ["ankle_pumps"] * (i % 3 == 0),
        noise=1.0,
    )
    entries += [
        EntryRow(day(k), "evening", heaviness=5, ankle_left_cm=23 + k / 10, ankle_right_cm=23.5)
        for k in range(0, 30, 3)
    ]
    return build_series(entries, measures, AS_OF)


def test_png_chart_is_a_real_picture(tmp_path: Path) -> None:
    target = tmp_path / "out" / "trend.png"
    render_plot(_series(), target, {"legs_up_the_wall": "Legs up the wall"})
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000
    pixels = matplotlib.image.imread(target)
    assert pixels.shape[0] > 400 and pixels.shape[1] > 800
    assert np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0).shape[0] > 50  # many colours


def test_svg_chart_has_lines_markers_and_legend(tmp_path: Path) -> None:
    target = tmp_path / "trend.svg"
    render_plot(_series(), target, {"legs_up_the_wall": "Legs up the wall"})
    text = target.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert text.count("<path") > 50
    for label in ("heaviness", "ankle left", "ankle right", "Legs up the wall", "ankle pumps"):
        assert label in text


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.png.txt"])
def test_only_png_and_svg(name: str) -> None:
    with pytest.raises(ChartFormatError, match=r"must end in \.png or \.svg") as caught:
        chart_format(Path(name))
    assert "--" not in str(caught.value), "a stage error never names a command-line option"
    assert caught.value.problems == [str(caught.value)]


def test_the_format_is_the_suffix_in_any_case() -> None:
    assert chart_format(Path("a/Chart.PNG")) == "png" and chart_format(Path("c.svg")) == "svg"
