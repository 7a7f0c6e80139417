"""Deterministic synthetic data for the benchmarks: a day-long 1 Hz flight and many airspaces."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

GEOD = Geod(ellps="WGS84")


def airspaces(n: int = 1000, seed: int = 1) -> list[Airspace]:
    """Star-shaped polygons (16-64 vertices) and circles, 5-40 km across, over Europe."""
    rng = np.random.default_rng(seed)
    out: list[Airspace] = []
    for k in range(n):
        lat0, lon0 = rng.uniform(38, 62), rng.uniform(-8, 28)
        r = rng.uniform(5_000, 40_000)
        floor = (
            VerticalLimit.surface()
            if k % 3
            else VerticalLimit.flight_level(float(rng.integers(50, 200)))
        )
        ceiling = VerticalLimit.flight_level(float(rng.integers(250, 460)))
        if k % 5 == 0:
            poly = Polygon(Circle(lat0, lon0, r))
        else:
            m = int(rng.integers(16, 65))
            az = np.sort(rng.uniform(0, 360, m))
            rad = r * rng.uniform(0.5, 1.0, m)
            lon, lat, _ = GEOD.fwd(np.full(m, lon0), np.full(m, lat0), az, rad)
            poly = Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))
        out.append(Airspace(f"A{k:04d}", "R", (poly,), floor, ceiling))
    return out


def day_track(seconds: int = 86_400, seed: int = 2) -> Track:
    """One aircraft for a day at 1 Hz: great-circle legs between random waypoints over Europe,
    250 m/s, altitude cycling between 3,000 and 11,000 m."""
    rng = np.random.default_rng(seed)
    lon, lat = [float(rng.uniform(-5, 25))], [float(rng.uniform(40, 60))]
    speed = 250.0
    while len(lon) < seconds:
        tlon, tlat = rng.uniform(-5, 25), rng.uniform(40, 60)
        az, _, d = GEOD.inv(lon[-1], lat[-1], tlon, tlat)
        n = max(1, int(d // speed))
        plon, plat, _ = GEOD.fwd(
            np.full(n, lon[-1]), np.full(n, lat[-1]), np.full(n, az), speed * np.arange(1, n + 1)
        )
        lon.extend(plon.tolist())
        lat.extend(plat.tolist())
    t = 1_700_000_000.0 + np.arange(seconds, dtype=float)
    alt = 7_000.0 + 4_000.0 * np.sin(np.arange(seconds) / 1800.0)
    return Track.from_arrays(
        "bench01", time=t, lat=lat[:seconds], lon=lon[:seconds], alt_baro=alt, alt_geo=alt + 50.0
    )
