"""Times for untimed (hand-digitised) points, assigned along geodesic distance.

An untimed track is still a :class:`~overflight.model.Track`: its ``time`` is the cumulative
geodesic distance along the points in metres (as if flown at 1 m/s, first point at 0) and
``meta["timing"] == "distance"``. Every geometric result of a check (entry and exit points,
depth, distance inside) is then exact; only the "seconds" are metres along the track.

Timing options turn the distance into real time:

* a constant speed (``speed_mps``), optionally anchored by ``start`` (time at the first point)
  or ``end`` (time at the last point); with a speed alone the times count from the first point
  (``meta["time_origin"] == "first-point"``: durations are real, dates are unknown);
* a ``start`` and an ``end`` time, constant speed between;
* times known for some points (``known_times``, NaN where unknown): piecewise constant speed
  between known points; points before the first or after the last known time need a speed.

``timing`` values: ``"distance"`` (no timing), ``"measured"`` (every point has its time),
``"speed"``, ``"start-end"``, ``"partial"``.

This module knows only the model (formats may not import overflight.geometry): it holds its
own ``pyproj.Geod`` on the same WGS84 ellipsoid with the same (Karney) algorithm.

>>> times, timing = assign_times([0.0, 1.0], [0.0, 0.0], speed_mps=111319.49079327357)
>>> [round(float(t), 9) for t in times], timing
([0.0, 1.0], 'speed')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

from ...errors import ParseError
from ...model import Track

__all__ = [
    "TIMINGS",
    "TimingError",
    "apply_timing",
    "assign_times",
    "cumulative_distance",
    "untimed_track",
]

F64 = NDArray[np.float64]
TIMINGS = ("measured", "distance", "speed", "start-end", "partial")
_GEOD = Geod(ellps="WGS84")


class TimingError(ValueError):
    """Times cannot be assigned; ``index`` is the point at fault (0-based)."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(reason)


def cumulative_distance(lon: ArrayLike, lat: ArrayLike) -> F64:
    """Geodesic distance (m, WGS84) from the first point to each point along the polyline.

    >>> [round(float(d), 3) for d in cumulative_distance([0.0, 1.0, 1.0], [0.0, 0.0, 1.0])]
    [0.0, 111319.491, 221893.879]
    """
    lo = np.asarray(lon, dtype=np.float64).reshape(-1)
    la = np.asarray(lat, dtype=np.float64).reshape(-1)
    if lo.size < 2:
        return np.zeros(lo.size)
    _, _, d = _GEOD.inv(
        lo[:-1].copy(), la[:-1].copy(), lo[1:].copy(), la[1:].copy(), return_back_azimuth=False
    )
    return np.concatenate([[0.0], np.cumsum(np.asarray(d, dtype=np.float64))])


def _check_speed(speed_mps: float | None) -> None:
    if speed_mps is not None and not (math.isfinite(speed_mps) and speed_mps > 0):
        raise TimingError(0, f"speed must be positive and finite, got {speed_mps!r}")


def _partial(d: F64, known: F64, speed_mps: float | None) -> F64:
    idx = np.flatnonzero(np.isfinite(known))
    kt = known[idx]
    back = np.flatnonzero(np.diff(kt) <= 0)
    if back.size:
        i, j = int(idx[back[0]]), int(idx[back[0] + 1])
        what = "goes back" if kt[back[0] + 1] < kt[back[0]] else "does not advance"
        raise TimingError(j, f"time {what} from the known time of point {i + 1}")
    if idx[0] > 0 and speed_mps is None:
        raise TimingError(0, "points before the first known time need a speed (--speed)")
    if idx[-1] < d.size - 1 and speed_mps is None:
        raise TimingError(
            int(idx[-1]) + 1, "points after the last known time need a speed (--speed)"
        )
    if idx.size == 1:
        assert speed_mps is not None
        return kt[0] + (d - d[idx[0]]) / speed_mps
    t = np.interp(d, d[idx], kt)
    if speed_mps is not None:
        t = np.where(d < d[idx[0]], kt[0] - (d[idx[0]] - d) / speed_mps, t)
        t = np.where(d > d[idx[-1]], kt[-1] + (d - d[idx[-1]]) / speed_mps, t)
    return t


def assign_times(
    lon: ArrayLike,
    lat: ArrayLike,
    known_times: ArrayLike | None = None,
    speed_mps: float | None = None,
    start: float | None = None,
    end: float | None = None,
) -> tuple[F64, str]:
    """Times (UTC epoch seconds, or metres/seconds from the first point) and the timing used.

    ``known_times`` holds one time per point, NaN where unknown (None: none known). Raises
    :class:`TimingError` naming the point at fault when the options contradict each other or
    do not suffice (see the module doc). Consecutive points must differ.

    >>> t, how = assign_times([0.0, 0.5, 1.0], [0.0, 0.0, 0.0], [100.0, np.nan, 200.0])
    >>> [round(float(x), 6) for x in t], how
    ([100.0, 150.0, 200.0], 'partial')
    >>> assign_times([0.0, 1.0], [0.0, 0.0], start=0.0, end=10.0)[1]
    'start-end'
    """
    d = cumulative_distance(lon, lat)
    n = d.size
    _check_speed(speed_mps)
    known = (
        np.full(n, np.nan)
        if known_times is None
        else np.asarray(known_times, dtype=np.float64).reshape(-1)
    )
    if known.size != n:
        raise TimingError(0, f"{known.size} known times for {n} points")
    n_known = int(np.isfinite(known).sum())
    anchored = start is not None or end is not None
    if n_known == n and n:
        if speed_mps is not None or anchored:
            raise TimingError(0, "every point has a time: --speed/--start/--end do not apply")
        return _partial(d, known, None), "measured"
    if n_known:
        if anchored:
            raise TimingError(0, "the file gives times for some points: --start/--end do not apply")
        return _partial(d, known, speed_mps), "partial"
    total = float(d[-1]) if n else 0.0
    if speed_mps is not None:
        if start is not None and end is not None:
            raise TimingError(0, "give a speed, or a start and an end time, not all three")
        if start is not None:
            return start + d / speed_mps, "speed"
        if end is not None:
            return end - (total - d) / speed_mps, "speed"
        return d / speed_mps, "speed"
    if start is not None and end is not None:
        if not end > start:
            raise TimingError(n - 1, "the end time is not after the start time")
        if not total > 0:
            raise TimingError(0, "a start and an end time need at least two distinct points")
        return start + (end - start) * d / total, "start-end"
    if anchored:
        which = "--start" if start is not None else "--end"
        raise TimingError(0, f"{which} needs {'--end' if start is not None else '--start'} "
                          "or a speed (--speed)")  # fmt: skip
    return d, "distance"


def untimed_track(
    id: str,
    lon: Sequence[float],
    lat: Sequence[float],
    *,
    alt_geo: Sequence[float] | None = None,
    source: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Track:
    """A Track of untimed points: ``time`` = cumulative geodesic distance (m),
    ``meta["timing"] = "distance"``. Consecutive points must differ (ValueError otherwise).

    >>> t = untimed_track("m", [0.0, 1.0], [0.0, 0.0])
    >>> round(t.duration, 3), t.meta["timing"]
    (111319.491, 'distance')
    """
    d = cumulative_distance(lon, lat)
    return Track.from_arrays(
        id,
        time=d,
        lat=lat,
        lon=lon,
        alt_geo=alt_geo,
        source=source,
        meta={**(meta or {}), "timing": "distance"},
    )


def apply_timing(
    track: Track,
    *,
    speed_mps: float | None = None,
    start: float | None = None,
    end: float | None = None,
) -> Track:
    """The track with times assigned from the options (see the module doc).

    A track whose ``meta["timing"]`` is not ``"distance"`` is returned unchanged when no option
    is given and is an error with one. ``meta["known_times"]`` (one time or NaN per point) are
    the times the file gave; ``meta["lines"]`` (one line or record per point) place errors.
    Raises :class:`~overflight.errors.ParseError` ``path:line: reason``.

    >>> t = apply_timing(untimed_track("m", [0.0, 1.0], [0.0, 0.0]), speed_mps=111319.49079327357)
    >>> round(t.duration, 9), t.meta["timing"], t.meta["time_origin"]
    (1.0, 'speed', 'first-point')
    """
    timing = track.meta.get("timing", "measured")
    given = speed_mps is not None or start is not None or end is not None
    if timing != "distance":
        if given:
            raise ParseError(
                track.source,
                None,
                f"track {track.id!r} has measured times: --speed/--start/--end apply to "
                "untimed tracks only",
            )
        return track
    known = track.meta.get("known_times")
    if not given and known is None:
        return track
    lines = track.meta.get("lines")
    try:
        times, how = assign_times(track.lon, track.lat, known, speed_mps, start, end)
    except TimingError as exc:
        where = lines[exc.index] if lines is not None and exc.index < len(lines) else None
        raise ParseError(track.source, where, exc.reason) from None
    meta = {k: v for k, v in track.meta.items() if k not in ("known_times", "lines")}
    meta["timing"] = how
    if how == "speed" and start is None and end is None:
        meta["time_origin"] = "first-point"
    if speed_mps is not None:
        meta["speed_mps"] = float(speed_mps)
    return track.replaced(time=times, meta=meta)
