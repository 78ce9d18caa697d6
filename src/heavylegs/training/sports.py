"""One vocabulary of sports, whatever the file or export called them.

FIT names are the reference (``running``, ``cycling``, ``walking``…); GPX ``<type>``, TCX
``Sport="…"`` and Strava's "Activity Type" column are mapped onto them, with a sub-sport where
the name carries one (a "Trail Run" is running on trails).
"""

from __future__ import annotations

import re

_ALIASES: dict[str, tuple[str, str | None]] = {
    "run": ("running", None),
    "running": ("running", None),
    "trail_run": ("running", "trail"),
    "trail_running": ("running", "trail"),
    "virtual_run": ("running", "virtual_activity"),
    "treadmill": ("running", "treadmill"),
    "treadmill_running": ("running", "treadmill"),
    "indoor_running": ("running", "indoor_running"),
    "9": ("running", None),  # Strava GPX <type> for a run
    "walk": ("walking", None),
    "walking": ("walking", None),
    "hike": ("hiking", None),
    "hiking": ("hiking", None),
    "ride": ("cycling", None),
    "1": ("cycling", None),  # Strava GPX <type> for a ride
    "biking": ("cycling", None),
    "bike": ("cycling", None),
    "cycling": ("cycling", None),
    "virtual_ride": ("cycling", "virtual_activity"),
    "e_bike_ride": ("e_biking", None),
    "mountain_bike_ride": ("cycling", "mountain"),
    "gravel_ride": ("cycling", "gravel_cycling"),
    "swim": ("swimming", None),
    "swimming": ("swimming", None),
    "rowing": ("rowing", None),
    "row": ("rowing", None),
    "nordic_ski": ("cross_country_skiing", None),
    "cross_country_skiing": ("cross_country_skiing", None),
    "other": ("generic", None),
    "workout": ("training", None),
    "weight_training": ("training", "strength_training"),
}


def normalise_sport(name: str | None) -> tuple[str, str | None]:
    """``(sport, sub_sport)`` for a sport name from any source; ``("generic", None)`` if empty."""
    if not name or not name.strip():
        return "generic", None
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if key in _ALIASES:
        return _ALIASES[key]
    return (key[:32] or "generic"), None
