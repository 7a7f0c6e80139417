"""The candidate (segment, edge) pairs of :func:`~.batch_crossings.few_edge_pairs` in one
compiled pass (numba).

Segment by segment, every edge of its polygon: the padded boxes overlap (the edge tree's
test), then :func:`~overflight.geometry.crossing.near_pairs_xy` (the straight images meet, or
come within both geodesics' bows). The same formulas in the same order as the numpy path, so
the same pairs in the same order (by segment, then edge); the numpy path first narrows each
run of segments to the edges meeting the run's box, which changes nothing but its cost.
Compiled on first use and cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..geometry.frame_compiled import hyp
from ..geometry.geodesic import MEAN_RADIUS
from ..geometry.jit import jit

__all__ = ["few_edge_pairs_compiled", "in_reach_compiled", "plane_xy_compiled"]

_A = 6_378_137.0
_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)
_RAD = math.pi / 180.0

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@jit()
def _bow(x1: float, y1: float, x2: float, y2: float) -> float:
    """:func:`~overflight.geometry.frame.bow` of one segment."""
    length2 = (x2 - x1) ** 2 + (y2 - y1) ** 2
    far = max(hyp(x1, y1), hyp(x2, y2)) + math.sqrt(length2)
    return 20.0 + 4.0 * length2 * far / (8.0 * MEAN_RADIUS**2)


@jit()
def _orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


@jit()
def _to_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    vx, vy = bx - ax, by - ay
    u = ((px - ax) * vx + (py - ay) * vy) / max(vx * vx + vy * vy, 1e-12)
    u = 0.0 if u < 0 else 1.0 if u > 1 else u
    return hyp(px - (ax + u * vx), py - (ay + u * vy))


@jit()
def _near(
    sx1: float,
    sy1: float,
    sx2: float,
    sy2: float,
    ex1: float,
    ey1: float,
    ex2: float,
    ey2: float,
) -> bool:
    """:func:`~overflight.geometry.crossing.near_pairs_xy` of one pair."""
    pad = _bow(sx1, sy1, sx2, sy2) + _bow(ex1, ey1, ex2, ey2)
    meet = (
        _orient(sx1, sy1, sx2, sy2, ex1, ey1) * _orient(sx1, sy1, sx2, sy2, ex2, ey2) <= 0
    ) and (_orient(ex1, ey1, ex2, ey2, sx1, sy1) * _orient(ex1, ey1, ex2, ey2, sx2, sy2) <= 0)
    if meet:
        return True
    gap = min(
        _to_segment(sx1, sy1, ex1, ey1, ex2, ey2),
        _to_segment(sx2, sy2, ex1, ey1, ex2, ey2),
        _to_segment(ex1, ey1, sx1, sy1, sx2, sy2),
        _to_segment(ex2, ey2, sx1, sy1, sx2, sy2),
    )
    return gap <= pad


@jit()
def few_edge_pairs_compiled(
    x: F64,
    y: F64,
    seg: I64,
    poly: I64,
    first: I64,
    n_edges: I64,
    edges: tuple[F64, F64, F64, F64],
    boxes: tuple[F64, F64, F64, F64],
) -> tuple[I64, I64]:
    """(segment, edge) pairs: segments ``seg`` (fix ``seg`` to ``seg + 1`` in the plane
    ``x``, ``y`` of polygon ``poly``) against the edges ``first[p]`` .. ``first[p] +
    n_edges[p] - 1`` of their polygon (``edges``: plane ends x1, y1, x2, y2; ``boxes``: the
    edges' padded boxes xmin, ymin, xmax, ymax)."""
    ex1, ey1, ex2, ey2 = edges
    bx0, by0, bx1, by1 = boxes
    cap = max(16, 4 * seg.size)
    out_s = np.empty(cap, np.int64)
    out_e = np.empty(cap, np.int64)
    n = 0
    for i in range(seg.size):
        g = seg[i]
        sx1, sy1, sx2, sy2 = x[g], y[g], x[g + 1], y[g + 1]
        pad = 50.0 + 0.02 * (hyp(sx1, sy1) + hyp(sx2 - sx1, sy2 - sy1))
        lo_x, hi_x = min(sx1, sx2) - pad, max(sx1, sx2) + pad
        lo_y, hi_y = min(sy1, sy2) - pad, max(sy1, sy2) + pad
        e0 = first[poly[i]]
        for e in range(e0, e0 + n_edges[poly[i]]):
            if not (lo_x <= bx1[e] and bx0[e] <= hi_x and lo_y <= by1[e] and by0[e] <= hi_y):
                continue
            if not _near(sx1, sy1, sx2, sy2, ex1[e], ey1[e], ex2[e], ey2[e]):
                continue
            if n == cap:
                cap *= 2
                grown_s = np.empty(cap, np.int64)
                grown_e = np.empty(cap, np.int64)
                grown_s[:n] = out_s[:n]
                grown_e[:n] = out_e[:n]
                out_s, out_e = grown_s, grown_e
            out_s[n] = g
            out_e[n] = e
            n += 1
    return out_s[:n].copy(), out_e[:n].copy()


@jit()
def plane_xy_compiled(lon, lat, c_lon, c_lat, which, points):  # type: ignore[no-untyped-def]
    """:func:`~overflight.geometry.frame.local_xy` of points ``points`` about centres
    ``which`` in one pass, without the numpy path's temporaries (its arc tangent is libm's,
    not numpy's: the last bits may differ; the crossings take these planes only to choose
    candidates, with slack far above that)."""
    n = which.size
    x = np.empty(n)
    y = np.empty(n)
    m = c_lon.size
    sc = np.empty(m)
    cc = np.empty(m)
    east = np.empty(m)
    north = np.empty(m)
    for k in range(m):
        c = c_lat[k] * _RAD
        sc[k], cc[k] = math.sin(c), math.cos(c)
        w = math.sqrt(1.0 - _E2 * sc[k] ** 2)
        east[k] = _A / w / MEAN_RADIUS
        north[k] = _A * (1.0 - _E2) / w**3 / MEAN_RADIUS
    cos_la = np.empty(lat.size)
    sin_la = np.empty(lat.size)
    for i in range(lat.size):
        la = lat[i] * _RAD
        cos_la[i], sin_la[i] = math.cos(la), math.sin(la)
    for j in range(n):
        k = which[j]
        p = points[j]
        lo = (lon[p] - c_lon[k]) * _RAD
        if abs(lo) < 0.1:  # their series: the first terms left out are below 1e-20
            q = lo * lo
            sin_lo = lo * (1 + q * (-1 / 6 + q * (1 / 120 + q * (-1 / 5040 + q * (
                1 / 362880 + q * (-1 / 39916800))))))  # fmt: skip
            cos_lo = 1 + q * (-1 / 2 + q * (1 / 24 + q * (-1 / 720 + q * (
                1 / 40320 + q * (-1 / 3628800 + q / 479001600)))))  # fmt: skip
        else:
            sin_lo, cos_lo = math.sin(lo), math.cos(lo)
        e = cos_la[p] * sin_lo
        nn = cc[k] * sin_la[p] - sc[k] * cos_la[p] * cos_lo
        u = sc[k] * sin_la[p] + cc[k] * cos_la[p] * cos_lo
        h = math.sqrt(e * e + nn * nn)
        if h < 0.05 and u > 0:  # rho = asin(h): rho / h by its series (to h^12)
            q = h * h
            ratio = 1 + q * (1 / 6 + q * (3 / 40 + q * (5 / 112 + q * (35 / 1152 + q * (
                63 / 2816 + q * (231 / 13312))))))  # fmt: skip
            scale = MEAN_RADIUS * ratio
        else:
            scale = MEAN_RADIUS * math.atan2(h, u) / h if h > 0 else MEAN_RADIUS
        x[j] = e * scale * east[k]
        y[j] = nn * scale * north[k]
    return x, y


@jit()
def in_reach_compiled(x, y, nxt, kf, k_r):  # type: ignore[no-untyped-def]
    """The segments ``j -> j + 1`` (``nxt[j]``: there is one) of points ``x``, ``y`` in their
    polygon's plane (``kf[j]``) whose nearest point to the centre lies within the polygon's
    reach ``k_r`` (times one plus three times the plane's error, plus 1 km): the numpy
    path's test in one pass, without its gathers."""
    out = np.empty(x.size, np.int64)
    m = 0
    for j in range(x.size - 1):
        if not nxt[j]:
            continue
        x1, y1, x2, y2 = x[j], y[j], x[j + 1], y[j + 1]
        dx, dy = x2 - x1, y2 - y1
        u = -(x1 * dx + y1 * dy) / max(dx * dx + dy * dy, 1e-12)
        u = 0.0 if u < 0.0 else 1.0 if u > 1.0 else u
        r = k_r[kf[j]]
        err = 2.0 * (5e-5 + (r / MEAN_RADIUS) ** 2)
        if hyp(x1 + u * dx, y1 + u * dy) <= r * (1.0 + 3.0 * err) + 1_000.0:
            out[m] = j
            m += 1
    return out[:m]
