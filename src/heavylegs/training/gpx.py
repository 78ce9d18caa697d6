"""GPX files, read as a stream of XML events, with heart rate, cadence and speed from extensions.

Why not gpxpy (it is kept as the test oracle on the corpus): it deep-copies the element tree in C,
so 200,000 nested ``<extensions>`` crash the whole process, and it runs a namespace regex over the
whole text that takes 40 s on a comment full of ``xmlns`` words. Here the standard library's pull
parser reads the file in chunks, refuses elements nested deeper than :data:`MAX_DEPTH`, and drops
each point once read, so memory follows the samples kept, not the XML.

GPX has points only, no summary: everything is computed from the samples (see ``samples``).
Strava writes ``gpxdata:`` elements without declaring that namespace prefix, which is not
well-formed XML; such files are repaired by declaring the missing prefixes (a warning says so)
and read again. Cadence in GPX extensions is per leg on Garmin and Strava files and is doubled
into steps per minute for foot sports (see :func:`samples.strides_to_steps`).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from array import array
from dataclasses import dataclass, field
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
    GLITCH_SPEED_MPS,
    Figures,
    average_cadence,
    build_stream,
    clock_note,
    device_else_samples,
    elapsed_seconds,
    hr_seconds,
    moving_seconds,
    order_note,
    strides_to_steps,
    track_distance,
)
from heavylegs.training.sports import normalise_sport
from heavylegs.training.xmlstream import MAX_DEPTH, drop, xml_events, xml_text

_EXTENSIONS = {
    **dict.fromkeys(("hr", "heartrate", "heart_rate"), "hr"),
    **dict.fromkeys(("cad", "cadence", "runcadence"), "cad"),
    "speed": "speed",
    "distance": "distance",
}
COLUMNS = ("t", "lat", "lon", "ele", "hr", "cad", "speed", "distance")
MAX_NUMBER_CHARS = 64
MAX_MAGNITUDE = 1e15


def decode_xml_text(data: bytes) -> tuple[str, list[str]]:
    """Text of an XML file (:func:`xml_text`): whitespace before the declaration dropped
    (warned)."""
    warnings: list[str] = []
    text = xml_text(data)
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


class _Unbound(Exception):
    """The file uses a namespace prefix it never declares (a Strava fault, repaired once)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
        if len(_LOCAL_NAMES) < 1024:  # a file has a handful of distinct tags
            _LOCAL_NAMES[tag] = name
    return name


_LOCAL_NAMES: dict[str, str] = {}


def number(text: str | None) -> float:
    """The number in an element's text; NaN when there is none, or it is infinite or beyond
    :data:`MAX_MAGNITUDE` (no quantity of a track is, and sums of such values overflow)."""
    if text is None or len(text) > MAX_NUMBER_CHARS:
        return float("nan")
    try:
        value = float(text)
    except ValueError:
        return float("nan")
    return value if abs(value) <= MAX_MAGNITUDE else float("nan")


def iso_seconds(text: str | None) -> float:
    """Seconds since the epoch of an ISO 8601 time (UTC when it names no zone); NaN if unusable."""
    if not text or len(text) > MAX_NUMBER_CHARS:
        return float("nan")
    try:
        # upper(): RFC 3339 allows a lowercase "z" (and "t"); fromisoformat does not
        when = dt.datetime.fromisoformat(text.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return when.timestamp()
    except (OverflowError, ValueError):
        return float("nan")


@dataclass
class GpxPoints:
    """Every track point of a GPX file as columns (NaN where a point lacks a value)."""

    columns: dict[str, array[float]] = field(
        default_factory=lambda: {k: array("d") for k in COLUMNS}
    )
    """Packed doubles (8 bytes a value, not a 32-byte float object): a big file's points fit."""
    track_type: str | None = None
    typed: bool = True
    open_points: int = 0
    """Track points open now: what ends inside one is read with it, everything else at once."""


def gpx_points(text: str) -> GpxPoints:
    """The track points of ``text``, read as a stream of XML events within the limits.

    Points are read and dropped as their closing tag arrives, so memory follows the columns,
    not the XML tree; any element deeper than :data:`MAX_DEPTH` stops the read. Routes and
    waypoints are skipped (they are plans, not recordings).
    """
    points = GpxPoints()
    try:
        for event, element, stack in xml_events(text, MAX_DEPTH):
            if event == "start":
                if len(stack) == 1:
                    if _local(element.tag) != "gpx":
                        raise ActivityFileError("not a GPX file (no gpx element)")
                    points.typed = element.get("version") != "1.0"  # 1.0 tracks have no type
                elif _local(element.tag) == "trkpt":
                    points.open_points += 1
                continue
            _ended(element, stack, points)
    except ET.ParseError as exc:
        if "unbound prefix" in str(exc):
            raise _Unbound from None
        raise ActivityFileError(f"not a readable GPX file: {_first_line(exc)}") from None
    return points


def _ended(element: ET.Element, stack: list[ET.Element], points: GpxPoints) -> None:
    """Read a finished element, then drop it, unless a track point holds it (read with it)."""
    name = _local(element.tag)
    if name == "trkpt":
        points.open_points -= 1
        _point(element, points.columns)
    elif points.open_points > 0:
        return
    elif name == "type" and stack and _local(stack[-1].tag) == "trk" and points.typed:
        points.track_type = points.track_type or (element.text or "").strip() or None
    drop(element, stack)  # read: the tree must not grow with the file
    element.clear()


def read_gpx(data: bytes, sport_hint: str | None = None) -> ParsedActivity:
    """One activity from a GPX file; ``sport_hint`` (e.g. from a Strava export) wins if given."""
    text, warnings = decode_xml_text(data)
    try:
        points = gpx_points(text)
    except _Unbound:
        repaired, added = declare_missing_prefixes(text)
        try:
            if not added:
                raise _Unbound from None
            points = gpx_points(repaired)
        except _Unbound:
            raise ActivityFileError("not a readable GPX file: unbound prefix") from None
        warnings.append(
            "undeclared XML namespace prefix "
            + ", ".join(f"'{p}:'" for p in added)
            + " (a known Strava export fault) was repaired"
        )
    columns, track_type = points.columns, points.track_type
    if not columns["t"] or not np.isfinite(np.asarray(columns["t"])).any():
        raise ActivityFileError("no timed track points (a route or an empty file, not a recording)")
    sport, sub_sport = normalise_sport(sport_hint or track_type)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}
    distance = arrays["distance"]
    if not np.isfinite(distance).any() and np.isfinite(arrays["lat"]).any():
        distance, glitches = track_distance(arrays["lat"], arrays["lon"], arrays["t"])
        if glitches:
            warnings.append(
                f"{glitches} steps between track points are off the globe or faster than "
                f"{GLITCH_SPEED_MPS * 3.6:.0f} km/h (GPS glitches): their distance is left out"
            )
    cadence = arrays["cad"]
    cadence = (
        strides_to_steps(cadence, sport, arrays["speed"], t=arrays["t"], distance_m=distance)
        if sport in FOOT_SPORTS
        else np.full(cadence.size, np.nan)
    )
    if note := clock_note(arrays["t"]):
        warnings.append(note)
    if note := order_note(arrays["t"]):
        warnings.append(note)
    stream, start, altitude = build_stream(
        arrays["t"], distance, arrays["speed"], arrays["hr"], cadence, arrays["ele"]
    )
    assert start is not None  # there is a finite time
    figures = device_else_samples(Figures(), stream, altitude, distance_gaps=False)
    covered = figures.distance_m
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
        avg_hr=figures.avg_hr,
        max_hr=figures.max_hr,
        avg_cadence_spm=average_cadence(stream) if sport in FOOT_SPORTS else None,
        elevation_gain_m=figures.elevation_gain_m,
        run_distance_m=covered if sport == RUNNING else None,
        stream=stream,
        warnings=tuple(warnings),
        hr_seconds=hr_seconds(stream),
    )


def _point(point: ET.Element, columns: dict[str, array[float]]) -> None:
    columns["lat"].append(number(point.get("lat")))
    columns["lon"].append(number(point.get("lon")))
    found = dict.fromkeys(("t", "ele", "hr", "cad", "speed", "distance"), float("nan"))
    for child in point:
        name = _local(child.tag)
        if name == "time":
            found["t"] = iso_seconds(child.text)
        elif name == "ele":
            found["ele"] = number(child.text)
        elif name == "extensions":
            for element in child.iter():
                key = _EXTENSIONS.get(_local(element.tag))
                if key is not None:
                    found[key] = number(element.text)
    for key, value in found.items():
        columns[key].append(value)
