"""Bounds for the depth search (:func:`~.extremum.distance_extrema`): where a finer look can
stop, and where it must look although no sample points there.

- :func:`straight_from_end`: an exact grid whose best is the stretch's own end, straight
  from there, holds nothing better between the end and its next point.
- :func:`hidden_intervals`: intervals between samples, away from the candidates, that may
  still hold a better point (a distance changes by at most the distance flown; each edge's
  distance is convex along a straight chord), with :func:`chord_gap` for the least
  distance between a chord and an edge.
- :func:`reach_bounds`: the most an exact grid's bracket, and where later rounds may move it,
  can hold (the same 1-Lipschitz bound, in time through the path's top speed): a bracket
  that cannot beat the best exact value already found needs no further round.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance_many import EdgeTable, _plane_gap
from .frame import hyp, local_xy, plane_error
from .geodesic import haversine

__all__ = [
    "PRUNE_SLACK_M",
    "STRAIGHT_M",
    "beaten",
    "chord_gap",
    "hidden_intervals",
    "point_gap",
    "reach_bounds",
    "straight_from_end",
    "wide_hidden",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


STRAIGHT_M = 1e-4
"""A grid's first differences equal to within this (m) are those of a straight line."""


def straight_from_end(
    g: F64, j: I64, at_lo: NDArray[np.bool_], at_hi: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Rows whose best is the stretch's own end (``at_lo``: the grid starts there; ``at_hi``:
    it ends there) with the grid's first four values from that end on one straight line (to
    :data:`STRAIGHT_M`): no kink in the three intervals from the end, so nothing between
    the end and the next grid point exceeds the end (a concave kink there would leave the
    first difference short of the next by its excess). A finer grid would find the end
    again: these rows' search is over."""
    out = np.zeros(j.shape, bool)
    if g.shape[1] < 4:
        return out
    for side, head in ((at_lo & (j == 0), g[:, :4]), (at_hi & (j == g.shape[1] - 1), g[:, :-5:-1])):
        d = np.diff(head, axis=1)
        out |= side & (d.max(axis=1) - d.min(axis=1) <= STRAIGHT_M)
    return out


def reach_bounds(tt: F64, g: F64, speed: F64, ra: F64, rb: F64) -> F64:
    """For each row of an exact grid (times ``tt``, values ``g``, rows x points, in time
    order) of a function that changes by at most the distance flown (a distance to a
    boundary), flown at most ``speed`` m/s: the largest value it can take between times
    ``ra`` and ``rb``. Between grid points a and b, ``(g_a + g_b + speed (t_b - t_a)) / 2``;
    beyond the grid's ends, the end's value plus speed times the time; never less than a
    grid value within [ra, rb] (NaN: NaN, inf speed: inf).

    >>> tt = np.array([[0.0, 10.0, 20.0]])
    >>> g = np.array([[0.0, 100.0, 50.0]])
    >>> [float(reach_bounds(tt, g, np.array([10.0]), np.array([a]), np.array([b]))[0])
    ...  for a, b in ((0.0, 20.0), (0.0, 30.0), (15.0, 20.0), (-10.0, 5.0))]
    [125.0, 150.0, 125.0, 100.0]
    """
    with np.errstate(invalid="ignore"):
        v = speed[:, None]
        ta, tb = tt[:, :-1], tt[:, 1:]
        mid = 0.5 * (g[:, :-1] + g[:, 1:] + v * (tb - ta))
        meets = (tb >= ra[:, None]) & (ta <= rb[:, None])
        out = np.max(np.where(meets, mid, -np.inf), axis=1)
        on = (tt >= ra[:, None]) & (tt <= rb[:, None])
        out = np.maximum(out, np.max(np.where(on, g, -np.inf), axis=1))
        before, after = tt[:, 0] - ra, rb - tt[:, -1]
        out = np.maximum(out, np.where(before > 0, g[:, 0] + speed * before, -np.inf))
        out = np.maximum(out, np.where(after > 0, g[:, -1] + speed * after, -np.inf))
    return np.where(np.isnan(g).any(axis=1) | np.isnan(speed), np.nan, out)


PRUNE_SLACK_M = 1e-4
"""What the exact distances' rounding (nanometres) may add to a bound of :func:`beaten`: a
row stops only when its bound is below the best by more."""


def beaten(
    tt: F64,
    g: F64,
    owner: I64,
    bracket: tuple[F64, F64, F64, F64, I64],
    speed: F64,
    best: F64,
) -> NDArray[np.bool_]:
    """Which rows of an exact round (grid times ``tt``, values ``g`` in the search's sign,
    of stretches ``owner``) cannot beat their stretch's best exact value: ``best`` (per
    stretch, updated here with this round's values). ``bracket``: each row's next bracket
    (lo, hi), its stretch's ends and the moves it has left. Later rounds keep a row within
    (moves + 1) widths of its next bracket either way (each move shifts a bracket by at most
    its width, which never grows; a zoom about an end reaches past it by an eighth, then a
    thirty-second...); :func:`reach_bounds` bounds the values there through the stretch's
    top ``speed``. Such a row's probes could not be its stretch's first best."""
    lo, hi, t_lo, t_hi, moves = bracket
    np.maximum.at(best, owner, np.max(g, axis=1))
    reach = (moves + 1) * (hi - lo)
    ub = reach_bounds(
        tt, g, speed[owner], np.maximum(lo - reach, t_lo), np.minimum(hi + reach, t_hi)
    )
    return ub + PRUNE_SLACK_M < best[owner]


def hidden_intervals(
    table: EdgeTable,
    poly: I64,
    owner: I64,
    v: F64,
    lon: F64,
    lat: F64,
    pick: I64,
    floor: F64,
    rel_err: F64,
    pos_err: F64,
    sign: float,
) -> I64:
    """Intervals between consecutive samples (by their first sample), outside the brackets
    of the picked samples ``pick``, that may hold a point as good as ``floor`` (by stretch:
    the plane rounds' best less twice their margin): a peak (``sign`` 1: the largest
    distance) or a dip (-1: the least) narrower than the samples' step, next to samples
    that rise, or fall, towards a worse one (values ``v = sign * distance``, in the plane).

    Two bounds on ``v`` between two samples ``a`` and ``b`` (within one segment of the
    track, so on one geodesic: nearly straight in the plane): a distance changes by at most
    the distance flown (``(v_a + v_b + L) / 2``, ``L`` from the sphere padded by 1 % and the
    positions' error), which most intervals fail; then, for a polygon of few edges, each
    edge's distance along a straight chord is convex: the boundary's stays under the least
    over the edges of each edge's larger end value, and above the least over the edges of
    each edge's least distance from the chord; for a circle, ``|r - d|`` with ``d`` between
    the centre's least distance from the chord and its ends' larger. A polygon of many
    edges keeps the first bound. An interval is kept if its bound reaches ``floor`` and
    rises above both its ends' values by more than the plane's error on a difference over
    its length (``rel_err`` times it, plus a metre and the positions' error)."""
    i, length = _first_bound(owner, v, lon, lat, pick, floor, pos_err)
    if i.size == 0:
        return i
    pid = poly[owner[i]]
    kind = table.kind[pid]
    bound = np.full(i.size, np.inf)
    few = np.flatnonzero(kind == 1)
    if few.size:
        p = pid[few]
        xa, ya = local_xy(lon[i[few]], lat[i[few]], table.c_lon, table.c_lat, p)
        xb, yb = local_xy(lon[i[few] + 1], lat[i[few] + 1], table.c_lon, table.c_lat, p)
        cnt = table.cnt[p]
        head = np.cumsum(cnt) - cnt
        row = np.repeat(np.arange(few.size), cnt)
        ej = np.repeat(table.first[p] - head, cnt) + np.arange(row.size)
        if sign > 0:  # each edge's distance is convex along the chord: at most its ends'
            each = np.maximum(
                _plane_gap(xa[row], ya[row], ej, table), _plane_gap(xb[row], yb[row], ej, table)
            )
            bound[few] = np.minimum.reduceat(each, head)
        else:  # at least the edge's least distance from the chord
            each = chord_gap(xa[row], ya[row], xb[row], yb[row], ej, table)
            bound[few] = -np.minimum.reduceat(each, head)
    circ = np.flatnonzero(kind == 0)
    if circ.size:  # |r - d| over the chord, d from the centre's least distance to its ends'
        p = pid[circ]
        c = table.circle[p]
        xa, ya = local_xy(lon[i[circ]], lat[i[circ]], c[:, 0], c[:, 1])
        xb, yb = local_xy(lon[i[circ] + 1], lat[i[circ] + 1], c[:, 0], c[:, 1])
        d_lo = point_gap(0.0, 0.0, xa, ya, xb, yb)
        d_hi = np.maximum(hyp(xa, ya), hyp(xb, yb))
        r = c[:, 2]
        if sign > 0:
            bound[circ] = np.maximum(r - d_lo, d_hi - r)
        else:
            bound[circ] = -np.where(
                (d_lo <= r) & (r <= d_hi), 0.0, np.minimum(abs(r - d_lo), abs(r - d_hi))
            )
    # room above the floor, and above both ends (a peak between them: an interval whose
    # bound is its larger end holds nothing deeper than that sample). The plane's error
    # varies slowly: over an interval it moves a difference by its relative error times the
    # interval's length, not by the error of a value
    ends = np.maximum(v[i], v[i + 1])
    grain = 3.0 * rel_err[owner[i]] * length + 1.0 + 2.0 * pos_err[owner[i]]
    return i[(bound >= floor[owner[i]]) & (bound > ends + grain)]


def _first_bound(
    owner: I64, v: F64, lon: F64, lat: F64, pick: I64, floor: F64, pos_err: F64
) -> tuple[I64, F64]:
    """The intervals between consecutive samples of one stretch (by their first sample), not
    next to a pick, whose values may reach ``floor`` (a distance changes by at most the
    distance flown, ``L``: the sphere's, padded by 1 % and the positions' error), and their
    ``L``."""
    if v.size < 2:
        return np.empty(0, np.int64), np.empty(0)
    i = np.flatnonzero(owner[:-1] == owner[1:])
    pad = 2.0 * pos_err[owner[i]] + 1.0
    length = haversine(lon[i], lat[i], lon[i + 1], lat[i + 1]) * 1.01 + pad
    covered = np.zeros(v.size, bool)  # the intervals p - 1 -> p and p -> p + 1 of a pick
    covered[pick] = True
    covered[np.maximum(pick - 1, 0)] = True
    keep = np.flatnonzero((0.5 * (v[i] + v[i + 1] + length) >= floor[owner[i]]) & ~covered[i])
    return i[keep], length[keep]


def wide_hidden(
    pes: Sequence[PolygonEdges],
    poly: I64,
    owner: I64,
    v: F64,
    lon: F64,
    lat: F64,
    pick: I64,
    floor: F64,
    pos_err: F64,
    near: I64,
) -> I64:
    """:func:`hidden_intervals` for the largest distance inside polygons of many edges
    (``pes[poly[owner]]``; their tables hold no edges; ``near``: each point's nearest edge
    in its ranking, -1 if none): an interval that passes the first bound is bounded over its
    two ends' nearest edges (any set of edges bounds the boundary's distance from above,
    each edge's distance along the chord being at most its ends' larger), in the plane about
    its first end, and kept if that rises above the ends' least distances to those edges in
    the same plane by more than the plane's error on a difference over its length (plus a
    metre and the positions' error)."""
    i, length = _first_bound(owner, v, lon, lat, pick, floor, pos_err)
    keep = (near[i] >= 0) & (near[i + 1] >= 0)
    i, length = i[keep], length[keep]
    out = []
    for p in np.unique(poly[owner[i]]).tolist():
        mine = poly[owner[i]] == p
        k, lk = i[mine], length[mine]
        pe = pes[p]
        xb, yb = local_xy(lon[k + 1], lat[k + 1], lon[k], lat[k])
        gaps = []
        for e in (near[k], near[k + 1]):  # each end's nearest edge, from both ends
            x1, y1 = local_xy(pe.lon1[e], pe.lat1[e], lon[k], lat[k])
            x2, y2 = local_xy(pe.lon2[e], pe.lat2[e], lon[k], lat[k])
            gaps.append((point_gap(0.0, 0.0, x1, y1, x2, y2), point_gap(xb, yb, x1, y1, x2, y2)))
        (ga1, gb1), (ga2, gb2) = gaps
        bound = np.minimum(np.maximum(ga1, gb1), np.maximum(ga2, gb2))
        ends = np.maximum(np.minimum(ga1, ga2), np.minimum(gb1, gb2))
        rel = plane_error(np.maximum(np.maximum(ga1, gb1), np.maximum(ga2, gb2)) + lk)
        grain = 3.0 * rel * lk + 1.0 + 2.0 * pos_err[owner[k]]
        out.append(k[(bound >= floor[owner[k]]) & (bound > ends + grain)])
    return np.sort(np.concatenate(out)) if out else np.empty(0, np.int64)


def point_gap(px: F64 | float, py: F64 | float, ax: F64, ay: F64, bx: F64, by: F64) -> F64:
    """Plane distance from points to segments a-b."""
    dx, dy = bx - ax, by - ay
    u = np.clip(((px - ax) * dx + (py - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
    return hyp(px - (ax + u * dx), py - (ay + u * dy))


def chord_gap(ax: F64, ay: F64, bx: F64, by: F64, ej: I64, table: EdgeTable) -> F64:
    """Plane distance between chords a-b and the straight edges ``ej``: 0 where they cross,
    else the least of each end's distance from the other segment."""
    px, py = table.ex1[ej], table.ey1[ej]
    qx, qy = px + table.dx[ej], py + table.dy[ej]

    def turn(ox: F64, oy: F64, ux: F64, uy: F64, wx: F64, wy: F64) -> F64:
        return (ux - ox) * (wy - oy) - (uy - oy) * (wx - ox)

    # crossing properly (touching or overlapping ends: some end's distance is 0 below)
    cross = (turn(ax, ay, bx, by, px, py) * turn(ax, ay, bx, by, qx, qy) < 0) & (
        turn(px, py, qx, qy, ax, ay) * turn(px, py, qx, qy, bx, by) < 0
    )
    gap = np.minimum(
        np.minimum(point_gap(ax, ay, px, py, qx, qy), point_gap(bx, by, px, py, qx, qy)),
        np.minimum(point_gap(px, py, ax, ay, bx, by), point_gap(qx, qy, ax, ay, bx, by)),
    )
    return np.where(cross, 0.0, gap)
