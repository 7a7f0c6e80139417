"""The airspaces each finished piece of track may touch, chosen for many pieces at once.

An airspace is near a piece when

1. its reach box (:attr:`~.index.AirspaceIndex.box`, or the box shifted by 360 degrees either
   way) meets the piece's lon/lat box padded by 0.5 degrees of latitude and as many metres of
   longitude at the piece's highest latitude (one query of an STR tree for all pieces);
2. some fix of the piece, less half the longer segment next to it, lies within the padded cap
   radius of the airspace (great-circle distances fix by fix, stopping at the first within
   reach, compiled: :mod:`.nearby_compiled`; candidates too far in latitude alone are
   dropped first); and
3. the piece's finite altitudes meet the airspace's altitude band, +- the index's slack (any
   band when no altitude is known), and the piece is not above the ceiling nor below the
   floor at every fix, compared as the check compares them where the limit is one flight
   level or altitude above mean sea level (:func:`_in_limits`).

Each piece's airspaces come in increasing index order.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> zones = [Airspace(name, "R", (Polygon(Circle(0.0, lon, 10_000.0)),),
...                   VerticalLimit.surface(), VerticalLimit.flight_level(95))
...          for name, lon in (("A", 0.0), ("B", 0.3), ("C", 5.0))]
>>> near = Nearby(AirspaceIndex(zones))
>>> flat = np.zeros(2)
>>> piece = (np.array([-0.2, 0.2]), flat, np.full(2, 1000.0), np.full(2, np.nan))
>>> high = (np.array([-0.2, 0.2]), flat, np.full(2, 9000.0), np.full(2, np.nan))
>>> near.select([piece, high, (flat + 9.0, flat, flat, flat)])
[[0, 1], [], []]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray

from .batch_limits import AMSL, FL
from .index import ALT_SLACK_M, R_SPHERE, AirspaceIndex, haversine

__all__ = ["Nearby", "seg_half"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
PieceColumns = tuple[F64, ...]
"""A piece's fixes: lon, lat, barometric and geometric altitude (NaN: unknown), and
optionally each fix's sphere distance from the one before (m; the first's is not read):
without it, the distances are computed here."""

PAD_LAT = 0.5

LIMIT_SLACK_M = 1.0
"""Slack of :func:`_in_limits`: a piece above a ceiling by less than this at some fix, or
below a floor, is kept."""


class Nearby:
    """An STR tree of the reach boxes of ``index`` (and their copies 360 degrees east and west)."""

    def __init__(self, index: AirspaceIndex) -> None:
        self.index = index
        b = index.box
        self.n = len(b)
        shifts = np.repeat([-360.0, 0.0, 360.0], self.n)
        x0, x1 = np.tile(b[:, 0], 3) + shifts, np.tile(b[:, 2], 3) + shifts
        self.tree = shapely.STRtree(shapely.box(x0, np.tile(b[:, 1], 3), x1, np.tile(b[:, 3], 3)))
        self._caps = _unit(index.cap_lon, index.cap_lat)

    def select(self, pieces: Sequence[PieceColumns]) -> list[list[int]]:
        """Indices of the airspaces near each piece (a piece without fixes: none)."""
        n = np.array([len(p[0]) for p in pieces], np.int64)
        live = [p for p in pieces if len(p[0])]
        if not live:
            return [[] for _ in pieces]
        lon, lat, baro, geo = (np.concatenate([p[c] for p in live]) for c in range(4))
        dist = np.concatenate([p[4] for p in live]) if all(len(p) > 4 for p in live) else None
        return self.select_concat(lon, lat, baro, geo, dist, n)

    def select_concat(
        self, lon: F64, lat: F64, baro: F64, geo: F64, dist: F64 | None, n: I64
    ) -> list[list[int]]:
        """:meth:`select` of pieces given end to end: ``n[i]`` fixes each (none: no
        airspaces); ``dist``: each fix's distance from the one before (None: measured
        here)."""
        out: list[list[int]] = [[] for _ in range(n.size)]
        live = np.flatnonzero(n > 0)
        if live.size == 0 or self.n == 0:
            return out
        nl = n[live]
        start = np.cumsum(nl) - nl
        pp, kk = self._overlapping(lon, lat, start)
        pp, kk = _in_band(self.index, baro, geo, start, pp, kk)
        if pp.size == 0:
            return out
        if dist is None:
            half = seg_half(lon, lat, start)
            dist = np.r_[np.nan, haversine(lon[:-1], lat[:-1], lon[1:], lat[1:])]
        else:
            half = _half_from(dist, start)
        pp, kk = self._touching(lon, lat, start, nl, pp, kk, half, _segments(dist, start))
        ends = np.searchsorted(pp, np.arange(live.size), side="right")
        for i, a, z in zip(live.tolist(), np.r_[0, ends[:-1]].tolist(), ends.tolist(), strict=True):
            out[i] = kk[a:z].tolist()
        return out

    def _overlapping(self, lon: F64, lat: F64, start: I64) -> tuple[I64, I64]:
        """(piece, airspace) pairs whose boxes meet (as :meth:`~.AirspaceIndex.overlapping` on
        each piece's padded box), sorted by piece then airspace."""
        lat_max = np.maximum.reduceat(lat, start)
        alat = np.maximum.reduceat(np.abs(lat), start)
        pad_lon = PAD_LAT / np.maximum(0.05, np.cos(np.radians(alat)))
        x0 = np.minimum.reduceat(lon, start) - pad_lon
        y0 = np.minimum.reduceat(lat, start) - PAD_LAT
        x1 = np.maximum.reduceat(lon, start) + pad_lon
        y1 = lat_max + PAD_LAT
        ok = np.flatnonzero(np.isfinite(x0) & np.isfinite(y0) & np.isfinite(x1) & np.isfinite(y1))
        if ok.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # bounding boxes of boxes: the query's envelope test is the index's <=/>= comparison
        q, t = self.tree.query(shapely.box(x0[ok], y0[ok], x1[ok], y1[ok]))
        key = np.unique(ok[q].astype(np.int64) * self.n + t % self.n)
        return key // self.n, key % self.n

    def _touching(
        self, lon: F64, lat: F64, start: I64, n: I64, pp: I64, kk: I64, half: F64, seg: F64
    ) -> tuple[I64, I64]:
        """The pairs whose cap some point of the piece's path may reach (sphere, padded);
        ``half``: :func:`seg_half` of the fixes; ``seg``: :func:`_segments`."""
        if pp.size == 0:
            return pp, kk
        ix = self.index
        reach = ix.cap_r * 1.01 + 1_000.0
        # no fix is nearer than the latitude difference (along a meridian): pairs beyond it
        # by more than half the longest segment (and a metre of rounding) need no haversine
        gap = np.maximum(
            ix.cap_lat[kk] - np.maximum.reduceat(lat, start)[pp],
            np.minimum.reduceat(lat, start)[pp] - ix.cap_lat[kk],
        )
        far = np.radians(gap) * R_SPHERE - np.maximum.reduceat(half, start)[pp] > reach[kk] + 1.0
        pp, kk = pp[~far], kk[~far]
        # great-circle distances from chords between unit vectors (a fix's and a cap centre's
        # trigonometry once each, not once per pair), fix by fix until one is within reach;
        # a fix's unit vector worked out when first reached
        from .nearby_compiled import touching  # numba: loaded where pieces are finished

        cx, cy, cz = self._caps
        keep = touching(lon, lat, half, seg, start, n, pp, kk, cx, cy, cz, reach, R_SPHERE)
        return pp[keep], kk[keep]


def _in_band(
    ix: AirspaceIndex, baro: F64, geo: F64, start: I64, pp: I64, kk: I64
) -> tuple[I64, I64]:
    """The pairs whose altitude band (+- slack) the piece's finite altitudes meet: outside it
    every fix is above or below, so nothing is entered (no finite altitude: every band); of
    those, the pairs :func:`_in_limits` keeps."""
    if pp.size == 0:
        return pp, kk
    b = np.where(np.isfinite(baro), baro, np.nan)
    g = np.where(np.isfinite(geo), geo, np.nan)
    b_lo, b_hi = np.fmin.reduceat(b, start), np.fmax.reduceat(b, start)
    g_lo, g_hi = np.fmin.reduceat(g, start), np.fmax.reduceat(g, start)
    lo = np.fmin(b_lo, g_lo)[pp]
    hi = np.fmax(b_hi, g_hi)[pp]
    ok = (hi >= ix.band_lo[kk] - ALT_SLACK_M) & (lo <= ix.band_hi[kk] + ALT_SLACK_M)
    ok |= np.isnan(lo)
    pp, kk = pp[ok], kk[ok]
    return _in_limits(ix, (b_lo, b_hi, g_lo, g_hi), pp, kk)


def _in_limits(
    ix: AirspaceIndex, ranges: tuple[F64, F64, F64, F64], pp: I64, kk: I64
) -> tuple[I64, I64]:
    """The pairs whose piece is not above the airspace's ceiling nor below its floor at
    every fix, compared as the check compares them, where the limit is one flight level or
    one altitude above mean sea level (:func:`~.index.exact_limit`; the others are kept):
    the piece's pressure altitudes for a flight level (its geometric ones if it has none),
    its geometric altitudes otherwise (its pressure altitudes if it has none)
    (:meth:`~overflight.geometry.vertical.LimitSeries.build`). The check fills a missing
    altitude between the known ones and interpolates between fixes, so its altitudes stay
    within the known fixes' least and greatest: above the ceiling at every known fix, the
    piece is above it throughout and enters nothing (a metre of slack). ``ranges``: each
    piece's least and greatest finite pressure and geometric altitudes (NaN: none).

    The band test alone, with its slack for pressure against geometric altitude, let ~12 %
    of a scan's pairs (piece, airspace) through that this test drops (the 100M benchmark's
    pairs replayed: ~3,600 of 29,424, a third of those without an incursion)."""
    if pp.size == 0:
        return pp, kk
    b_lo, b_hi, g_lo, g_hi = (r[pp] for r in ranges)
    has_b, has_g = np.isfinite(b_lo), np.isfinite(g_lo)

    def series(kind: I64, at_b: F64, at_g: F64) -> F64:
        use_b = ((kind == FL) & has_b) | ((kind == AMSL) & ~has_g)
        return np.where(use_b, at_b, at_g)  # (NaN without altitudes: compares False)

    ck, fk = ix.ceiling_kind[kk], ix.floor_kind[kk]
    above = (ck >= 0) & (series(ck, b_lo, g_lo) > ix.ceiling_m[kk] + LIMIT_SLACK_M)
    below = (fk >= 0) & (series(fk, b_hi, g_hi) < ix.floor_m[kk] - LIMIT_SLACK_M)
    ok = ~(above | below)
    return pp[ok], kk[ok]


def _unit(lon: F64, lat: F64) -> tuple[F64, F64, F64]:
    """Unit vectors (x, y, z) of points on the sphere (NaN positions give NaN)."""
    lo, la = np.radians(lon), np.radians(lat)
    c = np.cos(la)
    return c * np.cos(lo), c * np.sin(lo), np.sin(la)


def _segments(dist: F64, start: I64) -> F64:
    """Each fix's distance from the one before where it is known (inf elsewhere, and at each
    path's first fix): what :func:`~.nearby_compiled.touching` may step over."""
    seg = np.where(np.isfinite(dist) & (dist >= 0.0), dist, np.inf)
    seg[start] = np.inf
    return seg


def _half_from(dist: F64, start: I64) -> F64:
    """:func:`seg_half` from each fix's distance from the one before (``start``: each
    path's first fix, whose distance is not read)."""
    before = np.where(np.isfinite(dist), dist, np.nan)
    before[start] = np.nan
    after = np.r_[before[1:], np.nan]
    return 0.5 * np.nan_to_num(np.fmax(before, after), nan=0.0)


def seg_half(lon: F64, lat: F64, start: I64 | None = None) -> F64:
    """Half the longer adjacent segment at each fix (m): any point of the path lies within
    that distance of some fix. ``start``: first fix of each of several paths end to end.

    >>> seg_half(np.array([0.0, 1.0, 1.5, 9.0]), np.zeros(4), np.array([0, 3])).round()
    array([55598., 55598., 27799.,     0.])
    """
    if lon.shape[0] < 2:
        return np.zeros(lon.shape[0])
    d = haversine(lon[:-1], lat[:-1], lon[1:], lat[1:])
    if start is not None:
        d[start[1:] - 1] = 0.0  # no segment from one path's last fix to the next's first
    return 0.5 * np.fmax(np.r_[d, 0.0], np.r_[0.0, d])
