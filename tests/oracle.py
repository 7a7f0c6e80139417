"""An independent, slow and simple oracle for the lateral geometry of a check.

It never imports ``overflight.geometry`` or ``overflight.analysis``: only the model's data
classes and geographiclib's pure-Python ``Geodesic.WGS84``.

Model (the one the issue states):

* the aircraft moves along the geodesic between consecutive fixes at constant speed;
* airspace edges between vertices are geodesics; arcs and circles are at a geodesic radius
  (``ArcByPoints``: the radius changes linearly with the angle swept, as the model documents).

Methods:

* inside test: even-odd over rings of the winding number of the boundary as seen from the
  point (sum of wrapped azimuth changes from the point to consecutive boundary points); arcs are
  walked in pieces of at most 5 degrees, and a point lying between a piece and its chord (the
  "lune") toggles the result, so the test is exact for the true arc; circles: distance < radius;
* distance to the boundary: golden-section search of the geodesic distance along each edge
  (``GeodesicLine.Position``), pruned by the bound ``(d(X, P) + d(X, Q) - |PQ|) / 2``; circles
  and constant-radius arcs: ``|d(C, X) - r|`` when X's azimuth from C is within the sweep (the
  triangle inequality makes it exact), otherwise the nearer end;
* crossings: walk each track segment in steps no longer than the distance to the boundary (no
  boundary can be crossed within it, the distance being 1-Lipschitz), never shorter than
  ``MIN_STEP_M``, and bisect every change of the inside predicate to better than ``BISECT_S``;
* depth and closest approach: dense samples of the exact distance, the best ones refined by
  golden-section search in time.

The oracle's own errors are far below the tolerances it is used with, which are the issue's
"done means": entry and exit times within ``TOL_TIME_S``, depth within ``TOL_DEPTH_M``, closest
approach within ``TOL_APPROACH_M``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from geographiclib.geodesic import Geodesic

from overflight.model import Airspace, ArcByAngles, ArcByPoints, Circle, Polygon, Track, Vertex

__all__ = [
    "TOL_APPROACH_M",
    "TOL_DEPTH_M",
    "TOL_TIME_S",
    "WGS84",
    "OracleBoundary",
    "OracleResult",
    "OracleTrack",
    "direct",
    "inverse",
    "oracle_check",
]

TOL_TIME_S = 0.1  # entry and exit times
TOL_DEPTH_M = 1.0  # maximum depth
TOL_APPROACH_M = 1.0  # closest approach

MIN_STEP_M = 0.5  # shortest walking step: boundary features under half a metre may be missed
BISECT_S = 1e-4  # crossing times are bisected to better than this
ARC_PIECE_DEG = 5.0
GOLD = (math.sqrt(5.0) - 1.0) / 2.0

WGS84 = Geodesic.WGS84
_INV = Geodesic.DISTANCE | Geodesic.AZIMUTH
_POS = Geodesic.LATITUDE | Geodesic.LONGITUDE


def inverse(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float, float]:
    """(azimuth at 1, azimuth at 2, distance m) of the geodesic 1 -> 2."""
    g = WGS84.Inverse(lat1, lon1, lat2, lon2, _INV)
    return g["azi1"], g["azi2"], g["s12"]


def direct(lat: float, lon: float, az: float, dist: float) -> tuple[float, float]:
    """(lat, lon) at ``dist`` metres from (lat, lon) along azimuth ``az``; lon in [-180, 180]."""
    g = WGS84.Direct(lat, lon, az, dist, _POS | Geodesic.LONG_UNROLL)
    return g["lat2"], _wrap(g["lon2"])


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def _adiff(a: float, b: float) -> float:
    """a - b wrapped to [-180, 180)."""
    return (a - b + 180.0) % 360.0 - 180.0


def golden_min(f: Callable[[float], float], a: float, b: float, tol: float) -> tuple[float, float]:
    """Minimum of a unimodal ``f`` on [a, b] by golden-section search: (x, f(x))."""
    if b - a <= tol:
        x = 0.5 * (a + b)
        return x, f(x)
    x1, x2 = b - GOLD * (b - a), a + GOLD * (b - a)
    f1, f2 = f(x1), f(x2)
    while b - a > tol:
        if f1 <= f2:
            b, x2, f2 = x2, x1, f1
            x1 = b - GOLD * (b - a)
            f1 = f(x1)
        else:
            a, x1, f1 = x1, x2, f2
            x2 = a + GOLD * (b - a)
            f2 = f(x2)
    return (x1, f1) if f1 <= f2 else (x2, f2)


# -- boundary ---------------------------------------------------------------------------------
@dataclass
class _Arc:
    """Points at azimuth ``az1 + sweep * f`` and geodesic distance ``r1 + (r2 - r1) f`` from C,
    for f in [0, 1]; ``first`` and ``last`` are its end points."""

    clat: float
    clon: float
    r1: float
    r2: float
    az1: float
    sweep: float
    first: tuple[float, float] = (math.nan, math.nan)
    last: tuple[float, float] = (math.nan, math.nan)

    def radius_at(self, f: float) -> float:
        return self.r1 + (self.r2 - self.r1) * f

    def point(self, f: float) -> tuple[float, float]:
        return direct(self.clat, self.clon, self.az1 + self.sweep * f, self.radius_at(f))

    def fraction_of(self, az: float) -> float | None:
        """Fraction of the sweep at azimuth ``az`` from the centre, None if outside it."""
        if abs(self.sweep) >= 360.0:
            return ((az - self.az1) % 360.0) / 360.0
        delta = (az - self.az1) % 360.0 if self.sweep > 0 else (self.az1 - az) % 360.0
        return delta / abs(self.sweep) if delta <= abs(self.sweep) else None

    def distance(self, lat: float, lon: float) -> float:
        """Geodesic distance from (lat, lon) to the arc."""
        ends = (inverse(lat, lon, *self.first)[2], inverse(lat, lon, *self.last)[2])
        az, _, d = inverse(self.clat, self.clon, lat, lon)
        if abs(self.r2 - self.r1) < 1e-6:
            f = self.fraction_of(az)
            return abs(d - self.r1) if f is not None else min(ends)

        # a radius changing with the angle: dense scan then golden-section refinement
        def g(f: float) -> float:
            plat, plon = self.point(f)
            return inverse(lat, lon, plat, plon)[2]

        fs = [k / 32 for k in range(33)]
        vals = [g(f) for f in fs]
        k = min(range(33), key=vals.__getitem__)
        _, best = golden_min(g, fs[max(k - 1, 0)], fs[min(k + 1, 32)], 1e-9)
        return min(best, *vals, *ends)


Piece = tuple[_Arc, float, float]  # an arc piece: the arc and the fractions at its two ends


@dataclass
class _Ring:
    """Boundary points in order (closed implicitly); ``piece[i]`` says which part of an arc the
    chord from point i to point i + 1 stands for (None for a geodesic edge)."""

    lat: list[float]
    lon: list[float]
    piece: list[Piece | None]
    arcs: list[_Arc]
    length: list[float] = field(default_factory=list)  # geodesic length of chord i
    lines: list[object] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.lat)
        for i in range(n):
            j = (i + 1) % n
            line = WGS84.InverseLine(self.lat[i], self.lon[i], self.lat[j], self.lon[j])
            self.lines.append(line)
            self.length.append(line.s13)


@dataclass
class _CircleRing:
    clat: float
    clon: float
    r: float


def _sweep(start: float, end: float, clockwise: bool) -> float:
    s = (end - start) % 360.0 if clockwise else -((start - end) % 360.0)
    if abs(s) < 1e-12:
        s = 360.0 if clockwise else -360.0
    return s


def _ring(parts: Sequence[Vertex | ArcByPoints | ArcByAngles]) -> _Ring:
    lat: list[float] = []
    lon: list[float] = []
    piece: list[Piece | None] = []
    arcs: list[_Arc] = []
    for part in parts:
        if isinstance(part, Vertex):
            lat.append(part.lat)
            lon.append(_wrap(part.lon))
            piece.append(None)
            continue
        c = part.center
        if isinstance(part, ArcByAngles):
            sweep = _sweep(part.start_az, part.end_az, part.clockwise)
            arc = _Arc(c.lat, c.lon, part.radius_m, part.radius_m, part.start_az, sweep)
            arc.first, arc.last = arc.point(0.0), arc.point(1.0)
        else:
            az1, _, r1 = inverse(c.lat, c.lon, part.start.lat, part.start.lon)
            az2, _, r2 = inverse(c.lat, c.lon, part.end.lat, part.end.lon)
            arc = _Arc(c.lat, c.lon, r1, r2, az1, _sweep(az1, az2, part.clockwise))
            arc.first = (part.start.lat, _wrap(part.start.lon))
            arc.last = (part.end.lat, _wrap(part.end.lon))
        arcs.append(arc)
        m = max(1, math.ceil(abs(arc.sweep) / ARC_PIECE_DEG))
        for k in range(m + 1):
            p = arc.first if k == 0 else arc.last if k == m else arc.point(k / m)
            lat.append(p[0])
            lon.append(p[1])
            piece.append((arc, k / m, (k + 1) / m) if k < m else None)
    # drop repeated consecutive points (a part ending where the next begins)
    n = len(lat)
    keep = [
        i
        for i in range(n)
        if piece[i] is not None
        or not (lat[i] == lat[(i + 1) % n] and _adiff(lon[i], lon[(i + 1) % n]) == 0)
    ]
    return _Ring([lat[i] for i in keep], [lon[i] for i in keep], [piece[i] for i in keep], arcs)


def _side(lat: float, lon: float, az_pq: float, xlat: float, xlon: float) -> float:
    """Sine of the angle from geodesic P (azimuth az_pq) to X: > 0 right of it."""
    az_px, _, _ = inverse(lat, lon, xlat, xlon)
    return math.sin(math.radians(_adiff(az_px, az_pq)))


class OracleBoundary:
    """The lateral boundary of an airspace (union of its polygons, each even-odd over rings),
    with geodesic edges."""

    def __init__(self, polygons: Sequence[Polygon]) -> None:
        self.polygons: list[list[_Ring | _CircleRing]] = []
        for poly in polygons:
            rings: list[_Ring | _CircleRing] = []
            for ring in (poly.exterior, *poly.holes):
                if isinstance(ring, Circle):
                    rings.append(_CircleRing(ring.center_lat, ring.center_lon, ring.radius_m))
                else:
                    rings.append(_ring(ring))
            self.polygons.append(rings)

    @classmethod
    def of(cls, airspace: Airspace) -> OracleBoundary:
        return cls(airspace.polygons)

    # -- inside ----------------------------------------------------------------------------
    def _ring_probe(
        self, ring: _Ring | _CircleRing, lat: float, lon: float
    ) -> tuple[bool, list[tuple[float, float]]]:
        """Inside this ring, and (azimuth, distance) from the point to each ring point."""
        if isinstance(ring, _CircleRing):
            d = inverse(ring.clat, ring.clon, lat, lon)[2]
            return d < ring.r, []
        seen = [inverse(lat, lon, a, b)[::2] for a, b in zip(ring.lat, ring.lon, strict=True)]
        n = len(seen)
        turn = sum(_adiff(seen[(i + 1) % n][0], seen[i][0]) for i in range(n))
        inside = round(turn / 360.0) % 2 == 1
        for i, pc in enumerate(ring.piece):
            if pc is not None and self._in_lune(ring, i, pc, lat, lon):
                inside = not inside
        return inside, seen

    @staticmethod
    def _in_lune(ring: _Ring, i: int, pc: Piece, lat: float, lon: float) -> bool:
        """Is the point between arc piece i and its chord?"""
        arc, fa, fb = pc
        az_c, _, d = inverse(arc.clat, arc.clon, lat, lon)
        f = arc.fraction_of(az_c)
        if f is None or not fa <= f <= fb or d >= arc.radius_at(f):
            return False
        j = (i + 1) % len(ring.lat)
        az_ab = inverse(ring.lat[i], ring.lon[i], ring.lat[j], ring.lon[j])[0]
        s_x = _side(ring.lat[i], ring.lon[i], az_ab, lat, lon)
        s_c = _side(ring.lat[i], ring.lon[i], az_ab, arc.clat, arc.clon)
        return (s_x > 0) != (s_c > 0)

    def inside(self, lat: float, lon: float) -> bool:
        """Is the point laterally inside the airspace?"""
        return self.probe(lat, lon, None)[0]

    # -- distance --------------------------------------------------------------------------
    def probe(self, lat: float, lon: float, tol: float | None = 0.005) -> tuple[bool, float, float]:
        """(inside, distance to the boundary, a lower bound of that distance).

        The distance is found to about ``tol`` metres (an upper estimate); with ``tol=None`` only
        the inside test is done (distances are NaN).
        """
        inside_any = False
        cands: list[tuple[float, float, object]] = []  # (lower, upper, how to refine)
        for rings in self.polygons:
            parity = False
            for ring in rings:
                ins, seen = self._ring_probe(ring, lat, lon)
                parity ^= ins
                if tol is None:
                    continue
                if isinstance(ring, _CircleRing):
                    d = abs(inverse(ring.clat, ring.clon, lat, lon)[2] - ring.r)
                    cands.append((d, d, None))
                    continue
                n = len(ring.lat)
                for i in range(n):
                    if ring.piece[i] is not None:
                        continue
                    dp, dq = seen[i][1], seen[(i + 1) % n][1]
                    lower = max(0.0, 0.5 * (dp + dq - ring.length[i]))
                    cands.append((lower, min(dp, dq), (ring, i)))
                for arc in ring.arcs:
                    d = arc.distance(lat, lon)
                    cands.append((d, d, None))
            inside_any |= parity
        if tol is None:
            return inside_any, math.nan, math.nan
        best = min(c[1] for c in cands)
        best_lower = best
        for lower, _, how in sorted(cands, key=lambda c: c[0]):
            if lower >= best:
                break
            if how is None:
                continue
            ring, i = how  # type: ignore[misc]
            line = ring.lines[i]

            def g(s: float, line: object = line) -> float:
                p = line.Position(s, _POS)  # type: ignore[attr-defined]
                return inverse(lat, lon, p["lat2"], p["lon2"])[2]

            _, val = golden_min(g, 0.0, ring.length[i], tol)
            if val < best:
                best = val
            best_lower = min(best_lower, val - tol)
        return inside_any, best, max(0.0, min(best_lower, best))

    def distance(self, lat: float, lon: float, tol: float = 0.005) -> float:
        """Geodesic distance (m) from the point to the nearest boundary point."""
        return self.probe(lat, lon, tol)[1]


# -- track ------------------------------------------------------------------------------------
class OracleTrack:
    """Fixes joined by geodesics flown at constant speed."""

    def __init__(self, time: Sequence[float], lat: Sequence[float], lon: Sequence[float]) -> None:
        self.time = [float(t) for t in time]
        self.lat = [float(x) for x in lat]
        self.lon = [float(x) for x in lon]
        self.lines = [
            WGS84.InverseLine(self.lat[i], self.lon[i], self.lat[i + 1], self.lon[i + 1])
            for i in range(len(self.time) - 1)
        ]

    @classmethod
    def of(cls, track: Track) -> OracleTrack:
        return cls(track.time.tolist(), track.lat.tolist(), track.lon.tolist())

    def position(self, t: float) -> tuple[float, float]:
        """(lat, lon) at time t (clamped to the track's span)."""
        if len(self.time) == 1 or t <= self.time[0]:
            return self.lat[0], self.lon[0]
        if t >= self.time[-1]:
            return self.lat[-1], self.lon[-1]
        i = min(bisect_right(self.time, t) - 1, len(self.lines) - 1)
        return self._at(i, (t - self.time[i]) / (self.time[i + 1] - self.time[i]))

    def _at(self, i: int, frac: float) -> tuple[float, float]:
        line = self.lines[i]
        p = line.Position(line.s13 * frac, _POS)
        return p["lat2"], _wrap(p["lon2"])

    def densified(self, pieces: int) -> OracleTrack:
        """The same path with ``pieces - 1`` points inserted on each segment's geodesic."""
        t, la, lo = [self.time[0]], [self.lat[0]], [self.lon[0]]
        for i in range(len(self.lines)):
            for k in range(1, pieces + 1):
                f = k / pieces
                p = (self.lat[i + 1], self.lon[i + 1]) if k == pieces else self._at(i, f)
                t.append(self.time[i] + f * (self.time[i + 1] - self.time[i]))
                la.append(p[0])
                lo.append(p[1])
        return OracleTrack(t, la, lo)


# -- the check ---------------------------------------------------------------------------------
@dataclass
class OracleResult:
    """Lateral intervals (entry, exit) in time, and the extrema when asked for."""

    intervals: list[tuple[float, float]]
    depths: list[float] = field(default_factory=list)
    approach: tuple[float, float, float, float] | None = None  # (m, t, lat, lon)


def crossing_intervals(trk: OracleTrack, bnd: OracleBoundary) -> list[tuple[float, float]]:
    """When the continuous track is laterally inside."""
    state = bnd.inside(trk.lat[0], trk.lon[0])
    start: float | None = trk.time[0] if state else None
    out: list[tuple[float, float]] = []
    for i, line in enumerate(trk.lines):
        t0, t1, length = trk.time[i], trk.time[i + 1], line.s13
        if length == 0:
            continue
        speed = length / (t1 - t0)
        s = 0.0
        _, _, lower = bnd.probe(trk.lat[i], trk.lon[i], tol=0.5)
        while s < length:
            s_next = min(length, s + max(lower, MIN_STEP_M))
            new, _, lower = bnd.probe(*trk._at(i, s_next / length), tol=0.5)
            if new != state:
                a, b = s, s_next
                while (b - a) / speed > BISECT_S:
                    m = 0.5 * (a + b)
                    if bnd.inside(*trk._at(i, m / length)) == state:
                        a = m
                    else:
                        b = m
                tc = t0 + 0.5 * (a + b) / speed
                if state:
                    out.append((start, tc))  # type: ignore[arg-type]
                else:
                    start = tc
                state = new
            s = s_next
    if state:
        out.append((start, trk.time[-1]))  # type: ignore[arg-type]
    return out


def extremum(
    trk: OracleTrack, bnd: OracleBoundary, t0: float, t1: float, maximize: bool, samples: int = 24
) -> tuple[float, float, float, float]:
    """Max (or min) over [t0, t1] of the distance to the boundary: (m, t, lat, lon)."""
    sign = -1.0 if maximize else 1.0
    inner = [t for t in trk.time if t0 < t < t1]
    ts = sorted({t0, t1, *inner, *(t0 + (t1 - t0) * k / samples for k in range(samples + 1))})

    def f(t: float) -> float:
        return sign * bnd.distance(*trk.position(t), tol=0.01)

    vals = [f(t) for t in ts]
    spacing = max((b - a for a, b in pairwise(ts)), default=0.0)
    speed = max(
        (line.s13 / (trk.time[i + 1] - trk.time[i]) for i, line in enumerate(trk.lines)),
        default=0.0,
    )
    best = min(vals)
    order = sorted(range(len(ts)), key=vals.__getitem__)
    picks = [k for k in order if vals[k] <= best + spacing * speed][:4]
    best_t, best_v = ts[order[0]], best
    for k in picks:
        lo, hi = ts[max(k - 1, 0)], ts[min(k + 1, len(ts) - 1)]
        tol = 0.02 / max(speed, 1e-9)
        t, v = golden_min(f, lo, hi, tol)
        if v < best_v:
            best_t, best_v = t, v
    lat, lon = trk.position(best_t)
    return sign * best_v, best_t, lat, lon


def oracle_check(
    track: Track | OracleTrack, airspace: Airspace | OracleBoundary, extrema: bool = True
) -> OracleResult:
    """Lateral intervals, maximum depth of each and, when never inside, the closest approach.

    >>> from overflight.model import Circle, Polygon, VerticalLimit
    >>> zone = Airspace("R", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> trk = OracleTrack([0, 100], [0, 0], [-0.2, 0.2])
    >>> r = oracle_check(trk, zone)
    >>> [(round(a, 2), round(b, 2)) for a, b in r.intervals], round(r.depths[0], 2)
    ([(27.54, 72.46)], 10000.0)
    """
    trk = track if isinstance(track, OracleTrack) else OracleTrack.of(track)
    bnd = airspace if isinstance(airspace, OracleBoundary) else OracleBoundary.of(airspace)
    intervals = crossing_intervals(trk, bnd)
    res = OracleResult(intervals)
    if not extrema:
        return res
    for a, b in intervals:
        res.depths.append(extremum(trk, bnd, a, b, maximize=True)[0])
    if not intervals:
        res.approach = extremum(trk, bnd, trk.time[0], trk.time[-1], maximize=False)
    return res
