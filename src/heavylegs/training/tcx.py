"""TCX files, read with the standard library's XML parser.

Why not tcxreader: it drops trackpoints without a GPS position by default (a treadmill run loses
every point), returns nothing for multisport files and refuses whitespace before the XML
declaration. Here every trackpoint counts, a multisport session becomes one ``multisport``
activity, and leading whitespace is ignored with a warning.

Lap totals are the file's own summary: distance, timer time, average and maximum heart rate,
average running cadence (``AvgRunCadence``, strides per minute, doubled). What laps lack comes
from the trackpoints. A file holding several separate activities (a history export) is refused
with that reason: heavylegs keeps one activity per file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import numpy as np

from heavylegs.training.gpx import decode_xml_text
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
    hr_seconds,
    moving_seconds,
    sample_seconds,
    strides_to_steps,
    weighted_mean,
)
from heavylegs.training.sports import normalise_sport

SEPARATE_ACTIVITIES_S = 12 * 3600


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
    if element is None or element.text is None:
        return float("nan")
    try:
        return float(element.text.strip())
    except ValueError:
        return float("nan")


def _time(text: str | None) -> float:
    if not text:
        return float("nan")
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def _extension(element: ET.Element, name: str) -> float:
    extensions = _child(element, "Extensions")
    if extensions is None:
        return float("nan")
    for item in extensions.iter():
        if _local(item.tag) == name:
            return _float(item)
    return float("nan")


def read_tcx(data: bytes, sport_hint: str | None = None) -> ParsedActivity:
    """One activity from a TCX file (see the module docstring)."""
    text, warnings = decode_xml_text(data)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ActivityFileError(f"not a readable TCX file: {exc}") from None
    if _local(root.tag) != "TrainingCenterDatabase":
        raise ActivityFileError("not a TCX file (no TrainingCenterDatabase element)")
    activities = [e for e in root.iter() if _local(e.tag) == "Activity"]
    laps = [lap for activity in activities for lap in _children(activity, "Lap")]
    if not laps:
        raise ActivityFileError("no laps: the TCX file holds no recorded activity")
    starts = sorted(t for a in activities if (t := _activity_start(a)) == t)
    if len(starts) > 1 and starts[-1] - starts[0] > SEPARATE_ACTIVITIES_S:
        raise ActivityFileError(
            f"holds {len(activities)} separate activities (a history export); "
            "heavylegs imports one activity per file: export them one by one"
        )
    sports = {normalise_sport(a.get("Sport")) for a in activities}
    if sport_hint:
        sport, sub_sport = normalise_sport(sport_hint)
    elif len(sports) == 1:
        sport, sub_sport = sports.pop()
    else:
        sport, sub_sport = "multisport", None

    columns: dict[str, list[float]] = {k: [] for k in ("t", "d", "hr", "cad", "v", "alt")}
    for lap in laps:
        for point in lap.iter():
            if _local(point.tag) != "Trackpoint":
                continue
            columns["t"].append(_time(_text(_child(point, "Time"))))
            columns["d"].append(_float(_child(point, "DistanceMeters")))
            columns["hr"].append(_float(_child(point, "HeartRateBpm", "Value")))
            run_cadence = _extension(point, "RunCadence")
            columns["cad"].append(
                run_cadence if run_cadence == run_cadence else _float(_child(point, "Cadence"))
            )
            columns["v"].append(_extension(point, "Speed"))
            columns["alt"].append(_float(_child(point, "AltitudeMeters")))
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}
    cadence = arrays["cad"]
    cadence = (
        strides_to_steps(cadence, sport) if sport in FOOT_SPORTS else np.full(cadence.size, np.nan)
    )
    stream, start, altitude = build_stream(
        arrays["t"], arrays["d"], arrays["v"], arrays["hr"], cadence, arrays["alt"]
    )
    lap_starts = [t for lap in laps if (t := _time(lap.get("StartTime"))) == t]
    if lap_starts:
        start = min(lap_starts)
    if start is None:
        raise ActivityFileError("no times in the TCX file")

    lap_time = [_float(_child(lap, "TotalTimeSeconds")) for lap in laps]
    timer = _nansum(lap_time)
    distance = _nansum([_float(_child(lap, "DistanceMeters")) for lap in laps])
    if distance is None:
        distance = distance_covered(stream)
    duration = elapsed_seconds(stream)
    if stream.size:
        duration = float(stream.t[-1]) + (stream_start_gap(start, arrays["t"]))
    if duration is None or duration <= 0:
        duration = timer
    moving = moving_seconds(stream) or timer
    if moving is not None and duration is not None:
        moving = min(moving, duration)
    weights = [w if w == w else 0.0 for w in lap_time]
    avg_hr = _weighted(
        [_float(_child(lap, "AverageHeartRateBpm", "Value")) for lap in laps], weights
    )
    if avg_hr is None:
        avg_hr = weighted_mean(stream.heart_rate, sample_seconds(stream.t))
    max_hr = _nanmax([_float(_child(lap, "MaximumHeartRateBpm", "Value")) for lap in laps])
    if max_hr is None:
        max_hr = finite_max(stream.heart_rate)
    avg_cadence: float | None = None
    if sport in FOOT_SPORTS:
        lap_cadence = _weighted([_extension(lap, "AvgRunCadence") for lap in laps], weights)
        avg_cadence = 2.0 * lap_cadence if lap_cadence else average_cadence(stream)
    return ParsedActivity(
        format=SourceFormat.TCX,
        sport=sport,
        sub_sport=sub_sport,
        start_utc=dt.datetime.fromtimestamp(round(start), dt.UTC),
        utc_offset_s=None,
        duration_s=duration,
        moving_s=moving,
        distance_m=distance,
        avg_hr=avg_hr,
        max_hr=max_hr,
        avg_cadence_spm=avg_cadence,
        elevation_gain_m=elevation_gain(altitude),
        run_distance_m=distance if sport == RUNNING else None,
        stream=stream,
        warnings=tuple(warnings),
        hr_seconds=hr_seconds(stream),
    )


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
