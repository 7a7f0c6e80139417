"""The track as a continuous path: geodesic segments flown at constant speed.

>>> import numpy as np
>>> p = TrackPath.build(np.array([0.0, 100.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0]))
>>> len(p.time)  # 111 km split into pieces of at most 20 km
7
>>> lon, lat = p.point_at(np.array([50.0]))
>>> round(float(lon[0]), 9), round(float(lat[0]), 9)
(0.5, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .frame import hyp
from .geodesic import forward, haversine, inverse, unit_vectors

__all__ = ["PathSet", "PathStore", "TrackPath", "interp_many", "points_at", "search_sorted"]

F64 = NDArray[np.float64]

SPHERE_SLACK = 1.01
"""A geodesic's length lies within this factor of the mean sphere's great-circle distance
between its ends (the ellipsoid's radii of curvature are within 0.6 % of the mean radius)."""


@dataclass(frozen=True, eq=False)
class PathStore:
    """Paths end to end: path ``i``'s points are ``off[i]:off[i + 1]`` of ``time``, ``lon``
    and ``lat`` (the archive scan's batches lay out their paths so)."""

    time: F64
    lon: F64
    lat: F64
    off: NDArray[np.int64]


@dataclass(frozen=True)
class TrackPath:
    """Fixes plus points inserted on the same geodesics so no segment exceeds ``max_len_m``;
    inserted times and altitudes are linear in distance (constant speed) and time."""

    time: F64
    lon: F64
    lat: F64
    alt_baro: F64
    alt_geo: F64
    original: NDArray[np.bool_]  # True for the track's own fixes
    at: tuple[PathStore, int] | None = field(default=None, compare=False, repr=False)
    """Where the path lies in a :class:`PathStore` (its points there are its own), if it
    does: a :class:`PathSet` of such paths takes their points from the store."""

    @classmethod
    def build(
        cls,
        time: F64,
        lon: F64,
        lat: F64,
        alt_baro: F64 | None = None,
        alt_geo: F64 | None = None,
        max_len_m: float = 20_000.0,
    ) -> TrackPath:
        n = time.shape[0]
        ab = np.full(n, np.nan) if alt_baro is None else alt_baro
        ag = np.full(n, np.nan) if alt_geo is None else alt_geo
        if n < 2:
            return cls(time, lon, lat, ab, ag, np.ones(n, bool))
        az, _, d = inverse(lon[:-1], lat[:-1], lon[1:], lat[1:])
        k = np.maximum(1, np.ceil(d / max_len_m)).astype(np.int64)
        if np.all(k == 1):
            return cls(time, lon, lat, ab, ag, np.ones(n, bool))
        idx = np.repeat(np.arange(n - 1), k)
        j = np.arange(idx.size) - np.repeat(np.cumsum(k) - k, k)
        f = j / k[idx]
        plon, plat, _ = forward(lon[idx], lat[idx], az[idx], d[idx] * f)
        plon[j == 0], plat[j == 0] = lon[idx[j == 0]], lat[idx[j == 0]]
        t = time[idx] + f * (time[idx + 1] - time[idx])

        def lin(a: F64) -> F64:
            return np.append(a[idx] + f * (a[idx + 1] - a[idx]), a[-1])

        return cls(
            np.append(t, time[-1]),
            np.append(plon, lon[-1]),
            np.append(plat, lat[-1]),
            lin(ab),
            lin(ag),
            np.append(j == 0, True),
        )

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def locate(self, t: F64) -> tuple[NDArray[np.int64], F64]:
        """Segment index and fraction of its length for times ``t``."""
        n = len(self)
        seg = np.clip(np.searchsorted(self.time, t, side="right") - 1, 0, max(n - 2, 0))
        if n < 2:
            return seg.astype(np.int64), np.zeros_like(t)
        dt = self.time[seg + 1] - self.time[seg]
        frac = np.clip((t - self.time[seg]) / dt, 0.0, 1.0)
        return seg.astype(np.int64), frac

    def time_at(self, seg: NDArray[np.int64], frac: F64) -> F64:
        if len(self) < 2:
            return self.time[np.zeros_like(seg)]
        return self.time[seg] + frac * (self.time[seg + 1] - self.time[seg])

    def segments(self) -> tuple[F64, F64]:
        """Azimuth at its start and geodesic length (m) of every segment, cached."""
        cached = self.__dict__.get("_segments")
        if cached is None:
            if len(self) < 2:
                cached = (np.empty(0), np.empty(0))
            else:
                az, _, d = inverse(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:])
                cached = (az, d)
            object.__setattr__(self, "_segments", cached)
        return cached

    def point_at(self, t: F64) -> tuple[F64, F64]:
        """Position (lon, lat) at times ``t`` on the geodesic segments: at a segment's end
        (the time of a fix, and before the first or after the last), that fix itself."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        if len(self) < 2:
            return np.full(t.shape, self.lon[0]), np.full(t.shape, self.lat[0])
        seg, frac = self.locate(t)
        az, d = self.segments()
        lon, lat = self.lon[seg], self.lat[seg]  # at a segment's start: its fix
        end = frac == 1.0
        lon[end], lat[end] = self.lon[seg[end] + 1], self.lat[seg[end] + 1]
        mid = np.flatnonzero(~(frac == 0.0) & ~end)
        s = seg[mid]
        lon[mid], lat[mid], _ = forward(self.lon[s], self.lat[s], az[s], d[s] * frac[mid])
        return lon, lat

    def distances(self) -> F64:
        """Geodesic length of every segment (m)."""
        return self.segments()[1]


def points_at(paths: Sequence[TrackPath], owner: NDArray[np.int64], t: F64) -> tuple[F64, F64]:
    """:meth:`TrackPath.point_at` of many paths at once (``owner``: the path of each time):
    the same segments, fractions and geodesic values, element by element, in one call."""
    return PathSet(paths).points_at(owner, t)


class PathSet:
    """Paths laid end to end once, for many :meth:`points_at` calls on them.

    With ``windows`` (``t0 <= t1`` per path), only the segments that times in ``[t0, t1]``
    fall on are laid out (a stretch of a long path costs its own few fixes, not the whole
    path's), and every time asked of path ``i`` must lie in its window. Either way each
    position is the one :meth:`TrackPath.point_at` gives, bit for bit: the same segment, the
    same fraction and the same geodesic values.

    >>> p = TrackPath.build(np.arange(4.0) * 100, np.arange(4.0) * 0.1, np.zeros(4))
    >>> ps = PathSet([p, p], windows=(np.array([0.0, 150.0]), np.array([300.0, 220.0])))
    >>> lon, _ = ps.points_at(np.array([0, 1, 1]), np.array([50.0, 150.0, 200.0]))
    >>> bool(np.array_equal(lon, p.point_at(np.array([50.0, 150.0, 200.0]))[0]))
    True
    """

    def __init__(self, paths: Sequence[TrackPath], windows: tuple[F64, F64] | None = None) -> None:
        # with windows, paths that share a store are taken from it as they lie there
        store = _store_of(paths) if windows is not None else None
        if store is not None:
            remap = store[1]
            off_u = store[0].off
            n_u = np.diff(off_u)
            time_u, lon_u, lat_u = store[0].time, store[0].lon, store[0].lat
        else:
            slot: dict[int, int] = {}
            used: list[TrackPath] = []
            remap = np.zeros(len(paths), np.int64)
            for i, path in enumerate(paths):
                k = slot.get(id(path))
                if k is None:
                    k = slot[id(path)] = len(used)
                    used.append(path)
                remap[i] = k
            n_u = np.array([len(p) for p in used], np.int64)
            if windows is None:
                self._remap = remap
                self._n = n_u
                self._off = np.r_[0, np.cumsum(n_u)].astype(np.int64)
                self._time = _cat([p.time for p in used])
                self._lon = _cat([p.lon for p in used])
                self._lat = _cat([p.lat for p in used])
                pad = np.zeros(1)  # each path's segments, plus one at its last fix (never used)
                seg = [p.segments() for p in used]
                self._az = _cat([x for az, _ in seg for x in (az, pad)])
                self._d = _cat([x for _, d in seg for x in (d, pad)])
                return
            off_u = np.r_[0, np.cumsum(n_u)].astype(np.int64)
            time_u = _cat([p.time for p in used])
            lon_u, lat_u = _cat([p.lon for p in used]), _cat([p.lat for p in used])
        # each window's segments: from the one holding t0 to the one after t1's fix (clipped
        # as the segment search is: at or after the last fix, the last segment), found for
        # every window at once in the paths laid end to end
        assert windows is not None
        lo, n = off_u[remap], n_u[remap]
        t0 = np.asarray(windows[0], dtype=float)
        t1 = np.asarray(windows[1], dtype=float)
        a = np.minimum(
            np.maximum(search_sorted(time_u, lo, lo + n, t0) - lo - 1, 0), np.maximum(n - 2, 0)
        )
        b = np.minimum(search_sorted(time_u, lo, lo + n, t1) - lo + 1, n)
        b = np.maximum(b, np.minimum(a + 2, n))
        cnt = b - a
        first = np.cumsum(cnt) - cnt
        idx = np.repeat(lo + a - first, cnt) + np.arange(int(cnt.sum()))
        self._remap = np.arange(len(paths), dtype=np.int64)
        self._n = cnt.astype(np.int64)
        self._off = np.r_[0, np.cumsum(cnt)].astype(np.int64)
        self._time = time_u[idx]
        self._lon = lon_u[idx]
        self._lat = lat_u[idx]
        self._windows = (t0, t1)
        # the windows' own segments (from each fix to the next), solved on first use only:
        # the values at a window's last fix join two windows and are never used
        m = self._time.size
        self._az, self._d = np.zeros(m), np.zeros(m)
        self._known = np.zeros(m, bool)
        self._known[self._off[1:] - 1] = True

    def _solve(self, g: NDArray[np.int64]) -> None:
        """Solve the segments starting at fixes ``g`` not solved yet (windows only): the
        same values, element by element, as solving them all at once."""
        known = getattr(self, "_known", None)
        if known is None or g.size == 0:
            return
        new = np.unique(g[~known[g]])
        if new.size:
            lo_, la_ = self._lon, self._lat
            az, _, d = inverse(lo_[new], la_[new], lo_[new + 1], la_[new + 1])
            self._az[new], self._d[new] = az, d
            known[new] = True

    def knots(self) -> tuple[F64, NDArray[np.int64]]:
        """Each window's start, the fixes strictly inside it, and its end, in time order,
        window by window, with each time's window (``windows`` only)."""
        t0, t1 = self._windows
        own = np.repeat(np.arange(t0.size), self._n)
        inner = (self._time > t0[own]) & (self._time < t1[own])
        times = np.concatenate([t0, self._time[inner], t1])
        owner = np.concatenate([np.arange(t0.size), own[inner], np.arange(t0.size)])
        order = np.argsort(owner, kind="stable")
        return times[order], owner[order]

    def points_at(self, owner: NDArray[np.int64], t: F64, exact: bool = True) -> tuple[F64, F64]:
        """Positions (lon, lat) at times ``t`` on paths ``owner``.

        Every time finds its segment by a binary search within its own path
        (:func:`search_sorted`, ``searchsorted(..., side="right")`` done for all at once).
        ``exact=False``: the same fraction of the chord between the segment's ends' unit
        vectors, normalised (no geodesic), within :meth:`chord_error` of the exact position
        (for ranking in a local plane, whose own error is far larger)."""
        t = np.asarray(t, dtype=float)
        if t.size == 0:
            return np.empty(0), np.empty(0)
        q = self._remap[owner]
        time = self._time
        lo, nq = self._off[q], self._n[q]
        seg = np.clip(search_sorted(time, lo, lo + nq, t) - lo - 1, 0, np.maximum(nq - 2, 0))
        g = lo + seg
        single = nq < 2
        nxt = np.where(single, g, g + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.clip((t - time[g]) / (time[nxt] - time[g]), 0.0, 1.0)
        lon1, lat1 = self._lon[g], self._lat[g]
        if not exact:
            u = self._units()
            f = np.where(single, 0.0, frac)[:, None]
            v = (1.0 - f) * u[g] + f * u[nxt]
            lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
            lat = np.degrees(np.arctan2(v[:, 2], hyp(v[:, 0], v[:, 1])))
            lon[single], lat[single] = lon1[single], lat1[single]
            return lon, lat
        # at a segment's ends (and on a one-fix path): the fixes themselves
        lon, lat = lon1.copy(), lat1.copy()
        end = (frac == 1.0) & ~single
        lon[end], lat[end] = self._lon[nxt[end]], self._lat[nxt[end]]
        mid = np.flatnonzero(~single & ~(frac == 0.0) & ~end)
        gm = g[mid]
        self._solve(gm)
        lon[mid], lat[mid], _ = forward(lon1[mid], lat1[mid], self._az[gm], self._d[gm] * frac[mid])
        return lon, lat

    def layout(self) -> tuple[F64, F64, F64, NDArray[np.int64], F64]:
        """The paths' points end to end (time, lon, lat), path ``i``'s (with windows: window
        ``i``'s) at ``off[i]:off[i + 1]``, and their unit vectors (:meth:`points_at`'s)."""
        off = self._off[self._remap]
        return (
            self._time,
            self._lon,
            self._lat,
            np.c_[off, off + self._n[self._remap]],
            self._units(),
        )

    def _units(self) -> F64:
        u = getattr(self, "_u", None)
        if u is None:
            u = self._u = unit_vectors(self._lon, self._lat)
        return u

    def chord_error(self) -> F64:
        """For each path: a bound (m) on how far :meth:`points_at` with ``exact=False`` puts
        a position from the exact one, from its longest segment ``L``: ``5e-10 L^2 + 1 mm``
        (measured: under 2e-10 L^2 for segments of up to 20 km at every latitude; the chord's
        fraction and the sphere's shape both grow as L^2)."""
        ok = self._n > 0
        if hasattr(self, "_known"):  # windows: only segments that may be the longest
            lo, hi = self._length_bounds()
            lo[self._off[1:] - 1] = 0.0
            hi[self._off[1:] - 1] = 0.0
            floor = np.zeros(self._n.size)
            floor[ok] = np.maximum.reduceat(lo, self._off[:-1][ok])
            own = np.repeat(np.arange(self._n.size), self._n)
            self._solve(np.flatnonzero(hi >= floor[own]))
        d = self._d.copy()
        d[self._off[1:] - 1] = 0.0  # the values at each path's last fix join two paths
        longest = np.zeros(self._n.size)
        longest[ok] = np.maximum.reduceat(d, self._off[:-1][ok])
        return 5e-10 * longest[self._remap] ** 2 + 1e-3

    def _spans(
        self, owner: NDArray[np.int64], ta: F64, tb: F64
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], F64]:
        """For pairs ``ta <= tb`` within one segment of paths ``owner``: the segment (its
        first fix), its path's number of fixes, and the fraction of the segment between
        them (0 where the segment or the pair has no duration)."""
        q = self._remap[owner]
        time = self._time
        lo, nq = self._off[q], self._n[q]
        seg = np.clip(search_sorted(time, lo, lo + nq, ta) - lo - 1, 0, np.maximum(nq - 2, 0))
        g = lo + seg
        nxt = np.where(nq < 2, g, g + 1)
        dt = time[nxt] - time[g]
        with np.errstate(invalid="ignore", divide="ignore"):
            fa = np.clip((ta - time[g]) / dt, 0.0, 1.0)
            fb = np.clip((tb - time[g]) / dt, 0.0, 1.0)
        return g, nq, np.where((tb > ta) & (dt > 0), fb - fa, 0.0)

    def along(self, owner: NDArray[np.int64], ta: F64, tb: F64) -> F64:
        """Geodesic length (m) flown on paths ``owner`` from ``ta`` to ``tb >= ta``, each pair
        within one segment (no fix strictly between them): the difference of their fractions
        of that segment's length, with no geodesic computed."""
        if ta.size == 0:
            return np.empty(0)
        g, nq, f = self._spans(owner, ta, tb)
        self._solve(g[nq >= 2])
        return f * self._d[g]

    def steps(self, owner: NDArray[np.int64], ta: F64, tb: F64, step_m: float) -> NDArray[np.int64]:
        """``max(1, ceil(along(owner, ta, tb) / step_m))``, the same integers, with a
        segment's geodesic solved only where its length's bounds on the mean sphere leave
        that number open."""
        if ta.size == 0:
            return np.empty(0, np.int64)
        g, nq, f = self._spans(owner, ta, tb)
        if hasattr(self, "_known"):
            d_lo, d_hi = self._length_bounds()
            k_lo = np.ceil(f * d_lo[g] / step_m)
            k_hi = np.ceil(f * d_hi[g] / step_m)
            k = np.maximum(1, k_lo)
            open_ = np.flatnonzero(k_lo != k_hi)
        else:
            k, open_ = np.ones(g.size), np.arange(g.size)
        if open_.size:
            self._solve(g[open_][nq[open_] >= 2])
            k[open_] = np.maximum(1, np.ceil(f[open_] * self._d[g[open_]] / step_m))
        return k.astype(np.int64)

    def speed_bounds(self) -> F64:
        """For each window (``windows`` only): a bound (m/s) on the speed along its path, the
        largest of its segments' geodesic length bounds over their durations (inf where a
        segment of some length takes no time: the position jumps)."""
        _, hi = self._length_bounds()
        m = self._time.size
        dt = np.zeros(m)
        dt[:-1] = np.diff(self._time)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(hi > 0.0, hi / dt, 0.0)
        v[self._off[1:] - 1] = 0.0  # (a window's last fix joins it to the next window)
        out = np.zeros(self._n.size)
        ok = self._n > 0
        out[ok] = np.maximum.reduceat(
            np.where(np.isnan(v) | (v < 0), np.inf, v), self._off[:-1][ok]
        )
        return out

    def _length_bounds(self) -> tuple[F64, F64]:
        """Bounds on each segment's geodesic length (windows): solved ones exact, others
        from the mean sphere's (within 0.6 %, with 1 % taken, and a micrometre for rounding,
        which the two make differently for points nanometres apart; longer than 1,000 km:
        none)."""
        b = getattr(self, "_bounds", None)
        if b is None:
            h = np.zeros(self._time.size)
            lo_, la_ = self._lon, self._lat
            h[:-1] = haversine(lo_[:-1], la_[:-1], lo_[1:], la_[1:])
            near = h < 1_000_000.0
            b = self._bounds = (
                np.where(near, np.maximum(h / SPHERE_SLACK - 1e-6, 0.0), 0.0),
                np.where(near, h * SPHERE_SLACK + 1e-6, np.inf),
            )
        lo, hi = b[0].copy(), b[1].copy()
        lo[self._known], hi[self._known] = self._d[self._known], self._d[self._known]
        return lo, hi


def _cat(parts: list[F64]) -> F64:
    return np.concatenate(parts) if parts else np.empty(0)


def _store_of(paths: Sequence[TrackPath]) -> tuple[PathStore, NDArray[np.int64]] | None:
    """The store every path lies in, and each one's place there; None unless they share one."""
    first = paths[0].at if len(paths) else None
    if first is None:
        return None
    at = [p.at for p in paths]
    store = first[0]
    if not all(a is not None and a[0] is store for a in at):
        return None
    return store, np.fromiter((a[1] for a in at), np.int64, len(at))  # type: ignore[index]


def search_sorted(
    a: F64, lo: NDArray[np.int64], hi: NDArray[np.int64], v: F64, side: str = "right"
) -> NDArray[np.int64]:
    """For each ``v[i]``: ``lo[i] + searchsorted(a[lo[i]:hi[i]], v[i], side)`` (``a`` sorted
    within each ``[lo, hi)``), by one binary search run for every value at once (compiled,
    :mod:`.search_compiled`, for many values: the same integers)."""
    from .jit import worth

    if np.ndim(v) == 1 and a.ndim == 1 and worth(np.shape(v)[0]):
        from .search_compiled import search_sorted_compiled

        return search_sorted_compiled(
            np.ascontiguousarray(a, np.float64),
            np.ascontiguousarray(lo, np.int64),
            np.ascontiguousarray(hi, np.int64),
            np.ascontiguousarray(v, np.float64),
            side == "right",
        )
    return _search_sorted(a, lo, hi, v, side)


def _search_sorted(
    a: F64, lo: NDArray[np.int64], hi: NDArray[np.int64], v: F64, side: str = "right"
) -> NDArray[np.int64]:
    """:func:`search_sorted`'s numpy path."""
    lo, hi = lo.copy(), hi.copy()
    last = max(a.shape[0] - 1, 0)
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        x = a[np.minimum(mid, last)]
        right = (x <= v) if side == "right" else (x < v)
        lo = np.where(open_ & right, mid + 1, lo)
        hi = np.where(open_ & ~right, mid, hi)


def interp_many(t: F64, lo: NDArray[np.int64], hi: NDArray[np.int64], xp: F64, fp: F64) -> F64:
    """``np.interp(t[i], xp[lo[i]:hi[i]], fp[lo[i]:hi[i]])`` for every ``i`` at once, by
    numpy's own formula: the knot's value at a knot and outside the knots, else
    ``slope * (t - x0) + y0`` (with its fallbacks when that is NaN).

    >>> xp = np.array([0.0, 10.0, 0.0, 5.0])
    >>> fp = np.array([0.0, 1.0, 2.0, 3.0])
    >>> interp_many(np.array([2.5, 2.5]), np.array([0, 2]), np.array([2, 4]), xp, fp).tolist()
    [0.25, 2.5]
    """
    a = search_sorted(xp, lo, hi, t, "right")  # first knot after t
    k = np.clip(a - 1, lo, hi - 1)
    b = np.clip(a, lo, hi - 1)
    x0, x1, y0, y1 = xp[k], xp[b], fp[k], fp[b]
    with np.errstate(all="ignore"):
        slope = (y1 - y0) / (x1 - x0)
        v = slope * (t - x0) + y0
        nan = np.isnan(v)
        if nan.any():
            w = slope * (t - x1) + y1
            w = np.where(np.isnan(w) & (y0 == y1), y0, w)
            v = np.where(nan, w, v)
    v = np.where(t == x0, y0, v)
    v = np.where(a == lo, fp[lo], v)  # before the first knot
    v = np.where(a == hi, fp[hi - 1], v)  # at or after the last
    return np.where(np.isnan(t), np.nan, v)
