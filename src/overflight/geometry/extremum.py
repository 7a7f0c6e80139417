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

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance import approx_boundary_distance, boundary_distance, edge_distance
from .geodesic import forward, inverse
from .path import TrackPath

__all__ = ["distance_extrema", "distance_extremum"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


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
    return distance_extrema(
        [(path, pe, t0, t1)],
        maximize=maximize,
        step_m=step_m,
        candidates=candidates,
        points=points,
        rounds=rounds,
    )[0]


Stretch = tuple[TrackPath, PolygonEdges, float, float]


def _points_at(stretches: Sequence[Stretch], owner: I64, t: F64) -> tuple[F64, F64]:
    """:meth:`TrackPath.point_at` of many stretches' paths at once (``owner``: the stretch of
    each time): the same segments, fractions and geodesic calls, element by element."""
    single = np.zeros(t.shape, bool)
    lon1 = np.empty(t.shape)
    lat1 = np.empty(t.shape)
    lon2 = np.empty(t.shape)
    lat2 = np.empty(t.shape)
    frac = np.zeros(t.shape)
    order = np.argsort(owner, kind="stable")
    bounds = np.flatnonzero(np.r_[True, owner[order][1:] != owner[order][:-1], True])
    for a, b in itertools.pairwise(bounds):
        sel = order[a:b]
        path = stretches[int(owner[sel[0]])][0]
        if len(path) < 2:
            lon1[sel] = lon2[sel] = path.lon[0]
            lat1[sel] = lat2[sel] = path.lat[0]
            single[sel] = True
            continue
        seg, f = path.locate(t[sel])
        lon1[sel], lat1[sel] = path.lon[seg], path.lat[seg]
        lon2[sel], lat2[sel] = path.lon[seg + 1], path.lat[seg + 1]
        frac[sel] = f
    az, _, d = inverse(lon1, lat1, lon2, lat2)
    lon, lat, _ = forward(lon1, lat1, az, d * frac)
    lon[single], lat[single] = lon1[single], lat1[single]  # a one-fix path is that fix
    return lon, lat


def _by_polygon(stretches: Sequence[Stretch], owner: I64, lon: F64, lat: F64, exact: bool) -> F64:
    """Distance of each point to its stretch's boundary: exact, or in the local plane; one
    call per polygon."""
    out = np.empty(lon.shape)
    ids: dict[int, int] = {}
    poly = np.array([ids.setdefault(id(s[1]), len(ids)) for s in stretches], np.int64)[owner]
    order = np.argsort(poly, kind="stable")  # each polygon's points in their original order
    bounds = np.flatnonzero(np.r_[True, poly[order][1:] != poly[order][:-1], True])
    for a, b in itertools.pairwise(bounds):
        sel = order[a:b]
        pe = stretches[int(owner[sel[0]])][1]
        if exact:
            out[sel] = boundary_distance(lon[sel], lat[sel], pe)[0]
        else:
            out[sel] = approx_boundary_distance(lon[sel], lat[sel], pe)
    return out


def _samples_many(stretches: Sequence[Stretch], step_m: float) -> list[F64]:
    """:func:`_samples` of every stretch, with one geodesic call for all."""
    knots_l = []
    for path, _, t0, t1 in stretches:
        inner = path.time[(path.time > t0) & (path.time < t1)]
        knots_l.append(np.concatenate([[t0], inner, [t1]]))
    owner = np.repeat(np.arange(len(stretches)), [k.size for k in knots_l])
    lon, lat = _points_at(stretches, owner, np.concatenate(knots_l))
    d_all = inverse(lon[:-1], lat[:-1], lon[1:], lat[1:])[2]
    off = np.r_[0, np.cumsum([k.size for k in knots_l])]
    out = []
    for s, (knots, (_, _, t0, t1)) in enumerate(zip(knots_l, stretches, strict=True)):
        if knots.size < 2 or t1 <= t0:
            out.append(np.array([t0]))
            continue
        d = d_all[off[s] : off[s + 1] - 1]
        k = np.maximum(1, np.ceil(d / step_m)).astype(np.int64)
        idx = np.repeat(np.arange(knots.size - 1), k)
        j = np.arange(idx.size) - np.repeat(np.cumsum(k) - k, k)
        t = knots[idx] + (j / k[idx]) * (knots[idx + 1] - knots[idx])
        out.append(np.append(t, t1))
    return out


def distance_extrema(
    stretches: Sequence[Stretch],
    *,
    maximize: bool,
    step_m: float = 500.0,
    candidates: int = 3,
    points: int = 33,
    rounds: int = 3,
) -> list[tuple[float, float, float, float]]:
    """The search of :func:`distance_extremum` (without its circle shortcut) for many
    (path, polygon, t0, t1) stretches at once: each step's geodesic and distance calls are
    made once for all stretches (once per polygon), and every stretch gets exactly the
    result it gets alone."""
    if not stretches:
        return []
    sign = 1.0 if maximize else -1.0
    ts_l = _samples_many(stretches, step_m)
    owner = np.repeat(np.arange(len(stretches)), [t.size for t in ts_l])
    lon, lat = _points_at(stretches, owner, np.concatenate(ts_l))
    a_all = _by_polygon(stretches, owner, lon, lat, exact=False)
    off = np.r_[0, np.cumsum([t.size for t in ts_l])]
    probes_t: list[list[F64]] = []
    probes_f: list[list[F64]] = []
    heads: list[F64] = []
    row_s, lo_l, hi_l = [], [], []
    for s, ts in enumerate(ts_l):
        a = a_all[off[s] : off[s + 1]]
        v = sign * a
        n = ts.size
        left = np.concatenate([[-np.inf], v[:-1]])
        right = np.concatenate([v[1:], [-np.inf]])
        local = (v >= left) & (v >= right)
        best = v.max()
        slack = 0.03 * np.abs(a).max() + step_m + 50.0
        pick = np.nonzero(local & (v >= best - slack))[0]
        pick = pick[np.argsort(-v[pick], kind="stable")][:candidates]
        lo_l.append(ts[np.maximum(pick - 1, 0)])
        hi_l.append(ts[np.minimum(pick + 1, n - 1)])
        row_s.append(np.full(pick.size, s))
        _, _, t0, t1 = stretches[s]
        heads.append(np.concatenate([ts[pick], [t0, t1]]))
        probes_t.append([])
        probes_f.append([])
    rs = np.concatenate(row_s)
    lo, hi = np.concatenate(lo_l), np.concatenate(hi_l)
    rbound = np.searchsorted(rs, np.arange(len(stretches) + 1))
    grid = np.linspace(0.0, 1.0, points)
    extra: list[F64] = [np.empty(0) for _ in stretches]
    for _ in range(rounds):
        if lo.size == 0:
            break
        tt = lo[:, None] + (hi - lo)[:, None] * grid[None, :]
        q_l = [
            np.concatenate([tt[rbound[s] : rbound[s + 1]].ravel(), extra[s]])
            for s in range(len(stretches))
        ]
        q_owner = np.repeat(np.arange(len(stretches)), [q.size for q in q_l])
        q = np.concatenate(q_l)
        plon, plat = _points_at(stretches, q_owner, q)
        f_all = _by_polygon(stretches, q_owner, plon, plat, exact=True)
        qoff = np.r_[0, np.cumsum([q.size for q in q_l])]
        g = np.empty(tt.shape)
        for s in range(len(stretches)):
            f = f_all[qoff[s] : qoff[s + 1]]
            probes_t[s].append(q_l[s])
            probes_f[s].append(f)
            m = rbound[s + 1] - rbound[s]
            g[rbound[s] : rbound[s + 1]] = sign * f[: m * points].reshape(m, points)
        peaks = _tent_peaks(tt, g) if points >= 6 else np.empty(0)
        half = lo.size
        for s in range(len(stretches)):
            if points >= 6:
                e = np.concatenate(
                    [
                        peaks[rbound[s] : rbound[s + 1]],
                        peaks[half + rbound[s] : half + rbound[s + 1]],
                    ]
                )
                extra[s] = e[np.isfinite(e)]
            else:
                extra[s] = np.empty(0)
        j = np.argmax(g, axis=1)
        rows = np.arange(lo.size)
        width = (hi - lo) / (points - 1)
        lo, hi = np.maximum(tt[rows, j] - width, lo), np.minimum(tt[rows, j] + width, hi)
    # the first probes (and the last kink estimates) still need their exact values
    rest_l = [np.concatenate([heads[s], extra[s]]) for s in range(len(stretches))]
    r_owner = np.repeat(np.arange(len(stretches)), [r.size for r in rest_l])
    rest = np.concatenate(rest_l)
    rlon, rlat = _points_at(stretches, r_owner, rest)
    rf = _by_polygon(stretches, r_owner, rlon, rlat, exact=True)
    roff = np.r_[0, np.cumsum([r.size for r in rest_l])]
    out = []
    best_t, best_owner = [], []
    for s in range(len(stretches)):
        all_t = np.concatenate([*probes_t[s], rest_l[s]])
        all_f = np.concatenate([*probes_f[s], rf[roff[s] : roff[s + 1]]])
        k = int(np.argmax(sign * all_f))
        out.append((float(all_f[k]), float(all_t[k])))
        best_t.append(all_t[k])
        best_owner.append(s)
    blon, blat = _points_at(stretches, np.asarray(best_owner), np.asarray(best_t, dtype=float))
    return [(f, t, float(x), float(y)) for (f, t), x, y in zip(out, blon, blat, strict=True)]
