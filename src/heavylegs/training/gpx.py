"""GPX files through gpxpy, with heart rate, cadence and speed from the usual extensions.

GPX has points only, no summary: everything is computed from the samples (see ``samples``).
Strava writes ``gpxdata:`` elements without declaring that namespace prefix, which is not
well-formed XML; such files are repaired by declaring the missing prefixes (a warning says so)
and read again. Cadence in GPX extensions is per leg on Garmin and Strava files and is doubled
into steps per minute for foot sports (see :func:`samples.strides_to_steps`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np

from heavylegs.training.model import (
    FOOT_SPORTS,
    RUNNING,
    ActivityFileError,
    ParsedActivity,
    SourceFormat,
)
from heavylegs.training.samples import (
    average_cadence,
    build_stream,
    distance_covered,
    elapsed_seconds,
    elevation_gain,
    finite_max,
    haversine_m,
    hr_seconds,
    moving_seconds,
    sample_seconds,
    strides_to_steps,
    weighted_mean,
)
from heavylegs.training.sports import normalise_sport

_HR = {"hr", "heartrate", "heart_rate"}
_CAD = {"cad", "cadence", "runcadence"}
_SPEED = {"speed"}
_DISTANCE = {"distance"}


def decode_xml_text(data: bytes) -> tuple[str, list[str]]:
    """Text of an XML file: BOM removed, whitespace before the declaration dropped (warned)."""
    warnings: list[str] = []
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if stripped is not text and len(stripped) != len(text) and stripped.startswith("<?xml"):
        warnings.append("whitespace before the XML declaration was ignored")
        text = stripped
    return text, warnings


def declare_missing_prefixes(text: str) -> tuple[str, list[str]]:
    """Declare namespace prefixes that are used but never declared; the prefixes added."""
    used = set(re.findall(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]", text))
    declared = set(re.findall(r"xmlns:([\w.-]+)\s*=", text))
    missing = sorted(used - declared - {"xml", "xmlns"})
    if not missing:
        return text, []
    declarations = "".join(f' xmlns:{p}="urn:heavylegs:undeclared:{p}"' for p in missing)
    repaired, count = re.subn(r"<gpx\b", "<gpx" + declarations, text, count=1)
    return (repaired, missing) if count else (text, [])


def _parse(text: str, warnings: list[str]) -> Any:
    import gpxpy
    from gpxpy.gpx import GPXException

    try:
        return gpxpy.parse(text)
    except GPXException as exc:
        repaired, added = declare_missing_prefixes(text)
        if not added:
            raise ActivityFileError(f"not a readable GPX file: {_first_line(exc)}") from None
        try:
            parsed = gpxpy.parse(repaired)
        except GPXException as again:
            raise ActivityFileError(f"not a readable GPX file: {_first_line(again)}") from None
        warnings.append(
            "undeclared XML namespace prefix "
            + ", ".join(f"'{p}:'" for p in added)
            + " (a known Strava export fault) was repaired"
        )
        return parsed


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else float("nan")
    except ValueError:
        return float("nan")


def read_gpx(data: bytes, sport_hint: str | None = None) -> ParsedActivity:
    """One activity from a GPX file; ``sport_hint`` (e.g. from a Strava export) wins if given."""
    text, warnings = decode_xml_text(data)
    gpx = _parse(text, warnings)
    columns: dict[str, list[float]] = {
        k: [] for k in ("t", "lat", "lon", "ele", "hr", "cad", "speed", "distance")
    }
    track_type: str | None = None
    for track in gpx.tracks:
        track_type = track_type or track.type
        for segment in track.segments:
            for point in segment.points:
                _point(point, columns)
    if not columns["t"] or not np.isfinite(np.asarray(columns["t"])).any():
        raise ActivityFileError("no timed track points (a route or an empty file, not a recording)")
    sport, sub_sport = normalise_sport(sport_hint or track_type)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}
    distance = arrays["distance"]
    if not np.isfinite(distance).any() and np.isfinite(arrays["lat"]).any():
        distance = haversine_m(arrays["lat"], arrays["lon"])
    cadence = arrays["cad"]
    cadence = (
        strides_to_steps(cadence, sport) if sport in FOOT_SPORTS else np.full(cadence.size, np.nan)
    )
    stream, start, altitude = build_stream(
        arrays["t"], distance, arrays["speed"], arrays["hr"], cadence, arrays["ele"]
    )
    assert start is not None  # there is a finite time
    covered = distance_covered(stream)
    duration = elapsed_seconds(stream)
    moving = moving_seconds(stream)
    return ParsedActivity(
        format=SourceFormat.GPX,
        sport=sport,
        sub_sport=sub_sport,
        start_utc=dt.datetime.fromtimestamp(round(start), dt.UTC),
        utc_offset_s=None,
        duration_s=duration,
        moving_s=moving if moving is not None else duration,
        distance_m=covered,
        avg_hr=weighted_mean(stream.heart_rate, sample_seconds(stream.t)),
        max_hr=finite_max(stream.heart_rate),
        avg_cadence_spm=average_cadence(stream) if sport in FOOT_SPORTS else None,
        elevation_gain_m=elevation_gain(altitude),
        run_distance_m=covered if sport == RUNNING else None,
        stream=stream,
        warnings=tuple(warnings),
        hr_seconds=hr_seconds(stream),
    )


def _point(point: Any, columns: dict[str, list[float]]) -> None:
    when = point.time
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        columns["t"].append(when.timestamp())
    else:
        columns["t"].append(float("nan"))
    columns["lat"].append(_number(str(point.latitude)) if point.latitude is not None else np.nan)
    columns["lon"].append(_number(str(point.longitude)) if point.longitude is not None else np.nan)
    columns["ele"].append(float(point.elevation) if point.elevation is not None else np.nan)
    found = {"hr": np.nan, "cad": np.nan, "speed": np.nan, "distance": np.nan}
    for extension in point.extensions or ():
        for element in extension.iter():
            name = _local(element.tag)
            if name in _HR:
                found["hr"] = _number(element.text)
            elif name in _CAD:
                found["cad"] = _number(element.text)
            elif name in _SPEED:
                found["speed"] = _number(element.text)
            elif name in _DISTANCE:
                found["distance"] = _number(element.text)
    for key, value in found.items():
        columns[key].append(value)
