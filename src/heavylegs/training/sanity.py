"""What an activity may claim before it is stored: a start between 1980 and tomorrow, a sane length.

Why: a damaged or hostile file can say anything. A track dated year 1 overflowed the duplicate
search and lost the whole batch; one dated 9999 imported and then broke every training view; one
dated 1899 imported as a 119-year activity. Every reader's result passes through
:func:`check_plausible` before it is queued, so such a file is one skipped line with its reason.
"""

from __future__ import annotations

import datetime as dt
import math

from heavylegs.training.model import ActivityFileError, ParsedActivity

EARLIEST_START = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""Before consumer GPS and heart-rate recorders: an earlier date is a clock that was never set."""
MAX_DURATION_S = 14 * 24 * 3600.0
"""Longer than the longest multi-day events (about ten days on a bike across a continent)."""


def check_plausible(parsed: ParsedActivity, now: dt.datetime) -> None:
    """Raise :class:`ActivityFileError` naming the value when ``parsed`` cannot be a recording."""
    start = parsed.start_utc
    latest = now.astimezone(dt.UTC) + dt.timedelta(days=1)
    if start < EARLIEST_START:
        raise ActivityFileError(
            f"refused: starts on {start.date().isoformat()}, before 1980 (the device's clock "
            "was not set?)"
        )
    if start > latest:
        raise ActivityFileError(
            f"refused: starts on {start.date().isoformat()}, after tomorrow "
            f"({latest.date().isoformat()})"
        )
    for name in ("duration_s", "moving_s"):
        value = getattr(parsed, name)
        if value is None:
            continue
        if not math.isfinite(value) or value < 0 or value > MAX_DURATION_S:
            raise ActivityFileError(
                f"refused: {name.removesuffix('_s')} of {value:.0f} s is not a recording's "
                f"(at most {MAX_DURATION_S / 86400:.0f} days)"
            )
