"""The one WGS84 ellipsoid and vectorised geodesic helpers (lon, lat in degrees; metres).

Every function takes scalars or arrays and broadcasts, returning float64 arrays.

>>> _, _, d = inverse(0.0, 0.0, 1.0, 0.0)
>>> round(float(d), 3)
111319.491
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

__all__ = [
    "GEOD",
    "angle_diff",
    "forward",
    "haversine",
    "inverse",
    "unit_vectors",
]

F64 = NDArray[np.float64]

GEOD = Geod(ellps="WGS84")
"""The single ellipsoid every overflight computation uses (Karney's algorithms via PROJ)."""

A_WGS84 = GEOD.a
MEAN_RADIUS = 6_371_008.8


def _arr(x: ArrayLike) -> F64:
    return np.asarray(x, dtype=np.float64)


def inverse(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> tuple[F64, F64, F64]:
    """Azimuth at 1 (degrees), forward azimuth at 2 (degrees), distance (m) of the geodesic 1->2.

    >>> az1, az2, d = inverse(0.0, 0.0, 0.0, 1.0)
    >>> float(az1), round(float(d), 3)
    (0.0, 110574.389)
    """
    a, b, c, d = np.broadcast_arrays(_arr(lon1), _arr(lat1), _arr(lon2), _arr(lat2))
    shape = a.shape
    az1, az2, dist = GEOD.inv(
        a.ravel().copy(),
        b.ravel().copy(),
        c.ravel().copy(),
        d.ravel().copy(),
        return_back_azimuth=False,
    )
    return (
        np.asarray(az1, dtype=np.float64).reshape(shape),
        np.asarray(az2, dtype=np.float64).reshape(shape),
        np.asarray(dist, dtype=np.float64).reshape(shape),
    )


def forward(lon: ArrayLike, lat: ArrayLike, az: ArrayLike, dist: ArrayLike) -> tuple[F64, F64, F64]:
    """Point at ``dist`` metres from (lon, lat) along azimuth ``az``: (lon2, lat2, forward azimuth
    at the new point).

    >>> lon2, lat2, az2 = forward(0.0, 0.0, 90.0, 111319.49079327357)
    >>> round(float(lon2), 9), round(float(lat2), 9), float(az2)
    (1.0, 0.0, 90.0)
    """
    a, b, c, d = np.broadcast_arrays(_arr(lon), _arr(lat), _arr(az), _arr(dist))
    shape = a.shape
    lon2, lat2, az2 = GEOD.fwd(
        a.ravel().copy(),
        b.ravel().copy(),
        c.ravel().copy(),
        d.ravel().copy(),
        return_back_azimuth=False,
    )
    return (
        np.asarray(lon2, dtype=np.float64).reshape(shape),
        np.asarray(lat2, dtype=np.float64).reshape(shape),
        np.asarray(az2, dtype=np.float64).reshape(shape),
    )


def angle_diff(a: ArrayLike, b: ArrayLike) -> F64:
    """``a - b`` in degrees wrapped to [-180, 180).

    >>> float(angle_diff(10.0, 350.0))
    20.0
    """
    return (
        np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64) + 180.0
    ) % 360.0 - 180.0


def haversine(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> F64:
    """Great-circle distance (m) on the mean sphere: within 0.6 % of the geodesic's (the
    ellipsoid's radii of curvature lie within 0.6 % of the mean radius), for bounds only.

    >>> round(float(haversine(np.array(0.0), np.array(0.0), np.array(1.0), np.array(0.0))))
    111195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2.0 * MEAN_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), np.float64)


def unit_vectors(lon: ArrayLike, lat: ArrayLike) -> F64:
    """Geocentric-direction unit vectors (n x 3) on the unit sphere, for spatial indexing only.

    >>> unit_vectors([0.0], [90.0]).round(12).tolist()
    [[0.0, 0.0, 1.0]]
    """
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    la = np.radians(np.asarray(lat, dtype=np.float64))
    cl = np.cos(la)
    return np.stack([cl * np.cos(lo), cl * np.sin(lo), np.sin(la)], axis=-1)
