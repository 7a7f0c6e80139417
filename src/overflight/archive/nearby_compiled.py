"""The cap test of :class:`~.nearby.Nearby` as one compiled pass (numba).

For each (piece, airspace) pair: whether some fix of the piece, less half the longer segment
next to it, lies within the airspace's padded cap radius: the great-circle distance from the
chord between unit vectors, ``2 R asin(chord / 2)``, as the vectorised test computes it. The
pass stops at the first fix within reach (the vectorised test measured every fix of every
pair). Its last bit may differ from numpy's: it feeds only a threshold test padded by 1 %
and a kilometre. Compiled on first use and cached on disk.

Fixes that cannot be within reach are stepped over without their distance: a fix ``j``
after one at distance ``d`` is at least ``d`` less the track's length between them from
the cap's centre (the triangle inequality on the sphere), so while that bound, less
``half[j]``, stays above the reach (by a metre and a billionth, for rounding) the fix fails
the test. A piece far from a cap (most pairs: the box test is coarse) then costs one
distance per few fixes.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..geometry.jit import jit

__all__ = ["touching"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@jit()
def touching(
    lon: F64,
    lat: F64,
    half: F64,
    seg: F64,
    start: I64,
    n: I64,
    pp: I64,
    kk: I64,
    cx: F64,
    cy: F64,
    cz: F64,
    reach: F64,
    radius: float,
) -> NDArray[np.bool_]:
    """For each pair ``(pp[i], kk[i])``: whether a fix ``f`` of piece ``pp[i]`` (fixes
    ``start[p]:start[p] + n[p]``) has ``d(f, cap) - half[f] <= reach[k]`` (NaN positions
    never do). A fix's unit vector is worked out when a pair first reaches it. ``seg[f]``:
    at least the sphere distance from fix ``f - 1`` to ``f`` (inf where unknown: no fix is
    stepped over past it)."""
    keep = np.zeros(pp.size, np.bool_)
    m = lon.size
    ux, uy, uz = np.empty(m), np.empty(m), np.empty(m)
    known = np.zeros(m, np.bool_)
    rad = math.pi / 180.0
    for i in range(pp.size):
        p, k = pp[i], kk[i]
        r = reach[k]
        x, y, z = cx[k], cy[k], cz[k]
        bound = -math.inf  # a lower bound of the current fix's distance from the centre
        for f in range(start[p], start[p] + n[p]):
            bound -= seg[f]
            if bound - half[f] > r:  # (False when the bound is unknown: -inf or NaN)
                continue
            if not known[f]:
                lo, la = lon[f] * rad, lat[f] * rad
                c = math.cos(la)
                ux[f], uy[f], uz[f] = c * math.cos(lo), c * math.sin(lo), math.sin(la)
                known[f] = True
            ex, ey, ez = ux[f] - x, uy[f] - y, uz[f] - z
            chord = math.sqrt(ex * ex + ey * ey + ez * ez)
            d = 2.0 * radius * math.asin(min(0.5 * chord, 1.0))
            if d - half[f] <= r:
                keep[i] = True
                break
            bound = d - 1.0 - 1e-9 * d  # (NaN positions: NaN, no stepping)
    return keep
