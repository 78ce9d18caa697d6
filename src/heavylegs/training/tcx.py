"""TCX files, read with the standard library's XML parser (in chunks, depth-limited: see
:mod:`xmlstream`).

Why not tcxreader: it drops trackpoints without a GPS position by default (a treadmill run loses
every point), returns nothing for multisport files and refuses whitespace before the XML
declaration. Here every trackpoint counts, a multisport session becomes one ``multisport``
activity, and leading whitespace is ignored with a warning.

Lap totals are the file's own summary: distance, timer time (the moving time), average and
maximum heart rate, average running cadence (``AvgRunCadence``). What laps lack comes from the
trackpoints. Cadence is per leg in most writers and steps in a few: the samples' step length at
the recorded speed decides, for the trackpoints and the lap value alike
(:func:`samples.steps_factor`).

A file may hold several activities: a history export (the Garmin FR305's holds four, days
apart, even inside one ``MultiSportSession``). Activities that follow each other within
:data:`SAME_SESSION_GAP_S` are one session (a triathlon: ``multisport``); the others are
separate activities, and :func:`read_tcx_all` returns each of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from array import array
from collections.abc import Iterator
from typing import TypeAlias

import numpy as np

from heavylegs.training.gpx import decode_xml_text, number
from heavylegs.training.gpx import iso_seconds as _time
from heavylegs.training.model import (
    FOOT_SPORTS,
    RUNNING,
    ActivityFileError,
    FloatArray,
    ParsedActivity,
    SourceFormat,
)
from heavylegs.training.samples import (
    Figures,
    average_cadence,
    build_stream,
    clock_note,
    device_else_samples,
    elapsed_seconds,
    hr_seconds,
    moving_seconds,
    order_note,
    steps_factor,
)
from heavylegs.training.sports import normalise_sport
from heavylegs.training.xmlstream import drop, xml_events

SAME_SESSION_GAP_S = 3 * 3600
MAX_LAPS = 200_000
"""Laps in one file at most: a history of years holds tens of thousands. Each lap is kept as
elements until the end (about 1 KB): a hostile file of a million took 1 GB and 19 s."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: ET.Element, *path: str) -> ET.Element | None:
    current: ET.Element | None = element
    for name in path:
        if current is None:
            return None
        current = next(_children(current, name), None)
    return current


def _float(element: ET.Element | None) -> float:
    return number(element.text.strip()) if element is not None and element.text else float("nan")


def _extension(element: ET.Element, name: str) -> float:
    extensions = _child(element, "Extensions")
    if extensions is None:
        return float("nan")
    for item in extensions.iter():
        if _local(item.tag) == name:
            return _float(item)
    return float("nan")


def read_tcx(data: bytes, sport_hint: str | None = None) -> ParsedActivity:
    """The first activity of a TCX file (see :func:`read_tcx_all` for every one)."""
    return read_tcx_all(data, sport_hint)[0]


def read_tcx_all(data: bytes, sport_hint: str | None = None) -> list[ParsedActivity]:
    """Every activity of a TCX file, oldest first (see the module docstring)."""
    text, warnings = decode_xml_text(data)
    root: ET.Element | None = None
    points: dict[int, _Points] = {}
    laps = 0
    try:
        for event, element, stack in xml_events(text):
            if root is None and len(stack) == 1:
                root = element
            if event == "end" and _local(element.tag) == "Trackpoint":
                _take_point(element, stack, points)
            elif event == "end" and _local(element.tag) == "Lap":
                laps += 1
                if laps > MAX_LAPS:
                    raise ActivityFileError(
                        f"refused: more than {MAX_LAPS:,} laps (a recording has at most a "
                        "few hundred)"
                    )
            elif event == "end" and stack and _local(stack[-1].tag) == "Track":
                drop(element, stack)  # not a trackpoint: nothing of it is read
    except ET.ParseError as exc:
        raise ActivityFileError(f"not a readable TCX file: {exc}") from None
    if root is None or _local(root.tag) != "TrainingCenterDatabase":
        raise ActivityFileError("not a TCX file (no TrainingCenterDatabase element)")
    activities = [e for e in root.iter() if _local(e.tag) == "Activity"]
    if not any(True for a in activities for _ in _children(a, "Lap")):
        raise ActivityFileError("no laps: the TCX file holds no recorded activity")
    groups = _sessions(activities)
    out = [_read_group(group, points, sport_hint, warnings) for group in groups]
    if len(out) > 1:
        warnings.append(f"holds {len(out)} separate activities: each is imported")
        out = [dataclasses.replace(a, warnings=tuple(warnings)) for a in out]
    return out


def _sessions(activities: list[ET.Element]) -> list[list[ET.Element]]:
    """Activities grouped into sessions: each follows the previous one's end within the gap."""
    timed = []
    for activity in activities:
        laps = list(_children(activity, "Lap"))
        if not laps:
            continue
        begin = _activity_start(activity)
        length = _nansum([_float(_child(lap, "TotalTimeSeconds")) for lap in laps]) or 0.0
        timed.append((begin, length, activity))
    known = sorted((t for t in timed if t[0] == t[0]), key=lambda t: t[0])
    groups: list[list[ET.Element]] = []
    end = float("-inf")
    for begin, length, activity in known:
        if not groups or begin > end + SAME_SESSION_GAP_S:
            groups.append([])
        groups[-1].append(activity)
        end = max(end, begin + length)
    undated = [t[2] for t in timed if t[0] != t[0]]
    if undated:  # no Id and no lap start: its trackpoints decide (or it is refused)
        if groups:
            groups[0].extend(undated)
        else:
            groups.append(undated)
    return groups


_COLUMNS = ("t", "d", "hr", "cad", "v", "alt")
_Points: TypeAlias = "dict[str, array[float]]"


def _take_point(point: ET.Element, stack: list[ET.Element], points: dict[int, _Points]) -> None:
    """Read a finished trackpoint into its lap's columns and drop it from the tree.

    Why: the tree of a big file (a million trackpoints) took over a gigabyte; the columns are
    packed doubles. A trackpoint outside a lap belongs to no activity and is dropped unread.
    """
    lap = next((e for e in reversed(stack) if _local(e.tag) == "Lap"), None)
    if lap is not None:
        columns = points.setdefault(id(lap), {k: array("d") for k in _COLUMNS})
        columns["t"].append(_time(_text(_child(point, "Time"))))
        columns["d"].append(_float(_child(point, "DistanceMeters")))
        columns["hr"].append(_float(_child(point, "HeartRateBpm", "Value")))
        run_cadence = _extension(point, "RunCadence")
        columns["cad"].append(
            run_cadence if run_cadence == run_cadence else _float(_child(point, "Cadence"))
        )
        columns["v"].append(_extension(point, "Speed"))
        columns["alt"].append(_float(_child(point, "AltitudeMeters")))
    drop(point, stack)


def _read_group(
    activities: list[ET.Element],
    points: dict[int, _Points],
    sport_hint: str | None,
    warnings: list[str],
) -> ParsedActivity:
    laps = [lap for activity in activities for lap in _children(activity, "Lap")]
    sports = {normalise_sport(a.get("Sport")) for a in activities}
    if sport_hint and len(activities) == 1:
        sport, sub_sport = normalise_sport(sport_hint)
    elif len(sports) == 1:
        sport, sub_sport = sports.pop()
    else:
        sport, sub_sport = "multisport", None

    read = [points[id(lap)] for lap in laps if id(lap) in points]
    arrays = {
        k: np.concatenate([np.frombuffer(c[k], dtype=np.float64) for c in read])
        if read
        else np.empty(0)
        for k in _COLUMNS
    }
    lap_time = [_float(_child(lap, "TotalTimeSeconds")) for lap in laps]
    lap_distance = [_float(_child(lap, "DistanceMeters")) for lap in laps]
    lap_cadence = np.asarray([_extension(lap, "AvgRunCadence") for lap in laps])
    factor = 2.0
    if sport in FOOT_SPORTS:
        factor = _cadence_factor(arrays, lap_cadence, lap_time, lap_distance, sport)
        cadence = arrays["cad"] * factor
    else:
        cadence = np.full(arrays["cad"].size, np.nan)
    if note := clock_note(arrays["t"]):
        warnings.append(note)
    if arrays["t"].size and (note := order_note(arrays["t"])):
        warnings.append(f"trackpoints: {note}")
    stream, start, altitude = build_stream(
        arrays["t"], arrays["d"], arrays["v"], arrays["hr"], cadence, arrays["alt"]
    )
    lap_starts = [t for lap in laps if (t := _time(lap.get("StartTime"))) == t]
    if lap_starts:
        start = min(lap_starts)
    if start is None:
        raise ActivityFileError("no times in the TCX file: its date is unknown")

    timer = _nansum(lap_time)
    weights = [w if w == w else 0.0 for w in lap_time]
    device = Figures(
        distance_m=_nansum(lap_distance),
        avg_hr=_weighted(
            [_float(_child(lap, "AverageHeartRateBpm", "Value")) for lap in laps], weights
        ),
        max_hr=_nanmax([_float(_child(lap, "MaximumHeartRateBpm", "Value")) for lap in laps]),
    )
    figures = device_else_samples(device, stream, altitude)
    distance = figures.distance_m
    duration = elapsed_seconds(stream)
    if stream.size:
        duration = float(stream.t[-1]) + (stream_start_gap(start, arrays["t"]))
    if duration is None or duration <= 0:
        duration = timer
    moving = timer or moving_seconds(stream)  # the lap timer is the device's moving time
    if moving is not None and duration is not None:
        moving = min(moving, duration)
    avg_cadence: float | None = None
    if sport in FOOT_SPORTS:
        lap_value = _weighted(lap_cadence.tolist(), weights)
        avg_cadence = factor * lap_value if lap_value else average_cadence(stream)
    return ParsedActivity(
        format=SourceFormat.TCX,
        sport=sport,
        sub_sport=sub_sport,
        start_utc=dt.datetime.fromtimestamp(round(start), dt.UTC),
        utc_offset_s=None,
        duration_s=duration,
        moving_s=moving,
        distance_m=distance,
        avg_hr=figures.avg_hr,
        max_hr=figures.max_hr,
        avg_cadence_spm=avg_cadence,
        elevation_gain_m=figures.elevation_gain_m,
        run_distance_m=distance if sport == RUNNING else None,
        stream=stream,
        warnings=tuple(warnings),
        hr_seconds=hr_seconds(stream),
    )


def _cadence_factor(
    arrays: dict[str, FloatArray],
    lap_cadence: FloatArray,
    lap_time: list[float],
    lap_distance: list[float],
    sport: str,
) -> float:
    """Steps or strides: from the trackpoints' speed when they have cadence, else the laps'."""
    if np.isfinite(arrays["cad"]).any() and (arrays["cad"] > 0).any():
        return steps_factor(
            arrays["cad"], _point_speed(arrays["t"], arrays["d"], arrays["v"]), sport
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        lap_speed = np.asarray(lap_distance) / np.asarray(lap_time)
    return steps_factor(lap_cadence, lap_speed, sport)


def _point_speed(t: FloatArray, distance: FloatArray, speed: FloatArray) -> FloatArray:
    if np.isfinite(speed).any():
        return speed
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.diff(distance, prepend=np.nan) / np.diff(t, prepend=np.nan)


def stream_start_gap(start: float, times: np.ndarray[tuple[int], np.dtype[np.float64]]) -> float:
    """Seconds between the first lap's start and the first trackpoint (usually 0)."""
    finite = times[np.isfinite(times)]
    return max(0.0, float(finite[0]) - start) if finite.size else 0.0


def _activity_start(activity: ET.Element) -> float:
    identifier = _time(_text(_child(activity, "Id")))
    if identifier == identifier:
        return identifier
    lap = next(_children(activity, "Lap"), None)
    return _time(lap.get("StartTime")) if lap is not None else float("nan")


def _text(element: ET.Element | None) -> str | None:
    return element.text if element is not None else None


def _nansum(values: list[float]) -> float | None:
    known = [v for v in values if v == v]
    return float(sum(known)) if known else None


def _nanmax(values: list[float]) -> float | None:
    known = [v for v in values if v == v and v > 0]
    return max(known) if known else None


def _weighted(values: list[float], weights: list[float]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v == v and v > 0]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    if total <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total
