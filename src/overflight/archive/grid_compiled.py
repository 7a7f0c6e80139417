"""The airspace grid's test of both ends of every segment, as one compiled pass (numba).

For each segment: the grid cell of each end (:meth:`~.index.AirspaceIndex.cells`, the same
arithmetic: the same cells) and the cell's test against the segment's altitude band
(:meth:`~.index.AirspaceIndex._test`); a segment is a candidate when either end passes. The
vectorised form did both ends in some twenty array passes. Compiled on first use and cached
on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..geometry.jit import jit

__all__ = ["ends_pass", "fixes_pass"]

F64 = NDArray[np.float64]


@jit(inline="always")
def _cell(
    lon: float, lat: float, lon0: float, lat0: float, cell: float, ncol: int, nrow: int, wrap: bool
) -> int:
    c = math.floor((lon - lon0) / cell)
    if wrap:
        c %= ncol
    r = math.floor((lat - lat0) / cell)
    if c < 0 or c >= ncol or r < 0 or r >= nrow:
        return -1
    return r * ncol + c


@jit()
def ends_pass(
    lon0: F64,
    lat0: F64,
    lon1: F64,
    lat1: F64,
    alt_lo: F64,
    alt_hi: F64,
    grid_lon0: float,
    grid_lat0: float,
    cell: float,
    ncol: int,
    nrow: int,
    wrap: bool,
    near: NDArray[np.bool_],
    lo: F64,
    hi: F64,
    slack: float,
) -> NDArray[np.bool_]:
    """Whether either end of each segment lies in a grid cell near some airspace whose band
    (+- ``slack``) meets the segment's [alt_lo, alt_hi] (NaN: unknown, always meets)."""
    out = np.zeros(lon0.size, np.bool_)
    _ends(
        out, np.ones(lon0.size, np.bool_), lon0, lat0, lon1, lat1, alt_lo, alt_hi,
        (grid_lon0, grid_lat0, cell, ncol, nrow, wrap, near, lo, hi, slack),
    )  # fmt: skip
    return out


@jit()
def _ends(out, todo, x0s, y0s, x1s, y1s, alo, ahi, grid):  # type: ignore[no-untyped-def]
    """``out[i]``, for each ``todo[i]``: whether either end of segment ``i`` lies in a grid
    cell near some airspace whose band (+- the slack) meets [alo[i], ahi[i]]; ``grid``:
    (lon0, lat0, cell, ncol, nrow, wrap, near, lo, hi, slack), unpacked once (a tuple of
    arrays handed to each segment's test cost more than the test: ~24 ns per segment)."""
    glon0, glat0, cell, ncol, nrow, wrap, near, lo, hi, slack = grid
    for i in range(out.size):
        if not todo[i]:
            continue
        a, b = alo[i], ahi[i]
        for k in range(2):
            x = x0s[i] if k == 0 else x1s[i]
            y = y0s[i] if k == 0 else y1s[i]
            c = _cell(x, y, glon0, glat0, cell, ncol, nrow, wrap)
            if c < 0 or not near[c]:
                continue
            # NaN altitudes compare False both ways: unknown altitude is always a candidate
            if a > hi[c] + slack or b < lo[c] - slack:
                continue
            out[i] = True
            break


@jit()
def _fmin(a: float, b: float) -> float:
    """``np.fmin``: the smaller, ignoring a NaN (NaN only if both are)."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return min(a, b)


@jit()
def _fmax(a: float, b: float) -> float:
    """``np.fmax``: the larger, ignoring a NaN (NaN only if both are)."""
    return -_fmin(-a, -b)


@jit()
def fixes_pass(
    has_prev: NDArray[np.bool_],
    brk: NDArray[np.bool_],
    plon: F64,
    plat: F64,
    lon: F64,
    lat: F64,
    baro: F64,
    geo: F64,
    pbaro: F64,
    pgeo: F64,
    grid: tuple,  # type: ignore[type-arg]
) -> tuple[NDArray[np.bool_], F64, F64]:
    """:func:`ends_pass` of the segment ending at each fix that has one (``has_prev`` and
    not ``brk``; ``grid``: its grid arguments as one tuple), its band the NaN-skipping
    least and greatest of both ends' barometric and geometric altitudes: whether each fix's
    segment passes, and those bands (as the numpy path's gathers, ``fmin`` and ``fmax``
    give them; NaN for fixes without a segment)."""
    n = lon.size
    out = np.zeros(n, np.bool_)
    alo = np.full(n, np.nan)
    ahi = np.full(n, np.nan)
    todo = np.zeros(n, np.bool_)
    for i in range(n):
        if not has_prev[i] or brk[i]:
            continue
        todo[i] = True
        alo[i] = _fmin(_fmin(baro[i], geo[i]), _fmin(pbaro[i], pgeo[i]))
        ahi[i] = _fmax(_fmax(baro[i], geo[i]), _fmax(pbaro[i], pgeo[i]))
    _ends(out, todo, plon, plat, lon, lat, alo, ahi, grid)
    return out, alo, ahi
