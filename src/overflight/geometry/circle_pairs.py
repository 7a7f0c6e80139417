"""The (track segment, chord) pairs of a circle that may cross, found from angles about its
centre instead of a tree of its ~1,000 chord boxes.

A circle's polygon is a ring of short chords whose images in the polygon's local plane lie
in an annulus ``[r_lo, r_hi]`` about the origin, each chord inside the wedge between its two
vertices' angles. A segment and a chord pass :func:`~.crossing.near_pairs` only if some
point ``q`` of the segment's straight image lies within ``delta`` (both bows) of some point
``c`` of the chord's. Then ``q`` lies in the annulus widened by ``delta``, and its angle is
within ``asin(delta / r_lo)`` of ``c``'s. So the chords to test are those whose wedges meet
the angles of the segment's parts inside the widened annulus, widened by that angle: a
superset of the pairs :func:`~.crossing.near_pairs` keeps, found with a binary search on the
vertices' angles, for all segments of all circles at once.

>>> import numpy as np
>>> from overflight.model import Circle, Polygon
>>> from overflight.geometry.boundary import polygon_edges
>>> from overflight.geometry.frame import local_xy
>>> pe = polygon_edges(Polygon(Circle(60.0, 25.0, 10_000.0)))
>>> ring = ring_angles(pe)
>>> x, y = local_xy(np.array([25.0, 25.0]), np.array([59.8, 60.2]), pe.center_lon, pe.center_lat)
>>> seg, edge = circle_candidates(x[:1], y[:1], x[1:], y[1:], np.zeros(1, np.int64), [ring])
>>> len(pe), edge.tolist()  # crossing the circle twice: two chords at each crossing
(994, [0, 496, 497, 993])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .frame import bow, hyp, local_xy
from .path import search_sorted

__all__ = ["RingAngles", "circle_candidates", "ring_angles"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class RingAngles:
    """A circle's chords seen from the origin of its polygon's plane."""

    phi: F64  # vertex angles, increasing (negated if the ring turns clockwise), two laps + 1
    sign: float  # +1 if the ring's angles increase, -1 if they decrease
    r_lo: float  # least distance from the origin to a chord
    r_hi: float  # greatest distance from the origin to a vertex
    bow: float  # greatest bow of a chord (its part of near_pairs' pad)
    n: int  # chords


def ring_angles(pe: PolygonEdges) -> RingAngles | None:
    """The angles of a plain circle's chords (cached on ``pe``), or None when they do not go
    once round the origin in order (not a circle, or the origin too near the ring)."""
    if "_ring_angles" in pe.__dict__:
        return pe.__dict__["_ring_angles"]  # type: ignore[no-any-return]
    out = _build(pe)
    object.__setattr__(pe, "_ring_angles", out)
    return out


def _build(pe: PolygonEdges) -> RingAngles | None:
    if pe.circle is None or len(pe.rings) != 1 or len(pe) < 8:
        return None
    lon, lat = pe.rings[0]
    x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    dx, dy = x2 - x, y2 - y
    u = np.clip(-(x * dx + y * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    r_lo = float(hyp(x + u * dx, y + u * dy).min())
    r_hi = float(hyp(x, y).max())
    phi = np.unwrap(np.arctan2(y, x))
    sign = 1.0 if phi[-1] > phi[0] else -1.0
    phi = sign * phi
    phi = np.append(phi, phi[0] + TWO_PI)  # the closing vertex
    step = np.diff(phi)
    if not ((step > 0).all() and step.max() < np.pi / 4):
        return None
    if r_lo <= 0:
        return None
    both = np.concatenate([phi[:-1], phi + TWO_PI])  # two laps: ranges that wrap past 2 pi
    return RingAngles(both, sign, r_lo, r_hi, float(bow(x, y, x2, y2).max()), len(lon))


def circle_candidates(
    x1: F64, y1: F64, x2: F64, y2: F64, slot: I64, rings: Sequence[RingAngles]
) -> tuple[I64, I64]:
    """(segment, chord) pairs, segment ``i`` running from (x1, y1) to (x2, y2) in the plane
    of circle ``rings[slot[i]]``, that may pass :func:`~.crossing.near_pairs`: a superset of
    them. Chords are numbered in ring order (chord ``k`` from vertex ``k`` to ``k + 1``, as the
    polygon's edges are). Sorted by segment."""
    n = x1.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r_lo = np.array([r.r_lo for r in rings])[slot]
    r_hi = np.array([r.r_hi for r in rings])[slot]
    sign = np.array([r.sign for r in rings])[slot]
    delta = bow(x1, y1, x2, y2) + np.array([r.bow for r in rings])[slot]
    lo = r_lo - delta
    hi = r_hi + delta
    dx, dy = x2 - x1, y2 - y1
    a = dx * dx + dy * dy
    b = x1 * dx + y1 * dy
    c = x1 * x1 + y1 * y1
    # |p1 + u d|^2 = r^2  ->  a u^2 + 2 b u + c - r^2 = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        disc_hi = b * b - a * (c - hi * hi)
        root_hi = np.sqrt(np.maximum(disc_hi, 0.0))
        ua = np.where(a > 0, (-b - root_hi) / a, 0.0)
        ub = np.where(a > 0, (-b + root_hi) / a, 0.0)
        disc_lo = b * b - a * (c - lo * lo)
        root_lo = np.sqrt(np.maximum(disc_lo, 0.0))
        uc = np.where(a > 0, (-b - root_lo) / a, 0.0)
        ud = np.where(a > 0, (-b + root_lo) / a, 0.0)
    moving = a > 0
    # a point (no length) counts where it lies; a segment, on its part inside the outer circle
    inside_hi = np.where(moving, disc_hi >= 0, c <= hi * hi)
    s0 = np.where(moving, np.maximum(ua, 0.0), 0.0)
    s1 = np.where(moving, np.minimum(ub, 1.0), 0.0)
    live = inside_hi & (s0 <= s1)
    # the part inside the inner circle (lo > 0 there) is cut out: up to two pieces
    hole = moving & (lo > 0) & (disc_lo > 0) & (uc < s1) & (ud > s0)
    starts = [s0, np.where(hole, np.maximum(ud, s0), s0)]
    ends = [np.where(hole, np.minimum(uc, s1), s1), s1]
    use = [live & (~hole | (uc > s0)), live & hole & (ud < s1)]
    alpha = np.arcsin(np.clip(delta / np.maximum(r_lo, 1e-9), 0.0, 1.0))
    whole = live & ((lo <= 0) | (alpha >= np.pi / 2))  # too near the origin: every chord
    seg_l, k1_l, cnt_l = [], [], []
    n_ring = np.array([r.n for r in rings], np.int64)[slot]
    # every ring's chord angles end to end (two laps each), one binary search for all
    phis = [r.phi for r in rings]
    phi_all = np.concatenate(phis)
    p_len = np.array([p.size for p in phis], np.int64)
    p_off = np.cumsum(p_len) - p_len
    phi0 = np.array([p[0] for p in phis])
    for sa, sb, ok in zip(starts, ends, use, strict=True):
        i = np.flatnonzero(ok & ~whole)
        if i.size == 0:
            continue
        ang_a = np.arctan2(y1[i] + sa[i] * dy[i], x1[i] + sa[i] * dx[i]) * sign[i]
        ang_b = np.arctan2(y1[i] + sb[i] * dy[i], x1[i] + sb[i] * dx[i]) * sign[i]
        turn = (ang_b - ang_a + np.pi) % TWO_PI - np.pi  # the piece spans less than pi
        lo_ang = np.minimum(ang_a, ang_a + turn) - alpha[i]
        span = np.abs(turn) + 2.0 * alpha[i]
        si = slot[i]
        a0, a1 = p_off[si], p_off[si] + p_len[si]
        start = phi0[si] + (lo_ang - phi0[si]) % TWO_PI
        k1 = search_sorted(phi_all, a0, a1, start, "right") - a0 - 1
        k2 = search_sorted(phi_all, a0, a1, start + span, "right") - a0 - 1
        seg_l.append(i)
        k1_l.append(k1)
        cnt_l.append(np.minimum(k2 - k1 + 1, n_ring[i]))
    i = np.flatnonzero(whole)
    if i.size:
        seg_l.append(i)
        k1_l.append(np.zeros(i.size, np.int64))
        cnt_l.append(n_ring[i])
    if not seg_l:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    seg = np.concatenate(seg_l)
    k1 = np.concatenate(k1_l)
    cnt = np.concatenate(cnt_l)
    pi = np.repeat(seg, cnt)
    k = np.repeat(k1 - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
    edge = k % n_ring[pi]
    # one pair once (the two pieces of a segment may share chords), sorted by segment
    key = np.unique(pi * int(n_ring.max()) + edge)
    return key // int(n_ring.max()), key % int(n_ring.max())
