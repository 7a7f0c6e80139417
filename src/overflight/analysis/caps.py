"""Cheap bounding caps of airspaces, from their raw definitions, so that far airspaces are never
densified (one track against 10,000 airspaces only prepares the few it comes near).

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> a = Airspace("C", "R", (Polygon(Circle(60.0, 25.0, 5_000.0)),),
...              VerticalLimit.surface(), VerticalLimit.unlimited())
>>> lon, lat, r = airspace_cap(a)
>>> round(lon, 6), round(lat, 6), 5_000 < r < 6_100
(25.0, 60.0, True)
"""

from __future__ import annotations

import numpy as np

from ..model import Airspace, ArcByAngles, ArcByPoints, Circle, Vertex

__all__ = ["airspace_cap"]

# the largest radius of curvature of WGS84 (a^2 / b, at the poles): an angle between two
# geodetic normals times this bounds the geodesic distance from above
R_MAX = 6_399_593.63 * 1.001


def airspace_cap(airspace: Airspace) -> tuple[float, float, float]:
    """(lon, lat, radius_m) of a cap that contains the whole airspace boundary."""
    lats: list[float] = []
    lons: list[float] = []
    pads: list[float] = []

    def add(v: Vertex, pad: float = 0.0) -> None:
        lats.append(v.lat)
        lons.append(v.lon)
        pads.append(pad)

    for poly in airspace.polygons:
        for ring in (poly.exterior, *poly.holes):
            if isinstance(ring, Circle):
                add(Vertex(ring.center_lat, ring.center_lon), ring.radius_m)
                continue
            for part in ring:
                if isinstance(part, Vertex):
                    add(part)
                elif isinstance(part, ArcByAngles):
                    add(part.center, part.radius_m)
                elif isinstance(part, ArcByPoints):
                    add(part.start)
                    add(part.end)
                    la = np.radians([part.center.lat, part.start.lat, part.end.lat])
                    lo = np.radians([part.center.lon, part.start.lon, part.end.lon])
                    u = _unit(lo, la)
                    ang = np.arccos(np.clip(u[1:] @ u[0], -1.0, 1.0))
                    add(part.center, float(ang.max() * R_MAX))
    la = np.radians(np.asarray(lats))
    lo = np.radians(np.asarray(lons))
    u = _unit(lo, la)
    c = u.mean(axis=0)
    norm = np.linalg.norm(c)
    c = u[0] if norm < 1e-9 else c / norm
    ang = np.arccos(np.clip(u @ c, -1.0, 1.0))
    radius = float(np.max(ang * R_MAX + np.asarray(pads) * 1.001)) + 100.0
    c_lat = float(np.degrees(np.arctan2(c[2], np.hypot(c[0], c[1]))))
    c_lon = float(np.degrees(np.arctan2(c[1], c[0])))
    return c_lon, c_lat, radius


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    cl = np.cos(lat)
    return np.stack([cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)], axis=-1)
