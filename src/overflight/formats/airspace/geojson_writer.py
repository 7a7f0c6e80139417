"""Write airspaces as GeoJSON (RFC 7946 polygons, lon/lat), readable back by overflight.

Properties: ``name``, ``type`` (the airspace's kind), ``floor`` and ``ceiling`` as text
(``SFC``, ``UNL``, ``2500ft MSL``...), ``id``, and ``overflight`` holding the airspace's
``meta`` (for a built national airspace: its construction parameters and data sources).
Arcs and circles are written as densified rings (``densify`` gives the points).

>>> from overflight.model import Airspace, Polygon, Vertex, VerticalLimit
>>> a = Airspace("X", "R", (Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1))),),
...              VerticalLimit.surface(), VerticalLimit.parse("UNL"))
>>> feature_collection([a])["features"][0]["geometry"]["coordinates"][0][0]
[0.0, 0.0]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from ...model import Airspace, Circle, Vertex, VerticalLimit

__all__ = ["feature_collection", "write_geojson_airspaces"]

Densify = Callable[[Any], Sequence[tuple[float, float]]]


def _limit(v: VerticalLimit) -> str:
    text = getattr(v, "text", None)
    if isinstance(text, str) and text:
        return text
    return str(v)


def _ring(ring: Any, densify: Densify | None) -> list[list[float]]:
    if isinstance(ring, Circle) or not all(isinstance(p, Vertex) for p in ring):
        if densify is None:
            raise ValueError("arcs and circles need a densify function to be written as GeoJSON")
        pts = [[round(lo, 7), round(la, 7)] for lo, la in densify(ring)]
    else:
        pts = [[round(float(p.lon), 7), round(float(p.lat), 7)] for p in ring]
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return str(x)


def feature_collection(
    airspaces: Iterable[Airspace], densify: Densify | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection dict of the airspaces."""
    features = []
    for a in airspaces:
        polys = [
            [_ring(p.exterior, densify), *(_ring(h, densify) for h in p.holes)] for p in a.polygons
        ]
        geometry = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
        props = {
            "name": a.name,
            "type": a.kind,
            "floor": _limit(a.floor),
            "ceiling": _limit(a.ceiling),
            "id": a.id,
        }
        if a.meta:
            props["overflight"] = _jsonable(a.meta)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def write_geojson_airspaces(
    airspaces: Iterable[Airspace], path: str | PathLike[str], densify: Densify | None = None
) -> None:
    """Write the airspaces to ``path`` (UTF-8, compact, one feature per airspace)."""
    doc = feature_collection(airspaces, densify)
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
