"""PROJ's geodesic routines, the very ones pyproj's :class:`~pyproj.Geod` calls, callable
from numba-compiled code (:mod:`.distance_compiled`).

pyproj solves each array of geodesic problems in C, but every call pays Python's and numpy's
overhead, which dominates the small arrays of an iterative search. Compiled loops call
``geod_inverse`` and ``geod_direct`` of the same PROJ library directly: the same arithmetic,
so the same numbers to the last bit (:func:`available` checks it on load), at no per-call
cost.

The library is the one pyproj loaded (found in the process's memory map on Linux, else next
to pyproj's package: ``pyproj.libs``, ``.dylibs``). Where it cannot be found or its answers
differ from pyproj's, :func:`available` is False and callers keep their numpy path; setting
``OVERFLIGHT_COMPILED=0`` forces that too.

>>> if available():
...     from overflight.geometry.geodesic import inverse
...     assert float(inverse(0.0, 0.0, 1.0, 1.0)[2]) == reference_distance(0.0, 0.0, 1.0, 1.0)
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os

import numpy as np
from numba import types

from .geodesic import GEOD, forward, inverse
from .jit import enabled, jit

__all__ = [
    "available",
    "c_direct",
    "c_inverse",
    "geodesic_struct",
    "reference_distance",
]

_P = types.intp  # pointers travel as integers: the same registers on 64-bit platforms
_D = types.float64
geod_inverse = types.ExternalFunction("geod_inverse", types.void(_P, _D, _D, _D, _D, _P, _P, _P))
"""``geod_inverse(g, lat1, lon1, lat2, lon2, &s12, &azi1, &azi2)``"""
geod_direct = types.ExternalFunction("geod_direct", types.void(_P, _D, _D, _D, _D, _P, _P, _P))
"""``geod_direct(g, lat1, lon1, azi1, s12, &lat2, &lon2, &azi2)``"""

_STRUCT_BYTES = 1024
"""Room for PROJ's ``struct geod_geodesic`` (51 doubles, 408 bytes, in PROJ 9)."""


def _candidates() -> list[str]:
    """Paths of the PROJ library pyproj uses, most likely first."""
    import pyproj
    import pyproj._geod  # loads the library

    found: list[str] = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if os.path.basename(path).startswith("libproj") and path not in found:
                    found.append(path)
    except OSError:
        pass
    here = os.path.dirname(pyproj.__file__)
    for pattern in ("../pyproj.libs/*proj*", ".dylibs/*proj*", "../pyproj.libs/*.dll"):
        found += sorted(glob.glob(os.path.join(here, pattern)))
    return found


@functools.cache
def geodesic_struct() -> np.ndarray | None:
    """PROJ's WGS84 ``geod_geodesic`` (as bytes) from the library pyproj uses, its symbols
    made visible to compiled code; None where no such library is found."""
    if not enabled():
        return None
    import llvmlite.binding as llvm

    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            init = lib.geod_init
            lib.geod_inverse  # noqa: B018  (present, or AttributeError)
            lib.geod_direct  # noqa: B018
        except (OSError, AttributeError):
            continue
        init.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double]
        init.restype = None
        g = np.zeros(_STRUCT_BYTES, np.uint8)
        init(g.ctypes.data, GEOD.a, GEOD.f)
        llvm.load_library_permanently(path)
        return g
    return None


@jit()
def c_inverse(
    gp: int, bp: int, buf: np.ndarray, lon1: float, lat1: float, lon2: float, lat2: float
) -> tuple[float, float, float]:
    """(azimuth at 1, azimuth at 2, distance) as :func:`.geodesic.inverse`; ``gp``: the
    struct's address, ``bp``: that of ``buf``, three float64 of scratch."""
    geod_inverse(gp, lat1, lon1, lat2, lon2, bp, bp + 8, bp + 16)
    return buf[1], buf[2], buf[0]


@jit()
def c_direct(
    gp: int, bp: int, buf: np.ndarray, lon: float, lat: float, az: float, dist: float
) -> tuple[float, float, float]:
    """(lon, lat, azimuth there) as :func:`.geodesic.forward`."""
    geod_direct(gp, lat, lon, az, dist, bp, bp + 8, bp + 16)
    return buf[1], buf[0], buf[2]


@jit()
def _solve_both(
    g: np.ndarray,
    lon1: np.ndarray,
    lat1: np.ndarray,
    lon2: np.ndarray,
    lat2: np.ndarray,
    az: np.ndarray,
    dist: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Inverse problems (lon1, lat1) -> (lon2, lat2) and direct ones from (lon1, lat1) along
    ``az`` for ``dist``: rows of (az1, az2, s12) and (lon2, lat2, az2)."""
    n = lon1.size
    inv = np.empty((n, 3))
    fwd = np.empty((n, 3))
    buf = np.empty(3)
    gp, bp = g.ctypes.data, buf.ctypes.data
    for i in range(n):
        inv[i, 0], inv[i, 1], inv[i, 2] = c_inverse(gp, bp, buf, lon1[i], lat1[i], lon2[i], lat2[i])
        fwd[i, 0], fwd[i, 1], fwd[i, 2] = c_direct(gp, bp, buf, lon1[i], lat1[i], az[i], dist[i])
    return inv, fwd


@functools.cache
def available() -> bool:
    """Whether compiled code can call PROJ's geodesics, with pyproj's answers to the bit on
    a set of inverse and direct problems (short, long, antipodal, polar, across the
    antimeridian)."""
    g = geodesic_struct()
    if g is None:
        return False
    lon1 = np.array([0.0, 25.3, -179.9, 10.0, 0.0, 120.0, 5.0])
    lat1 = np.array([0.0, 59.4, 45.0, 89.99, 0.0, -33.0, 60.0])
    lon2 = np.array([1.0, 25.31, 179.9, -170.0, 179.5, 121.0, 5.0])
    lat2 = np.array([1.0, 59.42, 45.1, 89.98, 0.5, -33.2, 60.0])
    az = np.array([45.0, 270.5, 90.0, 180.0, 0.0, 333.3, -12.0])
    dist = np.array([1.0, 1234.5, 2e5, 1e6, 2e7, 5e-3, 0.0])
    try:
        inv, fwd = _solve_both(g, lon1, lat1, lon2, lat2, az, dist)
    except Exception:  # no symbol, no compiler: the numpy path
        return False
    want_inv = np.column_stack(inverse(lon1, lat1, lon2, lat2))
    want_fwd = np.column_stack(forward(lon1, lat1, az, dist))
    return bool(np.array_equal(inv, want_inv) and np.array_equal(fwd, want_fwd))


def reference_distance(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """One inverse problem's distance through the compiled call (for checks and examples)."""
    g = geodesic_struct()
    assert g is not None
    one = [np.array([v]) for v in (lon1, lat1, lon2, lat2, 0.0, 0.0)]
    inv, _ = _solve_both(g, *one)
    return float(inv[0, 2])
