"""Airspace sets for the scan benchmark: a realistic one and the dense stress set.

``realistic(n)``: like the airspace of a European country group, about
- a CTR around each of the ~50 airports of the synthetic traffic (circle of 10-20 km radius,
  surface to 2,500-5,000 ft AMSL);
- a TMA over each, in two rings (a polygon of 16 vertices, 30-45 km, from the CTR's ceiling
  to FL95, and a wider one, 50-75 km, from FL95 to FL195);
- the rest restricted and danger areas of 5-50 km across (circles and star polygons of 8-24
  vertices) scattered over Europe, from the surface to FL100-FL660 (most of them low:
  the ceiling is FL100 + 560 u^3 with u uniform).

``dense(n)`` is ``_synthetic.airspaces``: 5-40 km star polygons and circles, FL50-FL200 or
surface floors, FL250-FL460 ceilings: a third of all cruising traffic is inside one.

>>> zones = realistic(200)
>>> len(zones), zones[0].kind, zones[0].name
(200, 'CTR', 'EGLL CTR')
"""

from __future__ import annotations

import numpy as np
from _synthetic import GEOD
from _synthetic import airspaces as dense

from overflight.archive._airports import AIRPORTS
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit

__all__ = ["dense", "realistic"]


def _star(lat0: float, lon0: float, r: float, m: int, rng: np.random.Generator) -> Polygon:
    az = np.sort(rng.uniform(0, 360, m))
    rad = r * rng.uniform(0.6, 1.0, m)
    lon, lat, _ = GEOD.fwd(np.full(m, lon0), np.full(m, lat0), az, rad)
    return Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))


def _regular(lat0: float, lon0: float, r: float, m: int) -> Polygon:
    az = np.arange(m) * 360.0 / m
    lon, lat, _ = GEOD.fwd(np.full(m, lon0), np.full(m, lat0), az, np.full(m, r))
    return Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))


def realistic(n: int = 2000, seed: int = 1) -> list[Airspace]:
    """CTRs and two-ring TMAs around the airports, then restricted/danger areas up to ``n``."""
    rng = np.random.default_rng(seed)
    out: list[Airspace] = []
    for code, _name, lat, lon in AIRPORTS:
        top = float(rng.choice([2500, 3000, 3500, 4000, 4500, 5000]))
        ctr_top = VerticalLimit.parse(f"{top:.0f}ft AMSL")
        r = float(rng.uniform(10_000, 20_000))
        out.append(
            Airspace(
                f"{code} CTR",
                "CTR",
                (Polygon(Circle(lat, lon, r)),),
                VerticalLimit.surface(),
                ctr_top,
            )
        )
        inner = _regular(lat, lon, float(rng.uniform(30_000, 45_000)), 16)
        outer = _regular(lat, lon, float(rng.uniform(50_000, 75_000)), 16)
        fl95, fl195 = VerticalLimit.flight_level(95), VerticalLimit.flight_level(195)
        out.append(Airspace(f"{code} TMA 1", "TMA", (inner,), ctr_top, fl95))
        out.append(Airspace(f"{code} TMA 2", "TMA", (outer,), fl95, fl195))
    k = 0
    while len(out) < n:
        lat0, lon0 = rng.uniform(37, 63), rng.uniform(-9, 28)
        r = float(rng.uniform(2_500, 25_000))
        ceiling = VerticalLimit.flight_level(float(round(100 + 560 * rng.uniform() ** 3)))
        kind = "R" if k % 2 else "D"
        poly = (
            Polygon(Circle(lat0, lon0, r))
            if k % 3 == 0
            else _star(lat0, lon0, r, int(rng.integers(8, 25)), rng)
        )
        out.append(Airspace(f"{kind}{k:04d}", kind, (poly,), VerticalLimit.surface(), ceiling))
        k += 1
    return out[:n]
