"""GET /api/airspaces (GeoJSON of the watched zones) and GET /api/basemap (land, GSHHS)."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import shapely
from fastapi import APIRouter, Depends, Request

from ...watch import Watch
from ..deps import get_watch

router = APIRouter(prefix="/api", tags=["map"])

SIMPLIFY_DEG = 0.0003  # ~30 m: drawing only


def airspaces_geojson(watch: Watch) -> dict[str, Any]:
    feats = []
    for z in watch.engine.index.zones:
        polys = []
        for pe in z.prepared.polygons:
            rings = []
            for rlon, rlat in pe.rings:
                ring = shapely.simplify(
                    shapely.LineString(np.column_stack([rlon, rlat])), SIMPLIFY_DEG
                )
                coords = np.round(shapely.get_coordinates(ring), 6).tolist()
                if coords[0] != coords[-1]:
                    coords.append(coords[0])
                rings.append(coords)
            polys.append(rings)
        a = z.airspace
        feats.append(
            {
                "type": "Feature",
                "id": z.key,
                "properties": {
                    "key": z.key,
                    "name": a.name,
                    "kind": a.kind,
                    "floor": str(a.floor),
                    "ceiling": str(a.ceiling),
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    return {"type": "FeatureCollection", "bbox": watch.engine.index.bbox(), "features": feats}


def basemap_geojson(bbox: tuple[float, float, float, float] | None) -> dict[str, Any]:
    from ....formats.coastline import gshhs

    if bbox is None or not gshhs.available("h"):
        return {"type": "FeatureCollection", "features": [], "source": None}
    w, s, e, n = bbox
    pad = max(0.5, 0.15 * max(e - w, n - s))
    box = (w - pad, max(s - pad, -90.0), e + pad, min(n + pad, 90.0))
    clip = shapely.box(*box)
    polys = []
    for ring in gshhs.land_rings(box, resolution="h"):
        if len(ring) < 4:
            continue
        g = shapely.intersection(shapely.make_valid(shapely.Polygon(ring)), clip)
        g = shapely.simplify(g, 0.002)
        for p in shapely.get_parts(g):
            if isinstance(p, shapely.Polygon) and not p.is_empty:
                ext = np.round(np.asarray(p.exterior.coords), 4).tolist()
                holes = [np.round(np.asarray(h.coords), 4).tolist() for h in p.interiors]
                polys.append([ext, *holes])
    src = gshhs.source("h")
    return {
        "type": "FeatureCollection",
        "bbox": list(box),
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "land"},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        ],
        "source": f"{src.name} ({src.resolution}, {src.licence})",
    }


@router.get("/airspaces")
async def airspaces(
    request: Request, watch: Annotated[Watch, Depends(get_watch)]
) -> dict[str, Any]:
    """The watched airspaces as a GeoJSON FeatureCollection (boundaries simplified to ~30 m
    for drawing; alerts use the exact definitions)."""
    cache = request.app.state.cache
    if "airspaces" not in cache:
        cache["airspaces"] = airspaces_geojson(watch)
    return cache["airspaces"]  # type: ignore[no-any-return]


@router.get("/basemap")
async def basemap(request: Request, watch: Annotated[Watch, Depends(get_watch)]) -> dict[str, Any]:
    """Land polygons (GSHHS high resolution, bundled) around the airspaces, as GeoJSON."""
    cache = request.app.state.cache
    if "basemap" not in cache:
        cache["basemap"] = basemap_geojson(watch.engine.index.bbox())
    return cache["basemap"]  # type: ignore[no-any-return]
