"""Where a track (geodesic segments between fixes) crosses a polygon's geodesic edges.

Predicates are exact geodesic ones: a point X is on the right of the geodesic through P and Q when
the azimuth P->X is clockwise of P->Q (``sin(az_PX - az_PQ) > 0``), which on the ellipsoid
identifies the geodesic itself exactly. A segment A-B crosses an edge P-Q when A, B lie on opposite
sides of the edge's geodesic and P, Q on opposite sides of the segment's. Each side value is
computed once per (point, geodesic) and zero counts as positive, so a track through a vertex or
along
an edge is counted consistently (no crossing counted twice or lost). The crossing parameter is then
solved on the segment to machine precision by a bracketed root search.

>>> import numpy as np
>>> from overflight.model import Polygon, Vertex
>>> from overflight.geometry.boundary import polygon_edges
>>> sq = Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0)))
>>> pe = polygon_edges(sq)
>>> seg, frac = crossings(np.array([-0.5, 1.5]), np.array([0.5, 0.5]), pe)
>>> seg.tolist(), np.round(frac, 3).tolist()
([0, 0], [0.25, 0.75])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .circle_pairs import circle_candidates, ring_angles
from .frame import bow, hyp, local_xy
from .geodesic import angle_diff, forward, inverse

__all__ = [
    "crossing_pairs",
    "crossings",
    "edge_boxes",
    "edge_tree",
    "is_inside",
    "is_inside_many",
    "near_pairs",
    "offset",
    "point_on_segments",
    "side",
    "solve_crossing",
    "winding_inside",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


ON_LINE_M = 1e-6
"""A point this close to a geodesic (a micrometre: rounding of points computed on it) is on it."""


def side(plon: F64, plat: F64, az_pq: F64, xlon: F64, xlat: F64) -> F64:
    """Sine of the angle from the geodesic P (azimuth ``az_pq``) to X: > 0 right, < 0 left,
    exactly 0 when X lies on the geodesic (or at P) to within rounding (``ON_LINE_M``), so points
    computed on an edge or a track (through a vertex, along an edge) are counted consistently."""
    az_px, _, d = inverse(plon, plat, xlon, xlat)
    s = np.sin(np.radians(angle_diff(az_px, az_pq)))
    return np.where(d * np.abs(s) > ON_LINE_M, s, 0.0)


def offset(plon: F64, plat: F64, az_pq: F64, xlon: F64, xlat: F64) -> F64:
    """:func:`side` times the distance P->X (m): the same sign and zeros, and a value that
    varies almost linearly along a geodesic crossing the one through P (nearly the signed
    distance from it), so a root search on it converges in few steps."""
    az_px, _, d = inverse(plon, plat, xlon, xlat)
    h = d * np.sin(np.radians(angle_diff(az_px, az_pq)))
    return np.where(np.abs(h) > ON_LINE_M, h, 0.0)


def edge_boxes(x1: F64, y1: F64, x2: F64, y2: F64, pad: F64) -> NDArray[np.object_]:
    return shapely.box(*box_bounds(x1, y1, x2, y2, pad))


def box_bounds(x1: F64, y1: F64, x2: F64, y2: F64, pad: F64) -> tuple[F64, F64, F64, F64]:
    """(xmin, ymin, xmax, ymax) of segments' boxes padded by ``pad``."""
    return (
        np.minimum(x1, x2) - pad,
        np.minimum(y1, y2) - pad,
        np.maximum(x1, x2) + pad,
        np.maximum(y1, y2) + pad,
    )


def segment_pad(x1: F64, y1: F64, x2: F64, y2: F64) -> F64:
    """The pad of a segment's or an edge's box in the local plane: the plane distorts by
    < ~2 % within a few thousand km; geodesics of <= 20 km bow by metres from their chords
    there. 50 m + 2 % of the extent is generous."""
    return 50.0 + 0.02 * (hyp(x1, y1) + hyp(x2 - x1, y2 - y1))


def candidate_pairs(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[I64, I64]:
    """(segment, edge) index pairs whose padded boxes in the local plane overlap (conservative)."""
    x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
    ring = ring_angles(pe)
    if ring is not None:  # a circle: its chords from their angles (the same pairs kept)
        zero = np.zeros(x.shape[0] - 1, np.int64)
        si, ej = circle_candidates(x[:-1], y[:-1], x[1:], y[1:], zero, [ring])
    else:
        seg_pad = segment_pad(x[:-1], y[:-1], x[1:], y[1:])
        seg_idx, edge_idx = edge_tree(pe).query(
            edge_boxes(x[:-1], y[:-1], x[1:], y[1:], seg_pad), predicate="intersects"
        )
        si, ej = seg_idx.astype(np.int64), edge_idx.astype(np.int64)
    keep = near_pairs(x[si], y[si], x[si + 1], y[si + 1], ej, pe)
    return si[keep], ej[keep]


def edge_tree(pe: PolygonEdges) -> shapely.STRtree:
    """STR-tree of the polygon's padded edge boxes in its local plane, cached on ``pe`` (a
    polygon is prepared once and crossed by many tracks)."""
    tree = pe.__dict__.get("_edge_tree")
    if tree is None:
        tree = shapely.STRtree(shapely.box(*edge_bounds(pe)))
        object.__setattr__(pe, "_edge_tree", tree)
    return tree


def edge_bounds(pe: PolygonEdges) -> tuple[F64, F64, F64, F64]:
    """(xmin, ymin, xmax, ymax) of the polygon's padded edge boxes in its local plane (those
    of :func:`edge_tree`), cached on ``pe``."""
    bounds = pe.__dict__.get("_edge_bounds")
    if bounds is None:
        ex1, ey1, ex2, ey2 = pe.plane()
        bounds = box_bounds(ex1, ey1, ex2, ey2, segment_pad(ex1, ey1, ex2, ey2))
        object.__setattr__(pe, "_edge_bounds", bounds)
    return bounds


def point_on_segments(lon: F64, lat: F64, seg: I64, frac: F64) -> tuple[F64, F64]:
    """Points at fraction ``frac`` of the geodesic distance along segments ``seg`` (fix seg ->
    seg + 1)."""
    az, _, d = inverse(lon[seg], lat[seg], lon[seg + 1], lat[seg + 1])
    plon, plat, _ = forward(lon[seg], lat[seg], az, d * frac)
    return plon, plat


def solve_crossing(
    alon: F64,
    alat: F64,
    az_ab: F64,
    d_ab: F64,
    plon: F64,
    plat: F64,
    az_pq: F64,
    f0: F64,
    f1: F64,
) -> F64:
    """Root in [0, 1] of t -> offset(P, az_pq, point at t*d_ab from A), bracketed by f0, f1
    (its values at A and B; Illinois variant of regula falsi, vectorised)."""
    a = np.zeros_like(d_ab)
    b = np.ones_like(d_ab)
    fa, fb = f0.copy(), f1.copy()
    t = np.where(fa == 0, 0.0, np.where(fb == 0, 1.0, 0.5))
    active = (fa != 0) & (fb != 0)
    side_kept = np.zeros_like(d_ab)
    for _ in range(60):
        if not active.any():
            break
        ia = np.nonzero(active)[0]
        denom = fb[ia] - fa[ia]
        tn = np.where(
            denom != 0,
            (a[ia] * fb[ia] - b[ia] * fa[ia]) / np.where(denom != 0, denom, 1),
            0.5 * (a[ia] + b[ia]),
        )
        tn = np.clip(tn, a[ia], b[ia])
        xlon, xlat, _ = forward(alon[ia], alat[ia], az_ab[ia], d_ab[ia] * tn)
        fn = offset(plon[ia], plat[ia], az_pq[ia], xlon, xlat)
        t[ia] = tn
        same_a = np.sign(fn) == np.sign(fa[ia])
        # replace the endpoint with the same sign; Illinois: halve the kept one's value
        new_a = np.where(same_a, tn, a[ia])
        new_b = np.where(same_a, b[ia], tn)
        kept = np.where(same_a, 1.0, -1.0)  # +1: b kept, -1: a kept
        fa_n = np.where(same_a, fn, fa[ia])
        fb_n = np.where(same_a, fb[ia], fn)
        fb_n = np.where(same_a & (side_kept[ia] == 1.0), fb_n * 0.5, fb_n)
        fa_n = np.where(~same_a & (side_kept[ia] == -1.0), fa_n * 0.5, fa_n)
        a[ia], b[ia], fa[ia], fb[ia], side_kept[ia] = new_a, new_b, fa_n, fb_n, kept
        done = (np.abs(fn) < 1e-16) | ((new_b - new_a) * d_ab[ia] < 1e-6)
        active[ia[done]] = False
    return t


def crossing_pairs(
    alon: F64,
    alat: F64,
    blon: F64,
    blat: F64,
    plon: F64,
    plat: F64,
    qlon: F64,
    qlat: F64,
    az_pq: F64 | None = None,
) -> tuple[I64, F64]:
    """Which candidate (track segment A-B, edge P-Q) pairs cross, and where: the pairs'
    indices and the fraction of A-B's geodesic length at the crossing. Element-wise: a pair
    gets the same answer whatever other pairs are computed with it. ``az_pq``: each edge's
    azimuth at P if known (``PolygonEdges.geodesics``)."""
    if az_pq is None:
        az_pq, _, _ = inverse(plon, plat, qlon, qlat)
    s_a = offset(plon, plat, az_pq, alon, alat)
    s_b = offset(plon, plat, az_pq, blon, blat)
    k = np.flatnonzero((s_a >= 0) != (s_b >= 0))
    az_ab, _, d_ab = inverse(alon[k], alat[k], blon[k], blat[k])
    s_p = side(alon[k], alat[k], az_ab, plon[k], plat[k])
    s_q = side(alon[k], alat[k], az_ab, qlon[k], qlat[k])
    hit = ((s_p >= 0) != (s_q >= 0)) & (d_ab > 0)
    k, az_ab, d_ab = k[hit], az_ab[hit], d_ab[hit]
    # zero counts as positive: a point exactly on the line is on the "+" side
    f0 = np.where(s_a[k] == 0, np.finfo(float).tiny, s_a[k])
    f1 = np.where(s_b[k] == 0, np.finfo(float).tiny, s_b[k])
    t = solve_crossing(alon[k], alat[k], az_ab, d_ab, plon[k], plat[k], az_pq[k], f0, f1)
    return k, t


def crossings(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[I64, F64]:
    """All crossings of the track (fixes ``lon``, ``lat``) with the polygon's edges.

    Returns the segment index (crossing between fix i and i + 1) and the fraction of the
    segment's geodesic length at which it happens, sorted along the track.
    """
    n = len(lon)
    if n < 2 or len(pe) == 0:
        return np.empty(0, np.int64), np.empty(0)
    si, ej = candidate_pairs(lon, lat, pe)
    k, t = crossing_pairs(
        lon[si],
        lat[si],
        lon[si + 1],
        lat[si + 1],
        pe.lon1[ej],
        pe.lat1[ej],
        pe.lon2[ej],
        pe.lat2[ej],
        pe.geodesics()[0][ej],
    )
    si = si[k]
    order = np.lexsort((t, si))
    return si[order], t[order]


def winding_inside(lon: F64, lat: F64, pe: PolygonEdges) -> NDArray[np.bool_]:
    """Even-odd inside test of points by geodesic winding numbers of every ring (exact for
    geodesic edges; valid for polygons smaller than a hemisphere). Points within a few
    nanometres of an edge may go either way."""
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    parity = np.zeros(lon.shape, dtype=np.int64)
    for rlon, rlat in pe.rings:
        az, _, _ = inverse(lon[:, None], lat[:, None], rlon[None, :], rlat[None, :])
        turn = angle_diff(np.roll(az, -1, axis=1), az).sum(axis=1)
        parity += np.abs(np.rint(turn / 360.0)).astype(np.int64)
    return (parity % 2) == 1


_PLANE_MARGIN_M = 100.0
_PAIR_BUDGET = 2_000_000


def is_inside(lon: F64, lat: F64, pe: PolygonEdges) -> NDArray[np.bool_]:
    """The answer of :func:`winding_inside`, cheaper: even-odd ray casting over the straight
    edges between the vertices in the polygon's local plane, for points farther from those
    edges than the geodesic edges can bow away from them there (plus a margin); the geodesic
    winding number for the others.

    The plane is a continuous one-to-one map, so a point is inside the polygon exactly when
    its image is inside the image of the boundary (curves, not straight lines); a point
    farther than that bow from every straight edge gets the same answer from both. A plain
    circle answers by the distance to its centre, except within a metre of its chords.
    """
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = lon.shape[0]
    if n == 0 or len(pe) == 0:
        return np.zeros(n, bool)
    if pe.circle is not None:
        # a circle's chords lie between its radius and the radius less their sagitta: one
        # distance to the centre answers for every point clear of that band
        c_lon, c_lat, r = pe.circle
        _, _, d = inverse(np.full(n, c_lon), np.full(n, c_lat), lon, lat)
        out = d < r - _sagitta(pe) - _CIRCLE_MARGIN_M
        doubt = np.flatnonzero(~out & (d <= r + _CIRCLE_MARGIN_M))
        if doubt.size:
            out[doubt] = _plane_inside(lon[doubt], lat[doubt], pe)
        return out
    return _plane_inside(lon, lat, pe)


_CIRCLE_MARGIN_M = 1.0
"""How far a circle's chords may stray from the band [r - sagitta, r] (the ellipsoid's
departures from a plane circle, over chords of at most a few hundred metres: millimetres)."""


def _sagitta(pe: PolygonEdges) -> float:
    """Twice the largest sagitta of a circle's chords (``c^2 / 8 r``), cached on ``pe``."""
    sag = pe.__dict__.get("_sagitta")
    if sag is None:
        assert pe.circle is not None
        c = float(pe.geodesics()[2].max())
        sag = 2.0 * c * c / (8.0 * pe.circle[2])
        object.__setattr__(pe, "_sagitta", sag)
    return float(sag)


def _plane_inside(lon: F64, lat: F64, pe: PolygonEdges) -> NDArray[np.bool_]:
    """:func:`is_inside` by ray casting in the plane (and winding numbers in doubt)."""
    n = lon.shape[0]
    ex1, ey1, ex2, ey2 = pe.plane()
    x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
    dx, dy = ex2 - ex1, ey2 - ey1
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    most = float(bow(ex1, ey1, ex2, ey2).max())
    out = np.zeros(n, bool)
    sure = np.zeros(n, bool)
    step = max(1, _PAIR_BUDGET // ex1.size)
    for a in range(0, n, step):
        px, py = x[a : a + step, None], y[a : a + step, None]
        straddle = (ey1 > py) != (ey2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xi = ex1 + (py - ey1) * dx / np.where(dy != 0, dy, 1.0)
        out[a : a + step] = (np.count_nonzero(straddle & (px < xi), axis=1) % 2) == 1
        u = np.clip(((px - ex1) * dx + (py - ey1) * dy) / len2, 0.0, 1.0)
        gap = hyp(px - (ex1 + u * dx), py - (ey1 + u * dy)).min(axis=1)
        sure[a : a + step] = gap > most + _PLANE_MARGIN_M
    doubt = np.flatnonzero(~sure)
    if doubt.size:
        out[doubt] = winding_inside(lon[doubt], lat[doubt], pe)
    return out


_FEW_EDGES = 64
"""Polygons of at most this many edges are ray cast together in :func:`is_inside_many`."""


def is_inside_many(
    lon: F64, lat: F64, which: I64, pes: Sequence[PolygonEdges]
) -> NDArray[np.bool_]:
    """:func:`is_inside` of each point against its own polygon ``pes[which[i]]``, for points
    of many polygons at once, with the same answers: circles by one distance call for all,
    polygons of few edges by one ray-casting pass over every (point, edge of its polygon)
    pair, others one polygon at a time."""
    n = lon.shape[0]
    out = np.zeros(n, bool)
    if n == 0:
        return out
    kind = np.array(
        [
            3 if len(pe) == 0 else 0 if pe.circle is not None else 1 if len(pe) <= _FEW_EDGES else 2
            for pe in pes
        ],
        np.int64,
    )
    k_of = kind[which]
    sel = np.flatnonzero(k_of == 0)
    if sel.size:
        c = np.array([pe.circle or (np.nan,) * 3 for pe in pes])[which[sel]]
        band = np.array([_sagitta(pe) if pe.circle is not None else 0.0 for pe in pes])
        _, _, d = inverse(c[:, 0], c[:, 1], lon[sel], lat[sel])
        out[sel] = d < c[:, 2] - band[which[sel]] - _CIRCLE_MARGIN_M
        doubt = sel[~out[sel] & (d <= c[:, 2] + _CIRCLE_MARGIN_M)]
        for p in np.unique(which[doubt]).tolist():
            at = doubt[which[doubt] == p]
            out[at] = _plane_inside(lon[at], lat[at], pes[p])
    sel = np.flatnonzero(k_of == 1)
    if sel.size:
        out[sel] = _few_inside(lon[sel], lat[sel], which[sel], pes)
    for p in np.unique(which[k_of == 2]).tolist():
        at = np.flatnonzero(which == p)
        out[at] = _plane_inside(lon[at], lat[at], pes[p])
    return out


def _few_inside(lon: F64, lat: F64, which: I64, pes: Sequence[PolygonEdges]) -> NDArray[np.bool_]:
    """:func:`_plane_inside` of points of many few-edge polygons in one pass (the same
    crossings of the ray and the same gaps, pair by pair)."""
    used, inv = np.unique(which, return_inverse=True)
    polys = [pes[int(p)] for p in used]
    cnt = np.array([len(pe) for pe in polys], np.int64)
    first = np.cumsum(cnt) - cnt
    planes = [pe.plane() for pe in polys]
    ex1, ey1, ex2, ey2 = (np.concatenate([pl[k] for pl in planes]) for k in range(4))
    most = np.array([float(bow(*pl).max()) for pl in planes])
    x, y = local_xy(
        lon,
        lat,
        np.array([pe.center_lon for pe in polys]),
        np.array([pe.center_lat for pe in polys]),
        inv,
    )
    per = cnt[inv]
    start = np.cumsum(per) - per
    pi = np.repeat(np.arange(lon.size), per)
    ej = np.repeat(first[inv], per) + np.arange(pi.size) - np.repeat(start, per)
    ax1, ay1, ax2, ay2 = ex1[ej], ey1[ej], ex2[ej], ey2[ej]
    dx, dy = ax2 - ax1, ay2 - ay1
    px, py = x[pi], y[pi]
    straddle = (ay1 > py) != (ay2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = ax1 + (py - ay1) * dx / np.where(dy != 0, dy, 1.0)
    out = (np.add.reduceat((straddle & (px < xi)).astype(np.int64), start) % 2) == 1
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    u = np.clip(((px - ax1) * dx + (py - ay1) * dy) / len2, 0.0, 1.0)
    gap = np.minimum.reduceat(hyp(px - (ax1 + u * dx), py - (ay1 + u * dy)), start)
    doubt = np.flatnonzero(~(gap > most[inv] + _PLANE_MARGIN_M))
    for p in np.unique(inv[doubt]).tolist():
        at = doubt[inv[doubt] == p]
        out[at] = winding_inside(lon[at], lat[at], polys[p])
    return out


def near_pairs(
    sx1: F64, sy1: F64, sx2: F64, sy2: F64, ej: I64, pe: PolygonEdges
) -> NDArray[np.bool_]:
    """Which (segment, edge ``ej``) pairs, found by their padded boxes in the local plane,
    come within the two lines' bows of each other as straight segments there (the boxes let
    through many more): the plane is one map for both, so geodesics that cross have images
    that cross, each within its bow of its straight line."""
    ex1, ey1, ex2, ey2 = (v[ej] for v in pe.plane())
    return near_pairs_xy(sx1, sy1, sx2, sy2, ex1, ey1, ex2, ey2)


def near_pairs_xy(
    sx1: F64, sy1: F64, sx2: F64, sy2: F64, ex1: F64, ey1: F64, ex2: F64, ey2: F64
) -> NDArray[np.bool_]:
    """:func:`near_pairs` for pairs given by both segments' ends in the plane."""
    pad = bow(sx1, sy1, sx2, sy2) + bow(ex1, ey1, ex2, ey2)

    def orient(ax: F64, ay: F64, bx: F64, by: F64, cx: F64, cy: F64) -> F64:
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    meet = (orient(sx1, sy1, sx2, sy2, ex1, ey1) * orient(sx1, sy1, sx2, sy2, ex2, ey2) <= 0) & (
        orient(ex1, ey1, ex2, ey2, sx1, sy1) * orient(ex1, ey1, ex2, ey2, sx2, sy2) <= 0
    )

    def to_segment(px: F64, py: F64, ax: F64, ay: F64, bx: F64, by: F64) -> F64:
        vx, vy = bx - ax, by - ay
        u = np.clip(((px - ax) * vx + (py - ay) * vy) / np.maximum(vx * vx + vy * vy, 1e-12), 0, 1)
        return hyp(px - (ax + u * vx), py - (ay + u * vy))

    gap = np.minimum.reduce(
        [
            to_segment(sx1, sy1, ex1, ey1, ex2, ey2),
            to_segment(sx2, sy2, ex1, ey1, ex2, ey2),
            to_segment(ex1, ey1, sx1, sy1, sx2, sy2),
            to_segment(ex2, ey2, sx1, sy1, sx2, sy2),
        ]
    )
    return meet | (gap <= pad)
