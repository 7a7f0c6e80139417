"""A cheap local plane (spherical azimuthal equidistant) for indexing and ranking only.

Its distances are within about 1 % of the ellipsoidal ones near the centre; nothing reported is
measured in it: exact values always come from the ellipsoid (``geodesic``).

>>> x, y = local_xy([25.0], [60.1], 25.0, 60.0)
>>> round(float(x[0]), 1), round(float(y[0]) / 1000, 1)
(0.0, 11.1)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .geodesic import MEAN_RADIUS

__all__ = ["local_xy"]

F64 = NDArray[np.float64]


def local_xy(lon: ArrayLike, lat: ArrayLike, c_lon: float, c_lat: float) -> tuple[F64, F64]:
    """East/north metres of (lon, lat) in an azimuthal equidistant plane about (c_lon, c_lat)."""
    lo = np.radians(np.asarray(lon, dtype=np.float64) - c_lon)
    la = np.radians(np.asarray(lat, dtype=np.float64))
    c = np.radians(c_lat)
    cos_la = np.cos(la)
    # unit vector in the centre's east/north/up frame
    e = cos_la * np.sin(lo)
    n = np.cos(c) * np.sin(la) - np.sin(c) * cos_la * np.cos(lo)
    u = np.sin(c) * np.sin(la) + np.cos(c) * cos_la * np.cos(lo)
    rho = np.arctan2(np.hypot(e, n), u)
    h = np.hypot(e, n)
    scale = np.where(h > 0, MEAN_RADIUS * rho / np.where(h > 0, h, 1.0), MEAN_RADIUS)
    return e * scale, n * scale
