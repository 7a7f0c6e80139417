"""The user's own coastline, land, baseline and limit files, read with pyogrio (any OGR format).

A land file holds polygons (OSM land polygons, a national survey's land, Natural Earth land);
closed coastline lines are accepted too. Baseline and limit files hold lines (straight
baselines, an agreed boundary) or polygons (an area to leave out, such as a corridor).
Coordinates must be WGS84 longitude/latitude (files in another CRS are reprojected by GDAL).

>>> read_lines("/nonexistent.geojson")
Traceback (most recent call last):
...
overflight.errors.ParseError: /nonexistent.geojson: cannot read: no such file
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray

from ...errors import ParseError

__all__ = ["land_loader", "read_geometries", "read_lines"]

F64 = NDArray[np.float64]
BBox = tuple[float, float, float, float]


def read_geometries(path: str | PathLike[str], bbox: BBox | None = None) -> NDArray[np.object_]:
    """All geometries of a vector file as shapely objects in WGS84 lon/lat."""
    p = Path(path)
    if not p.exists():
        raise ParseError(p, None, "cannot read: no such file")
    try:
        import pyogrio

        info = pyogrio.read_info(p)
        crs = info.get("crs")
        result = pyogrio.raw.read(p, bbox=bbox, read_geometry=True, return_fids=False)
        wkb = result[2]
    except Exception as exc:  # pyogrio raises its own DataSourceError and friends
        raise ParseError(p, None, f"cannot read: {exc}") from exc
    if wkb is None:
        raise ParseError(p, None, "no geometries in the file")
    out = shapely.from_wkb(wkb)
    if crs and "4326" not in str(crs) and "WGS 84" not in str(crs) and "CRS84" not in str(crs):
        from pyproj import Transformer

        tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        out = np.asarray(
            [shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
             for g in out], dtype=object)  # fmt: skip
    return np.asarray([g for g in out if g is not None and not g.is_empty], dtype=object)


def read_lines(path: str | PathLike[str]) -> list[F64]:
    """Lines of a file (LineStrings, and polygon outlines) as n × 2 lon/lat arrays."""
    out = []
    for g in read_geometries(path):
        for part in shapely.get_parts(g):
            if part.geom_type in ("Polygon",):
                part = part.exterior
            if part.geom_type in ("LineString", "LinearRing") and len(part.coords) >= 2:
                out.append(np.asarray(part.coords, dtype=np.float64)[:, :2])
    if not out:
        raise ParseError(Path(path), None, "no lines in the file")
    return out


def land_loader(path: str | PathLike[str]) -> Callable[[BBox], list[F64]]:
    """A loader of land rings from the user's file, for ``overflight.national``."""
    p = Path(path)
    read_geometries(p, None)[:0]  # fail early on a bad file

    def load(bbox: BBox) -> list[F64]:
        rings = []
        for g in read_geometries(p, bbox):
            for part in shapely.get_parts(g):
                if part.geom_type == "Polygon":
                    rings.append(np.asarray(part.exterior.coords, dtype=np.float64)[:, :2])
                elif part.geom_type in ("LineString", "LinearRing") and part.is_closed:
                    rings.append(np.asarray(part.coords, dtype=np.float64)[:, :2])
        return rings

    return load
