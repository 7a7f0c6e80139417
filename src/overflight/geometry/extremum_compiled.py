"""The depth search of :func:`~.extremum.distance_extrema` (the largest distance inside a
polygon of few edges) as one compiled pass per stretch (numba, with PROJ's geodesics through
:mod:`.geodesic_c` and the distances of :func:`~.distance_compiled.distance_from`).

The same steps, in the same order, as the numpy path for one stretch alone: samples every
``step_m`` and at each fix, ranked in the polygon's plane on the chords; the best local
maxima, zoomed in on in the plane (with each grid's other intervals that may hold a point
as good, and theirs); the intervals between samples that may hide a better
point, zoomed in on too; the candidates that can still win, zoomed in on exactly (a grid
moved while its best lies on its end, kink estimates between two straight slopes, a stop
where the grid runs straight from the stretch's end); the first largest exact value over
every probe in the numpy path's order. Each step's numbers are the numpy path's (the same
formulas; numba's trigonometry may differ from numpy's in the last bit, which would move a
probe only where two plane values tie to ~1e-10 m): on 12,471 stretches of a scan, every
result was the same to the bit. Where a value is NaN the pass gives up on the stretch
(``ok`` False) and the caller takes the numpy path. Compiled on first use and cached on
disk; its steps: :mod:`.extremum_steps_compiled`, :mod:`.path_compiled`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from .extremum_steps_compiled import (
    Scratch,
    Table,
    Terms,
    distance,
    distances,
    first_max,
    hidden,
    peaks,
    plane_error,
    straight,
    zoom,
)
from .frame_compiled import centre_terms
from .jit import jit
from .path_compiled import Geo, Window, exact_at, longest_segment, plane_at, sample_times
from .path_compiled import sphere_bounds as bounds_of

__all__ = ["deepest_few_edges"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_RUN = 16
"""Consecutive samples evaluated over one choice of edges (:func:`.distances`)."""


@jit(error_model="numpy")
def _plane_rounds(
    win: Window,
    w0: int,
    m: int,
    ts: F64,
    p: int,
    table: Table,
    terms: Terms,
    pos_err: float,
    step_m: float,
    candidates: int,
    grids: tuple[F64, F64, int],
    geo: Geo,
    scratch: Scratch,
    room: tuple[F64, F64, F64, F64],
    work: I64,
) -> tuple[bool, F64, F64, F64]:
    """The samples ranked in the plane, their best local maxima and the intervals that may
    hide a better point zoomed in on: (ok, the brackets that can still win (lo, hi), the
    first probes that can (the picks, the ends, the hidden intervals' better ends))."""
    n_s = ts.size
    lon, lat, v = np.empty(n_s), np.empty(n_s), np.empty(n_s)
    none = np.empty(0)
    for i in range(n_s):
        lon[i], lat[i] = plane_at(win, w0, m, ts[i])
    for a in range(0, n_s, _RUN):  # runs of samples, each over the edges that may matter
        b = min(a + _RUN, n_s)
        if not distances(lon, lat, a, b - a, p, table, terms, False, geo, scratch, v):
            return False, none, none, none
    top_s, big = -math.inf, 0.0
    for i in range(n_s):
        top_s, big = max(top_s, v[i]), max(big, abs(v[i]))
    slack = 0.03 * big + step_m + 50.0 + 2.0 * pos_err
    cand = np.empty(n_s, np.int64)
    n_c = 0
    for i in range(n_s):
        left = -math.inf if i == 0 else v[i - 1]
        right = -math.inf if i == n_s - 1 else v[i + 1]
        if v[i] >= left and v[i] >= right and v[i] >= top_s - slack:
            cand[n_c] = i
            n_c += 1
    pick = _best_first(cand, n_c, v, candidates)
    n_p = pick.size
    # rows (lo, hi, value, first round): the picks' brackets, then the hidden intervals',
    # each followed by the rows its zoom added; heads: the first probes
    rows = np.empty((n_p + n_s, 4))
    h_t, h_v = np.empty(n_p + 2 + n_s), np.empty(n_p + 2 + n_s)
    covered = np.zeros(n_s, np.bool_)
    radius = table[2][p]
    err = (pos_err, radius)
    n_r = 0
    for r in range(n_p):
        i = pick[r]
        a, b = ts[max(i - 1, 0)], ts[min(i + 1, n_s - 1)]
        rows, n_r, ok = zoom(
            win, w0, m, p, table, terms, a, b, grids, geo, scratch, room, err, rows, n_r, work
        )
        if not ok:
            return False, none, none, none
        h_t[r], h_v[r] = ts[i], v[i]
        covered[i] = True
        covered[max(i - 1, 0)] = True
    top = -math.inf
    for r in range(n_r):
        top = max(top, rows[r, 2])
    h_t[n_p], h_v[n_p] = ts[0], v[0]
    h_t[n_p + 1], h_v[n_p + 1] = ts[n_s - 1], v[n_s - 1]
    n_h = n_p + 2
    rel = plane_error(radius + abs(top))
    slack = 3.0 * rel * abs(top) + 5.0 + 2.0 * pos_err
    more = np.empty(n_s, np.int64)
    n_m = hidden(v, lon, lat, covered, p, table, terms, top - 2.0 * slack, rel, pos_err, more)
    for i in more[:n_m]:
        n_0 = n_r
        rows, n_r, ok = zoom(
            win, w0, m, p, table, terms, ts[i], ts[i + 1], grids, geo, scratch, room, err,
            rows, n_r, work,
        )  # fmt: skip
        if not ok:
            return False, none, none, none
        for r in range(n_0, n_r):
            top = max(top, rows[r, 2])
        b = i if v[i] >= v[i + 1] else i + 1
        h_t[n_h], h_v[n_h] = ts[b], v[b]
        n_h += 1
    if n_m:
        rel = plane_error(radius + abs(top))
        slack = 3.0 * rel * abs(top) + 5.0 + 2.0 * pos_err
    work[0] += n_s
    keep = top - slack
    lo, hi, heads = np.empty(n_r), np.empty(n_r), np.empty(n_h)
    k_r = k_h = 0
    for r in range(n_r):
        if rows[r, 2] >= keep:
            lo[k_r], hi[k_r] = rows[r, 0], rows[r, 1]
            k_r += 1
    for h in range(n_h):
        if h_v[h] >= keep:
            heads[k_h] = h_t[h]
            k_h += 1
    return True, lo[:k_r], hi[:k_r], heads[:k_h]


@jit(error_model="numpy")
def _best_first(cand: I64, n: int, v: F64, k: int) -> I64:
    """The first ``k`` of ``cand[:n]`` by value ``v``, largest first, ties in their order
    (a stable sort's first ``k``), by ``k`` passes: no sort to compile."""
    out = np.empty(min(k, n), np.int64)
    taken = np.zeros(n, np.bool_)
    for j in range(out.size):
        best = -1
        for c in range(n):
            if not taken[c] and (best < 0 or v[cand[c]] > v[cand[best]]):
                best = c
        taken[best] = True
        out[j] = cand[best]
    return out


@jit(error_model="numpy")
def _exact_rounds(
    win: Window,
    w0: int,
    m: int,
    t0: float,
    t1: float,
    p: int,
    table: Table,
    terms: Terms,
    brackets: tuple[F64, F64],
    heads: F64,
    plan: tuple[F64, int, int],
    geo: Geo,
    scratch: Scratch,
    work: I64,
) -> tuple[bool, float, float]:
    """The exact rounds over the brackets (``plan``: the grid, the rounds, the moves), then
    the first probes and the last kink estimates: (ok, the first largest value over every
    probe in the numpy path's order, its time)."""
    grid, zooms0, shifts = plan
    exact = True  # (a constant: each distance function compiled for the plane and exactly)
    first_i = np.int64(0)  # (not a literal: numba compiles once per literal argument)
    lo_a, hi_a = brackets[0].copy(), brackets[1].copy()
    k_r, k_n = lo_a.size, grid.size
    mid = (k_n - 1) // 2
    zooms = np.full(k_r, zooms0, np.int64)
    moves = np.full(k_r, shifts, np.int64)
    has = np.zeros(k_r, np.bool_)
    k_t, k_f = np.empty((k_r, 3)), np.empty((k_r, 3))
    tt, gv = np.empty((k_r, k_n)), np.empty((k_r, k_n))
    extra, new_x, two = np.empty(2 * k_r), np.empty(2 * k_r), np.empty(2)
    at = np.empty(k_n, np.int64)
    a_lon, a_lat, a_f = np.empty(k_n), np.empty(k_n), np.empty(k_n)
    n_x = 0
    best_f, best_t = -math.inf, math.nan
    while (zooms > 0).any():
        act = np.flatnonzero(zooms > 0)
        for r in act:  # the grids (their known points kept), then the last kink estimates
            for k in range(k_n):
                tt[r, k] = lo_a[r] + (hi_a[r] - lo_a[r]) * grid[k]
            if has[r]:
                tt[r, 0], tt[r, mid], tt[r, k_n - 1] = k_t[r, 0], k_t[r, 1], k_t[r, 2]
                gv[r, 0], gv[r, mid], gv[r, k_n - 1] = k_f[r, 0], k_f[r, 1], k_f[r, 2]
            n_a = np.int64(0)
            for k in range(k_n):
                if not (has[r] and (k == 0 or k == mid or k == k_n - 1)):
                    at[n_a] = k
                    a_lon[n_a], a_lat[n_a] = exact_at(win, w0, m, tt[r, k], geo)
                    n_a += 1
            if not distances(a_lon, a_lat, first_i, n_a, p, table, terms, exact, geo, scratch, a_f):
                return False, 0.0, 0.0
            work[1] += n_a
            for q in range(n_a):
                k = at[q]
                gv[r, k] = a_f[q]
                if gv[r, k] > best_f:
                    best_f, best_t = gv[r, k], tt[r, k]
        for e in range(n_x):
            x, y = exact_at(win, w0, m, extra[e], geo)
            fx = distance(x, y, p, table, terms, exact, geo, scratch[2])
            work[1] += 1
            if math.isnan(fx):
                return False, 0.0, 0.0
            if fx > best_f:
                best_f, best_t = fx, extra[e]
        n_x = 0
        for r in act:
            if k_n >= 6:
                for e in range(peaks(tt[r], gv[r], two)):
                    new_x[n_x] = two[e]
                    n_x += 1
            j = first_max(gv[r], k_n)
            lo, hi = lo_a[r], hi_a[r]
            at_end = (j == 0 and lo > t0) or (j == k_n - 1 and hi < t1)
            move = at_end and moves[r] > 0
            centre = tt[r, j]
            half = (hi - lo) / 2 if move else (hi - lo) / (k_n - 1)
            lo_a[r], hi_a[r] = max(centre - half, t0), min(centre + half, t1)
            has[r] = (
                not move
                and k_n % 2 == 1
                and 0 < j < k_n - 1
                and lo_a[r] == centre - half
                and hi_a[r] == centre + half
            )
            for q, jj in enumerate((max(j - 1, 0), j, min(j + 1, k_n - 1))):
                k_t[r, q], k_f[r, q] = tt[r, jj], gv[r, jj]
            if move:
                moves[r] -= 1
            else:
                zooms[r] -= 1
            if straight(gv[r], j, lo_a[r] == t0, hi_a[r] == t1):
                zooms[r] = 0
        for e in range(n_x):
            extra[e] = new_x[e]
    for h in range(heads.size + n_x):
        th = heads[h] if h < heads.size else extra[h - heads.size]
        x, y = exact_at(win, w0, m, th, geo)
        fh = distance(x, y, p, table, terms, exact, geo, scratch[2])
        work[1] += 1
        if math.isnan(fh):
            return False, 0.0, 0.0
        if fh > best_f:
            best_f, best_t = fh, th
    return True, best_f, best_t


@jit(error_model="numpy")
def deepest_few_edges(
    win: Window,
    w_lo: I64,
    w_hi: I64,
    t0: F64,
    t1: F64,
    poly: I64,
    table: Table,
    grids: tuple[F64, F64, int],
    plan: tuple[F64, int, int],
    step_m: float,
    candidates: int,
    g: NDArray[np.uint8],
    work: I64,
) -> tuple[NDArray[np.bool_], F64, F64, F64, F64]:
    """The largest distance inside over each stretch ``s``: the window's fixes
    ``w_lo[s]:w_hi[s]`` of ``win`` (time, lon, lat, unit vectors; then three arrays of
    its length to fill: azimuth, length, solved), from ``t0[s]`` to ``t1[s] > t0[s]``,
    inside polygon ``poly[s]`` (of few edges) of ``table``. ``grids``: the plane rounds'
    (first grid, finer grid, rounds of it); ``plan``: the exact rounds' (grid, rounds,
    moves); ``g``: PROJ's geodesic struct; ``work``: the distances taken in the plane and
    exactly are added to its two counts. Returns (ok, distance, time, lon, lat)."""
    n = t0.size
    ok = np.zeros(n, np.bool_)
    f, t, lon, lat = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    buf = np.empty(3)
    geo = (g.ctypes.data, buf.ctypes.data, buf)
    n_e = 1
    for c in table[4]:
        n_e = max(n_e, c)
    n_p = max(grids[0].size, grids[1].size, plan[0].size, _RUN)
    scratch = (np.empty(n_p), np.empty(n_p), np.empty(n_e, np.int64), np.empty(n_e))
    room = (np.empty(n_p), np.empty(n_p), np.empty(n_p), np.empty(n_p))
    for s in range(n):
        w0, m, p = w_lo[s], w_hi[s] - w_lo[s], poly[s]
        terms = centre_terms(table[1][p])
        bounds = bounds_of(win, w0, m)
        ts = sample_times(win, w0, m, t0[s], t1[s], step_m, bounds, geo)
        if ts.size == 0:
            continue
        pos_err = 5e-10 * longest_segment(win, w0, m, bounds, geo) ** 2 + 1e-3
        good, lo, hi, heads = _plane_rounds(
            win,
            w0,
            m,
            ts,
            p,
            table,
            terms,
            pos_err,
            step_m,
            candidates,
            grids,
            geo,
            scratch,
            room,
            work,
        )
        if not good:
            continue
        good, f[s], t[s] = _exact_rounds(
            win, w0, m, t0[s], t1[s], p, table, terms, (lo, hi), heads, plan, geo, scratch, work
        )
        if good:
            ok[s] = True
            lon[s], lat[s] = exact_at(win, w0, m, t[s], geo)
    return ok, f, t, lon, lat
