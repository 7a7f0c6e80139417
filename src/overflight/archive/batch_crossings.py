"""Crossings and start-inside tests of many (piece, airspace) pairs at once (:mod:`.batch`).

Candidate (segment, edge) pairs come from the local planes: circles' chords from angles about
their centres (:mod:`~overflight.geometry.circle_pairs`), few-edge polygons' edges by runs of
segments against all their edges, others from their cached edge trees; only pairs whose
straight images come within the two geodesics' bows are solved, by the core check's exact
predicates and root search (:mod:`~overflight.geometry.crossing`), all together.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ..analysis.check import PreparedAirspace
from ..geometry.boundary import PolygonEdges
from ..geometry.circle_pairs import circle_candidates, ring_angles
from ..geometry.crossing import (
    box_bounds,
    crossing_pairs,
    edge_bounds,
    edge_tree,
    is_inside_many,
    near_pairs,
    near_pairs_xy,
    segment_pad,
)
from ..geometry.edge_grid import edge_grid
from ..geometry.frame import hyp, local_xy, plane_error
from ..geometry.jit import worth
from .batch_paths import Paths
from .index import haversine

__all__ = ["crossings", "few_edge_pairs", "starts_inside"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


_COLS = ("lon1", "lat1", "lon2", "lat2", "az", "x1", "y1", "x2", "y2", "bx0", "by0", "bx1", "by1")
"""The columns of :func:`_packed`: the edge's ends, its azimuth at the first end, its ends in
the polygon's plane and its padded box there (:func:`~overflight.geometry.crossing.edge_bounds`)."""


def _packed(pe: PolygonEdges) -> F64:
    """What the crossings read of a polygon's edges, one row per column of :data:`_COLS`
    and one column per edge, cached on ``pe`` if it has few edges (``FEW_EDGES``; a copy of
    a circle's many edges would weigh on a worker's memory): a batch's polygons are then
    gathered by one concatenation, not one per column."""
    cached = pe.__dict__.get("_packed_edges")
    if cached is None:
        cached = np.stack(
            [pe.lon1, pe.lat1, pe.lon2, pe.lat2, pe.geodesics()[0], *pe.plane(), *edge_bounds(pe)]
        ).reshape(len(_COLS), len(pe))
        if len(pe) <= FEW_EDGES:
            object.__setattr__(pe, "_packed_edges", cached)
    return cached


def _summary(pe: PolygonEdges) -> tuple[float, float, float, float, float]:
    """What the crossings read of each polygon of a call, in one tuple cached on ``pe``:
    its centre (lon, lat), radius, number of edges and whether it is a circle whose chords
    are found from their angles (1.0: more than ``FEW_EDGES`` edges and ``ring_angles``)."""
    cached = pe.__dict__.get("_cross_summary")
    if cached is None:
        n = len(pe)
        ring = n > FEW_EDGES and ring_angles(pe) is not None
        cached = (pe.center_lon, pe.center_lat, pe.radius_m, float(n), 1.0 if ring else 0.0)
        object.__setattr__(pe, "_cross_summary", cached)
    return cached  # type: ignore[no-any-return]


def _table(pes: Sequence[PolygonEdges]) -> dict[str, F64]:
    """The polygons' :func:`_packed` edges end to end, by column."""
    t = np.concatenate([_packed(pe) for pe in pes], axis=1) if pes else np.empty((len(_COLS), 0))
    return dict(zip(_COLS, t, strict=True))  # each row contiguous


def crossings(
    P: Paths, pairs: list[tuple[int, int]], preps: dict[int, PreparedAirspace]
) -> tuple[I64, I64, F64]:
    """Every crossing of the pairs' segments with their polygon's edges: (pair, global
    segment, fraction), sorted by pair, then along the track."""
    pj = np.array([p[0] for p in pairs], np.int64)
    pk = np.array([p[1] for p in pairs], np.int64)
    # pairs grouped by airspace (in order of first appearance), then every fix of each
    uk, first_at, rank = np.unique(pk, return_index=True, return_inverse=True)
    order = np.argsort(first_at[rank], kind="stable")
    lens = (P.off[pj + 1] - P.off[pj])[order]
    cum = np.cumsum(lens)
    fx = np.repeat(P.off[pj[order]] - (cum - lens), lens) + np.arange(int(cum[-1]))
    owner = np.repeat(order, lens)
    kf = rank[owner]  # the airspace of each fix, as its position in uk
    pes = [preps[int(k)].polygons[0] for k in uk]
    summary = np.array([_summary(pe) for pe in pes]).reshape(len(pes), 5)
    k_lon, k_lat, k_r = summary[:, 0], summary[:, 1], summary[:, 2]
    x, y = _plane(P.lon, P.lat, k_lon, k_lat, kf, fx)
    # only segments (every fix but each job's last to the next) that come within the
    # polygon's reach of its centre can meet an edge
    s = _in_reach(x, y, P.has_next[fx], kf, k_r)
    n_edges = summary[:, 3].astype(np.int64)
    few = n_edges[kf[s]] <= FEW_EDGES
    sf, s = s[few], s[~few]
    tp, tg, tl1, ta1, tl2, ta2, taz = [], [], [], [], [], [], []
    circ = (summary[:, 4] > 0)[kf[s]]
    sc, s = s[circ], s[~circ]
    if sc.size:
        # circles: all their segments at once, each against the chords its angles reach
        uc, slot = np.unique(kf[sc], return_inverse=True)
        cpes = [pes[int(k)] for k in uc]
        si, ej = circle_candidates(
            x[sc],
            y[sc],
            x[sc + 1],
            y[sc + 1],
            slot,
            [ring_angles(pes[int(k)]) for k in uc],  # type: ignore[misc]
        )
        ej = ej + (np.cumsum(n_edges[uc]) - n_edges[uc])[slot[si]]  # numbered across cpes
        g = sc[si]
        planes = [pe.plane() for pe in cpes]  # circles' many edges: not packed (memory)
        ex1, ey1, ex2, ey2 = (np.concatenate([pl[c] for pl in planes])[ej] for c in range(4))
        keep = near_pairs_xy(x[g], y[g], x[g + 1], y[g + 1], ex1, ey1, ex2, ey2)
        g, ej = g[keep], ej[keep]
        tp.append(owner[g])
        tg.append(fx[g])
        for out, attr in ((tl1, "lon1"), (ta1, "lat1"), (tl2, "lon2"), (ta2, "lat2")):
            out.append(np.concatenate([getattr(pe, attr) for pe in cpes])[ej])
        taz.append(np.concatenate([pe.geodesics()[0] for pe in cpes])[ej])
    group = np.flatnonzero(np.r_[True, kf[s][1:] != kf[s][:-1], True]) if s.size else []
    for a, b in itertools.pairwise(group):
        sk = s[a:b]
        pe = pes[int(kf[sk[0]])]
        x1, y1, x2, y2 = x[sk], y[sk], x[sk + 1], y[sk + 1]
        box = box_bounds(x1, y1, x2, y2, segment_pad(x1, y1, x2, y2))
        # only the segments whose boxes touch a cell of the edges' boxes are queried (the
        # same pairs; most segments over a wide country are far from its boundary)
        near = np.flatnonzero(edge_grid(pe).touches(*box))
        if near.size == 0:
            continue
        sk, x1, y1, x2, y2 = sk[near], x1[near], y1[near], x2[near], y2[near]
        si, ej = edge_tree(pe).query(shapely.box(*(b[near] for b in box)), predicate="intersects")
        keep = near_pairs(x1[si], y1[si], x2[si], y2[si], ej, pe)
        si, ej = si[keep], ej[keep]
        if si.size == 0:
            continue
        tp.append(owner[sk[si]])
        tg.append(fx[sk[si]])
        tl1.append(pe.lon1[ej])
        ta1.append(pe.lat1[ej])
        tl2.append(pe.lon2[ej])
        ta2.append(pe.lat2[ej])
        taz.append(pe.geodesics()[0][ej])
    if sf.size:
        # only the few-edge polygons' edges, numbered across them (none for the others)
        few_pe = n_edges <= FEW_EDGES
        ft = _table([pe for pe, f in zip(pes, few_pe, strict=True) if f])
        si, ej = few_edge_pairs(x, y, sf, kf[sf], pes, np.where(few_pe, n_edges, 0), ft)
        tp.append(owner[si])
        tg.append(fx[si])
        for out, col in ((tl1, "lon1"), (ta1, "lat1"), (tl2, "lon2"), (ta2, "lat2"), (taz, "az")):
            out.append(ft[col][ej])
    if not tp:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    pair, g = np.concatenate(tp), np.concatenate(tg)
    plon, plat, qlon, qlat, az = (np.concatenate(v) for v in (tl1, ta1, tl2, ta2, taz))
    k, t = crossing_pairs(
        P.lon[g], P.lat[g], P.lon[g + 1], P.lat[g + 1], plon, plat, qlon, qlat, az
    )
    pair, g = pair[k], g[k]
    order = np.lexsort((t, g, pair))
    return pair[order], g[order], t[order]


FEW_EDGES = 64
"""Polygons with at most this many edges meet each segment's box against all their edges
(no edge tree); in chunks of ``PAIRS`` (segment, edge) pairs."""
PAIRS = 500_000


def few_edge_pairs(
    x: F64,
    y: F64,
    seg: I64,
    poly: I64,
    pes: Sequence[PolygonEdges],
    n_edges: I64,
    table: dict[str, F64] | None = None,
) -> tuple[I64, I64]:
    """(segment, edge) pairs of segments ``seg`` (fix ``seg`` to ``seg + 1`` in the plane
    ``x``, ``y`` of polygon ``pes[poly]``) whose padded boxes overlap and that pass
    :func:`~overflight.geometry.crossing.near_pairs`: what the edge tree's query and
    ``near_pairs`` give. Runs of up to :data:`RUN` consecutive segments of one polygon
    first keep the edges whose boxes meet the run's box (every box of the run lies in it),
    then each segment's box meets those. Edges are numbered across ``pes`` end to end.
    ``table``: the edges of the polygons of ``n_edges > 0`` (counted so) as :func:`_table`
    gives them, if already gathered."""
    t = _table(pes) if table is None else table
    ex1, ey1, ex2, ey2 = t["x1"], t["y1"], t["x2"], t["y2"]
    eb = [t["bx0"], t["by0"], t["bx1"], t["by1"]]
    first = np.cumsum(n_edges) - n_edges
    if _compiled(seg.size):
        from .pairs_compiled import few_edge_pairs_compiled

        return few_edge_pairs_compiled(
            x, y, seg, poly, first, n_edges, (ex1, ey1, ex2, ey2), (eb[0], eb[1], eb[2], eb[3])
        )
    sx1, sy1, sx2, sy2 = x[seg], y[seg], x[seg + 1], y[seg + 1]
    sb = box_bounds(sx1, sy1, sx2, sy2, segment_pad(sx1, sy1, sx2, sy2))
    # runs of consecutive segments of one polygon, and the edges meeting each run's box
    n = seg.size
    new_poly = np.r_[True, poly[1:] != poly[:-1]]
    pos = np.arange(n) - np.flatnonzero(new_poly)[np.cumsum(new_poly) - 1]
    new_run = new_poly | (pos % RUN == 0)
    heads = np.flatnonzero(new_run)
    run = np.cumsum(new_run) - 1
    rb = (
        np.minimum.reduceat(sb[0], heads),
        np.minimum.reduceat(sb[1], heads),
        np.maximum.reduceat(sb[2], heads),
        np.maximum.reduceat(sb[3], heads),
    )
    per_r = n_edges[poly[heads]]
    ri = np.repeat(np.arange(heads.size), per_r)
    rj = np.repeat(first[poly[heads]] - (np.cumsum(per_r) - per_r), per_r) + np.arange(
        int(per_r.sum())
    )
    meet = (rb[0][ri] <= eb[2][rj]) & (eb[0][rj] <= rb[2][ri])
    meet &= (rb[1][ri] <= eb[3][rj]) & (eb[1][rj] <= rb[3][ri])
    ri, rj = ri[meet], rj[meet]
    cnt = np.bincount(ri, minlength=heads.size)
    r_first = np.cumsum(cnt) - cnt
    per = cnt[run]
    out_s, out_e = [], []
    cut = np.searchsorted(np.cumsum(per), np.arange(1, 1 + per.sum() // PAIRS) * PAIRS)
    for part in np.split(np.arange(n), np.unique(cut)):
        if part.size == 0:
            continue
        pp = per[part]
        pi = np.repeat(part, pp)
        ej = rj[np.repeat(r_first[run[part]] - (np.cumsum(pp) - pp), pp) + np.arange(pp.sum())]
        hit = sb[0][pi] <= eb[2][ej]
        hit &= eb[0][ej] <= sb[2][pi]
        hit &= sb[1][pi] <= eb[3][ej]
        hit &= eb[1][ej] <= sb[3][pi]
        pi, ej = pi[hit], ej[hit]
        g = seg[pi]
        keep = near_pairs_xy(x[g], y[g], x[g + 1], y[g + 1], ex1[ej], ey1[ej], ex2[ej], ey2[ej])
        out_s.append(seg[pi[keep]])
        out_e.append(ej[keep])
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_s), np.concatenate(out_e)


RUN = 16
"""Consecutive segments of one polygon whose edges are first matched as one box."""


def _plane(lon: F64, lat: F64, c_lon: F64, c_lat: F64, which: I64, points: I64) -> tuple[F64, F64]:
    """:func:`~overflight.geometry.frame.local_xy` of ``points`` about centres ``which``, in
    one compiled pass where :func:`_compiled` (the crossings choose candidates in these
    planes, with slack far above the last bits by which the two passes may differ)."""
    if _compiled(which.size):
        from .pairs_compiled import plane_xy_compiled

        return plane_xy_compiled(lon, lat, c_lon, c_lat, which, points)  # type: ignore[no-any-return]
    return local_xy(lon, lat, c_lon, c_lat, which, points)


def _in_reach(x: F64, y: F64, nxt: NDArray[np.bool_], kf: I64, k_r: F64) -> I64:
    """The segments ``j -> j + 1`` (``nxt[j]``) of points ``x``, ``y`` in the plane of
    polygon ``kf[j]`` that come within its reach ``k_r`` of its centre (with the plane's
    error and a kilometre to spare); in one compiled pass where :func:`_compiled`."""
    if _compiled(x.size):
        from .pairs_compiled import in_reach_compiled

        return in_reach_compiled(x, y, nxt, kf, k_r)  # type: ignore[no-any-return]
    s = np.flatnonzero(nxt)
    x1, y1, x2, y2 = x[s], y[s], x[s + 1], y[s + 1]
    dx, dy = x2 - x1, y2 - y1
    u = np.clip(-(x1 * dx + y1 * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    r = k_r[kf[s]]
    return s[hyp(x1 + u * dx, y1 + u * dy) <= r * (1.0 + 3.0 * plane_error(r)) + 1_000.0]


def _compiled(n: int) -> bool:
    """Whether :func:`few_edge_pairs` on ``n`` segments takes its compiled pass
    (:mod:`.pairs_compiled`)."""
    return worth(n)


def starts_inside(
    P: Paths, pairs: list[tuple[int, int]], preps: dict[int, PreparedAirspace], index: Any
) -> NDArray[np.bool_]:
    """Whether each pair's piece starts inside: outside the airspace's cap for sure (almost
    always: pieces start out of reach), else :func:`~overflight.geometry.crossing.is_inside`."""
    j = np.array([p[0] for p in pairs], np.int64)
    k = np.array([p[1] for p in pairs], np.int64)
    first = P.off[j]
    d = haversine(P.lon[first], P.lat[first], index.cap_lon[k], index.cap_lat[k])
    out = np.zeros(len(pairs), bool)
    near = np.flatnonzero(d <= index.cap_r[k] * 1.01 + 1_000.0)
    if near.size:
        used, slot = np.unique(k[near], return_inverse=True)
        pes = [preps[int(kk)].polygons[0] for kk in used]
        out[near] = is_inside_many(P.lon[first[near]], P.lat[first[near]], slot, pes)
    return out
