"""From a reader's raw samples to a :class:`Stream` and the summary values computed from it.

Shared by every reader, so a GPX and a FIT of the same run are summarised the same way when
the file has no summary of its own. Rules, and why:

* At most one sample per second (the last one in each second): enough for load and cadence,
  and it keeps ten years of history small.
* Samples whose time goes backwards are dropped (a clock jump, not a run).
* A gap longer than :data:`PAUSE_GAP_S` is a pause: it adds no time, load or moving time.
* Values outside what a body or a runner can do (heart rate outside 20–250 bpm, speed above
  30 m/s, cadence above 300 spm) are treated as sensor errors (NaN).
"""

from __future__ import annotations

import numpy as np

from heavylegs.training.model import FloatArray, Stream

PAUSE_GAP_S = 15.0
MOVING_SPEED_MPS = 0.5
ELEVATION_HYSTERESIS_M = 3.0
HR_RANGE = (20.0, 250.0)
MAX_SPEED_MPS = 30.0
MAX_CADENCE_SPM = 300.0


def _clean(values: FloatArray, low: float, high: float) -> FloatArray:
    out = values.astype(np.float64, copy=True)
    with np.errstate(invalid="ignore"):
        out[(out < low) | (out > high)] = np.nan
    return out


def build_stream(
    time_unix: FloatArray,
    distance_m: FloatArray,
    speed_mps: FloatArray,
    heart_rate: FloatArray,
    cadence_spm: FloatArray,
    altitude_m: FloatArray | None = None,
) -> tuple[Stream, float | None, FloatArray]:
    """The stream, its start (Unix seconds, ``None`` when no sample has a time) and altitude.

    All inputs have one value per sample (NaN = none).
    """
    if altitude_m is None:
        altitude_m = np.full(time_unix.size, np.nan)
    keep = np.isfinite(time_unix)
    if keep.any():
        running_max = np.maximum.accumulate(np.where(keep, time_unix, -np.inf))
        keep &= time_unix >= running_max
    if not keep.any():
        return Stream.empty(), None, np.empty(0)
    t = time_unix[keep]
    start = float(t[0])
    seconds = np.floor(t - start)
    last = np.flatnonzero(np.r_[seconds[1:] != seconds[:-1], True])
    pick = np.flatnonzero(keep)[last]
    distance = _clean(distance_m[pick], 0.0, 1e8)
    speed = _clean(speed_mps[pick], 0.0, MAX_SPEED_MPS)
    stream = Stream(
        t=seconds[last].astype(np.float64),
        distance_m=distance,
        speed_mps=speed,
        heart_rate=_clean(heart_rate[pick], *HR_RANGE),
        cadence_spm=_clean(cadence_spm[pick], 0.0, MAX_CADENCE_SPM),
    )
    if np.isnan(speed).all() and np.isfinite(distance).sum() >= 2:
        stream = _with_speed_from_distance(stream)
    return stream, start, altitude_m[pick].astype(np.float64)


def _with_speed_from_distance(stream: Stream) -> Stream:
    d = stream.distance_m
    ok = np.flatnonzero(np.isfinite(d))
    speed = np.full(stream.size, np.nan)
    dt = np.diff(stream.t[ok])
    dd = np.diff(d[ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(dt > 0, dd / dt, np.nan)
    speed[ok[1:]] = rate
    speed = _clean(speed, 0.0, MAX_SPEED_MPS)
    return Stream(stream.t, stream.distance_m, speed, stream.heart_rate, stream.cadence_spm)


def sample_seconds(t: FloatArray) -> FloatArray:
    """Seconds each sample stands for: the gap since the previous one, 0 across a pause."""
    if t.size == 0:
        return np.empty(0)
    gaps = np.diff(t, prepend=t[0])
    gaps[gaps > PAUSE_GAP_S] = 0.0
    return gaps


def weighted_mean(values: FloatArray, weights: FloatArray) -> float | None:
    ok = np.isfinite(values) & (weights > 0)
    total = float(weights[ok].sum())
    if total <= 0:
        return None
    return float((values[ok] * weights[ok]).sum() / total)


def finite_max(values: FloatArray) -> float | None:
    ok = values[np.isfinite(values)]
    return float(ok.max()) if ok.size else None


def hr_seconds(stream: Stream) -> tuple[tuple[int, float], ...]:
    """Seconds at each whole heart rate (rounded bpm), for heart-rate load formulas."""
    weights = sample_seconds(stream.t)
    hr = stream.heart_rate
    ok = np.isfinite(hr) & (weights > 0)
    if not ok.any():
        return ()
    bpm = np.rint(hr[ok]).astype(np.int64)
    totals = np.bincount(bpm, weights=weights[ok])
    return tuple((int(b), float(totals[b])) for b in np.flatnonzero(totals))


def moving_seconds(stream: Stream) -> float | None:
    """Seconds moving at :data:`MOVING_SPEED_MPS` or faster; ``None`` without speed data."""
    speed = stream.speed_mps
    if not np.isfinite(speed).any():
        return None
    weights = sample_seconds(stream.t)
    with np.errstate(invalid="ignore"):
        moving = speed >= MOVING_SPEED_MPS
    return float(weights[moving].sum())


def elapsed_seconds(stream: Stream) -> float | None:
    return float(stream.t[-1] - stream.t[0]) if stream.size >= 2 else None


def distance_covered(stream: Stream) -> float | None:
    d = stream.distance_m[np.isfinite(stream.distance_m)]
    if d.size < 2:
        return None
    return float(d.max() - d[0])


def elevation_gain(altitude: FloatArray) -> float | None:
    """Total climb with a hysteresis, so GPS/barometer noise does not add up to hills."""
    alt = altitude[np.isfinite(altitude)]
    if alt.size < 2:
        return None
    gain = 0.0
    reference = float(alt[0])
    for value in alt.tolist():
        if value - reference >= ELEVATION_HYSTERESIS_M:
            gain += value - reference
            reference = value
        elif reference - value >= ELEVATION_HYSTERESIS_M:
            reference = value
    return gain


def average_cadence(stream: Stream) -> float | None:
    """Time-weighted mean cadence while stepping (zeros are standing still, not a cadence)."""
    cadence = stream.cadence_spm
    with np.errstate(invalid="ignore"):
        stepping = np.where(cadence > 0, cadence, np.nan)
    return weighted_mean(stepping, sample_seconds(stream.t))


def haversine_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Cumulative distance along a track (NaN positions add nothing), metres."""
    if lat.size == 0:
        return np.empty(0)
    rad_lat = np.radians(lat)
    rad_lon = np.radians(lon)
    dlat = np.diff(rad_lat)
    dlon = np.diff(rad_lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(rad_lat[:-1]) * np.cos(rad_lat[1:]) * np.sin(dlon / 2) ** 2
    step = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    step[~np.isfinite(step)] = 0.0
    return np.concatenate([[0.0], np.cumsum(step)])


def strides_to_steps(cadence: FloatArray, sport: str) -> FloatArray:
    """Double a per-leg cadence (strides or revolutions per minute) into steps per minute.

    Files from GPX writers differ: Garmin and Strava write strides per minute (a run shows
    ~80-90), a few apps write steps (~160-180). A running file whose median non-zero cadence is
    already 120 or more (walking: 80 or more) is taken as steps and left alone.
    """
    positive = cadence[np.isfinite(cadence) & (cadence > 0)]
    if positive.size:
        threshold = 120.0 if sport == "running" else 80.0
        if float(np.median(positive)) >= threshold:
            return cadence.astype(np.float64, copy=True)
    return cadence * 2.0
