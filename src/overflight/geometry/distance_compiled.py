"""The distances of :func:`~.distance_many.boundary_distances` to polygons of few edges as one
compiled pass (numba, calling PROJ's geodesics through :mod:`.geodesic_c`).

Point by point, the same steps as the numpy path (:func:`~.distance_many._few_edges` and
:func:`~.distance.edge_distance` with ``distance_only``): the point in its polygon's plane,
every edge ranked there, the edges that could be nearest (within the best's ``1 + 3 eps``
plus 5 m) solved on the ellipsoid: an end's distance where the plane puts the foot surely
beyond it, else the foot by Newton steps along the edge from the foot in the point's own
plane, finished in closed form once a step is short, and a bracketed search where the steps
do not converge. The same formulas in the same order; the plane's trigonometry may differ
from numpy's in the last bit, which moves no distance by more than nanometres (tested
against the numpy path). Compiled on first use and cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .frame_compiled import hyp, plane_xy
from .geodesic import MEAN_RADIUS
from .geodesic_c import c_direct, c_inverse, geodesic_struct
from .jit import jit

if geodesic_struct() is None:  # PROJ's symbols must be loaded before any pass here runs
    raise ImportError("PROJ's geodesic routines are not available to compiled code")

__all__ = ["distance_from", "few_edge_distances", "near_edges"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_R = MEAN_RADIUS
_RAD = math.pi / 180.0
_NEWTON_STEPS = 6
_FOOT_TOL_M = 1e-5
_PYTHAGORAS_M = 1.0
_PYTHAGORAS_MIN_D = 100.0


@jit()
def _cos_between(a: float, b: float) -> float:
    """cos of the angle ``a - b`` (degrees) as the numpy path takes it (wrapped first)."""
    return math.cos(((a - b + 180.0) % 360.0 - 180.0) * _RAD)


@jit()
def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


@jit()
def _slope(
    gp: int,
    bp: int,
    buf: F64,
    xlon: float,
    xlat: float,
    plon: float,
    plat: float,
    az_pq: float,
    length: float,
    s: float,
) -> tuple[float, float]:
    """At E, a fraction ``s`` along the edge: cos(az_EX - az_edge(E)) and the distance E-X."""
    elon, elat, az_e = c_direct(gp, bp, buf, plon, plat, az_pq, length * s)
    az_ex, _, d = c_inverse(gp, bp, buf, elon, elat, xlon, xlat)
    return _cos_between(az_ex, az_e), d


@jit()
def _ends(
    gp: int,
    bp: int,
    buf: F64,
    xlon: float,
    xlat: float,
    plon: float,
    plat: float,
    qlon: float,
    qlat: float,
    az_pq: float,
    az_q: float,
) -> tuple[float, float, float, float]:
    """:func:`~.distance._ends` of one pair: X's distances from P and Q, and the cosines of
    the angles between the edge's direction there and the way to X."""
    a0, _, d0 = c_inverse(gp, bp, buf, plon, plat, xlon, xlat)
    a1, _, d1 = c_inverse(gp, bp, buf, qlon, qlat, xlon, xlat)
    return d0, d1, _cos_between(a0, az_pq), _cos_between(a1, az_q)


@jit()
def _bracketed(
    gp: int,
    bp: int,
    buf: F64,
    xlon: float,
    xlat: float,
    plon: float,
    plat: float,
    az_pq: float,
    length: float,
    g0: float,
    g1: float,
) -> float:
    """:func:`~.distance._bracketed_foot` (Illinois regula falsi over the whole edge)."""
    a, b = 0.0, 1.0
    fa, fb = g0, g1
    kept = 0.0
    s = 0.5
    for _ in range(60):
        den = fb - fa
        sn = _clip((a * fb - b * fa) / (den if den != 0 else 1.0), a, b)
        gn, _ = _slope(gp, bp, buf, xlon, xlat, plon, plat, az_pq, length, sn)
        s = sn
        same_a = np.sign(gn) == np.sign(fa)
        if same_a:
            na, nb, nfa, nfb = sn, b, gn, fb
            if kept == 1.0:
                nfb = nfb * 0.5
        else:
            na, nb, nfa, nfb = a, sn, fa, gn
            if kept == -1.0:
                nfa = nfa * 0.5
        a, b, fa, fb = na, nb, nfa, nfb
        kept = 1.0 if same_a else -1.0
        if abs(gn) < 1e-15 or (nb - na) * length < 1e-4:
            break
    return _slope(gp, bp, buf, xlon, xlat, plon, plat, az_pq, length, s)[1]


@jit()
def _edge(
    gp: int,
    bp: int,
    buf: F64,
    xlon: float,
    xlat: float,
    plon: float,
    plat: float,
    qlon: float,
    qlat: float,
    az_pq: float,
    az_q: float,
    length: float,
    u: float,
    clear: bool,
    end: int,
) -> float:
    """:func:`~.distance.edge_distance` of one (point, edge) pair, ``distance_only``."""
    sure = clear and length > 0
    dist = math.inf
    g0, g1 = 1.0, -1.0
    if not sure:
        if end != 0:
            elon, elat = (plon, plat) if end < 0 else (qlon, qlat)
            return c_inverse(gp, bp, buf, elon, elat, xlon, xlat)[2]
        d0, d1, g0, g1 = _ends(gp, bp, buf, xlon, xlat, plon, plat, qlon, qlat, az_pq, az_q)
        dist = min(d0, d1)
        sure = g0 > 0 and g1 < 0 and length > 0 and d0 > 0 and d1 > 0
        if not sure:
            return dist
    # the foot of X on the straight P-Q in X's own plane
    s = _clip(u, 0.0, 1.0)
    px, py = plane_xy(plon, plat, xlon, xlat)
    qx, qy = plane_xy(qlon, qlat, xlon, xlat)
    dx, dy = qx - px, qy - py
    len2 = dx * dx + dy * dy
    if len2 > 0:
        s = _clip(-(px * dx + py * dy) / len2, 0.0, 1.0)
    d = math.inf
    for _ in range(_NEWTON_STEPS):
        g, dd = _slope(gp, bp, buf, xlon, xlat, plon, plat, az_pq, length, s)
        step = _R * math.atan(math.tan(min(dd / _R, 1.5)) * g)
        d = dd
        s_next = s + step / length
        if abs(step) < _FOOT_TOL_M or dd == 0.0:
            return d if d < dist else dist
        if abs(step) < _PYTHAGORAS_M and dd >= _PYTHAGORAS_MIN_D and 0.0 < s_next < 1.0:
            d = math.sqrt(dd * dd - step * step)
            return d if d < dist else dist
        s = _clip(s_next, 0.0, 1.0)
    # not converged (long edges, feet near an end): the bracketed search on the whole edge
    if math.isinf(dist):  # an interior pair: its ends were not computed
        d0, d1, g0, g1 = _ends(gp, bp, buf, xlon, xlat, plon, plat, qlon, qlat, az_pq, az_q)
        dist = min(d0, d1)
    d = _bracketed(gp, bp, buf, xlon, xlat, plon, plat, az_pq, length, g0, g1)
    return d if d < dist else dist


@jit()
def distance_from(
    x: float,
    y: float,
    xlon: float,
    xlat: float,
    p: int,
    table: tuple[np.ndarray, ...],
    exact: bool,
    gp: int,
    bp: int,
    buf: F64,
    edges: I64,
    n_e: int,
) -> float:
    """Distance from one point (``xlon``, ``xlat``, at ``x``, ``y`` in its polygon's plane:
    :func:`~.frame_compiled.plane_xy`) to the boundary of polygon ``p`` of an
    :class:`~.distance_many.EdgeTable` (``table``: its
    :meth:`~.distance_many.EdgeTable.arrays`), exact or in the plane, over the polygon's
    edges ``edges[:n_e]`` (numbers in the table, increasing) or all of them if ``n_e < 0``:
    the same value wherever those hold every edge that could be nearest
    (:func:`near_edges`). ``gp``, ``bp``, ``buf``: PROJ's geodesic struct's address, a
    scratch buffer of three float64 and its address (:mod:`.geodesic_c`)."""
    radius, first, cnt, ex1, ey1, edx, edy = table[2:9]
    lon1, lat1, lon2, lat2, az1, az2, glen = table[9:]
    reach = max(hyp(x, y), radius[p])
    eps = 2.0 * (5e-5 + (reach / _R) ** 2)
    e0 = first[p]
    n = cnt[p] if n_e < 0 else n_e
    best = math.inf
    for k in range(n):
        e = e0 + k if n_e < 0 else edges[k]
        dx, dy = edx[e], edy[e]
        len2 = max(dx * dx + dy * dy, 1e-12)
        u = _clip(((x - ex1[e]) * dx + (y - ey1[e]) * dy) / len2, 0.0, 1.0)
        fx, fy = x - (ex1[e] + u * dx), y - (ey1[e] + u * dy)
        a = math.sqrt(fx * fx + fy * fy)
        if a < best or math.isnan(a):  # NaN sticks, as numpy's minimum
            best = a
    if not exact or math.isnan(best):
        return best
    limit = best * (1.0 + 3.0 * eps) + 5.0
    d_min = math.inf
    for k in range(n):
        e = e0 + k if n_e < 0 else edges[k]
        dx, dy = edx[e], edy[e]
        len2 = max(dx * dx + dy * dy, 1e-12)
        raw = ((x - ex1[e]) * dx + (y - ey1[e]) * dy) / len2
        u = _clip(raw, 0.0, 1.0)
        fx, fy = x - (ex1[e] + u * dx), y - (ey1[e] + u * dy)
        a = math.sqrt(fx * fx + fy * fy)
        if not a <= limit:
            continue
        ln = math.sqrt(len2)
        m = 5.0 * eps * (reach + a) + 100.0
        clear = u * ln > m and (1.0 - u) * ln > m
        along = raw * ln
        end = -1 if along < -m else 1 if along > ln + m else 0
        d = _edge(
            gp, bp, buf, xlon, xlat, lon1[e], lat1[e], lon2[e], lat2[e],
            az1[e], az2[e], glen[e], u, clear, end,
        )  # fmt: skip
        if d < d_min or math.isnan(d):
            d_min = d
    return d_min


@jit()
def near_edges(
    x: F64, y: F64, n: int, p: int, table: tuple[np.ndarray, ...], out: I64, gaps: F64
) -> int:
    """The edges of polygon ``p`` that could be the nearest, or within the exact pass's
    reach of the nearest (:func:`distance_from`: ``best (1 + 3 eps) + 5``), to some point
    ``x[:n]``, ``y[:n]`` of its plane, put in ``out`` in order: how many. With ``C`` the
    centre of the points' box and ``rho`` their farthest from it, a point's best is at most
    ``G + rho`` (``G`` the least gap from ``C`` to an edge) and its gap to an edge at least
    that edge's gap from ``C`` less ``rho``: edges farther from ``C`` than ``rho`` plus
    ``(G + rho) (1 + 3 eps) + 5`` (``eps`` at the points' largest reach), plus a millimetre
    for rounding, are of no use to any of them. ``gaps``: scratch, one per edge."""
    radius, first, cnt, ex1, ey1, edx, edy = table[2:9]
    x0, x1, y0, y1 = x[0], x[0], y[0], y[0]
    for i in range(1, n):
        x0, x1 = min(x0, x[i]), max(x1, x[i])
        y0, y1 = min(y0, y[i]), max(y1, y[i])
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    rho, reach = 0.0, radius[p]
    for i in range(n):
        rho = max(rho, hyp(x[i] - cx, y[i] - cy))
        reach = max(reach, hyp(x[i], y[i]))
    eps = 2.0 * (5e-5 + (reach / _R) ** 2)
    e0, e1 = first[p], first[p] + cnt[p]
    g_min = math.inf
    for e in range(e0, e1):
        dx, dy = edx[e], edy[e]
        u = _clip(
            ((cx - ex1[e]) * dx + (cy - ey1[e]) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0, 1.0
        )
        gaps[e - e0] = hyp(cx - (ex1[e] + u * dx), cy - (ey1[e] + u * dy))
        g_min = min(g_min, gaps[e - e0])
    limit = (g_min + rho) * (1.0 + 3.0 * eps) + 5.0 + rho
    limit += 1e-3 + 1e-9 * (hyp(cx, cy) + rho + limit)
    c = 0
    for e in range(e0, e1):
        if not gaps[e - e0] > limit:  # (NaN kept)
            out[c] = e
            c += 1
    return c


@jit()
def few_edge_distances(
    lon: F64,
    lat: F64,
    which: I64,
    table: tuple[np.ndarray, ...],
    exact: bool,
    g: NDArray[np.uint8],
) -> F64:
    """Distance from each point to the boundary of its polygon ``which[i]`` of an
    :class:`~.distance_many.EdgeTable` (``table``: its
    :meth:`~.distance_many.EdgeTable.arrays`), exact or in the plane. ``g``: PROJ's
    geodesic struct (:mod:`.geodesic_c`)."""
    n = lon.size
    out = np.empty(n)
    buf = np.empty(3)
    gp, bp = g.ctypes.data, buf.ctypes.data
    # every edge (n_e < 0), as a typed int: numba compiles a function once per literal
    every, every_n = np.zeros(0, np.int64), np.int64(-1)
    for i in range(n):
        p = which[i]
        x, y = plane_xy(lon[i], lat[i], table[0][p], table[1][p])
        out[i] = distance_from(x, y, lon[i], lat[i], p, table, exact, gp, bp, buf, every, every_n)
    return out
