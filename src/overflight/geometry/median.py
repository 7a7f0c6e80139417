"""Equidistance: which state's coast is nearer, and the median line between two coasts.

UNCLOS art. 15: where two coasts are closer than twice the territorial-sea width and no
agreement says otherwise, neither state extends its territorial sea beyond the median line,
"every point of which is equidistant from the nearest points on the baselines" of both.

:func:`nearer_regions` partitions the plane by nearest coast: a Voronoi diagram of the coast
points (densified along geodesics) in an ellipsoidal azimuthal-equidistant plane centred on
the area, cells merged per state. The merged boundaries are the median lines; each of their
vertices is then moved along the gradient of ``d_a - d_b`` (exact geodesic distances to the
two coasts, :class:`~overflight.geometry.offset.NearestLine`) until the two distances agree to
a few centimetres, so the projection's distortion does not stay in the result.

>>> import numpy as np
>>> a = [np.array([[24.0, 59.0], [25.0, 59.0]])]
>>> b = [np.array([[24.0, 59.4], [25.0, 59.4]])]
>>> line = median_line(a, b, within=shapely.box(24.2, 58.0, 24.8, 60.0))
>>> xy = shapely.get_coordinates(line)
>>> bool(np.all(np.abs(xy[:, 1] - 59.2) < 0.01))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import shapely
from numpy.typing import NDArray

from .geodesic import forward, inverse
from .offset import NearestLine, aeqd_planes, from_plane, unwrap_like

__all__ = ["median_line", "nearer_regions", "refine_equidistant"]

F64 = NDArray[np.float64]


def nearer_regions(
    coasts: Mapping[str, Sequence[F64]],
    *,
    step_m: float = 500.0,
    extent: shapely.Geometry | None = None,
) -> dict[str, shapely.Geometry]:
    """For each state, the area (lon/lat) nearer to its coast than to any other's.

    ``coasts`` maps a state code to its coast lines (n × 2 lon/lat). The regions cover the
    envelope of the points (or ``extent``); boundaries between them are median lines, refined
    with :func:`refine_equidistant` where two states meet.
    """
    names, pts = [], []
    lines_by = {}
    for name, lines in coasts.items():
        near = NearestLine(lines, step_m=step_m)
        if len(near) == 0:
            continue
        lines_by[name] = lines
        names.append(np.full(len(near), len(lines_by) - 1))
        pts.append(np.column_stack([near.lon, near.lat]))
    keys = list(lines_by)
    if len(keys) < 2:
        whole = extent if extent is not None else shapely.Polygon()
        return {k: whole for k in keys}
    label = np.concatenate(names)
    xy = np.concatenate(pts)
    c = xy.mean(axis=0)
    fwd, inv = aeqd_planes(round(float(c[0]), 4), round(float(c[1]), 4))
    px, py = fwd.transform(xy[:, 0], xy[:, 1])
    # drop exact duplicates (a shared point would have two cells)
    _, first = np.unique(np.round(np.column_stack([px, py]), 3), axis=0, return_index=True)
    first.sort()
    px, py, label = px[first], py[first], label[first]
    mp = shapely.multipoints(np.column_stack([px, py]))
    pad = 200_000.0
    env = shapely.box(px.min() - pad, py.min() - pad, px.max() + pad, py.max() + pad)
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(mp, extend_to=env, ordered=True)))
    out: dict[str, shapely.Geometry] = {}
    for i, name in enumerate(keys):
        merged = shapely.coverage_union_all(cells[label == i])
        merged = shapely.intersection(merged, env)
        merged = shapely.segmentize(merged, 1_000.0)
        geo = shapely.transform(merged, partial(from_plane, inv=inv, lon0=float(c[0])))
        out[name] = shapely.make_valid(geo)
    if len(keys) == 2:
        a, b = keys
        na, nb = NearestLine(lines_by[a]), NearestLine(lines_by[b])
        out[a] = _refine_geom(out[a], na, nb)
        out[b] = _refine_geom(out[b], nb, na)
    if extent is not None:
        out = {k: shapely.intersection(v, extent) for k, v in out.items()}
    return out


def _refine_geom(geom: shapely.Geometry, na: NearestLine, nb: NearestLine) -> shapely.Geometry:
    def move(xy: F64) -> F64:
        return np.column_stack(refine_equidistant(xy[:, 0], xy[:, 1], na, nb))

    moved = shapely.transform(geom, move)
    return moved if moved.is_valid else shapely.make_valid(moved)


def refine_equidistant(
    lon: F64,
    lat: F64,
    na: NearestLine,
    nb: NearestLine,
    *,
    band_m: float = 2_000.0,
    iterations: int = 4,
) -> tuple[F64, F64]:
    """Move points whose distances to coasts ``a`` and ``b`` differ by less than ``band_m``
    onto the median (Newton steps on ``d_a - d_b`` along its geodesic gradient).

    Points farther from equidistance (region outlines, not median lines) are left alone.
    """
    lon = np.array(lon, dtype=np.float64)
    lat = np.array(lat, dtype=np.float64)
    da, _, _ = na.distance(lon, lat)
    db, _, _ = nb.distance(lon, lat)
    active = np.abs(da - db) < band_m
    for _ in range(iterations):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        da, alo, ala = na.distance(lon[idx], lat[idx])
        db, blo, bla = nb.distance(lon[idx], lat[idx])
        f = da - db
        _, az_a, _ = inverse(alo, ala, lon[idx], lat[idx])  # direction of increasing d_a
        _, az_b, _ = inverse(blo, bla, lon[idx], lat[idx])
        ge = np.sin(np.radians(az_a)) - np.sin(np.radians(az_b))
        gn = np.cos(np.radians(az_a)) - np.cos(np.radians(az_b))
        g2 = ge * ge + gn * gn
        ok = (g2 > 1e-6) & (np.abs(f) > 0.01)
        if not ok.any():
            break
        se = -f[ok] * ge[ok] / g2[ok]
        sn = -f[ok] * gn[ok] / g2[ok]
        dist = np.hypot(se, sn)
        az = np.degrees(np.arctan2(se, sn))
        j = idx[ok]
        lo2, lat[j], _ = forward(lon[j], lat[j], az, dist)
        lon[j] = unwrap_like(lo2, lon[j])
    return lon, lat


def median_line(
    coast_a: Sequence[F64],
    coast_b: Sequence[F64],
    *,
    within: shapely.Geometry | None = None,
    step_m: float = 500.0,
) -> shapely.Geometry:
    """The median (equidistance) line between two coasts, as lon/lat lines.

    ``within`` limits it to an area (e.g. where both states' territorial seas would overlap).
    """
    regions = nearer_regions({"a": coast_a, "b": coast_b}, step_m=step_m)
    shared = shapely.intersection(
        shapely.boundary(regions["a"]), shapely.buffer(regions["b"], 1e-7)
    )
    shared = shapely.line_merge(shapely.union_all(shapely.get_parts(shared)))
    if within is not None:
        shared = shapely.intersection(shared, within)
    return shared
