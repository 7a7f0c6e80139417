"""One window of a :class:`~.path.PathSet` for the compiled depth search
(:mod:`.extremum_compiled`): a time's segment, positions on the chords and on the geodesics,
the segments' lengths (solved on first use, bounded from the mean sphere before), and the
search's sample times. The same formulas, in the same order, as the numpy path's.

A window travels as one tuple ``win = (time, lon, lat, unit vectors, azimuth, length,
solved)`` of every window's fixes end to end (the last three filled as segments are
solved), with its first fix ``w0`` and its number of fixes ``m``; PROJ's geodesic struct as
``geo = (its address, a scratch buffer's address, the buffer)`` (:mod:`.geodesic_c`).
Compiled on first use and cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .frame_compiled import hyp
from .geodesic import MEAN_RADIUS
from .geodesic_c import c_direct, c_inverse
from .jit import jit

__all__ = [
    "clip",
    "exact_at",
    "haversine1",
    "longest_segment",
    "plane_at",
    "sample_times",
    "sphere_bounds",
]

F64 = NDArray[np.float64]
Window = tuple[np.ndarray, ...]
"""(time, lon, lat, unit vectors, azimuth, length, solved) of the windows' fixes."""
Geo = tuple[int, int, F64]
"""PROJ's geodesic struct's address, a scratch buffer's address, the buffer."""
Bounds = tuple[F64, F64]
"""Each segment's length's lower and upper bound (:func:`sphere_bounds`)."""

_R = MEAN_RADIUS
_RAD = math.pi / 180.0
_DEG = 180.0 / math.pi
_SLACK = 1.01  # path.SPHERE_SLACK
_NEAR_M = 1_000_000.0


@jit(error_model="numpy")
def clip(x: float, lo: float, hi: float) -> float:
    """``np.clip`` of one value (NaN stays NaN)."""
    return lo if x < lo else hi if x > hi else x


@jit(error_model="numpy")
def _segment(wt: F64, w0: int, m: int, t: float) -> int:
    """The window's segment (its first fix) holding ``t``, as
    :meth:`~.path.PathSet.points_at` finds it (``searchsorted(..., "right") - 1``, clipped
    to the window's segments)."""
    a, b = w0, w0 + m
    while a < b:
        mid = (a + b) >> 1
        if wt[mid] <= t:
            a = mid + 1
        else:
            b = mid
    return w0 + int(clip(a - w0 - 1, 0, max(m - 2, 0)))


@jit(error_model="numpy")
def _solve(win: Window, g: int, geo: Geo) -> None:
    """Segment ``g``'s geodesic (azimuth, length), solved on first use."""
    _, lon, lat, _, az, dist, known = win
    if not known[g]:
        a, _, d = c_inverse(geo[0], geo[1], geo[2], lon[g], lat[g], lon[g + 1], lat[g + 1])
        az[g], dist[g] = a, d
        known[g] = True


@jit(error_model="numpy")
def haversine1(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """:func:`~.geodesic.haversine` of one pair."""
    p1, p2 = lat1 * _RAD, lat2 * _RAD
    dp = p2 - p1
    dl = (lon2 - lon1) * _RAD
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * _R * math.asin(math.sqrt(clip(a, 0.0, 1.0)))


@jit(error_model="numpy")
def sphere_bounds(win: Window, w0: int, m: int) -> tuple[F64, F64]:
    """Bounds on the window's segments' geodesic lengths from the mean sphere's
    (:meth:`~.path.PathSet._length_bounds`), segment ``g`` at ``g - w0``."""
    _, lon, lat = win[:3]
    lo, hi = np.zeros(max(m - 1, 0)), np.zeros(max(m - 1, 0))
    for k in range(m - 1):
        g = w0 + k
        h = haversine1(lon[g], lat[g], lon[g + 1], lat[g + 1])
        if h < _NEAR_M:
            lo[k], hi[k] = max(h / _SLACK - 1e-6, 0.0), h * _SLACK + 1e-6
        else:
            lo[k], hi[k] = 0.0, math.inf
    return lo, hi


@jit(error_model="numpy")
def _bounds(win: Window, lo: F64, hi: F64, g: int, w0: int) -> tuple[float, float]:
    """Bounds on segment ``g``'s geodesic length: exact once solved."""
    dist, known = win[5], win[6]
    if known[g]:
        return dist[g], dist[g]
    return lo[g - w0], hi[g - w0]


@jit(error_model="numpy")
def plane_at(win: Window, w0: int, m: int, t: float) -> tuple[float, float]:
    """Position at ``t`` on the chord between its segment's ends' unit vectors
    (:meth:`~.path.PathSet.points_at` with ``exact=False``)."""
    wt, lon, lat, u = win[:4]
    g = _segment(wt, w0, m, t)
    if m < 2:
        return lon[g], lat[g]
    n = g + 1
    f = clip((t - wt[g]) / (wt[n] - wt[g]), 0.0, 1.0)
    v0 = (1.0 - f) * u[g, 0] + f * u[n, 0]
    v1 = (1.0 - f) * u[g, 1] + f * u[n, 1]
    v2 = (1.0 - f) * u[g, 2] + f * u[n, 2]
    return math.atan2(v1, v0) * _DEG, math.atan2(v2, hyp(v0, v1)) * _DEG


@jit(error_model="numpy")
def exact_at(win: Window, w0: int, m: int, t: float, geo: Geo) -> tuple[float, float]:
    """Position at ``t`` on its segment's geodesic (:meth:`~.path.PathSet.points_at`)."""
    wt, lon, lat, _, az, dist, _ = win
    g = _segment(wt, w0, m, t)
    if m < 2:
        return lon[g], lat[g]
    n = g + 1
    f = clip((t - wt[g]) / (wt[n] - wt[g]), 0.0, 1.0)
    if f == 0.0:
        return lon[g], lat[g]
    if f == 1.0:
        return lon[n], lat[n]
    _solve(win, g, geo)
    x, y, _ = c_direct(geo[0], geo[1], geo[2], lon[g], lat[g], az[g], dist[g] * f)
    return x, y


@jit(error_model="numpy")
def sample_times(
    win: Window, w0: int, m: int, t0: float, t1: float, step_m: float, bounds: Bounds, geo: Geo
) -> F64:
    """:func:`~.extremum_rounds.samples_many` of one stretch ``t0 < t1``: the start, the
    fixes strictly inside and the end as knots, each interval between two cut into equal
    times every ``step_m`` or less (:meth:`~.path.PathSet.steps`: a segment's geodesic
    solved only where its bounds leave the number open), then the end. Empty if a number
    is not finite."""
    wt = win[0]
    inner = np.empty(m)
    n_in = 0
    for i in range(w0, w0 + m):
        if wt[i] > t0 and wt[i] < t1:
            inner[n_in] = wt[i]
            n_in += 1
    knots = np.empty(n_in + 2)
    knots[0], knots[n_in + 1] = t0, t1
    for i in range(n_in):
        knots[i + 1] = inner[i]
    ks = np.empty(n_in + 1, np.int64)
    s_lo, s_hi = bounds
    for q in range(n_in + 1):
        ta, tb = knots[q], knots[q + 1]
        g = _segment(wt, w0, m, ta)
        n = g if m < 2 else g + 1
        dt = wt[n] - wt[g]
        fa = clip((ta - wt[g]) / dt, 0.0, 1.0)
        fb = clip((tb - wt[g]) / dt, 0.0, 1.0)
        f = fb - fa if (tb > ta and dt > 0) else 0.0
        d_lo, d_hi = _bounds(win, s_lo, s_hi, g, w0) if m >= 2 else (0.0, 0.0)
        k_lo = np.ceil(f * d_lo / step_m)
        if k_lo != np.ceil(f * d_hi / step_m):
            d = 0.0
            if m >= 2:
                _solve(win, g, geo)
                d = win[5][g]
            k = max(1.0, np.ceil(f * d / step_m))
        else:
            k = max(1.0, k_lo)
        if not np.isfinite(k):
            return np.empty(0)
        ks[q] = int(k)
    total = 0
    for q in range(n_in + 1):
        total += ks[q]
    ts = np.empty(total + 1)
    c = 0
    for q in range(n_in + 1):
        k = ks[q]
        for j in range(k):
            ts[c] = knots[q] + (j / k) * (knots[q + 1] - knots[q])
            c += 1
    ts[c] = t1
    return ts


@jit(error_model="numpy")
def longest_segment(win: Window, w0: int, m: int, bounds: Bounds, geo: Geo) -> float:
    """The window's longest segment's geodesic length (:meth:`~.path.PathSet.chord_error`:
    only the segments that may be the longest solved)."""
    if m < 2:
        return 0.0
    s_lo, s_hi = bounds
    floor = 0.0
    for g in range(w0, w0 + m - 1):
        floor = max(floor, _bounds(win, s_lo, s_hi, g, w0)[0])
    for g in range(w0, w0 + m - 1):
        if _bounds(win, s_lo, s_hi, g, w0)[1] >= floor:
            _solve(win, g, geo)
    longest = 0.0
    for g in range(w0, w0 + m - 1):
        if win[6][g]:
            longest = max(longest, win[5][g])
    return longest
