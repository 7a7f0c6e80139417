"""Hypothesis strategies: airspace footprints and tracks on the WGS84 ellipsoid.

Footprints are built around a centre (mid latitudes, near a pole, across the antimeridian, or
at high latitude with long edges): convex polygons (vertices on a geodesic circle), concave
star-shaped ones (random radii), circles, sectors bounded by ``ArcByAngles`` and polygons with an
``ArcByPoints`` side. Tracks are a few fixes within a couple of radii of the centre, flown at
airliner-to-light-aircraft speeds, with rising times. Geometry comes from geographiclib only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from oracle import direct, inverse

from overflight.model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Polygon,
    Track,
    Vertex,
    VerticalLimit,
)

__all__ = ["Footprint", "Scenario", "footprints", "ragged_coast", "scenarios", "tracks_near"]

T0 = 1_700_000_000.0  # epoch seconds (2023-11-14)


@dataclass(frozen=True)
class Footprint:
    """A lateral boundary with the centre and radius it was built around."""

    kind: str
    polygon: Polygon
    clat: float
    clon: float
    radius_m: float

    def airspace(self, name: str = "A") -> Airspace:
        """The footprint from the surface to unlimited (so vertical status is always inside)."""
        return Airspace(
            name, "R", (self.polygon,), VerticalLimit.surface(), VerticalLimit.unlimited()
        )


@dataclass(frozen=True)
class Scenario:
    footprint: Footprint
    track: Track

    @property
    def airspace(self) -> Airspace:
        return self.footprint.airspace()


def _v(lat: float, lon: float) -> Vertex:
    return Vertex(lat, lon)


# regions: (latitude range, longitude range, radius range in m)
REGIONS = {
    "mid": ((-60.0, 60.0), (-179.0, 179.0), (2_000.0, 60_000.0)),
    "north_pole": ((85.0, 89.6), (-180.0, 180.0), (2_000.0, 60_000.0)),
    "south_pole": ((-89.6, -85.0), (-180.0, 180.0), (2_000.0, 60_000.0)),
    "antimeridian": ((-70.0, 70.0), (179.6, 180.4), (5_000.0, 80_000.0)),
    "high_long_edges": ((65.0, 82.0), (-180.0, 180.0), (80_000.0, 150_000.0)),
}


@st.composite
def centres(draw: st.DrawFn) -> tuple[str, float, float, float]:
    """(region, lat, lon, radius m)."""
    region = draw(st.sampled_from(sorted(REGIONS)))
    (la0, la1), (lo0, lo1), (r0, r1) = REGIONS[region]
    lat = draw(st.floats(la0, la1))
    lon = draw(st.floats(lo0, lo1))
    lon = (lon + 180.0) % 360.0 - 180.0
    return region, lat, lon, draw(st.floats(r0, r1))


@st.composite
def _azimuths(draw: st.DrawFn, n: int) -> list[float]:
    """n increasing azimuths around a full turn, no gap above 170 degrees."""
    w = draw(st.lists(st.floats(1.0, 1.8), min_size=n, max_size=n))
    start = draw(st.floats(0.0, 360.0))
    total = sum(w)
    out, acc = [], start
    for x in w:
        out.append(acc)
        acc += 360.0 * x / total
    return out


@st.composite
def footprints(draw: st.DrawFn, kinds: tuple[str, ...] | None = None) -> Footprint:
    """A footprint of one of ``kinds`` (convex, concave, circle, sector, arc_side)."""
    region, clat, clon, r = draw(centres())
    choices = kinds or ("convex", "concave", "circle", "sector", "arc_side")
    if region == "high_long_edges":
        choices = tuple(k for k in choices if k in ("convex", "concave")) or ("convex",)
    kind = draw(st.sampled_from(choices))
    if kind == "circle":
        return Footprint(kind, Polygon(Circle(clat, clon, r)), clat, clon, r)
    if kind in ("convex", "concave"):
        n = draw(st.integers(3, 4 if region == "high_long_edges" else 8))
        azs = draw(_azimuths(n))
        scale = [1.0] * n if kind == "convex" else [draw(st.floats(0.25, 1.0)) for _ in range(n)]
        radii = [r * k for k in scale]
        ring = tuple(_v(*direct(clat, clon, a, d)) for a, d in zip(azs, radii, strict=True))
        return Footprint(kind, Polygon(ring), clat, clon, r)
    if kind == "sector":
        a1 = draw(st.floats(0.0, 360.0))
        sweep = draw(st.floats(30.0, 300.0))
        clockwise = draw(st.booleans())
        a2 = (a1 + sweep) % 360.0 if clockwise else (a1 - sweep) % 360.0
        ring = (_v(clat, clon), ArcByAngles(_v(clat, clon), r, a1, a2, clockwise))
        return Footprint(kind, Polygon(ring), clat, clon, r)
    # arc_side: a quadrilateral whose side from 135 to 225 degrees is an arc about the centre
    rot = draw(st.floats(0.0, 360.0))
    pts = [direct(clat, clon, rot + a, r) for a in (45.0, 135.0, 225.0, 315.0)]
    ring = (
        _v(*pts[0]),
        ArcByPoints(_v(clat, clon), _v(*pts[1]), _v(*pts[2]), clockwise=True),
        _v(*pts[3]),
    )
    return Footprint(kind, Polygon(ring), clat, clon, r)


@st.composite
def tracks_near(draw: st.DrawFn, fp: Footprint, max_fixes: int = 5) -> Track:
    """2 to ``max_fixes`` fixes within 2.2 radii of the footprint's centre, rising times."""
    n = draw(st.integers(2, max_fixes))
    lat, lon = [], []
    for _ in range(n):
        # offsets keep hypothesis' favourite values (0, round numbers) from lining a track up
        # exactly with an edge or putting a fix exactly on a vertex: those measure-zero cases,
        # where inside and outside are both right, are the canonical cases of tests/common.py
        az = draw(st.floats(0.0, 360.0)) + 0.012345678
        d = fp.radius_m * draw(st.floats(0.013, 2.2))
        p = direct(fp.clat, fp.clon, az, d)
        lat.append(p[0])
        lon.append(p[1])
    t = [T0 + draw(st.floats(0.0, 86_400.0))]
    for i in range(n - 1):
        length = inverse(lat[i], lon[i], lat[i + 1], lon[i + 1])[2]
        speed = draw(st.floats(40.0, 260.0))
        t.append(t[-1] + max(1.0, length / speed))
    return Track.from_arrays("hypo", time=t, lat=lat, lon=lon)


@st.composite
def scenarios(draw: st.DrawFn, kinds: tuple[str, ...] | None = None) -> Scenario:
    fp = draw(footprints(kinds))
    return Scenario(fp, draw(tracks_near(fp)))


def points_across(
    data: st.DataObject, fps: list[Footprint], max_track: int = 40, max_scattered: int = 0
) -> tuple[list[float], list[float], list[int]]:
    """For each footprint, in order: a track of consecutive points across it (from 1.3 radii
    out, steps of 0.5 %, 5 % or 20 % of its radius), then up to ``max_scattered`` points
    anywhere within 2.5 radii. Returns lon, lat and each point's footprint."""
    lon: list[float] = []
    lat: list[float] = []
    which: list[int] = []
    for k, fp in enumerate(fps):
        a = direct(fp.clat, fp.clon, data.draw(st.floats(0, 360)), fp.radius_m * 1.3)
        az = data.draw(st.floats(0, 360))
        step = fp.radius_m * data.draw(st.sampled_from([0.005, 0.05, 0.2]))
        pts = [
            direct(a[0], a[1], az, step * i) for i in range(data.draw(st.integers(1, max_track)))
        ]
        for _ in range(data.draw(st.integers(0, max_scattered))):
            d = fp.radius_m * data.draw(st.floats(0.0, 2.5))
            pts.append(direct(fp.clat, fp.clon, data.draw(st.floats(0, 360)), d))
        lat += [p[0] for p in pts]
        lon += [p[1] for p in pts]
        which += [k] * len(pts)
    return lon, lat, which


def ragged_coast(
    lat: float, lon: float, radius: float, n: int, seed: int, straight: int
) -> Polygon:
    """A ragged ring of ``n`` vertices ~``radius`` from the centre (a coastline's wiggles at a
    few kilometres), with ``straight`` consecutive vertices left out: one long straight edge
    (a median line) beside hundreds of short ones."""
    rng = np.random.default_rng(seed)
    az = np.sort(rng.uniform(0.0, 360.0, n))
    r = radius * (1.0 + 0.05 * np.sin(np.radians(az) * 7.0)) + rng.uniform(-3000, 3000, n)
    keep = np.ones(n, bool)
    keep[1 : 1 + straight] = False
    ring = tuple(Vertex(*direct(lat, lon, a, d)) for a, d in zip(az[keep], r[keep], strict=True))
    return Polygon(ring)
