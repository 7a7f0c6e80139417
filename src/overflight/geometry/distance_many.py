"""Distances from many points to the boundaries of many polygons in one pass (the depth
search's rounds, the archive scan's batches).

Circles take one geodesic call for all; polygons of few edges are ranked in their planes,
each run of consecutive points only against the edges that could be nearest to one of them,
and the edges that could be nearest solved exactly in one call; larger polygons go one by one
through their k-d trees (:mod:`.distance`). Every point gets the value it gets alone.

>>> from overflight.model import Polygon, Vertex
>>> from overflight.geometry.boundary import polygon_edges
>>> pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))
>>> d = boundary_distances(np.array([0.5, 0.5]), np.array([0.1, 0.5]), np.zeros(2, np.int64), [pe])
>>> [round(float(v), 1) for v in d]  # 0.1 and 0.5 degree of latitude from the equator
[11057.4, 55287.2]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance import (
    approx_boundary_distance,
    beyond_end,
    boundary_distance,
    clear_of_ends,
    edge_distance,
)
from .distance_wide import WIDE_EDGES
from .frame import hyp, local_xy, plane_error
from .geodesic import inverse
from .jit import worth

__all__ = ["EdgeTable", "boundary_distances"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


_FEW_EDGES = WIDE_EDGES - 1
"""Polygons with at most this many edges are ranked against every edge (no k-d tree)."""
_PAIRS = 500_000
"""(point, edge) pairs ranked at once."""


class EdgeTable:
    """Polygons' edges end to end, for many :func:`boundary_distances` calls on one set of
    polygons: what each call would otherwise gather again (kinds, circles, centres, plane and
    geodesic ends of the few-edge polygons' edges, their geodesic azimuths and lengths)."""

    def __init__(self, pes: Sequence[PolygonEdges]) -> None:
        self.pes = pes
        # one cached tuple and one cached block of columns per polygon: a call's polygons
        # are gathered by one comprehension and one concatenation
        summary = np.array([_summary(pe) for pe in pes]).reshape(len(pes), 8)
        self.kind = summary[:, 0].astype(np.int64)
        self.circle = np.ascontiguousarray(summary[:, 1:4])
        few = [pe for pe, k in zip(pes, self.kind.tolist(), strict=True) if k == 1]
        self.cnt = summary[:, 4].astype(np.int64) * (self.kind == 1)
        self.first = np.cumsum(self.cnt) - self.cnt
        self.c_lon = np.ascontiguousarray(summary[:, 5])
        self.c_lat = np.ascontiguousarray(summary[:, 6])
        self.radius = np.ascontiguousarray(summary[:, 7])
        cols = np.concatenate([_columns(pe) for pe in few], axis=1) if few else np.empty((11, 0))
        self.ex1, self.ey1, self.ex2, self.ey2 = cols[0], cols[1], cols[2], cols[3]
        self.lon1, self.lat1, self.lon2, self.lat2 = cols[4], cols[5], cols[6], cols[7]
        self.dx, self.dy = self.ex2 - self.ex1, self.ey2 - self.ey1
        self._geo = (cols[8], cols[9], cols[10])
        self._arrays: tuple[NDArray[np.float64] | I64, ...] | None = None

    def arrays(self) -> tuple[NDArray[np.float64] | I64, ...]:
        """What the compiled pass (:func:`.distance_compiled.few_edge_distances`) reads: per
        polygon its centre, radius, first edge and number of edges; per few-edge polygon
        edge its plane start and direction, its ends, azimuths and length."""
        if self._arrays is None:
            self._arrays = (
                self.c_lon,
                self.c_lat,
                self.radius,
                self.first,
                self.cnt,
                self.ex1,
                self.ey1,
                self.dx,
                self.dy,
                self.lon1,
                self.lat1,
                self.lon2,
                self.lat2,
                *self.geodesics(),
            )
            self._arrays = tuple(np.ascontiguousarray(a) for a in self._arrays)
        return self._arrays

    def geodesics(self) -> tuple[F64, F64, F64]:
        """Each few-edge polygon edge's azimuths at both ends and length, end to end."""
        return self._geo


def _summary(pe: PolygonEdges) -> tuple[float, ...]:
    """What :class:`EdgeTable` reads of a polygon besides its edges, cached on ``pe``: its
    kind (0 circle, 1 few edges, 2 more), circle (lon, lat, r; NaN if none), number of edges,
    centre and radius."""
    cached = pe.__dict__.get("_table_summary")
    if cached is None:
        kind = 0 if pe.circle is not None else 1 if len(pe) <= _FEW_EDGES else 2
        circle = pe.circle or (np.nan,) * 3
        cached = (kind, *circle, len(pe), pe.center_lon, pe.center_lat, pe.radius_m)
        object.__setattr__(pe, "_table_summary", cached)
    return cached  # type: ignore[no-any-return]


def _columns(pe: PolygonEdges) -> F64:
    """A few-edge polygon's edges as :class:`EdgeTable` reads them, one row per column (plane
    ends x1, y1, x2, y2; ends lon1, lat1, lon2, lat2; azimuths at both ends, length), cached
    on ``pe``."""
    cached = pe.__dict__.get("_table_columns")
    if cached is None:
        cached = np.stack([*pe.plane(), pe.lon1, pe.lat1, pe.lon2, pe.lat2, *pe.geodesics()])
        cached = cached.reshape(11, len(pe))
        object.__setattr__(pe, "_table_columns", cached)
    return cached  # type: ignore[no-any-return]


def boundary_distances(
    lon: F64,
    lat: F64,
    which: I64,
    pes: Sequence[PolygonEdges] | EdgeTable,
    *,
    exact: bool = True,
) -> F64:
    """Distance from each point to the boundary of its own polygon ``pes[which[i]]``: exact
    (as :func:`~.distance.boundary_distance`), or in the local plane (as
    :func:`~.distance.approx_boundary_distance`), for points of many polygons at once. ``pes``: the
    polygons, or their :class:`EdgeTable` when many calls share them.

    Circles take one geodesic call for all; polygons of few edges are ranked in their planes
    against all their edges in one pass and the edges that could be nearest evaluated in one
    exact call; larger polygons go one by one through their k-d trees.
    """
    table = pes if isinstance(pes, EdgeTable) else EdgeTable(pes)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.empty(lon.shape)
    kind = table.kind[which]
    sel = np.flatnonzero(kind == 0)
    if sel.size:
        c = table.circle[which[sel]]
        _, _, d = inverse(c[:, 0], c[:, 1], lon[sel], lat[sel])
        out[sel] = np.abs(c[:, 2] - d)
    sel = np.flatnonzero(kind == 1)
    struct = _compiled_struct() if worth(sel.size) else None
    if struct is not None:
        from .distance_compiled import few_edge_distances

        out[sel] = few_edge_distances(lon[sel], lat[sel], which[sel], table.arrays(), exact, struct)
    elif sel.size:
        # in chunks of a bounded number of (point, edge) pairs: memory stays flat
        per = table.cnt[which[sel]]
        cut = np.searchsorted(np.cumsum(per), np.arange(1, 1 + per.sum() // _PAIRS) * _PAIRS)
        for part in np.split(sel, np.unique(cut)):
            if part.size:
                out[part] = _few_edges(lon[part], lat[part], which[part], table, exact)
    for p in np.unique(which[kind == 2]):
        sel = np.flatnonzero(which == p)
        pe = table.pes[int(p)]
        if exact:
            out[sel] = boundary_distance(lon[sel], lat[sel], pe)[0]
        else:
            out[sel] = approx_boundary_distance(lon[sel], lat[sel], pe)
    return out


def _compiled_struct() -> NDArray[np.uint8] | None:
    """PROJ's geodesic struct where the compiled pass can run (:mod:`.geodesic_c`), else
    None (the numpy path)."""
    from . import geodesic_c

    return geodesic_c.geodesic_struct() if geodesic_c.available() else None


def _few_edges(lon: F64, lat: F64, which: I64, table: EdgeTable, exact: bool) -> F64:
    """:func:`boundary_distances` for polygons of few edges: (point, edge of its polygon)
    pairs ranked in the polygon's plane, the ones that could be nearest solved exactly (the
    same pairs and criterion as :func:`_approx`'s). Only the edges that could be nearest to
    some point of a short run of points are ranked for them (:func:`_run_pairs`)."""
    ex1, ey1 = table.ex1, table.ey1
    x, y = local_xy(lon, lat, table.c_lon, table.c_lat, which)
    reach = np.maximum(hyp(x, y), table.radius[which])
    eps = plane_error(reach)
    pi, ej, start = _run_pairs(x, y, which, table, eps)
    dx, dy = table.dx[ej], table.dy[ej]
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    px, py = x[pi], y[pi]
    raw = ((px - ex1[ej]) * dx + (py - ey1[ej]) * dy) / len2
    u = np.clip(raw, 0.0, 1.0)
    fx, fy = px - (ex1[ej] + u * dx), py - (ey1[ej] + u * dy)
    approx = np.sqrt(fx * fx + fy * fy)
    best = np.minimum.reduceat(approx, start)
    if not exact:
        return best
    keep = approx <= best[pi] * (1.0 + 3.0 * eps[pi]) + 5.0
    pi, ej, u = pi[keep], ej[keep], u[keep]
    length = np.sqrt(len2[keep])
    clear = clear_of_ends(u, length, approx[keep], reach[pi], eps[pi])
    end = beyond_end(raw[keep], length, approx[keep], reach[pi], eps[pi])
    az1, az2, length_g = (g[ej] for g in table.geodesics())
    d, _, _ = edge_distance(
        lon[pi],
        lat[pi],
        table.lon1[ej],
        table.lat1[ej],
        table.lon2[ej],
        table.lat2[ej],
        u,
        (az1, az2, length_g),
        clear,
        end,
        distance_only=True,
    )
    return np.minimum.reduceat(d, np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]]))


_RUN = 16
"""Consecutive points of one polygon share one ranking of its edges (:func:`_run_pairs`)."""


def _plane_gap(px: F64, py: F64, ej: I64, table: EdgeTable) -> F64:
    """Plane distance from points to the straight edges ``ej``."""
    ax, ay, dx, dy = table.ex1[ej], table.ey1[ej], table.dx[ej], table.dy[ej]
    u = np.clip(((px - ax) * dx + (py - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    fx, fy = px - (ax + u * dx), py - (ay + u * dy)
    return np.sqrt(fx * fx + fy * fy)


def _run_pairs(x: F64, y: F64, which: I64, table: EdgeTable, eps: F64) -> tuple[I64, I64, I64]:
    """(point, edge) pairs to rank, sorted by point then edge, and each point's first pair.

    Points come in runs of up to :data:`_RUN` consecutive points of one polygon; each run's
    edges are ranked once from its centre ``c`` (within ``rho`` of every point of the run).
    An edge ``e`` that could be nearest to a point ``p`` of the run (within its best times
    ``1 + 3 eps`` plus 5 m, as :func:`_few_edges` keeps) has ``gap(c, e) <= gap(p, e) + rho
    <= (best(c) + rho) (1 + 3 eps) + 5 + rho``: only those edges are paired with the run's
    points (a run whose centre has no finite distance keeps every edge)."""
    n = x.size
    new_poly = np.r_[True, which[1:] != which[:-1]] if n else np.zeros(0, bool)
    first_of = np.flatnonzero(new_poly)
    pos = np.arange(n) - first_of[np.cumsum(new_poly) - 1]
    new_run = new_poly | (pos % _RUN == 0)
    run = np.cumsum(new_run) - 1
    n_run = int(run[-1]) + 1 if n else 0
    size = np.bincount(run, minlength=n_run)
    cx = np.bincount(run, x, n_run) / size
    cy = np.bincount(run, y, n_run) / size
    rho = np.zeros(n_run)
    np.maximum.at(rho, run, hyp(x - cx[run], y - cy[run]))
    e_max = np.zeros(n_run)
    np.maximum.at(e_max, run, eps)
    poly = which[np.flatnonzero(new_run)]
    per_r = table.cnt[poly]
    start_r = np.cumsum(per_r) - per_r
    ri = np.repeat(np.arange(n_run), per_r)
    rj = np.repeat(table.first[poly], per_r) + np.arange(ri.size) - np.repeat(start_r, per_r)
    gap = _plane_gap(cx[ri], cy[ri], rj, table)
    best = np.minimum.reduceat(gap, start_r)
    limit = (best + rho) * (1.0 + 3.0 * e_max) + 5.0 + rho
    limit = limit * (1.0 + 1e-9) + 0.01  # rounding of the plane distances themselves
    ok = (gap <= limit[ri]) | ~np.isfinite(limit[ri])
    ri, rj = ri[ok], rj[ok]
    cnt = np.bincount(ri, minlength=n_run)
    first = np.cumsum(cnt) - cnt
    per = cnt[run]
    start = np.cumsum(per) - per
    pi = np.repeat(np.arange(n), per)
    ej = rj[np.repeat(first[run], per) + np.arange(pi.size) - np.repeat(start, per)]
    return pi, ej, start
