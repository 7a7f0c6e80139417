"""Exact geodesic distance from points to a polygon's boundary (ellipsoidal, metres).

The foot of the perpendicular on a geodesic edge P-Q is where moving along the edge no longer
shortens the distance: ``cos(az_EX - az_edge(E)) = 0``; it is found by a bracketed root search,
else the nearer end is the foot. Candidate edges are ranked in a local plane first and every
edge that could be nearest is evaluated exactly.

>>> import numpy as np
>>> from overflight.model import Polygon, Vertex
>>> from overflight.geometry.boundary import polygon_edges
>>> pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))
>>> d, _, _ = boundary_distance(np.array([0.5]), np.array([0.1]), pe)
>>> round(float(d[0]), 1)  # 0.1 degree of latitude north of the equator
11057.4
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .frame import local_xy
from .geodesic import angle_diff, forward, inverse

__all__ = ["approx_boundary_distance", "boundary_distance", "edge_distance"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def edge_distance(
    xlon: F64, xlat: F64, plon: F64, plat: F64, qlon: F64, qlat: F64
) -> tuple[F64, F64, F64]:
    """Geodesic distance from X to the geodesic segment P-Q, and the foot (lon, lat)."""
    az_pq, _, L = inverse(plon, plat, qlon, qlat)

    def slope(s: F64, idx: NDArray[np.intp]) -> tuple[F64, F64, F64, F64]:
        elon, elat, az_e = forward(plon[idx], plat[idx], az_pq[idx], L[idx] * s)
        az_ex, _, d = inverse(elon, elat, xlon[idx], xlat[idx])
        return np.cos(np.radians(angle_diff(az_ex, az_e))), d, elon, elat

    n = xlon.shape[0]
    allidx = np.arange(n)
    g0, d0, _, _ = slope(np.zeros(n), allidx)
    g1, d1, _, _ = slope(np.ones(n), allidx)
    dist = np.minimum(d0, d1)
    foot_lon = np.where(d0 <= d1, plon, qlon)
    foot_lat = np.where(d0 <= d1, plat, qlat)
    # X at P or Q (d == 0) gives no direction: the foot is that end
    inner = (g0 > 0) & (g1 < 0) & (L > 0) & (d0 > 0) & (d1 > 0)
    idx = np.nonzero(inner)[0]
    if idx.size:
        a, b = np.zeros(idx.size), np.ones(idx.size)
        fa, fb = g0[idx], g1[idx]
        kept = np.zeros(idx.size)
        s = np.full(idx.size, 0.5)
        active = np.ones(idx.size, bool)
        for _ in range(60):
            if not active.any():
                break
            k = np.nonzero(active)[0]
            den = fb[k] - fa[k]
            sn = np.clip((a[k] * fb[k] - b[k] * fa[k]) / np.where(den != 0, den, 1.0), a[k], b[k])
            gn, _, _, _ = slope(sn, idx[k])
            s[k] = sn
            same_a = np.sign(gn) == np.sign(fa[k])
            na, nb = np.where(same_a, sn, a[k]), np.where(same_a, b[k], sn)
            nfa, nfb = np.where(same_a, gn, fa[k]), np.where(same_a, fb[k], gn)
            nfb = np.where(same_a & (kept[k] == 1.0), nfb * 0.5, nfb)
            nfa = np.where(~same_a & (kept[k] == -1.0), nfa * 0.5, nfa)
            a[k], b[k], fa[k], fb[k] = na, nb, nfa, nfb
            kept[k] = np.where(same_a, 1.0, -1.0)
            done = (np.abs(gn) < 1e-15) | ((nb - na) * L[idx[k]] < 1e-4)
            active[k[done]] = False
        _, d, elon, elat = slope(s, idx)
        better = d < dist[idx]
        sel = idx[better]
        dist[sel], foot_lon[sel], foot_lat[sel] = d[better], elon[better], elat[better]
    return dist, foot_lon, foot_lat


def _approx(lon: F64, lat: F64, pe: PolygonEdges, chunk: int = 2_000_000) -> tuple[F64, I64, I64]:
    """Plane distance to the nearest edge, and (point, edge) pairs that could be nearest."""
    n, m = lon.shape[0], len(pe)
    x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
    ex1, ey1, ex2, ey2 = pe.plane()
    dx, dy = ex2 - ex1, ey2 - ey1
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    best_all = np.empty(n)
    pts: list[I64] = []
    eds: list[I64] = []
    step = max(1, chunk // max(m, 1))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        px, py = x[lo:hi, None], y[lo:hi, None]
        u = np.clip(((px - ex1) * dx + (py - ey1) * dy) / len2, 0.0, 1.0)
        approx = np.hypot(px - (ex1 + u * dx), py - (ey1 + u * dy))
        best = approx.min(axis=1, keepdims=True)
        best_all[lo:hi] = best[:, 0]
        # plane distances are within ~0.7 % of ellipsoidal ones (sphere vs ellipsoid) plus the
        # projection's distortion, ~(r/R)^2; keep every edge that could be nearest
        rho2 = (np.hypot(px, py) / 6.371e6) ** 2
        cand = approx <= best * (1.02 + rho2) + 5.0
        pi, ej = np.nonzero(cand)
        pts.append(pi + lo)
        eds.append(ej)
    pi = np.concatenate(pts) if pts else np.empty(0, np.int64)
    ej = np.concatenate(eds) if eds else np.empty(0, np.int64)
    return best_all, pi, ej


def approx_boundary_distance(lon: F64, lat: F64, pe: PolygonEdges) -> F64:
    """Distance to the boundary in the local plane (about 1 % off): for ranking only."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    return _approx(lon, lat, pe, chunk=4_000_000)[0]


def boundary_distance(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[F64, F64, F64]:
    """Geodesic distance (m) from each point to the nearest edge of ``pe``, and that nearest
    boundary point (lon, lat)."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = lon.shape[0]
    _, pi, ej = _approx(lon, lat, pe)
    d, flon, flat = edge_distance(
        lon[pi], lat[pi], pe.lon1[ej], pe.lat1[ej], pe.lon2[ej], pe.lat2[ej]
    )
    out = np.full(n, np.inf)
    np.minimum.at(out, pi, d)
    winner = d == out[pi]
    out_lon = np.full(n, np.nan)
    out_lat = np.full(n, np.nan)
    out_lon[pi[winner]] = flon[winner]
    out_lat[pi[winner]] = flat[winner]
    return out, out_lon, out_lat
