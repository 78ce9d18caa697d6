"""Activity names from a Garmin Connect export (``DI_CONNECT/.../*_summarizedActivities.json``).

A Garmin export's activity files carry no name; the export's summary file does:
``[{"summarizedActivitiesExport": [{"activityId", "name", "activityType", "beginTimestamp",
…}]}]`` with ``beginTimestamp`` in milliseconds UTC. Each named summary is matched to the stored
activity that starts within the duplicate tolerance of it (one person cannot start two
activities within 90 s), and its name fills an empty title (an export never overwrites a name
already there). ``activityType`` is a string in older exports and ``{"typeKey": …}`` in newer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from heavylegs.safejson import JsonInputError, loads
from heavylegs.training.strava import export_archives, read_member

SUFFIX = "summarizedactivities.json"


@dataclass(frozen=True)
class Named:
    """One summary of a Garmin export: when it started, its name and type."""

    start_utc: dt.datetime
    name: str | None
    kind: str | None


def _kind(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("typeKey"), str):
        return str(value["typeKey"])
    return None


def summaries(document: Any) -> list[Named]:
    """The named summaries of one ``summarizedActivities.json`` document (others skipped)."""
    chunks = document if isinstance(document, list) else [document]
    out = []
    for chunk in chunks:
        items = chunk.get("summarizedActivitiesExport") if isinstance(chunk, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            begin = item.get("beginTimestamp")
            if not isinstance(begin, int | float) or not 0 < begin < 4e12:
                continue
            name = item.get("name")
            out.append(
                Named(
                    dt.datetime.fromtimestamp(begin / 1000.0, dt.UTC),
                    name.strip()[:256] if isinstance(name, str) and name.strip() else None,
                    _kind(item.get("activityType")),
                )
            )
    return out


def export_names(sources: Sequence[Path | tuple[str, BinaryIO]]) -> tuple[list[Named], list[str]]:
    """Every named summary in the Garmin export zips among ``sources``; notes on bad files."""
    found: list[Named] = []
    notes: list[str] = []
    for name, archive in export_archives(sources):
        for info in archive.infolist():
            if not PurePosixPath(info.filename).name.lower().endswith(SUFFIX):
                continue
            text = read_member(archive, info)
            if text is None:
                notes.append(f"{name}/{info.filename}: too large or unreadable; names not read")
                continue
            try:
                found.extend(summaries(loads(text)))
            except JsonInputError as exc:
                notes.append(f"{name}/{info.filename}: {exc}; names not read")
    return found, notes
