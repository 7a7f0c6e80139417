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
from .distance import approx_boundary_distance, boundary_distance
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


def distance_extremum(
    path: TrackPath,
    pe: PolygonEdges,
    t0: float,
    t1: float,
    *,
    maximize: bool,
    step_m: float = 500.0,
    candidates: int = 3,
    points: int = 17,
    rounds: int = 6,
) -> tuple[float, float, float, float]:
    """Max (or min) over ``t0 <= t <= t1`` of the geodesic distance from the track to the
    boundary: (distance m, time, lon, lat)."""
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
    # zoom: evaluate exactly on a grid over every window at once, keep the best grid cell's
    # neighbours, repeat; each round narrows a window by (points - 1) / 2
    grid = np.linspace(0.0, 1.0, points)
    for _ in range(rounds):
        if lo.size == 0:
            break
        tt = lo[:, None] + (hi - lo)[:, None] * grid[None, :]
        plon, plat = path.point_at(tt.ravel())
        f, _, _ = boundary_distance(plon, plat, pe)
        f = sign * f.reshape(tt.shape)
        j = np.argmax(f, axis=1)
        rows = np.arange(lo.size)
        probe_t = np.concatenate([probe_t, tt[rows, j]])
        width = (hi - lo) / (points - 1)
        lo, hi = np.maximum(tt[rows, j] - width, lo), np.minimum(tt[rows, j] + width, hi)
    plon, plat = path.point_at(probe_t)
    f, _, _ = boundary_distance(plon, plat, pe)
    k = int(np.argmax(sign * f))
    return float(f[k]), float(probe_t[k]), float(plon[k]), float(plat[k])
