"""The steps of the compiled depth search (:mod:`.extremum_compiled`) on one stretch of a
polygon of few edges: a distance with the polygon's centre's terms given, a zoom in the
plane (:func:`~.extremum_rounds.zoom_in_plane`), the intervals that may hide a deeper point
(:func:`~.extremum_bounds.hidden_intervals`), the kink estimates
(:func:`~.extremum_rounds.tent_peaks`) and the stop at a straight end
(:func:`~.extremum_bounds.straight_from_end`). The same formulas, in the same order, as the
numpy path's; windows and PROJ's struct as :mod:`.path_compiled` passes them. Compiled on
first use and cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .distance_compiled import distance_from, near_edges
from .frame_compiled import xy_about
from .geodesic import MEAN_RADIUS
from .jit import jit
from .path_compiled import Geo, Window, clip, haversine1, plane_at

__all__ = [
    "distance",
    "distances",
    "first_max",
    "grown",
    "hidden",
    "peaks",
    "place",
    "plane_error",
    "straight",
    "zoom",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Table = tuple[np.ndarray, ...]
"""An :class:`~.distance_many.EdgeTable`'s :meth:`~.distance_many.EdgeTable.arrays`."""
Terms = tuple[float, float, float, float]
"""A polygon's centre's :func:`~.frame_compiled.centre_terms`."""
Scratch = tuple[F64, F64, I64, F64]
"""Room for :func:`distances`: x, y (one per point), edges and gaps (one per edge). (Ints
are passed to the compiled functions as typed values, not literals: numba compiles a
function once per literal argument, and a cold start took ~25 s, not ~17 s; ``exact`` stays
a literal, which costs ~2 s of compiling and saves ~4 % of the search.)"""

_R = MEAN_RADIUS
_RAD = math.pi / 180.0
_STRAIGHT_M = 1e-4  # extremum_bounds.STRAIGHT_M


@jit(error_model="numpy")
def place(lon: float, lat: float, p: int, table: Table, terms: Terms) -> tuple[float, float]:
    """A point in polygon ``p``'s plane, its centre's terms given
    (:func:`~.frame_compiled.plane_xy`: the same numbers)."""
    sc, cc, east, north = terms
    la = lat * _RAD
    return xy_about(lon, math.cos(la), math.sin(la), table[0][p], sc, cc, east, north)


@jit(error_model="numpy")
def distance(
    lon: float, lat: float, p: int, table: Table, terms: Terms, exact: bool, geo: Geo, every: I64
) -> float:
    """:func:`~.distance_compiled.distance_from` over every edge (``every``: an array of
    edge numbers to pass, not read), the polygon's centre's terms given."""
    x, y = place(lon, lat, p, table, terms)
    n_all = np.int64(-1)  # (not a literal: numba compiles once per literal argument)
    return distance_from(x, y, lon, lat, p, table, exact, geo[0], geo[1], geo[2], every, n_all)


@jit(error_model="numpy")
def distances(lon: F64, lat: F64, i0: int, n: int, p: int, table: Table, terms: Terms,
              exact: bool, geo: Geo, scratch: Scratch, out: F64) -> bool:  # fmt: skip
    """:func:`distance` of the points ``i0`` to ``i0 + n`` of ``lon``, ``lat`` into ``out``
    there, each over only the edges that could matter to one of them
    (:func:`~.distance_compiled.near_edges`: the same numbers); False if one is NaN."""
    x, y, edges, gaps = scratch
    for i in range(n):
        x[i], y[i] = place(lon[i0 + i], lat[i0 + i], p, table, terms)
    n_e = near_edges(x, y, n, p, table, edges, gaps)
    for i in range(n):
        k = i0 + i
        out[k] = distance_from(
            x[i], y[i], lon[k], lat[k], p, table, exact, geo[0], geo[1], geo[2], edges, n_e
        )
        if math.isnan(out[k]):
            return False
    return True


@jit(error_model="numpy")
def first_max(v: F64, n: int) -> int:
    """``np.argmax`` of ``v[:n]`` (no NaN)."""
    j = 0
    for k in range(1, n):
        if v[k] > v[j]:
            j = k
    return j


@jit(error_model="numpy")
def plane_error(r: float) -> float:
    """:func:`~.frame.plane_error`."""
    return 2.0 * (5e-5 + (r / _R) ** 2)


@jit(error_model="numpy")
def zoom(
    win: Window,
    w0: int,
    m: int,
    p: int,
    table: Table,
    terms: Terms,
    lo: float,
    hi: float,
    grids: tuple[F64, F64, int],
    geo: Geo,
    scratch: Scratch,
    room: tuple[F64, F64, F64, F64],
    err: tuple[float, float],
    out: F64,
    n_out: int,
    work: I64,
) -> tuple[F64, int, bool]:
    """:func:`~.extremum_rounds.zoom_in_plane` of one bracket, its rows (lo, hi, value,
    first round) put in ``out`` (rows x 4, grown if full) from row ``n_out``: (out, rows in
    it, ok: no NaN). ``grids``: the first grid, the finer one and how many rounds of it
    follow; ``room``: four arrays of a grid's size at least; ``err``: the stretch's
    position error and the polygon's radius; the plane distances taken are added to
    ``work[0]``."""
    first, fine, n_fine = grids
    first_i = np.int64(0)  # (not a literal: numba compiles once per literal argument)
    gv, tt, lon, lat = room
    pos_err, radius = err
    if n_out == out.shape[0]:
        out = grown(out)
    out[n_out, 0], out[n_out, 1], out[n_out, 2], out[n_out, 3] = lo, hi, -math.inf, 0.0
    n = n_out + 1
    covered = np.zeros(max(first.size, fine.size), np.bool_)
    more = np.empty(covered.size, np.int64)
    q = n_out
    while q < n:  # each row in turn, all its rounds; the rows it adds go after the last
        lo, hi, val = out[q, 0], out[q, 1], out[q, 2]
        for r in range(int(out[q, 3]), 1 + n_fine):
            grid = first if r == 0 else fine
            k_n = grid.size
            for k in range(k_n):
                tt[k] = lo + (hi - lo) * grid[k]
                lon[k], lat[k] = plane_at(win, w0, m, tt[k])
            if not distances(lon, lat, first_i, k_n, p, table, terms, False, geo, scratch, gv):
                return out, n, False
            work[0] += k_n
            j = first_max(gv, k_n)
            width = (hi - lo) / (k_n - 1)
            lo, hi = max(tt[j] - width, lo), min(tt[j] + width, hi)
            val = gv[j]
            # another peak of the grid that it steps over: a row of its own
            rel = plane_error(radius + abs(val))
            floor = val - 2.0 * (3.0 * rel * abs(val) + 1.0 + 2.0 * pos_err)
            covered[:k_n] = False
            covered[j] = True
            covered[max(j - 1, 0)] = True
            n_i = hidden(gv[:k_n], lon[:k_n], lat[:k_n], covered[:k_n], p, table, terms, floor,
                         rel, pos_err, more)  # fmt: skip
            for i in more[:n_i]:
                if n == out.shape[0]:
                    out = grown(out)
                out[n, 0], out[n, 1] = tt[i], tt[i + 1]
                out[n, 2], out[n, 3] = max(gv[i], gv[i + 1]), r + 1.0
                n += 1
        out[q, 0], out[q, 1], out[q, 2] = lo, hi, val
        q += 1
    return out, n, True


@jit(error_model="numpy")
def grown(a: F64) -> F64:
    """``a`` with twice its rows, the first ones copied."""
    b = np.empty((2 * a.shape[0], a.shape[1]))
    b[: a.shape[0]] = a
    return b


@jit(error_model="numpy")
def _plane_gap(px: float, py: float, e: int, table: Table) -> float:
    """Plane distance from a point to straight edge ``e`` (:func:`~.distance_many._plane_gap`)."""
    ax, ay, dx, dy = table[5][e], table[6][e], table[7][e], table[8][e]
    u = clip(((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    fx, fy = px - (ax + u * dx), py - (ay + u * dy)
    return math.sqrt(fx * fx + fy * fy)


@jit(error_model="numpy")
def hidden(
    v: F64,
    lon: F64,
    lat: F64,
    covered: NDArray[np.bool_],
    p: int,
    table: Table,
    terms: Terms,
    floor: float,
    rel: float,
    pos_err: float,
    out: I64,
) -> int:
    """:func:`~.extremum_bounds.hidden_intervals` of one stretch of a polygon of few edges
    (largest distance; samples' plane values ``v`` at ``lon``, ``lat``): the intervals'
    first samples, put in ``out`` (room for ``v.size - 1``); how many."""
    n = v.size
    c = 0
    c_lon, first, cnt = table[0][p], table[3][p], table[4][p]
    sc, cc, east, north = terms
    pad = 2.0 * pos_err + 1.0
    for i in range(n - 1):
        if covered[i]:
            continue
        # most intervals fail the first bound by far: first with more than the haversine
        # (sin x <= x, cos <= 1; asin y <= y + y^3 for y <= 1/2; 1 % more for rounding)
        dp, dl = (lat[i + 1] - lat[i]) * _RAD, (lon[i + 1] - lon[i]) * _RAD
        y = 0.5 * math.sqrt(dp * dp + dl * dl)
        if y <= 0.5 and v[i] + v[i + 1] + 2.0 * _R * y * (1.0 + y * y) * 1.02 + pad < 2.0 * floor:
            continue
        length = haversine1(lon[i], lat[i], lon[i + 1], lat[i + 1]) * 1.01 + pad
        if not (0.5 * (v[i] + v[i + 1] + length) >= floor):
            continue
        la, lb = lat[i] * _RAD, lat[i + 1] * _RAD
        xa, ya = xy_about(lon[i], math.cos(la), math.sin(la), c_lon, sc, cc, east, north)
        xb, yb = xy_about(lon[i + 1], math.cos(lb), math.sin(lb), c_lon, sc, cc, east, north)
        bound = math.inf
        for e in range(first, first + cnt):
            # each edge's distance is convex along the chord: at most its ends' larger
            bound = min(bound, max(_plane_gap(xa, ya, e, table), _plane_gap(xb, yb, e, table)))
        grain = 3.0 * rel * length + 1.0 + 2.0 * pos_err
        if bound >= floor and bound > max(v[i], v[i + 1]) + grain:
            out[c] = i
            c += 1
    return c


@jit(error_model="numpy")
def peaks(tt: F64, g: F64, out: F64) -> int:
    """:func:`~.extremum_rounds.tent_peaks` of one grid: its finite kink estimates put first
    in ``out`` (the one left of the best point, then the right one); how many."""
    k_n = tt.size
    j = min(max(first_max(g, k_n), 2), k_n - 3)
    c = 0
    for lo in (j - 1, j):
        x0, x1, x2, x3 = tt[lo - 1], tt[lo], tt[lo + 1], tt[lo + 2]
        y0, y1, y2, y3 = g[lo - 1], g[lo], g[lo + 1], g[lo + 2]
        s1 = (y1 - y0) / (x1 - x0)
        s2 = (y3 - y2) / (x3 - x2)
        x = (y2 - y1 + s1 * x1 - s2 * x2) / (s1 - s2)
        if np.isfinite(x) and x > x1 and x < x2:
            out[c] = x
            c += 1
    return c


@jit(error_model="numpy")
def straight(g: F64, j: int, at_lo: bool, at_hi: bool) -> bool:
    """:func:`~.extremum_bounds.straight_from_end` of one grid (best point ``j``)."""
    k_n = g.size
    if k_n < 4:
        return False
    for side in range(2):
        if not ((side == 0 and at_lo and j == 0) or (side == 1 and at_hi and j == k_n - 1)):
            continue
        lo_d, hi_d = math.inf, -math.inf
        for k in range(3):
            d = g[k + 1] - g[k] if side == 0 else g[k_n - 2 - k] - g[k_n - 1 - k]
            lo_d, hi_d = min(lo_d, d), max(hi_d, d)
        if hi_d - lo_d <= _STRAIGHT_M:
            return True
    return False
