"""Build a state's national airspace: land + internal waters + territorial sea, limited.

UNCLOS art. 2-3 and 15: sovereignty extends over the land, internal waters and a territorial sea
of at most 12 NM measured from the baseline (the low-water line, or straight baselines given by
the state, art. 7); between opposite or adjacent coasts, absent agreement, not beyond the median
line. A national airspace is the air above those, from the surface up, without upper limit.

Steps (all distances geodesic on WGS84):

1. land by state around the country (:mod:`overflight.national.land`), the state's coast;
2. internal waters: areas closed by the given straight baselines against the coast;
3. territorial sea: every point within ``width_m`` of the coast or the straight baselines
   (:func:`overflight.geometry.offset.geodesic_band`, vertices snapped to exactly ``width_m``);
4. minus foreign land; minus sea nearer to a neighbour's coast than to ours (median lines,
   :func:`overflight.geometry.median.nearer_regions`);
5. minus agreed limits: corridors a fixed distance either side of a median line (the Gulf of
   Finland: Estonia and Finland stop 3 NM short of it), limit polygons, limit lines.

Every parameter and data source is kept in the result's ``parameters`` and in the airspace's
``meta``, so reports can say how the boundary was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ..errors import OverflightError
from ..geometry.median import nearer_regions
from ..geometry.offset import NearestLine, geodesic_band
from ..model import Airspace, Polygon, Vertex, VerticalLimit
from .land import Frame, LandSet, land_by_state, polygonal, resolve_country

__all__ = ["NM", "Corridor", "NationalAirspace", "build_corridor", "build_national", "to_airspace"]

F64 = NDArray[np.float64]
NM = 1852.0


@dataclass(frozen=True)
class Corridor:
    """Stay ``offset_m`` back from the median line with state ``other`` (on each side)."""

    other: str
    offset_m: float


@dataclass
class NationalAirspace:
    """A built national airspace: its geometry (lon/lat), the Airspace, and how it was made."""

    code: str
    name: str
    geometry: shapely.Geometry
    airspace: Airspace
    parameters: dict[str, Any]
    parts: dict[str, shapely.Geometry] = field(default_factory=dict)
    coast: list[F64] = field(default_factory=list)


def _near_lines(lines: Sequence[F64], ref: NearestLine, reach_m: float) -> list[F64]:
    """The stretches of ``lines`` within ``reach_m`` of ``ref`` (one vectorised query)."""
    if not lines:
        return []
    xy = np.concatenate(lines)
    d, _, _ = ref.distance(xy[:, 0], xy[:, 1])
    keep_all = d <= reach_m
    out = []
    start = 0
    for line in lines:
        keep = keep_all[start : start + len(line)]
        start += len(line)
        if not keep.any():
            continue
        edges = np.flatnonzero(np.diff(keep.astype(np.int8)) != 0) + 1
        for seg in np.split(np.arange(len(line)), edges):
            if keep[seg[0]]:
                lo, hi = max(seg[0] - 1, 0), min(seg[-1] + 2, len(line))
                out.append(line[lo:hi])
    return out


def _internal_waters(land: shapely.Geometry, baselines: Sequence[F64]) -> shapely.Geometry:
    if not baselines:
        return shapely.Polygon()
    lines = shapely.union_all(
        [shapely.boundary(land), *(shapely.linestrings(b) for b in baselines)]
    )
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    base = shapely.union_all([shapely.linestrings(b) for b in baselines])
    keep = [
        f
        for f in faces
        if not shapely.contains(land, shapely.point_on_surface(f))
        and shapely.length(shapely.intersection(shapely.boundary(f), base)) > 0
    ]
    return shapely.union_all(keep) if keep else shapely.Polygon()


def _neighbour_coasts(
    land: LandSet, code: str, coast: list[F64], near: NearestLine, width_m: float
) -> dict[str, list[F64]]:
    out = {}
    for other in land.land:
        if other in (code, "??"):
            continue
        lines = _near_lines(land.coast(other), near, 2 * width_m + 10_000.0)
        if lines:
            out[other] = lines
    return out


def build_national(
    country: str,
    *,
    width_m: float = 12 * NM,
    land: LandSet | None = None,
    baselines: Sequence[F64] = (),
    corridors: Sequence[Corridor] = (),
    limit_areas: Sequence[shapely.Geometry] = (),
    limit_lines: Sequence[shapely.Geometry] = (),
    equidistance: bool = True,
) -> NationalAirspace:
    """Build ``country``'s national airspace (see the module notes).

    ``land`` defaults to the bundled data (GSHHS full resolution + DCW-GMT) around the
    country; give a :class:`LandSet` to use other data. ``baselines`` are straight-baseline
    lines (n × 2 lon/lat); ``limit_areas`` are removed; ``limit_lines`` cut the result and
    the pieces not holding the state's land are dropped.
    """
    iso2, iso3, name = resolve_country(country)
    if land is None:
        from ..formats.coastline import dcw

        if not dcw.available():
            raise dcw._missing()
        margin = 2 * width_m + 60_000.0
        land = land_by_state(Frame.around(dcw.country_bounds(iso2), margin))
    mine = land.land.get(iso2)
    if mine is None or mine.is_empty:
        raise OverflightError(f"no land of {name} ({iso3}) in the coastline data")
    coast = land.coast(iso2)
    base_lines = [np.asarray(b, dtype=np.float64) for b in baselines]
    all_base = [*coast, *base_lines]
    near = NearestLine(all_base)
    band = geodesic_band(all_base, width_m, nearest=near)
    internal = _internal_waters(mine, base_lines)
    foreign = land.others(iso2)
    sea = shapely.difference(band, shapely.union(foreign, mine))
    result = shapely.union_all([mine, internal, sea])
    notes: list[str] = []
    medians: dict[str, shapely.Geometry] = {}
    nearer: dict[str, shapely.Geometry] = {}
    if equidistance or corridors:
        neighbours = _neighbour_coasts(land, iso2, all_base, near, width_m)
        for other, lines in neighbours.items():
            mine_near = _near_lines(all_base, NearestLine(lines), 2 * width_m + 10_000.0)
            regions = nearer_regions({iso2: mine_near, other: lines})
            # Only our coast near theirs took part, so far from their coast the partition can
            # be wrong; but a point of our sea truly nearer to them is within `width` of their
            # coast, and a wrongly given one is over `width` + 10 km from it: keep their
            # region within `width` + 5 km of their coast.
            reach = geodesic_band(lines, width_m + 5_000.0, snap=False)
            theirs = shapely.intersection(regions[other], reach)
            theirs = shapely.difference(theirs, shapely.union(mine, internal))
            shared = shapely.intersection(
                shapely.boundary(regions[iso2]), shapely.buffer(regions[other], 1e-7)
            )
            # the stretch where the two territorial seas would meet (d_a = d_b <= width)
            medians[other] = shapely.line_merge(shapely.intersection(shared, band))
            nearer[other] = theirs
            if equidistance:
                result = shapely.difference(result, theirs)
                notes.append(f"median line with {other}")
        # a stretch of the median with X that is nearer to a third state is not a boundary
        for other in list(medians):
            third = [g for k, g in nearer.items() if k != other]
            if third:
                medians[other] = shapely.difference(medians[other], shapely.union_all(third))
    corridor_parts = []
    for c in corridors:
        o2 = resolve_country(c.other)[0]
        if o2 not in medians:
            notes.append(f"no median line with {o2}: corridor ignored (coasts too far apart)")
            continue
        med = [np.asarray(p.coords) for p in shapely.get_parts(medians[o2]) if len(p.coords) > 1]
        strip = geodesic_band(med, c.offset_m)
        corridor_parts.append(strip)
        result = shapely.difference(result, shapely.difference(strip, mine))
    if corridor_parts:
        foreign_and_mine = shapely.union(land.others(iso2), mine)
        corridor_parts = [shapely.difference(shapely.union_all(corridor_parts), foreign_and_mine)]
    for area in limit_areas:
        result = shapely.difference(result, area)
    for line in limit_lines:
        pieces = shapely.get_parts(
            shapely.polygonize(
                shapely.get_parts(shapely.union_all([shapely.boundary(result), line]))
            )
        )
        keep = [p for p in pieces if shapely.contains(result, shapely.point_on_surface(p))
                and shapely.intersects(p, mine)]  # fmt: skip
        result = shapely.union_all(keep) if keep else result
    result = polygonal(result, 1e-10)
    result, slivers = _without_slivers(result, mine)
    if slivers:
        notes.append(
            f"{slivers} sliver(s) under {SLIVER_M2 / 1e4:g} ha holding no land left out "
            "(where two coasts meet, below the median's precision)"
        )
    params: dict[str, Any] = {
        "construction": "overflight national",
        "country": iso3,
        "iso2": iso2,
        "width_m": width_m,
        "width_nm": round(width_m / NM, 6),
        "equidistance": equidistance,
        "corridors": [{"other": c.other, "offset_m": c.offset_m} for c in corridors],
        "straight_baselines": len(base_lines),
        "limit_areas": len(limit_areas),
        "limit_lines": len(limit_lines),
        "coastline": land.coast_source,
        "countries": land.country_source,
        "notes": notes,
    }
    how = [f"{width_m / NM:g} NM"]
    how += [f"{c.offset_m / NM:g} NM back from the median with {resolve_country(c.other)[1]}"
            for c in corridors]  # fmt: skip
    if base_lines:
        how.append("straight baselines")
    if limit_areas or limit_lines:
        how.append("agreed limits")
    if not equidistance:
        how.append("no median lines")
    full = f"{name} national airspace ({', '.join(how)})"
    airspace = to_airspace(result, full, "NATIONAL", f"national:{iso3}", params)
    parts = {"land": mine, "internal_waters": internal, "band": band}
    if corridor_parts:
        parts["corridors"] = shapely.union_all(corridor_parts)
    if medians:
        parts["medians"] = shapely.union_all(list(medians.values()))
        parts.update({f"median:{k}": g for k, g in medians.items()})
    return NationalAirspace(iso3, full, result, airspace, params, parts, coast)


SLIVER_M2 = 10_000.0
"""A part of the result smaller than this (m²) holding none of the state's land is left out:
where two states' coasts meet, the median (between coast points 200 m apart, off by up to
~step²/8d: tens of metres within 100 m of both coasts) can pinch off a thin piece. Estonia's
default build had one, a 780 m² triangle 19 m wide at the land border near 28.05 E, 59.64 N."""


def _without_slivers(geom: shapely.Geometry, land: shapely.Geometry) -> tuple[Any, int]:
    """``geom`` without its parts of less than :data:`SLIVER_M2` that hold no ``land``, and
    how many were left out."""
    from ..geometry.geodesic import GEOD

    parts = list(shapely.get_parts(geom))
    keep = [
        p
        for p in parts
        if p.area > 1e-5  # square degrees: ~60,000 m² even at 70 degrees of latitude
        or abs(GEOD.geometry_area_perimeter(p)[0]) >= SLIVER_M2
        or shapely.area(shapely.intersection(p, land)) > 0
    ]
    if len(keep) == len(parts):
        return geom, 0
    return shapely.union_all(keep), len(parts) - len(keep)


def build_corridor(
    a: str,
    b: str,
    *,
    offset_m: float = 3 * NM,
    width_m: float = 12 * NM,
    land: LandSet | None = None,
) -> NationalAirspace:
    """The strip within ``offset_m`` of the median line between states ``a`` and ``b``, where
    their territorial seas would otherwise reach, less land: e.g. the Gulf of Finland corridor
    (``build_corridor("EST", "FIN", offset_m=3 * NM)``, 6 NM wide)."""
    built = build_national(
        a, width_m=width_m, land=land, corridors=[Corridor(b, offset_m)], equidistance=True
    )
    strip = built.parts.get("corridors")
    if strip is None:
        raise OverflightError(f"{a} and {b}: no median line within {2 * width_m / NM:g} NM")
    iso3_b = resolve_country(b)[1]
    corridor = polygonal(shapely.difference(strip, built.parts["land"]), 1e-10)
    params = {
        "construction": "overflight corridor",
        "between": [built.code, iso3_b],
        "offset_m": offset_m,
        "offset_nm": round(offset_m / NM, 6),
        "width_m": width_m,
        "coastline": built.parameters["coastline"],
        "countries": built.parameters["countries"],
    }
    name = f"{built.code}-{iso3_b} corridor ({offset_m / NM:g} NM each side of the median line)"
    airspace = to_airspace(corridor, name, "CORRIDOR", f"corridor:{built.code}-{iso3_b}", params)
    return NationalAirspace(f"{built.code}-{iso3_b}", name, corridor, airspace, params)


def _ring(coords: F64) -> tuple[Vertex, ...]:
    xy = np.asarray(coords)[:-1]
    return tuple(Vertex(float(la), float(lo)) for lo, la in xy)


def to_airspace(
    geom: shapely.Geometry, name: str, kind: str, ident: str, meta: dict[str, Any]
) -> Airspace:
    """A lon/lat (multi)polygon as an Airspace from the surface up, without upper limit."""
    polys = []
    for p in shapely.get_parts(shapely.normalize(geom)):
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        polys.append(Polygon(_ring(p.exterior.coords), tuple(_ring(h.coords) for h in p.interiors)))
    if not polys:
        raise OverflightError(f"{name}: the construction left no area")
    return Airspace(
        name=name,
        kind=kind,
        polygons=tuple(polys),
        floor=VerticalLimit.surface(),
        ceiling=VerticalLimit.parse("UNL"),
        id=ident,
        meta=meta,
    )
