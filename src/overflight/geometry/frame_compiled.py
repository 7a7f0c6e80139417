"""The local plane of :mod:`.frame` for one point at a time, for the compiled passes
(:mod:`.distance_compiled`, :mod:`.distance_wide_compiled`): the same formulas in the same
order as :func:`~.frame.local_xy` (numba's trigonometry may differ from numpy's in the last
bit). Compiled on first use and cached on disk.
"""

from __future__ import annotations

import math

from .geodesic import MEAN_RADIUS
from .jit import jit

__all__ = ["centre_terms", "hyp", "plane_xy", "xy_about"]

_A = 6_378_137.0
_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)
_R = MEAN_RADIUS
_RAD = math.pi / 180.0


@jit()
def hyp(x: float, y: float) -> float:
    """:func:`.frame.hyp` of one vector (not ``math.hypot``: glibc's, ~10x slower)."""
    return math.sqrt(x * x + y * y)


@jit()
def centre_terms(c_lat: float) -> tuple[float, float, float, float]:
    """A centre's sine and cosine of latitude and its east and north stretches (the radii of
    curvature over R)."""
    c = c_lat * _RAD
    sc, cc = math.sin(c), math.cos(c)
    w = math.sqrt(1.0 - _E2 * sc**2)
    return sc, cc, _A / w / _R, _A * (1.0 - _E2) / w**3 / _R


@jit()
def xy_about(
    lon: float,
    cos_la: float,
    sin_la: float,
    c_lon: float,
    sc: float,
    cc: float,
    east: float,
    north: float,
) -> tuple[float, float]:
    """A point (its latitude's cosine and sine given) in the plane about a centre whose
    :func:`centre_terms` are given."""
    lo = (lon - c_lon) * _RAD
    cos_lo = math.cos(lo)
    e = cos_la * math.sin(lo)
    n = cc * sin_la - sc * cos_la * cos_lo
    u = sc * sin_la + cc * cos_la * cos_lo
    h = math.sqrt(e * e + n * n)
    rho = math.atan2(h, u)
    scale = _R * rho / h if h > 0 else _R
    return e * scale * east, n * scale * north


@jit()
def plane_xy(lon: float, lat: float, c_lon: float, c_lat: float) -> tuple[float, float]:
    """:func:`~.frame.local_xy` of one point."""
    sc, cc, east, north = centre_terms(c_lat)
    la = lat * _RAD
    return xy_about(lon, math.cos(la), math.sin(la), c_lon, sc, cc, east, north)
