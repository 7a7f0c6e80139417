"""Independent distances for the national-airspace tests: geographiclib's pure-Python geodesics,
candidates picked with a k-d tree on unit vectors, lines densified linearly in lon/lat at metre-
scale steps (not overflight.geometry)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from geographiclib.geodesic import Geodesic
from scipy.spatial import cKDTree

G = Geodesic.WGS84


def densify(lines: Sequence[np.ndarray], step_deg: float = 0.0004) -> np.ndarray:
    """Points along the lines' geodesics (short edges, under ~1 km, linearly: the difference
    from the geodesic there is under a millimetre)."""
    pts = []
    for line in lines:
        line = np.asarray(line, dtype=float)
        for a, b in itertools.pairwise(line):
            n = max(1, int(np.ceil(np.abs(b - a).max() / step_deg)))
            if np.abs(b - a).max() < 0.01:
                t = np.arange(n)[:, None] / n
                pts.append(a + (b - a) * t)
                continue
            gl = G.InverseLine(a[1], a[0], b[1], b[0])
            for i in range(n):
                p = gl.Position(gl.s13 * i / n)
                pts.append(np.array([[p["lon2"], p["lat2"]]]))
        pts.append(line[-1:])
    return np.concatenate(pts)


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Oracle:
    """Geodesic distance (m) from points to the nearest of many line points."""

    def __init__(self, lines: Sequence[np.ndarray], step_deg: float = 0.0004) -> None:
        self.pts = densify(lines, step_deg)
        self.tree = cKDTree(_unit(self.pts[:, 0], self.pts[:, 1]))

    def distance(self, lon: float, lat: float, k: int = 12) -> float:
        _, idx = self.tree.query(_unit(np.array([lon]), np.array([lat]))[0], k=k)
        return min(
            G.Inverse(lat, lon, float(self.pts[i, 1]), float(self.pts[i, 0]))["s12"]
            for i in np.atleast_1d(idx)
        )
