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

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance_wide import nearest_edges, wide
from .frame import hyp, local_xy, plane_error
from .geodesic import MEAN_RADIUS, angle_diff, forward, inverse

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = [
    "approx_boundary_distance",
    "approx_nearest",
    "beyond_end",
    "boundary_distance",
    "clear_of_ends",
    "edge_distance",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def edge_distance(
    xlon: F64,
    xlat: F64,
    plon: F64,
    plat: F64,
    qlon: F64,
    qlat: F64,
    guess: F64 | None = None,
    edge: tuple[F64, F64, F64] | None = None,
    interior: NDArray[np.bool_] | None = None,
    end: NDArray[np.int8] | None = None,
    distance_only: bool = False,
    end_keys: tuple[I64, I64] | None = None,
) -> tuple[F64, F64, F64]:
    """Geodesic distance from X to the geodesic segment P-Q, and the foot (lon, lat).

    ``guess``: an approximate foot as a fraction of P-Q (from a plane); ``edge``: P-Q's
    azimuths at P and Q and length if known (``PolygonEdges.geodesics``); ``interior``: the
    pairs whose foot is known to lie inside the edge, well clear of its ends (the plane's foot
    is farther from them than the plane can be wrong by, :func:`clear_of_ends`): their ends
    need no geodesic (the foot is nearer than either). The foot is found by Newton steps along
    the edge (the along-track offset of the foot, spherical trigonometry on the ellipsoid's
    distances and azimuths), from ``guess`` or mid-edge; the few that do not converge within a
    few steps fall back to a bracketed root search on the whole edge. ``end``: -1 (or +1) for
    the pairs whose foot is known to be P (or Q), well beyond that end in the plane: only that
    end's distance is computed (the same value as the full computation's).

    ``distance_only``: the feet are not wanted, only the distances. The Newton steps then
    start from the foot in a plane about X itself (P and Q in X's own azimuthal equidistant
    frame: a few centimetres from the true foot, under a metre for nine in ten pairs of a
    scan's depth search) and a first step shorter than :data:`_PYTHAGORAS_M`, still inside
    the edge, from an E at least :data:`_PYTHAGORAS_MIN_D` from X, is finished in closed
    form: the foot F is then ``step`` from E along the edge and XF perpendicular to it, so
    ``d = sqrt(XE^2 - step^2)``, instead of a second geodesic step (within 1e-8 m of the
    converged distance). The returned feet are then E, not F.

    ``end_keys``: a number for each pair's (X, P) and (X, Q) such that equal numbers mean
    the same point and the same end (pairs of one point and edges that share a vertex): each
    such end's geodesic is then solved once (the same values, bit for bit).
    """
    az_pq, az_q, L = inverse(plon, plat, qlon, qlat) if edge is None else edge
    n = xlon.shape[0]
    dist = np.full(n, np.inf)
    foot_lon = np.full(n, np.nan)
    foot_lat = np.full(n, np.nan)
    g0 = np.ones(n)
    g1 = -np.ones(n)
    sure = np.zeros(n, bool) if interior is None else interior & (L > 0)
    if end is not None:
        at = np.flatnonzero((end != 0) & ~sure)
        if at.size:
            p_side = end[at] < 0
            elon = np.where(p_side, plon[at], qlon[at])
            elat = np.where(p_side, plat[at], qlat[at])
            _, _, dist[at] = inverse(elon, elat, xlon[at], xlat[at])
            foot_lon[at], foot_lat[at] = elon, elat
        e = np.flatnonzero(~sure & (end == 0))
    else:
        e = np.flatnonzero(~sure)
    if e.size:
        d0, d1, g0[e], g1[e] = _ends(
            xlon[e],
            xlat[e],
            plon[e],
            plat[e],
            qlon[e],
            qlat[e],
            az_pq[e],
            az_q[e],
            None if end_keys is None else (end_keys[0][e], end_keys[1][e]),
        )
        dist[e] = np.minimum(d0, d1)
        foot_lon[e] = np.where(d0 <= d1, plon[e], qlon[e])
        foot_lat[e] = np.where(d0 <= d1, plat[e], qlat[e])
        # X at P or Q (d == 0) gives no direction: the foot is that end
        sure[e] = (g0[e] > 0) & (g1[e] < 0) & (L[e] > 0) & (d0 > 0) & (d1 > 0)
    idx = np.nonzero(sure)[0]
    if idx.size == 0:
        return dist, foot_lon, foot_lat
    s = np.full(idx.size, 0.5) if guess is None else np.clip(guess[idx], 0.0, 1.0)
    if distance_only:
        s = _local_guess(xlon[idx], xlat[idx], plon[idx], plat[idx], qlon[idx], qlat[idx], s)
    d = np.full(idx.size, np.inf)
    elon = np.full(idx.size, np.nan)
    elat = np.full(idx.size, np.nan)
    active = np.arange(idx.size)
    for _ in range(_NEWTON_STEPS):
        k = idx[active]
        lo_, la_, az_e = forward(plon[k], plat[k], az_pq[k], L[k] * s[active])
        az_ex, _, dd = inverse(lo_, la_, xlon[k], xlat[k])
        g = np.cos(np.radians(angle_diff(az_ex, az_e)))
        # along-track offset of the foot from E on a sphere: tan(a) = tan(d) cos(A)
        step = MEAN_RADIUS * np.arctan(np.tan(np.minimum(dd / MEAN_RADIUS, 1.5)) * g)
        d[active], elon[active], elat[active] = dd, lo_, la_
        done = (np.abs(step) < _FOOT_TOL_M) | (dd == 0.0)
        s_next = s[active] + step / L[k]
        if distance_only:
            short = (
                ~done
                & (np.abs(step) < _PYTHAGORAS_M)
                & (dd >= _PYTHAGORAS_MIN_D)
                & (s_next > 0.0)
                & (s_next < 1.0)
            )
            d[active[short]] = np.sqrt(dd[short] * dd[short] - step[short] * step[short])
            done |= short
        s[active] = np.clip(s_next, 0.0, 1.0)
        active = active[~done]
        if active.size == 0:
            break
    if active.size:
        # not converged (long edges, feet near an end): the bracketed search on the whole edge
        k = idx[active]
        late = k[np.isinf(dist[k])]  # the ends of interior pairs, not computed above
        if late.size:
            d0, d1, g0[late], g1[late] = _ends(
                xlon[late],
                xlat[late],
                plon[late],
                plat[late],
                qlon[late],
                qlat[late],
                az_pq[late],
                az_q[late],
                None if end_keys is None else (end_keys[0][late], end_keys[1][late]),
            )
            dist[late] = np.minimum(d0, d1)
            foot_lon[late] = np.where(d0 <= d1, plon[late], qlon[late])
            foot_lat[late] = np.where(d0 <= d1, plat[late], qlat[late])
        d[active], elon[active], elat[active] = _bracketed_foot(
            xlon[k], xlat[k], plon[k], plat[k], az_pq[k], L[k], g0[k], g1[k]
        )
    better = d < dist[idx]
    sel = idx[better]
    dist[sel], foot_lon[sel], foot_lat[sel] = d[better], elon[better], elat[better]
    return dist, foot_lon, foot_lat


def _ends(
    xlon: F64,
    xlat: F64,
    plon: F64,
    plat: F64,
    qlon: F64,
    qlat: F64,
    az_pq: F64,
    az_q: F64,
    keys: tuple[I64, I64] | None = None,
) -> tuple[F64, F64, F64, F64]:
    """Distances from X to P and Q, and the cosines of the angles between the edge's
    direction there and the way to X (> 0 at P and < 0 at Q: the foot is inside).
    ``keys``: as ``end_keys`` of :func:`edge_distance` (each distinct end solved once)."""
    n = xlon.shape[0]
    # both ends in one call: the edge's direction there is az_pq at P, az_q at Q
    elon, elat = np.concatenate([plon, qlon]), np.concatenate([plat, qlat])
    tlon, tlat = np.concatenate([xlon, xlon]), np.concatenate([xlat, xlat])
    if keys is None:
        az_ends, _, d_ends = inverse(elon, elat, tlon, tlat)
    else:
        _, first, back = np.unique(np.concatenate(keys), return_index=True, return_inverse=True)
        az_u, _, d_u = inverse(elon[first], elat[first], tlon[first], tlat[first])
        az_ends, d_ends = az_u[back], d_u[back]
    g0 = np.cos(np.radians(angle_diff(az_ends[:n], az_pq)))
    g1 = np.cos(np.radians(angle_diff(az_ends[n:], az_q)))
    return d_ends[:n], d_ends[n:], g0, g1


def clear_of_ends(u: F64, length: F64, dist: F64, reach: F64, eps: F64) -> NDArray[np.bool_]:
    """Whether a foot at fraction ``u`` of a plane edge of ``length`` (m), ``dist`` from the
    point, is surely inside the geodesic edge: farther from both ends than the plane's foot
    can be from the true one (its distances are off by ``eps`` relative within ``reach`` of
    its centre, so lengths and angles move the foot by well under ``eps`` times the reach plus
    the distance; five times that and 100 m are kept clear)."""
    m = 5.0 * eps * (reach + dist) + 100.0
    return (u * length > m) & ((1.0 - u) * length > m)


def beyond_end(raw: F64, length: F64, dist: F64, reach: F64, eps: F64) -> NDArray[np.int8]:
    """-1 where the plane's foot (at fraction ``raw`` of the line through a plane edge of
    ``length``) lies before its first end by more than the plane's foot can be from the true
    one (as :func:`clear_of_ends` measures it), +1 beyond its second end, 0 otherwise: the
    geodesic edge's nearest point is then surely that end."""
    m = 5.0 * eps * (reach + dist) + 100.0
    along = raw * length
    return np.where(along < -m, -1, np.where(along > length + m, 1, 0)).astype(np.int8)


def _local_guess(xlon: F64, xlat: F64, plon: F64, plat: F64, qlon: F64, qlat: F64, s: F64) -> F64:
    """The foot of X on the straight P-Q in X's own azimuthal equidistant plane, as a fraction
    of P-Q (``s`` where P-Q has no length there)."""
    px, py = local_xy(plon, plat, xlon, xlat)
    qx, qy = local_xy(qlon, qlat, xlon, xlat)
    dx, dy = qx - px, qy - py
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.clip(-(px * dx + py * dy) / len2, 0.0, 1.0)
    return np.where(len2 > 0, u, s)


_PYTHAGORAS_M = 1.0
"""A first Newton step shorter than this is finished in closed form (``distance_only``):
measured within 1e-8 m of the converged distance for steps up to 5 m, edges of 2-50 km and
distances of 100 m to 50 km (the geodesic arithmetic's own noise, ~4e-9 m)."""
_PYTHAGORAS_MIN_D = 100.0
"""... from an E at least this far from X (nearer, the step's error weighs more)."""
_NEWTON_STEPS = 6
_FOOT_TOL_M = 1e-5
"""Newton steps stop once the foot moves by less than this (the distance is stationary at the
foot: its error is then ~ tol^2 / d)."""


def _bracketed_foot(
    xlon: F64, xlat: F64, plon: F64, plat: F64, az_pq: F64, L: F64, g0: F64, g1: F64
) -> tuple[F64, F64, F64]:
    """Foot by regula falsi (Illinois) on ``cos(az_EX - az_edge(E))`` over the whole edge."""

    def slope(s: F64, k: NDArray[np.intp]) -> tuple[F64, F64, F64, F64]:
        elon, elat, az_e = forward(plon[k], plat[k], az_pq[k], L[k] * s)
        az_ex, _, d = inverse(elon, elat, xlon[k], xlat[k])
        return np.cos(np.radians(angle_diff(az_ex, az_e))), d, elon, elat

    m = xlon.shape[0]
    a, b = np.zeros(m), np.ones(m)
    fa, fb = g0.copy(), g1.copy()
    kept = np.zeros(m)
    s = np.full(m, 0.5)
    active = np.ones(m, bool)
    for _ in range(60):
        if not active.any():
            break
        k = np.nonzero(active)[0]
        den = fb[k] - fa[k]
        sn = np.clip((a[k] * fb[k] - b[k] * fa[k]) / np.where(den != 0, den, 1.0), a[k], b[k])
        gn, _, _, _ = slope(sn, k)
        s[k] = sn
        same_a = np.sign(gn) == np.sign(fa[k])
        na, nb = np.where(same_a, sn, a[k]), np.where(same_a, b[k], sn)
        nfa, nfb = np.where(same_a, gn, fa[k]), np.where(same_a, fb[k], gn)
        nfb = np.where(same_a & (kept[k] == 1.0), nfb * 0.5, nfb)
        nfa = np.where(~same_a & (kept[k] == -1.0), nfa * 0.5, nfa)
        a[k], b[k], fa[k], fb[k] = na, nb, nfa, nfb
        kept[k] = np.where(same_a, 1.0, -1.0)
        done = (np.abs(gn) < 1e-15) | ((nb - na) * L[k] < 1e-4)
        active[k[done]] = False
    _, d, elon, elat = slope(s, np.arange(m))
    return d, elon, elat


def _approx(
    lon: F64, lat: F64, pe: PolygonEdges
) -> tuple[F64, I64, I64, F64, NDArray[np.bool_], I64]:
    """Plane distance to the nearest edge, the (point, edge) pairs that could be nearest, for
    each pair the plane's foot as a fraction of the edge and whether that foot is surely
    inside the geodesic edge (:func:`clear_of_ends`), and each point's nearest edge in the
    plane (the first of equals).

    Edges are found through a k-d tree of the midpoints of their pieces
    (:meth:`~.boundary.PolygonEdges.midpoint_tree`): a piece of half-length h whose midpoint
    is at distance D from a point is at least D - h away, so only midpoints within the
    nearest midpoint's distance plus 2 h (with the plane's slack) can hold the nearest edge.
    """
    n = lon.shape[0]
    if wide(pe):  # a national airspace, say
        best, pi, ej, u, length, dist, reach, eps = nearest_edges(lon, lat, pe)
        near = _nearest_of(best, pi, ej, dist)
        return best, pi, ej, u, clear_of_ends(u, length, dist, reach, eps), near
    x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
    ex1, ey1, ex2, ey2 = pe.plane()
    tree, half, edge_of = pe.midpoint_tree()
    dm, _ = tree.query(np.column_stack([x, y]))
    # relative error of plane distances here (both ends within max(r, polygon radius))
    eps = plane_error(np.maximum(hyp(x, y), pe.radius_m))
    radius = (dm + half) * (1.0 + 3.0 * eps) + half + 5.0
    pi, pk = _ball_pairs(tree, x, y, radius)
    ej = edge_of[pk]  # an edge of several pieces may come more than once: see below
    dx, dy = ex2[ej] - ex1[ej], ey2[ej] - ey1[ej]
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    px, py = x[pi], y[pi]
    u = np.clip(((px - ex1[ej]) * dx + (py - ey1[ej]) * dy) / len2, 0.0, 1.0)
    approx = hyp(px - (ex1[ej] + u * dx), py - (ey1[ej] + u * dy))
    best = np.full(n, np.inf)
    np.minimum.at(best, pi, approx)
    # keep every edge that could be nearest given the plane's error
    keep = approx <= best[pi] * (1.0 + 3.0 * eps[pi]) + 5.0
    # each kept (point, edge) pair once, in order of point and edge
    kept = np.flatnonzero(keep)
    _, first = np.unique(pi[kept] * len(pe) + ej[kept], return_index=True)
    kept = kept[first]
    pi, ej, u = pi[kept], ej[kept], u[kept]
    reach = np.maximum(hyp(x, y), pe.radius_m)[pi]
    clear = clear_of_ends(u, np.sqrt(len2[kept]), approx[kept], reach, eps[pi])
    return best, pi, ej, u, clear, _nearest_of(best, pi, ej, approx[kept])


def _nearest_of(best: F64, pi: I64, ej: I64, dist: F64) -> I64:
    """Each point's edge of least ``dist`` among its pairs (``pi``, ``ej``, in order of point
    and edge): the first whose ``dist`` is the point's ``best``, else the first of least
    ``dist``; -1 for a point without pairs."""
    near = np.full(best.size, -1, np.int64)
    hit = np.flatnonzero(dist == best[pi])
    hit = hit[np.r_[True, pi[hit][1:] != pi[hit][:-1]]] if hit.size else hit
    near[pi[hit]] = ej[hit]
    left = np.flatnonzero(near[pi] < 0)
    if left.size:
        order = left[np.lexsort((dist[left], pi[left]))]
        first = order[np.r_[True, pi[order][1:] != pi[order][:-1]]]
        near[pi[first]] = ej[first]
    return near


def approx_nearest(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[F64, I64]:
    """:func:`approx_boundary_distance` of a polygon (not a circle), and each point's
    nearest edge in the plane (-1: none found)."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    found = _approx(lon, lat, pe)
    return found[0], found[5]


_CHUNK = 32
_MAX_PAIRS_PER_POINT = 64


def _ball_pairs(tree: cKDTree, x: F64, y: F64, radius: F64) -> tuple[I64, I64]:
    """(point, edge) pairs covering every edge midpoint within ``radius`` of each point.

    Consecutive points (along a track) are taken in chunks: one ball around each chunk
    holds every ball of its points, and the pairs are the chunk's points times that ball's
    edges (a superset: the nearest edge and those kept are the same). Chunks that spread too
    far (too many pairs) fall back to one ball per point.
    """
    n = x.shape[0]
    ch = np.arange(n) // _CHUNK
    nch = int(ch[-1]) + 1 if n else 0
    size = np.bincount(ch, minlength=nch)
    cx = np.bincount(ch, x, nch) / size
    cy = np.bincount(ch, y, nch) / size
    rc = np.zeros(nch)
    np.maximum.at(rc, ch, hyp(x - cx[ch], y - cy[ch]) + radius)
    lists = tree.query_ball_point(np.column_stack([cx, cy]), rc)
    cnt = np.fromiter((len(v) for v in lists), dtype=np.int64, count=nch)
    if int((cnt * size).sum()) > max(4096, _MAX_PAIRS_PER_POINT * n):
        lists = tree.query_ball_point(np.column_stack([x, y]), radius)
        counts = np.fromiter((len(v) for v in lists), dtype=np.int64, count=n)
        pi = np.repeat(np.arange(n), counts)
        ej = np.fromiter((j for v in lists for j in v), dtype=np.int64, count=int(counts.sum()))
        return pi, ej
    flat = np.fromiter((j for v in lists for j in v), dtype=np.int64, count=int(cnt.sum()))
    off = np.cumsum(cnt) - cnt
    per = cnt[ch]
    pi = np.repeat(np.arange(n), per)
    pos = np.arange(pi.size) - np.repeat(np.cumsum(per) - per, per)
    ej = flat[np.repeat(off[ch], per) + pos]
    return pi, ej


def approx_boundary_distance(lon: F64, lat: F64, pe: PolygonEdges) -> F64:
    """Distance to the boundary in the local plane (``frame.plane_error`` off): for ranking."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    if pe.circle is not None:
        return _circle_distance(lon, lat, pe.circle)[0]
    return _approx(lon, lat, pe)[0]


def _circle_distance(
    lon: F64, lat: F64, circle: tuple[float, float, float]
) -> tuple[F64, F64, F64]:
    """Exact distance to a circle of geodesic radius: | r - d(centre, X) |, foot on the radius
    through X (the geodesic from the centre meets the circle at a right angle)."""
    c_lon, c_lat, r = circle
    az, _, d = inverse(c_lon, c_lat, lon, lat)
    flon, flat, _ = forward(np.full(lon.shape, c_lon), np.full(lon.shape, c_lat), az, r)
    return np.abs(r - d), flon, flat


def boundary_distance(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[F64, F64, F64]:
    """Geodesic distance (m) from each point to the nearest edge of ``pe``, and that nearest
    boundary point (lon, lat)."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = lon.shape[0]
    if pe.circle is not None:
        return _circle_distance(lon, lat, pe.circle)
    _, pi, ej, u, clear, _ = _approx(lon, lat, pe)
    geo = pe.geodesics()
    p_id, q_id, nv = pe.vertex_ids()
    d, flon, flat = edge_distance(
        lon[pi],
        lat[pi],
        pe.lon1[ej],
        pe.lat1[ej],
        pe.lon2[ej],
        pe.lat2[ej],
        u,
        (geo[0][ej], geo[1][ej], geo[2][ej]),
        clear,
        end_keys=(pi * nv + p_id[ej], pi * nv + q_id[ej]),
    )
    out = np.full(n, np.inf)
    np.minimum.at(out, pi, d)
    winner = d == out[pi]
    out_lon = np.full(n, np.nan)
    out_lat = np.full(n, np.nan)
    out_lon[pi[winner]] = flon[winner]
    out_lat[pi[winner]] = flat[winner]
    return out, out_lon, out_lat
