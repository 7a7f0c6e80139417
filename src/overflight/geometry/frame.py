"""A cheap local plane for indexing and ranking only: a spherical azimuthal equidistant
projection stretched east-west and north-south by the ellipsoid's radii of curvature at the
centre.

Distances in it are within ``plane_error(r)`` (relative) of the ellipsoidal ones for points
within r of the centre (measured: < 3e-5 + (r/R)^2 at every latitude, for r up to 1000 km);
nothing reported is measured in it: exact values always come from the ellipsoid
(``geodesic``).

>>> x, y = local_xy([25.0], [60.1], 25.0, 60.0)
>>> round(float(x[0]), 1), round(float(y[0]) / 1000, 1)
(0.0, 11.1)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .geodesic import MEAN_RADIUS

__all__ = ["bow", "hyp", "local_xy", "plane_error"]

_A = 6_378_137.0
_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)


def hyp(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """``sqrt(x * x + y * y)``: the length of plane vectors, as the compiled passes take it
    (:func:`.frame_compiled.hyp`, the same operations so the same bits). ``np.hypot`` calls
    glibc's ``hypot``, which guards against overflow at ~10x the cost: with it, ``hypot``
    alone was ~11 % of a scan's exact check; these lengths (metres, up to ~1e7) are far from
    overflowing, and within an ulp of it.

    >>> float(hyp(3.0, 4.0))
    5.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return np.sqrt(x * x + y * y)  # type: ignore[no-any-return]


def plane_error(r_m: ArrayLike) -> NDArray[np.float64]:
    """Bound on the relative distance error of the plane for points within ``r_m`` of its
    centre (twice what was measured, for safety).

    >>> float(plane_error(0.0))
    0.0001
    """
    return 2.0 * (5e-5 + (np.asarray(r_m, dtype=np.float64) / MEAN_RADIUS) ** 2)


F64 = NDArray[np.float64]


def local_xy(
    lon: ArrayLike,
    lat: ArrayLike,
    c_lon: ArrayLike,
    c_lat: ArrayLike,
    which: NDArray[np.int64] | None = None,
    points: NDArray[np.int64] | None = None,
) -> tuple[F64, F64]:
    """East/north metres of (lon, lat) in an azimuthal equidistant plane about (c_lon, c_lat).

    ``which``: each point's centre, as an index into arrays ``c_lon``, ``c_lat`` of centres
    (their trigonometry is then done once per centre, not per point; the same values).
    ``points``: each result's point, as an index into ``lon``, ``lat`` (a point asked about
    several centres has its latitude's trigonometry done once; the same values)."""
    c_lon = np.asarray(c_lon, dtype=np.float64)
    c = np.radians(np.asarray(c_lat, dtype=np.float64))
    sc, cc = np.sin(c), np.cos(c)
    w = np.sqrt(1.0 - _E2 * sc**2)
    east = _A / w / MEAN_RADIUS  # prime vertical radius of curvature / R
    north = _A * (1.0 - _E2) / w**3 / MEAN_RADIUS  # meridional radius of curvature / R
    if which is not None:
        c_lon, sc, cc, east, north = c_lon[which], sc[which], cc[which], east[which], north[which]
    lon = np.asarray(lon, dtype=np.float64)
    la = np.radians(np.asarray(lat, dtype=np.float64))
    cos_la, sin_la = np.cos(la), np.sin(la)
    if points is not None:
        lon, cos_la, sin_la = lon[points], cos_la[points], sin_la[points]
    lo = np.radians(lon - c_lon)
    cos_lo = np.cos(lo)
    # unit vector in the centre's east/north/up frame
    e = cos_la * np.sin(lo)
    n = cc * sin_la - sc * cos_la * cos_lo
    u = sc * sin_la + cc * cos_la * cos_lo
    h = np.sqrt(e * e + n * n)  # components of a unit vector: no overflow to guard
    rho = np.arctan2(h, u)
    scale = np.where(h > 0, MEAN_RADIUS * rho / np.where(h > 0, h, 1.0), MEAN_RADIUS)
    return e * scale * east, n * scale * north


def bow(x1: F64, y1: F64, x2: F64, y2: F64) -> F64:
    """Four times the sagitta of a geodesic between two points drawn in the local plane
    against the straight line between their images (its curvature there is at most about
    the distance from the centre over R^2), plus 20 m."""
    length2 = (x2 - x1) ** 2 + (y2 - y1) ** 2
    far = np.maximum(hyp(x1, y1), hyp(x2, y2)) + np.sqrt(length2)
    return 20.0 + 4.0 * length2 * far / (8.0 * MEAN_RADIUS**2)
