"""Country polygons from the Digital Chart of the World for GMT (DCW-GMT).

DCW-GMT (Wessel et al., LGPL-3.0; 1:1,000,000, based on the 1992 Digital Chart of the World) is a
netCDF-4 file with, per ISO 3166 alpha-2 code ``CC``, variables ``CC_lon`` and ``CC_lat``:
uint16 values scaled between the attributes ``min`` and ``max`` (``value / scale + min``),
rings separated by a marker value of 65535 in ``CC_lon``. Longitudes may run past 180 so
that a country across the antimeridian (Russia, Fiji) is one piece. Debian ships it as
``gmt-dcw`` (``/usr/share/gmt-dcw/dcw-gmt.nc``). overflight uses it only to say which
country each coastline polygon belongs to, and where land borders run; it reads it with h5py.

>>> from overflight.formats.coastline import dcw
>>> if dcw.available():
...     ee = dcw.country_geometry("EE")
...     assert 21 < ee.bounds[0] < ee.bounds[2] < 29
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ...errors import OverflightError

__all__ = ["available", "country_bounds", "country_geometry", "data_path", "source"]

_CANDIDATES = (
    "/usr/share/gmt-dcw/dcw-gmt.nc",
    "/usr/share/gmt/dcw/dcw-gmt.nc",
    "/usr/local/share/gmt-dcw/dcw-gmt.nc",
    "/opt/homebrew/share/gmt/dcw/dcw-gmt.nc",
)
_MARK = 65535


def data_path() -> Path | None:
    """The DCW-GMT file: ``$OVERFLIGHT_DCW``, else the usual install places; None if absent.

    >>> data_path() is None or data_path().name.endswith(".nc")
    True
    """
    env = os.environ.get("OVERFLIGHT_DCW")
    for p in (env, *_CANDIDATES):
        if p and Path(p).is_file():
            return Path(p)
    return None


def available() -> bool:
    """Whether DCW-GMT and h5py are installed.

    >>> isinstance(available(), bool)
    True
    """
    if data_path() is None:
        return False
    try:
        import h5py  # noqa: F401
    except ImportError:
        return False
    return True


def _missing() -> OverflightError:
    return OverflightError(
        "country polygons (DCW-GMT) are not installed: on Debian/Ubuntu `apt-get install "
        "gmt-dcw` and `pip install 'overflight[national]'`, or set OVERFLIGHT_DCW to a "
        "dcw-gmt.nc file, or give --land FILE with a country field"
    )


@cache
def _file() -> Any:
    path = data_path()
    if path is None:
        raise _missing()
    try:
        import h5py
    except ImportError as exc:
        raise _missing() from exc
    return h5py.File(path, "r")


def source() -> dict[str, str | None]:
    """Provenance of the country polygons, for reports.

    >>> sorted(source())
    ['licence', 'name', 'path', 'scale', 'version']
    """
    path = data_path()
    version = None
    if path is not None and available():
        v = _file().attrs.get("version")
        version = v.decode() if isinstance(v, bytes) else str(v) if v is not None else None
    return {
        "name": "DCW-GMT (Digital Chart of the World for GMT)",
        "version": version,
        "scale": "1:1,000,000",
        "licence": "LGPL-3.0-or-later",
        "path": str(path) if path else None,
    }


def _arrays(iso2: str) -> tuple[np.ndarray, np.ndarray]:
    f = _file()
    key = iso2.upper()
    if f"{key}_lon" not in f:
        raise OverflightError(f"no country {iso2!r} in the DCW-GMT country polygons")
    vlon, vlat = f[f"{key}_lon"], f[f"{key}_lat"]
    rawx = np.asarray(vlon[:], dtype=np.int64)
    rawy = np.asarray(vlat[:], dtype=np.int64)
    x = rawx / float(vlon.attrs["scale"][0]) + float(vlon.attrs["min"][0])
    y = rawy / float(vlat.attrs["scale"][0]) + float(vlat.attrs["min"][0])
    x[rawx == _MARK] = np.nan
    return x, y


def country_bounds(iso2: str) -> tuple[float, float, float, float]:
    """West, south, east, north of a country (east may exceed 180)."""
    f = _file()
    key = iso2.upper()
    if f"{key}_lon" not in f:
        raise OverflightError(f"no country {iso2!r} in the DCW-GMT country polygons")
    lo, la = f[f"{key}_lon"].attrs, f[f"{key}_lat"].attrs
    return (float(lo["min"][0]), float(la["min"][0]), float(lo["max"][0]), float(la["max"][0]))


@cache
def country_geometry(iso2: str) -> shapely.Geometry:
    """The country's land as one (multi)polygon in lon/lat (rings combined even-odd).

    Longitudes are continuous across the antimeridian (they can exceed 180).
    """
    x, y = _arrays(iso2)
    breaks = np.flatnonzero(np.isnan(x))
    if len(breaks) == 0 or breaks[0] != 0:
        breaks = np.concatenate([[-1], breaks])
    ends = np.append(breaks[1:], len(x))
    rings = []
    for a, b in zip(breaks + 1, ends, strict=True):
        if b - a >= 3:
            rings.append(shapely.polygons(np.column_stack([x[a:b], y[a:b]])))
    valid = shapely.make_valid(np.asarray(rings, dtype=object))
    if not len(valid):
        return shapely.Polygon()
    # even-odd only where rings overlap (holes, enclaves): the rest are disjoint islands
    pairs = shapely.STRtree(valid).query(valid, predicate="intersects")
    touching = np.zeros(len(valid), dtype=bool)
    touching[pairs[0][pairs[0] != pairs[1]]] = True
    parts = list(valid[~touching])
    if touching.any():
        acc = shapely.Polygon()
        for ring in valid[touching]:  # even-odd, pairwise (symmetric_difference_all is broken)
            acc = shapely.symmetric_difference(acc, ring)
        parts.append(acc)
    return shapely.make_valid(shapely.union_all(parts))
