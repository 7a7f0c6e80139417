"""The steps of :func:`~.extremum.distance_extrema`: the stretches' paths and polygons laid out
together, their samples, the zoom rounds (a grid over each bracket, in the plane or exact),
the kink estimate between two straight slopes, and the first best of each stretch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance import approx_nearest
from .distance_many import EdgeTable, boundary_distances
from .extremum_bounds import hidden_intervals, wide_hidden
from .frame import plane_error
from .path import PathSet, TrackPath

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

__all__ = [
    "Stretch",
    "at_start",
    "deepest_compiled",
    "edge_table",
    "first_best",
    "grid_round",
    "path_set",
    "samples_many",
    "tent_peaks",
    "zoom_in_plane",
]


def tent_peaks(tt: F64, f: F64) -> F64:
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


Stretch = tuple[TrackPath, PolygonEdges, float, float]


def path_set(stretches: Sequence[tuple[TrackPath, object, float, float]]) -> PathSet:
    """The stretches' paths, each laid out over its own [t0, t1] only."""
    t0 = np.array([s[2] for s in stretches], dtype=float)
    t1 = np.array([s[3] for s in stretches], dtype=float)
    return PathSet([s[0] for s in stretches], windows=(t0, np.maximum(t0, t1)))


def edge_table(stretches: Sequence[Stretch]) -> tuple[EdgeTable, I64]:
    """The stretches' polygons (each once) as one edge table, and each stretch's polygon."""
    ids: dict[int, int] = {}
    pes = []
    for s in stretches:
        if ids.setdefault(id(s[1]), len(ids)) == len(pes):
            pes.append(s[1])
    return EdgeTable(pes), np.array([ids[id(s[1])] for s in stretches], np.int64)


def samples_many(stretches: Sequence[Stretch], ps: PathSet, step_m: float) -> tuple[F64, I64]:
    """Times every ``step_m`` or less along each stretch, and at each of its fixes: each
    stretch between consecutive knots (t0, the fixes inside, t1) cut into equal times, as many
    as its length needs; for all stretches at once (lengths from the segments' own). Returns
    the times and their stretches, stretch by stretch in time order."""
    n_s = len(stretches)
    t0 = np.array([s[2] for s in stretches], dtype=float)
    t1 = np.array([s[3] for s in stretches], dtype=float)
    knots, owner = ps.knots()
    ok = t1 > t0
    seg = np.flatnonzero((owner[1:] == owner[:-1]) & ok[owner[1:]])  # knot i -> i + 1
    k = ps.steps(owner[seg], knots[seg], knots[seg + 1], step_m)
    idx = np.repeat(seg, k)
    kk = np.repeat(k, k)
    j = np.arange(idx.size) - np.repeat(np.cumsum(k) - k, k)
    t = knots[idx] + (j / kk) * (knots[idx + 1] - knots[idx])
    # each stretch's times, then its end (a stretch of no length: its start alone)
    last = np.where(ok, t1, t0)
    all_t = np.concatenate([t, last])
    all_o = np.concatenate([owner[idx], np.arange(n_s)])
    order = np.argsort(all_o, kind="stable")
    return all_t[order], all_o[order]


def grid_round(
    ps: PathSet,
    table: EdgeTable,
    poly: I64,
    rs: I64,
    lo: F64,
    hi: F64,
    grid: F64,
    extra: tuple[F64, I64],
    exact: bool,
    known: tuple[I64, F64, F64] | None = None,
    edges: bool = False,
) -> tuple[F64, F64, tuple[F64, F64, I64], tuple[F64, F64, I64]]:
    """One zoom round: ``grid`` over each row's [lo, hi] (row ``i`` belongs to stretch
    ``rs[i]``, rows sorted by stretch), plus the ``extra`` (times, stretches), evaluated in
    one call. ``known``: rows whose grid's first, middle and last points are points already
    evaluated (rows, their times and values, rows x 3): those take these times and values.
    Returns the grid's times and values (rows x points), every (time, value, stretch)
    asked, grid first, and the positions asked (lon, lat, in that order) with, if ``edges``
    (in the plane), the nearest edge of each point of a polygon of many edges (-1 for the
    others; none without such points)."""
    tt = lo[:, None] + (hi - lo)[:, None] * grid[None, :]
    ask = np.ones(tt.shape, bool)
    ends = [0, (grid.size - 1) // 2, grid.size - 1]
    if known is not None:
        rows = known[0][:, None]
        tt[rows, ends] = known[1]
        ask[rows, ends] = False
    q = np.concatenate([tt[ask], extra[0]])
    q_owner = np.concatenate([np.broadcast_to(rs[:, None], tt.shape)[ask], extra[1]])
    plon, plat = ps.points_at(q_owner, q, exact=exact)
    near = np.empty(0, np.int64)
    many = np.flatnonzero(table.kind[poly[q_owner]] == 2) if edges and not exact else near
    if many.size:  # their nearest edges too: each such polygon alone
        near = np.full(q.size, -1, np.int64)
        f_all = np.empty(q.size)
        rest = np.setdiff1d(np.arange(q.size), many)
        if rest.size:
            f_all[rest] = boundary_distances(
                plon[rest], plat[rest], poly[q_owner[rest]], table, exact=False
            )
        for p in np.unique(poly[q_owner[many]]).tolist():
            sel = many[poly[q_owner[many]] == p]
            f_all[sel], near[sel] = approx_nearest(plon[sel], plat[sel], table.pes[p])
    else:
        f_all = boundary_distances(plon, plat, poly[q_owner], table, exact=exact)
    g = np.empty(tt.shape)
    g[ask] = f_all[: int(ask.sum())]
    if known is not None:
        g[known[0][:, None], ends] = known[2]
    return tt, g, (q, f_all, q_owner), (plon, plat, near)


def zoom_in_plane(
    ps: PathSet,
    table: EdgeTable,
    poly: I64,
    rs: I64,
    lo: F64,
    hi: F64,
    grids: tuple[F64, ...],
    sign: float,
    pos_err: F64,
    radius: F64,
) -> tuple[I64, F64, F64, F64]:
    """Zoom rounds in the plane, one per grid: each row's bracket about its best point
    (one grid step either side, within the last bracket), and that best value.

    A zoom follows one peak (``sign`` 1; a dip: -1) of its grid; another peak between two
    grid points may stand higher (a bracket of two samples can hold two peaks). So each
    grid's intervals away from its best point that may hold a point as good as that best
    (the test :func:`~.extremum_bounds.hidden_intervals` makes of the samples' intervals,
    for circles and polygons of few edges; for polygons of many edges, largest distances
    only, :func:`~.extremum_bounds.wide_hidden`, over the ends' nearest edges; the margin:
    the plane's error and the positions', twice) add a row each: bracket the interval, value its
    better end, zoomed from the next round on, and adding rows of its own. Returns (each
    row's first row, lo, hi, value): the rows of one first row together, that row first,
    then those it added (by round, then by time), then those they added, row by row."""
    src, rs, start = np.arange(lo.size), rs.copy(), np.zeros(lo.size, np.int64)
    val = np.full(lo.size, -np.inf)
    none = (np.empty(0), np.empty(0, np.int64))
    done: list[tuple[I64, F64, F64, F64]] = []
    while src.size:  # the rows given, then the rows they add, then the rows those add
        lo, hi = lo.copy(), hi.copy()
        kids: list[tuple[I64, I64, F64, F64, F64]] = []  # parent, round, lo, hi, value
        for r, gr in enumerate(grids):
            act = np.flatnonzero(start <= r)
            if act.size == 0:
                continue
            n = gr.size
            tt, g, _, (plon, plat, near) = grid_round(
                ps, table, poly, rs[act], lo[act], hi[act], gr, none, exact=False,
                edges=sign > 0,
            )  # fmt: skip
            g = sign * g
            rows = np.arange(act.size)
            j = np.argmax(g, axis=1)
            width = (hi[act] - lo[act]) / (n - 1)
            best = g[rows, j]
            lo[act] = np.maximum(tt[rows, j] - width, lo[act])
            hi[act] = np.minimum(tt[rows, j] + width, hi[act])
            val[act] = best
            o = rs[act]
            rel = plane_error(radius[o] + np.abs(best))
            margin = 3.0 * rel * np.abs(best) + 1.0 + 2.0 * pos_err[o]
            wide = table.kind[poly[o]] == 2
            owner, flat, pick = np.repeat(rows, n), g.ravel(), rows * n + j
            i = hidden_intervals(
                table, poly[o], owner, flat, plon, plat, pick,
                np.where(wide, np.inf, best - 2.0 * margin), rel, pos_err[o], sign,
            )  # fmt: skip
            if near.size:  # (their own bound: over their ends' nearest edges)
                floor = np.where(wide, best - 2.0 * margin, np.inf)
                more = wide_hidden(table.pes, poly[o], owner, flat, plon, plat, pick, floor,
                                   pos_err[o], near)  # fmt: skip
                i = np.union1d(i, more)
            if i.size:
                gf, tf = g.ravel(), tt.ravel()
                ends = np.maximum(gf[i], gf[i + 1])
                kids.append((act[i // n], np.full(i.size, r), tf[i], tf[i + 1], ends))
        done.append((src, lo, hi, val))
        if not kids:
            break
        parent, round_, lo, hi, val = (np.concatenate(c) for c in zip(*kids, strict=True))
        order = np.lexsort((round_, parent))  # (stable: by time within a round)
        parent, round_, lo, hi, val = parent[order], round_[order], lo[order], hi[order], val[order]
        src, rs, start = src[parent], rs[parent], round_ + 1
    src, lo, hi, val = (np.concatenate(c) for c in zip(*done, strict=True))
    order = np.argsort(src, kind="stable")
    return src[order], lo[order], hi[order], val[order]


def first_best(t: F64, f: F64, owner: I64, n: int, sign: float) -> tuple[F64, F64]:
    """For each stretch 0..n-1, the (value, time) of its first largest ``sign * f`` in the
    order given (as ``argmax`` on the stretch's values alone)."""
    order = np.argsort(owner, kind="stable")
    t, f, owner = t[order], f[order], owner[order]
    v = sign * f
    start = np.searchsorted(owner, np.arange(n))
    if np.isnan(v).any():  # argmax takes the first NaN: one stretch at a time
        k = np.array([start[s] + int(np.argmax(v[owner == s])) for s in range(n)], np.int64)
        return f[k], t[k]
    top = np.maximum.reduceat(v, start)
    hit = np.flatnonzero(v == top[owner])
    _, first = np.unique(owner[hit], return_index=True)
    k = hit[first]
    return f[k], t[k]


def at_start(stretches: Sequence[Stretch]) -> list[tuple[float, float, float, float]]:
    """(exact distance, time, lon, lat) at each stretch's start."""
    ps = path_set(stretches)
    table, poly = edge_table(stretches)
    t = np.array([s[2] for s in stretches], dtype=float)
    lon, lat = ps.points_at(np.arange(len(stretches)), t)
    f = boundary_distances(lon, lat, poly, table, exact=True)
    return [
        (float(a_), float(b_), float(x), float(y))
        for a_, b_, x, y in zip(f, t, lon, lat, strict=True)
    ]


def deepest_compiled(
    stretches: Sequence[Stretch],
    step_m: float,
    candidates: int,
    points: int,
    rounds: int,
    shifts: int,
    exact_points: int,
    plane_rounds: int,
    work: I64 | None = None,
) -> list[tuple[float, float, float, float] | None]:
    """The largest distances of the stretches of polygons of few edges by the compiled
    pass (:mod:`.extremum_compiled`): the search of :func:`~.extremum.distance_extrema`'s
    numpy path on each alone; None for the others (other polygons, a NaN met, or no
    compiled pass here). ``work``: the distances taken in the plane and exactly are added
    to its two counts."""
    from . import distance_many

    out: list[tuple[float, float, float, float] | None] = [None] * len(stretches)
    struct = distance_many._compiled_struct()  # (None: the numpy paths)
    if struct is None:
        return out
    table, poly = edge_table(stretches)
    long = np.array([s[3] > s[2] for s in stretches], bool)
    sel = np.flatnonzero((table.kind[poly] == 1) & long)
    if sel.size == 0:
        return out
    from .extremum_compiled import deepest_few_edges

    ps = path_set([stretches[i] for i in sel])
    wt, wlon, wlat, w, u = ps.layout()
    win = (wt, wlon, wlat, u, np.zeros(wt.size), np.zeros(wt.size), np.zeros(wt.size, bool))
    t0 = np.array([stretches[i][2] for i in sel], dtype=float)
    t1 = np.array([stretches[i][3] for i in sel], dtype=float)
    fine = max(plane_rounds, 1) - 1
    grids = (np.linspace(0.0, 1.0, points), np.linspace(0.0, 1.0, exact_points), fine)
    plan = (np.linspace(0.0, 1.0, exact_points), max(rounds - fine - 1, 0), shifts)
    ok, f, t, lon, lat = deepest_few_edges(
        win, w[:, 0], w[:, 1], t0, t1, poly[sel], table.arrays(), grids, plan, float(step_m),
        candidates, struct, np.zeros(2, np.int64) if work is None else work,
    )  # fmt: skip
    for k in np.flatnonzero(ok).tolist():
        out[int(sel[k])] = (float(f[k]), float(t[k]), float(lon[k]), float(lat[k]))
    return out
