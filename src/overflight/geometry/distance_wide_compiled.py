"""The ranking of :func:`~.distance_wide.nearest_edges` as one compiled pass (numba): for each
point, its ball cut from its cube's list (:class:`~.distance_cells.CubeLists`), each
candidate edge once, placed in the point's own plane and ranked there, and the pairs that
could be nearest kept.

The same steps, formulas and order as the numpy path (:func:`~.distance_wide._block`), point
by point, without the arrays of every (point, piece) pair: the same pairs, the same
comparisons on the same straight-line distances. The plane's trigonometry may differ from
numpy's in the last bit (as :mod:`.distance_compiled`'s), which moves no ranking distance by
more than nanometres (tested against the numpy path). Compiled on first use and cached on
disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .frame_compiled import centre_terms, hyp, xy_about
from .geodesic import MEAN_RADIUS
from .jit import jit

__all__ = ["wide_block"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_A = 6_378_137.0
_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)
_M0 = _A * (1.0 - _E2)
_R = MEAN_RADIUS


_SEEN = 4
"""Vertices whose plane position a point keeps: consecutive candidate edges share ends."""


@jit()
def wide_block(
    lon: F64,
    lat: F64,
    pts: F64,
    lists: tuple[I64, I64, I64, I64],
    mids: tuple[F64, F64, F64],
    half: float,
    edge_of: I64,
    ends_lon: tuple[F64, F64],
    ends_trig: tuple[F64, F64, F64, F64],
    ends_id: tuple[I64, I64],
) -> tuple[F64, I64, I64, F64, F64, F64, F64, F64]:
    """:func:`~.distance_wide._block`'s result for points (``lon``, ``lat``; ``pts`` their
    Earth-centred coordinates, rows x 3): ``lists`` is each point's cube list as
    :meth:`~.distance_cells.CubeLists.of_points` gives it (pieces end to end, each list's start
    and size, each point's list), ``mids`` the pieces' midpoints (x, y, z), ``half`` the
    largest piece's half-length, ``edge_of`` each piece's edge, ``ends_lon`` the longitudes of
    the edges' ends (lon1, lon2), ``ends_trig`` the cosines and sines of their latitudes
    (cos1, sin1, cos2, sin2) and ``ends_id`` their vertex numbers
    (:meth:`~.boundary.PolygonEdges.vertex_ids`): a vertex's place in a point's plane is
    computed once for the point's candidate edges that share it."""
    flat, start, size, which = lists
    mx, my, mz = mids
    lon1, lon2 = ends_lon
    cos1, sin1, cos2, sin2 = ends_trig
    id1, id2 = ends_id
    seen_id = np.empty(_SEEN, np.int64)
    seen_x = np.empty(_SEEN)
    seen_y = np.empty(_SEEN)
    n = lon.size
    cap = 0
    for i in range(n):
        cap += size[which[i]]
    o_pi = np.empty(cap, np.int64)
    o_ej = np.empty(cap, np.int64)
    o_u = np.empty(cap)
    o_len = np.empty(cap)
    o_ap = np.empty(cap)
    o_reach = np.empty(cap)
    o_eps = np.empty(cap)
    best = np.full(n, np.inf)
    m = 0
    for i in range(n):
        a = start[which[i]]
        b = a + size[which[i]]
        x0, y0, z0 = pts[i, 0], pts[i, 1], pts[i, 2]
        d2min = np.inf
        for k in range(a, b):
            p = flat[k]
            dx, dy, dz = x0 - mx[p], y0 - my[p], z0 - mz[p]
            d2 = dx * dx + dy * dy + dz * dz
            if d2 < d2min or math.isnan(d2):
                d2min = d2
        dm = math.sqrt(d2min)
        lim = 2.0 * _M0 * math.asin(min(1.0, dm / (2.0 * _M0))) + half + 1.0
        lim2 = lim * lim
        # the point's own plane
        sc, cc, east, north = centre_terms(lat[i])
        m0 = m
        last = -1
        seen_id[:] = -1
        slot = 0
        sure = np.inf
        bst = np.inf
        for k in range(a, b):
            p = flat[k]
            dx, dy, dz = x0 - mx[p], y0 - my[p], z0 - mz[p]
            if not dx * dx + dy * dy + dz * dz <= lim2:
                continue
            e = edge_of[p]
            if e == last:  # an edge's pieces are consecutive: each edge once
                continue
            last = e
            v1, v2 = id1[e], id2[e]
            k1, k2 = -1, -1
            for q in range(_SEEN):
                if seen_id[q] == v1:
                    k1 = q
                elif seen_id[q] == v2:
                    k2 = q
            if k1 >= 0:
                x1, y1 = seen_x[k1], seen_y[k1]
            else:
                x1, y1 = xy_about(lon1[e], cos1[e], sin1[e], lon[i], sc, cc, east, north)
                seen_id[slot], seen_x[slot], seen_y[slot] = v1, x1, y1
                slot = (slot + 1) % _SEEN
            if k2 >= 0:
                x2, y2 = seen_x[k2], seen_y[k2]
            else:
                x2, y2 = xy_about(lon2[e], cos2[e], sin2[e], lon[i], sc, cc, east, north)
                seen_id[slot], seen_x[slot], seen_y[slot] = v2, x2, y2
                slot = (slot + 1) % _SEEN
            ex, ey = x2 - x1, y2 - y1
            len2 = max(ex * ex + ey * ey, 1e-12)
            length = math.sqrt(len2)
            u = min(max(-(x1 * ex + y1 * ey) / len2, 0.0), 1.0)
            approx = hyp(x1 + u * ex, y1 + u * ey)
            reach = approx + length
            eps = 2.0 * (5e-5 + (reach / _R) ** 2)
            s = approx * (1.0 + 3.0 * eps) + 5.0
            if s < sure or math.isnan(s):  # NaN sticks, as numpy's minimum
                sure = s
            if approx < bst or math.isnan(approx):
                bst = approx
            o_pi[m], o_ej[m], o_u[m], o_len[m] = i, e, u, length
            o_ap[m], o_reach[m], o_eps[m] = approx, reach, eps
            m += 1
        best[i] = bst
        w_ = m0
        for j in range(m0, m):
            if o_ap[j] * (1.0 - 3.0 * o_eps[j]) - 5.0 <= sure:
                o_pi[w_], o_ej[w_], o_u[w_], o_len[w_] = o_pi[j], o_ej[j], o_u[j], o_len[j]
                o_ap[w_], o_reach[w_], o_eps[w_] = o_ap[j], o_reach[j], o_eps[j]
                w_ += 1
        m = w_
    return (
        best,
        o_pi[:m].copy(),
        o_ej[:m].copy(),
        o_u[:m].copy(),
        o_len[:m].copy(),
        o_ap[:m].copy(),
        o_reach[:m].copy(),
        o_eps[:m].copy(),
    )
