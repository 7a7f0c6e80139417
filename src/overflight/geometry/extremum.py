"""Largest depth inside, smallest distance outside: extrema of the exact distance to a boundary
over a continuous stretch of track.

The distance to the boundary changes by at most the distance flown (it is 1-Lipschitz along the
path), so after sampling every ``step_m`` metres no extremum hides more than ``step_m / 2`` from a
sample; each promising sample's neighbourhood is then searched exactly (golden section on the
ellipsoidal distance on a grid that zooms in around the best value).

>>> import numpy as np
>>> from overflight.model import Polygon, Vertex
>>> from overflight.geometry.boundary import polygon_edges
>>> from overflight.geometry.path import TrackPath
>>> pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))
>>> path = TrackPath.build(np.array([0.0, 1000.0]), np.array([-0.5, 1.5]), np.array([0.5, 0.5]))
>>> d, t, lon, lat = distance_extremum(path, pe, 250.0, 750.0, maximize=True)
>>> round(d / 1000, 1), round(t)  # half a degree of longitude is deeper than 0.5 deg latitude
(55.3, 500)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance import approx_boundary_distance, boundary_distance, edge_distance
from .geodesic import inverse
from .path import TrackPath

__all__ = ["distance_extremum"]

F64 = NDArray[np.float64]


def _samples(path: TrackPath, t0: float, t1: float, step_m: float) -> F64:
    inner = path.time[(path.time > t0) & (path.time < t1)]
    knots = np.concatenate([[t0], inner, [t1]])
    if knots.size < 2 or t1 <= t0:
        return np.array([t0])
    lon, lat = path.point_at(knots)
    d = inverse(lon[:-1], lat[:-1], lon[1:], lat[1:])[2]
    k = np.maximum(1, np.ceil(d / step_m)).astype(np.int64)
    idx = np.repeat(np.arange(knots.size - 1), k)
    j = np.arange(idx.size) - np.repeat(np.cumsum(k) - k, k)
    t = knots[idx] + (j / k[idx]) * (knots[idx + 1] - knots[idx])
    return np.append(t, t1)


def _tent_peaks(tt: F64, f: F64) -> F64:
    """Where the two lines through the grid values on either side of each row's best point
    meet: the place of a maximum that is a kink of two nearly straight slopes (the distance
    to two edges, each nearly linear along a geodesic), one per side of the best point, NaN
    where they do not meet inside their bracket."""
    m = tt.shape[1]
    rows = np.arange(tt.shape[0])
    j = np.clip(np.argmax(f, axis=1), 2, m - 3)
    out = []
    for lo in (j - 1, j):  # the kink lies in (lo, lo + 1): lines (lo-1, lo) and (lo+1, lo+2)
        x0, x1, x2, x3 = (tt[rows, lo + k] for k in (-1, 0, 1, 2))
        y0, y1, y2, y3 = (f[rows, lo + k] for k in (-1, 0, 1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            s1 = (y1 - y0) / (x1 - x0)
            s2 = (y3 - y2) / (x3 - x2)
            x = (y2 - y1 + s1 * x1 - s2 * x2) / (s1 - s2)
        ok = np.isfinite(x) & (x > x1) & (x < x2)
        out.append(np.where(ok, x, np.nan))
    return np.concatenate(out)


def _deepest_in_circle(
    path: TrackPath, circle: tuple[float, float, float], t0: float, t1: float
) -> tuple[float, float, float, float] | None:
    """Inside a circle the depth is ``r - d(centre, X)``: its maximum is ``r`` minus the least
    distance from the centre to the path's geodesic segments (exact, one search), or None
    if some knot of the stretch lies outside (then the general search applies)."""
    c_lon, c_lat, r = circle
    inner = path.time[(path.time > t0) & (path.time < t1)]
    knots = np.concatenate([[t0], inner, [t1]])
    lon, lat = path.point_at(knots)
    m = knots.size - 1
    d, flon, flat = edge_distance(
        np.full(m, c_lon), np.full(m, c_lat), lon[:-1], lat[:-1], lon[1:], lat[1:]
    )
    if not np.all(np.isfinite(d)) or d.max() > r:
        return None
    _, _, dk = inverse(c_lon, c_lat, lon, lat)
    if dk.max() > r:
        return None
    k = int(np.argmin(d))
    _, _, part = inverse(lon[k], lat[k], flon[k], flat[k])
    _, _, whole = inverse(lon[k], lat[k], lon[k + 1], lat[k + 1])
    frac = float(part / whole) if whole > 0 else 0.0
    t = float(knots[k] + min(1.0, frac) * (knots[k + 1] - knots[k]))
    return float(r - d[k]), t, float(flon[k]), float(flat[k])


def distance_extremum(
    path: TrackPath,
    pe: PolygonEdges,
    t0: float,
    t1: float,
    *,
    maximize: bool,
    step_m: float = 500.0,
    candidates: int = 3,
    points: int = 33,
    rounds: int = 3,
) -> tuple[float, float, float, float]:
    """Max (or min) over ``t0 <= t <= t1`` of the geodesic distance from the track to the
    boundary: (distance m, time, lon, lat).

    Samples every ``step_m`` (and at every fix) rank the stretch in the local plane; around
    the best ``candidates`` local extrema, ``rounds`` exact grids of ``points`` zoom in by
    ``(points - 1) / 2`` each. An extremum between two nearly straight slopes (a kink: the
    nearest edge changes there) is also placed where the lines through the grid values on
    either side meet, and evaluated exactly: the search then ends as precise as a much finer
    grid, in few calls to the exact distance.
    """
    if maximize and pe.circle is not None and t1 > t0:
        found = _deepest_in_circle(path, pe.circle, t0, t1)
        if found is not None:
            return found
    ts = _samples(path, t0, t1, step_m)
    lon, lat = path.point_at(ts)
    a = approx_boundary_distance(lon, lat, pe)
    sign = 1.0 if maximize else -1.0
    v = sign * a
    n = ts.size
    left = np.concatenate([[-np.inf], v[:-1]])
    right = np.concatenate([v[1:], [-np.inf]])
    local = (v >= left) & (v >= right)
    best = v.max()
    slack = 0.03 * np.abs(a).max() + step_m + 50.0
    pick = np.nonzero(local & (v >= best - slack))[0]
    pick = pick[np.argsort(-v[pick], kind="stable")][:candidates]
    lo = ts[np.maximum(pick - 1, 0)]
    hi = ts[np.minimum(pick + 1, n - 1)]
    probe_t = np.concatenate([ts[pick], [t0, t1]])
    probe_f = np.empty(0)
    grid = np.linspace(0.0, 1.0, points)
    extra = np.empty(0)  # kink estimates of the previous round, evaluated with this one
    for _ in range(rounds):
        if lo.size == 0:
            break
        tt = lo[:, None] + (hi - lo)[:, None] * grid[None, :]
        q = np.concatenate([tt.ravel(), extra])
        plon, plat = path.point_at(q)
        f, _, _ = boundary_distance(plon, plat, pe)
        probe_t = np.concatenate([probe_t, q])
        probe_f = np.concatenate([probe_f, f])
        g = sign * f[: tt.size].reshape(tt.shape)
        extra = _tent_peaks(tt, g) if points >= 6 else np.empty(0)
        extra = extra[np.isfinite(extra)]
        j = np.argmax(g, axis=1)
        rows = np.arange(lo.size)
        width = (hi - lo) / (points - 1)
        lo, hi = np.maximum(tt[rows, j] - width, lo), np.minimum(tt[rows, j] + width, hi)
    # the first probes (and the last kink estimates) still need their exact values
    head = probe_t[: pick.size + 2]
    rest_t = np.concatenate([head, extra])
    plon, plat = path.point_at(rest_t)
    f, _, _ = boundary_distance(plon, plat, pe)
    all_t = np.concatenate([probe_t[pick.size + 2 :], rest_t])
    all_f = np.concatenate([probe_f, f])
    k = int(np.argmax(sign * all_f))
    lon_k, lat_k = path.point_at(all_t[k : k + 1])
    return float(all_f[k]), float(all_t[k]), float(lon_k[0]), float(lat_k[0])
