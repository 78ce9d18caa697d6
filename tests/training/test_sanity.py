"""The plausibility bounds every activity passes before it is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.training.importer import parse_bytes
from heavylegs.training.model import ActivityFileError, ParsedActivity
from heavylegs.training.sanity import (
    EARLIEST_START,
    FIGURE_BOUNDS,
    MAX_DURATION_S,
    check_plausible,
)
from tests.training.helpers import START, gpx_text

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def parsed() -> ParsedActivity:
    return parse_bytes(gpx_text(START, 60), None, None)


@pytest.mark.parametrize(
    ("start", "ok"),
    [
        (EARLIEST_START, True),
        (EARLIEST_START - dt.timedelta(seconds=1), False),
        (NOW + dt.timedelta(days=1), True),
        (NOW + dt.timedelta(days=1, seconds=1), False),
    ],
)
def test_start_between_1980_and_tomorrow(
    parsed: ParsedActivity, start: dt.datetime, ok: bool
) -> None:
    candidate = dataclasses.replace(parsed, start_utc=start)
    if ok:
        check_plausible(candidate, NOW)
    else:
        with pytest.raises(ActivityFileError, match="refused: starts on"):
            check_plausible(candidate, NOW)


@pytest.mark.parametrize(
    ("duration", "ok"),
    [
        (MAX_DURATION_S, True),
        (MAX_DURATION_S + 1, False),
        (-1.0, False),
        (float("nan"), False),
        (None, True),
    ],
)
def test_duration_is_a_recordings(parsed: ParsedActivity, duration: float | None, ok: bool) -> None:
    candidate = dataclasses.replace(parsed, duration_s=duration)
    if ok:
        check_plausible(candidate, NOW)
    else:
        with pytest.raises(ActivityFileError, match="duration"):
            check_plausible(candidate, NOW)


def test_an_absurd_duration_is_told_in_a_few_characters(parsed: ParsedActivity) -> None:
    with pytest.raises(ActivityFileError) as caught:
        check_plausible(dataclasses.replace(parsed, duration_s=1e300), NOW)
    assert len(str(caught.value)) < 100  # not 300 digits


_LAP_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e400", "-1e400", "nan", "100000", "-5", "0"]),
)


@given(distance=_LAP_VALUES, average=_LAP_VALUES, maximum=_LAP_VALUES, cadence=_LAP_VALUES)
@settings(max_examples=80, deadline=None)
def test_a_files_own_summary_is_held_to_the_samples_bounds(
    distance: float | str, average: float | str, maximum: float | str, cadence: float | str
) -> None:
    """A TCX lap saying 100000 bpm or 1e308 m was stored and listed as written."""
    when = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    points = "".join(
        f"<Trackpoint><Time>{(START + dt.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        f"</Time><DistanceMeters>{3 * i}</DistanceMeters><HeartRateBpm><Value>150</Value>"
        "</HeartRateBpm></Trackpoint>"
        for i in range(30)
    )
    tcx = (
        '<?xml version="1.0"?><TrainingCenterDatabase><Activities><Activity Sport="Running">'
        f'<Id>{when}</Id><Lap StartTime="{when}"><TotalTimeSeconds>29</TotalTimeSeconds>'
        f"<DistanceMeters>{distance}</DistanceMeters><AverageHeartRateBpm><Value>{average}"
        f"</Value></AverageHeartRateBpm><MaximumHeartRateBpm><Value>{maximum}</Value>"
        f"</MaximumHeartRateBpm><Extensions><LX><AvgRunCadence>{cadence}</AvgRunCadence></LX>"
        f"</Extensions><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()
    read = parse_bytes(tcx, None, None)
    for name, (low, high, _unit) in FIGURE_BOUNDS.items():
        value = getattr(read, name)
        assert value is None or low <= value <= high, (name, value)


@pytest.mark.parametrize(
    "first", ["1970-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"]
)
@pytest.mark.parametrize("where", [0, 300, -1])
def test_one_point_with_an_unset_or_damaged_clock_is_left_out(first: str, where: int) -> None:
    """Watches write 1970 or 2000 before their clock is set; a track whose first point said so
    started then and was refused (before 1980, or a 26-year duration), and a first point in
    2100 made every later point "go backwards"."""
    import re

    text = gpx_text(START, 600).decode()
    times = [m.start() for m in re.finditer("<time>", text)]
    at = times[where]
    text = text[:at] + re.sub(r"<time>[^<]*</time>", f"<time>{first}</time>", text[at:], count=1)
    read = parse_bytes(text.encode(), None, None)
    check_plausible(read, NOW)
    assert read.stream.size == 599
    assert any("1 of 600 samples are dated more than 14 days" in w for w in read.warnings)
    assert read.start_utc == (START + dt.timedelta(seconds=1) if where == 0 else START)
