"""The plausibility bounds every activity passes before it is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from heavylegs.training.importer import parse_bytes
from heavylegs.training.model import ActivityFileError, ParsedActivity
from heavylegs.training.sanity import EARLIEST_START, MAX_DURATION_S, check_plausible
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
