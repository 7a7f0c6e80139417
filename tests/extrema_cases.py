"""Random polygons and stretches of track near them, for the depth search's tests."""

from __future__ import annotations

import numpy as np

from overflight.geometry.boundary import PolygonEdges, polygon_edges
from overflight.geometry.geodesic import forward
from overflight.geometry.path import TrackPath
from overflight.model import Polygon, Vertex

__all__ = ["random_path", "random_shape", "random_stretches", "star", "stretches_in_one_shape"]


def star(lat0: float, lon0: float, r: float, m: int, rng: np.random.Generator) -> Polygon:
    az = np.sort(rng.uniform(0, 360, m))
    lon, lat, _ = forward(np.full(m, lon0), np.full(m, lat0), az, r * rng.uniform(0.6, 1.0, m))
    return Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))


def random_shape(rng: np.random.Generator) -> PolygonEdges:
    """A random star of 4-23 vertices, 5-40 km across, between 60 S and 60 N."""
    return polygon_edges(
        star(
            float(rng.uniform(-60, 60)),
            float(rng.uniform(-20, 20)),
            float(rng.uniform(5_000, 40_000)),
            int(rng.integers(4, 24)),
            rng,
        )
    )


def random_path(lat0: float, lon0: float, rng: np.random.Generator) -> TrackPath:
    n = int(rng.integers(2, 30))
    az0 = rng.uniform(0, 360)
    lon, lat, _ = forward(lon0, lat0, az0 + 180.0, 40_000.0)
    lons, lats = [float(lon)], [float(lat)]
    az = az0
    for _ in range(n - 1):
        az += rng.normal(0, 15)
        lo, la, _ = forward(lons[-1], lats[-1], az, rng.uniform(500, 6_000))
        lons.append(float(lo))
        lats.append(float(la))
    t = np.cumsum(np.r_[0.0, rng.uniform(2, 30, n - 1)]) + 1.7e9
    return TrackPath.build(t, np.array(lons), np.array(lats))


def random_stretches(
    rng: np.random.Generator, shapes: int, most: int, instants: float = 0.0
) -> list[tuple[TrackPath, PolygonEdges, float, float]]:
    """1 to ``most - 1`` stretches of paths near ``shapes`` random stars, each from and to
    anywhere along its path; a share ``instants`` of them of no length (at a fix or between
    two)."""
    pes = [random_shape(rng) for _ in range(shapes)]
    out = []
    for _ in range(int(rng.integers(1, most))):
        pe = pes[int(rng.integers(0, len(pes)))]
        path = random_path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        if rng.uniform() < instants:
            a = b = float(path.time[int(rng.integers(0, path.time.size))] if a < b / 2 else a)
        out.append((path, pe, float(a), float(b)))
    return out


def stretches_in_one_shape(
    rng: np.random.Generator,
) -> tuple[PolygonEdges, list[tuple[TrackPath, PolygonEdges, float, float]]]:
    """A random star and 1-3 stretches of paths near it, each from and to anywhere along
    its path."""
    pe = random_shape(rng)
    stretches = []
    for _ in range(int(rng.integers(1, 4))):
        path = random_path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        stretches.append((path, pe, float(a), float(b)))
    return pe, stretches
