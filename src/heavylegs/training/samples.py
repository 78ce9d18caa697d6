"""From a reader's raw samples to a :class:`Stream` and the summary values computed from it.

Shared by every reader, so a GPX and a FIT of the same run are summarised the same way when
the file has no summary of its own. Rules, and why:

* At most one sample per second (the last one in each second): enough for load and cadence,
  and it keeps ten years of history small.
* Samples whose time goes backwards are dropped (a clock jump, not a run), and so are those
  more than :data:`MAX_SPAN_S` from the median time: a clock not yet set (1970, 2000) or a
  damaged date on one point made the whole track start then and was refused.
* A gap longer than :data:`PAUSE_GAP_S` is a pause (it adds no time, load or moving time),
  unless the distance advanced over it at a moving pace (:data:`GAP_MIN_SPEED_MPS` to
  :data:`GAP_MAX_SPEED_MPS`): devices that record "smartly" leave gaps of 20-60 s while the
  runner keeps running, and counting those as stops made moving time 11-20 % short. Heart-rate
  seconds (behind TRIMP) follow the same rule.
* Cadence is one definition for every format: the time-weighted mean of the non-zero samples
  (zero is standing still, not a cadence). Whether a file's cadence is per leg (strides, to be
  doubled) or steps is decided by :func:`steps_factor` from the step length it implies at the
  recorded speed, not from the cadence alone.
* Values outside what a body or a runner can do (heart rate outside 20–250 bpm, speed above
  30 m/s, cadence above 300 spm) are treated as sensor errors (NaN).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heavylegs.training.model import FloatArray, Stream

PAUSE_GAP_S = 15.0
MOVING_SPEED_MPS = 0.5
GAP_MIN_SPEED_MPS = 1.0
GAP_MAX_SPEED_MPS = 7.0
STEP_LENGTH_M = (0.25, 2.0)
"""Plausible step lengths (one foot strike to the next), walking uphill to sprinting."""
STEP_RATE_SPM = (60.0, 240.0)
"""Plausible steps per minute, slow walk to sprint."""
ELEVATION_HYSTERESIS_M = 3.0
HR_RANGE = (20.0, 250.0)
MAX_SPEED_MPS = 30.0
MAX_CADENCE_SPM = 300.0
MAX_SPAN_S = 14 * 24 * 3600.0
"""The longest activity heavylegs stores (see :mod:`sanity`)."""


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
    keep = np.isfinite(time_unix) & ~far_from_the_rest(time_unix)
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


def far_from_the_rest(time_unix: FloatArray) -> npt.NDArray[np.bool_]:
    """Per sample: dated more than :data:`MAX_SPAN_S` from the median time (left out)."""
    finite = time_unix[np.isfinite(time_unix)]
    if not finite.size:
        return np.zeros(time_unix.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.abs(time_unix - float(np.median(finite))) > MAX_SPAN_S


def clock_note(time_unix: FloatArray) -> str | None:
    """The warning for samples :func:`build_stream` leaves out as far from the rest."""
    far = int(far_from_the_rest(time_unix).sum())
    if not far:
        return None
    return (
        f"{far} of {time_unix.size} samples are dated more than {MAX_SPAN_S / 86400:.0f} days "
        "from the rest (a clock not yet set, or damage): left out"
    )


def order_note(time_unix: FloatArray) -> str | None:
    """The warning for samples :func:`build_stream` leaves out for their time: none that can be
    read, or earlier than a sample before them (a reversed or shuffled file lost its heart
    rate without a word)."""
    untimed = int((~np.isfinite(time_unix)).sum())
    dated = np.isfinite(time_unix) & ~far_from_the_rest(time_unix)
    running_max = np.maximum.accumulate(np.where(dated, time_unix, -np.inf))
    backwards = int((dated & (time_unix < running_max)).sum())
    parts = []
    if untimed:
        parts.append(f"{untimed} of {time_unix.size} samples have no readable time")
    if backwards:
        parts.append(f"{backwards} of {time_unix.size} samples are earlier than one before them")
    return "; ".join(parts) + ": left out" if parts else None


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


def gap_moving(t: FloatArray, distance: FloatArray) -> npt.NDArray[np.bool_]:
    """Per sample: a long gap before it over which the distance advanced at a moving pace."""
    if t.size == 0:
        return np.zeros(0, dtype=bool)
    gaps = np.diff(t, prepend=t[0])
    advanced = np.diff(distance, prepend=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = advanced / gaps
        return (gaps > PAUSE_GAP_S) & (pace >= GAP_MIN_SPEED_MPS) & (pace <= GAP_MAX_SPEED_MPS)


def sample_seconds(t: FloatArray, distance: FloatArray | None = None) -> FloatArray:
    """Seconds each sample stands for: the gap since the previous one, 0 across a pause.

    With ``distance``, a long gap over which the runner kept moving is not a pause (see the
    module docstring).
    """
    if t.size == 0:
        return np.empty(0)
    gaps = np.diff(t, prepend=t[0])
    pause = gaps > PAUSE_GAP_S
    if distance is not None:
        pause &= ~gap_moving(t, distance)
    gaps[pause] = 0.0
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
    weights = sample_seconds(stream.t, stream.distance_m)
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
    weights = sample_seconds(stream.t, stream.distance_m)
    with np.errstate(invalid="ignore"):
        moving = (speed >= MOVING_SPEED_MPS) | gap_moving(stream.t, stream.distance_m)
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
    return weighted_mean(stepping, sample_seconds(stream.t, stream.distance_m))


def haversine_m(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Cumulative distance along a track (NaN positions add nothing), metres."""
    return track_distance(lat, lon)[0]


GLITCH_SPEED_MPS = 100.0
"""A step between two positions faster than this (360 km/h) is a GPS glitch, not a movement."""


def track_distance(
    lat: FloatArray, lon: FloatArray, t: FloatArray | None = None
) -> tuple[FloatArray, int]:
    """Cumulative distance along a track, metres, and how many steps were left out.

    Left out: steps to or from a position off the globe (a latitude beyond 90 degrees, a
    longitude beyond 180), and, with times ``t``, steps faster than :data:`GLITCH_SPEED_MPS`.
    Why: one corrupt point (latitude 145, or a jump to 0,0) made a 2.7 km walk 22,000 km.
    """
    if lat.size == 0:
        return np.empty(0), 0
    with np.errstate(invalid="ignore"):
        off = (np.abs(lat) > 90.0) | (np.abs(lon) > 180.0)
    rad_lat = np.radians(np.where(off, np.nan, lat))
    rad_lon = np.radians(np.where(off, np.nan, lon))
    dlat = np.diff(rad_lat)
    dlon = np.diff(rad_lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(rad_lat[:-1]) * np.cos(rad_lat[1:]) * np.sin(dlon / 2) ** 2
    step = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    bad = (off[:-1] | off[1:]) & ~(np.isnan(lat[:-1]) | np.isnan(lat[1:]))
    if t is not None:
        with np.errstate(invalid="ignore"):
            bad |= step > GLITCH_SPEED_MPS * np.maximum(np.diff(t), 1.0)
    step[bad | ~np.isfinite(step)] = 0.0
    return np.concatenate([[0.0], np.cumsum(step)]), int(bad.sum())


def _speed_from(t: FloatArray, distance: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.diff(distance, prepend=np.nan) / np.diff(t, prepend=np.nan)


def expected_cadence(speed_mps: float) -> float:
    """A typical step rate at ``speed_mps``: ~135 spm walking briskly, ~170 at 3 m/s running."""
    return min(max(110.0 + 20.0 * speed_mps, 110.0), 200.0)


def steps_factor(
    cadence: FloatArray, speed_mps: FloatArray | None = None, sport: str = "running"
) -> float:
    """1.0 when ``cadence`` is already steps per minute, 2.0 when it counts one leg (strides).

    Decided by the step length each reading implies at the recorded speed: only a factor whose
    median step rate (:data:`STEP_RATE_SPM`) and step length (:data:`STEP_LENGTH_M`) are both
    plausible qualifies; if both do, the one nearer the usual step rate at that speed wins. An
    uphill run in steps (160 at 1.5 m/s) stays 160, not 320; a jog in strides (85 at 2 m/s)
    becomes 170. Without speed, the median cadence decides (a running file at 120 or more, a
    walk at 80 or more, is taken as steps).
    """
    ok = np.isfinite(cadence) & (cadence > 0)
    if speed_mps is not None and speed_mps.size == cadence.size:
        with np.errstate(invalid="ignore"):
            moving = ok & np.isfinite(speed_mps) & (speed_mps >= MOVING_SPEED_MPS)
        if moving.sum() >= 1:
            rate = float(np.median(cadence[moving]))
            speed = float(np.median(speed_mps[moving]))
            step = float(np.median(speed_mps[moving] * 60.0 / cadence[moving]))
            plausible = [
                f for f in (1.0, 2.0)
                if STEP_RATE_SPM[0] <= rate * f <= STEP_RATE_SPM[1]
                and STEP_LENGTH_M[0] <= step / f <= STEP_LENGTH_M[1]
            ]  # fmt: skip
            if len(plausible) == 1:
                return plausible[0]
            if plausible:
                usual = expected_cadence(speed)
                return min(plausible, key=lambda f: abs(math.log(rate * f / usual)))
    positive = cadence[ok]
    if positive.size:
        threshold = 120.0 if sport == "running" else 80.0
        if float(np.median(positive)) >= threshold:
            return 1.0
    return 2.0


def strides_to_steps(
    cadence: FloatArray,
    sport: str,
    speed_mps: FloatArray | None = None,
    *,
    t: FloatArray | None = None,
    distance_m: FloatArray | None = None,
) -> FloatArray:
    """Cadence in steps per minute, doubling a per-leg cadence (see :func:`steps_factor`).

    Files from GPX and TCX writers differ: Garmin and Strava write strides per minute (a run
    shows ~80-90), a few apps write steps (~160-180). The speed comes from ``speed_mps`` or,
    when that has no values, from ``distance_m`` over ``t``.
    """
    speed = speed_mps
    if (speed is None or not np.isfinite(speed).any()) and t is not None and distance_m is not None:
        speed = _speed_from(t, distance_m)
    return cadence * steps_factor(cadence, speed, sport)


@dataclass(frozen=True)
class Figures:
    """Summary figures of one activity; ``None`` where unknown."""

    distance_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    elevation_gain_m: float | None = None


def device_else_samples(
    device: Figures, stream: Stream, altitude: FloatArray, *, distance_gaps: bool = True
) -> Figures:
    """Each figure from the file's own summary (FIT sessions, TCX laps) where it has one, else
    computed from the samples, so every reader fills the gaps by the same rules. GPX has no
    summary: everything comes from its points. ``distance_gaps``: heart-rate seconds count the
    gaps over which the distance advanced (see :func:`sample_seconds`); GPX weighs by time only.
    """
    return Figures(
        distance_m=device.distance_m if device.distance_m is not None else distance_covered(stream),
        avg_hr=device.avg_hr
        if device.avg_hr is not None
        else weighted_mean(
            stream.heart_rate,
            sample_seconds(stream.t, stream.distance_m if distance_gaps else None),
        ),
        max_hr=device.max_hr if device.max_hr is not None else finite_max(stream.heart_rate),
        elevation_gain_m=device.elevation_gain_m
        if device.elevation_gain_m is not None
        else elevation_gain(altitude),
    )
