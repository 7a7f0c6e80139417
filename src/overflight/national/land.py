"""Land and coasts by state around one country: the inputs of a national-airspace build.

The default data are GSHHS shorelines at full resolution (which coast, to ~1:250k) and DCW-GMT
country polygons at 1:1M (whose coast). Each shoreline polygon near the country is given to the
state whose DCW polygon holds it; one that spans a land border (a continent) is cut along the
DCW borders; an islet no DCW polygon holds (DCW omits Vaindloo, say) goes to the state whose
DCW land is nearest, within ``max_island_deg``.

Work happens in a *frame*: longitudes continuous around ``lon0`` (so a coast across the
antimeridian has no seam) and, for set operations, x scaled by cos(lat0) so that "nearest" in
degrees is nearly nearest on the ground. Returned geometries are lon/lat in that frame.

>>> f = Frame.around((21.8, 57.5, 28.2, 59.7), margin_m=44_448)
>>> 20 < f.bbox[0] < 21.8 and f.lon0 == 25.0
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ..errors import OverflightError

__all__ = ["Frame", "LandSet", "land_by_state", "resolve_country"]

F64 = NDArray[np.float64]
M_PER_DEG = 111_320.0


def resolve_country(code: str) -> tuple[str, str, str]:
    """ISO alpha-2, alpha-3 and name for a code or name (``EST``, ``EE``, ``Estonia``).

    >>> resolve_country("EST")
    ('EE', 'EST', 'Estonia')
    """
    try:
        import pycountry
    except ImportError as exc:  # pragma: no cover - part of the national extra
        raise OverflightError("pycountry is needed: pip install 'overflight[national]'") from exc
    try:
        c = pycountry.countries.lookup(code.strip())
    except LookupError as exc:
        raise OverflightError(f"unknown country {code!r} (use an ISO 3166 code)") from exc
    return c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name


@dataclass(frozen=True)
class Frame:
    """A working area: bbox (west, south, east, north) with continuous longitudes about lon0."""

    bbox: tuple[float, float, float, float]
    lon0: float

    @classmethod
    def around(cls, bounds: Sequence[float], margin_m: float) -> Frame:
        w, s, e, n = (float(v) for v in bounds)
        dlat = margin_m / M_PER_DEG
        s2, n2 = max(s - dlat, -89.9), min(n + dlat, 89.9)
        dlon = margin_m / (M_PER_DEG * max(np.cos(np.radians(max(abs(s2), abs(n2)))), 0.05))
        lon0 = round((w + e) / 2.0, 3)
        return cls((w - dlon, s2, e + dlon, n2), lon0)

    @property
    def rect(self) -> shapely.Geometry:
        return shapely.box(*self.bbox)

    def shift_for(self, west: float, east: float) -> float:
        """The multiple of 360 that brings a geometry with this extent nearest lon0."""
        return 360.0 * round((self.lon0 - (west + east) / 2.0) / 360.0)

    def queries(self) -> list[tuple[tuple[float, float, float, float], float]]:
        """Bboxes in [-180, 180] to read data with, and the shift that maps each into the frame."""
        w, s, e, n = self.bbox
        out = []
        for k in (-360.0, 0.0, 360.0):
            lo, hi = max(w + k, -180.0), min(e + k, 180.0)
            if lo < hi:
                out.append(((lo, s, hi, n), -k))
        return out


def _shift(geom: shapely.Geometry, dx: float) -> shapely.Geometry:
    if dx == 0.0:
        return geom
    return shapely.transform(geom, lambda xy: xy + np.array([dx, 0.0]))


@dataclass
class LandSet:
    """Land in the frame, by state (ISO alpha-2; ``"??"`` for land no state claimed)."""

    frame: Frame
    land: dict[str, shapely.Geometry]
    coast_source: dict[str, Any]
    country_source: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def coast(self, state: str) -> list[F64]:
        """The state's coastline (its land's boundary less land borders and frame edges)."""
        mine = self.land.get(state)
        if mine is None or mine.is_empty:
            return []
        others = [g for k, g in self.land.items() if k != state and not g.is_empty]
        other_parts = np.asarray([p for g in others for p in shapely.get_parts(g)], dtype=object)
        touching: list[shapely.Geometry] = []
        if len(other_parts):
            pairs = shapely.STRtree(other_parts).query(
                shapely.get_parts(mine), predicate="intersects"
            )
            touching = list(shapely.boundary(other_parts[np.unique(pairs[1])]))
        line = shapely.boundary(mine)
        cut = shapely.union_all([shapely.boundary(self.frame.rect), *touching])
        line = shapely.difference(line, shapely.buffer(cut, 1e-6, quad_segs=1))
        line = shapely.line_merge(line) if not line.is_empty else line
        return [np.asarray(p.coords) for p in shapely.get_parts(line) if len(p.coords) >= 2]

    def others(self, state: str) -> shapely.Geometry:
        """All land that is not the state's."""
        polys = [p for k, g in self.land.items() if k != state for p in shapely.get_parts(g)]
        return _merge(polys)


Loader = Callable[[tuple[float, float, float, float]], Iterable[F64]]


def _default_rings(bbox: tuple[float, float, float, float]) -> list[F64]:
    from ..formats.coastline import gshhs

    if not gshhs.available("f"):
        raise OverflightError(
            "the default coastline (GSHHS full resolution) is not installed: "
            "pip install 'overflight[national]', or give --coastline FILE"
        )
    return gshhs.land_rings(bbox, resolution="f", levels=(1,))


def _frame_land(frame: Frame, load: Loader) -> list[shapely.Geometry]:
    pieces = []
    for q, dx in frame.queries():
        rings = [r for r in load(q) if len(r) >= 4]
        if not rings:
            continue
        polys = shapely.make_valid(np.asarray([shapely.Polygon(r) for r in rings], dtype=object))
        clipped = shapely.clip_by_rect(polys, *q)
        for g in clipped:
            if g is not None and not g.is_empty:
                pieces.extend(shapely.get_parts(_shift(g, dx)))
    return [p for p in pieces if p.geom_type == "Polygon" and p.area > 0]


def _countries_near(frame: Frame) -> dict[str, shapely.Geometry]:
    from ..formats.coastline import dcw

    f = dcw._file()
    codes = sorted({k[:-4] for k in f if k.endswith("_lon") and len(k) == 6})
    out = {}
    w, s, e, n = frame.bbox
    for code in codes:
        cw, cs, ce, cn = dcw.country_bounds(code)
        dx = frame.shift_for(cw, ce)
        if cn < s - 1 or cs > n + 1 or ce + dx < w - 2 or cw + dx > e + 2:
            continue
        g = _shift(dcw.country_geometry(code), dx)
        g = shapely.clip_by_rect(g, w - 2, s - 1, e + 2, n + 1)
        if not g.is_empty:
            out[code] = g
    # a territory DCW also draws inside its state (AX, Åland, inside FI) belongs to that state
    for code in list(out):
        for other in list(out):
            if other == code or code not in out or other not in out:
                continue
            if shapely.area(shapely.intersection(out[code], out[other])) > 0.5 * out[code].area:
                del out[code]
                break
    return out


def _merge(polys: list[shapely.Geometry]) -> shapely.Geometry:
    """Union of polygons that are mostly disjoint (islands), cheaply when they are."""
    if not polys:
        return shapely.MultiPolygon()
    merged = shapely.multipolygons(polys)
    if merged.is_valid:
        return merged
    try:  # pieces cut from one landmass share edges
        merged = shapely.coverage_union_all(polys)
        if merged.is_valid:
            return merged
    except shapely.errors.GEOSException:
        pass
    return shapely.union_all(polys)


def polygonal(geom: shapely.Geometry, min_area: float = 0.0) -> shapely.Geometry:
    """Only the polygons of a geometry (overlays can leave stray lines and points), without
    parts of ``min_area`` (square degrees) or less."""
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and min_area <= 0:
        return geom
    geom = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > min_area]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _scaled(geom: shapely.Geometry, frame: Frame, inverse: bool = False) -> shapely.Geometry:
    c = float(np.cos(np.radians((frame.bbox[1] + frame.bbox[3]) / 2.0)))
    if inverse:
        return shapely.transform(
            geom, lambda xy: np.column_stack([xy[:, 0] / c + frame.lon0, xy[:, 1]])
        )
    return shapely.transform(
        geom, lambda xy: np.column_stack([(xy[:, 0] - frame.lon0) * c, xy[:, 1]])
    )


def land_by_state(
    frame: Frame,
    *,
    rings: Loader | None = None,
    countries: dict[str, shapely.Geometry] | None = None,
    max_island_deg: float = 1.0,
    border_deg: float = 0.05,
) -> LandSet:
    """Shoreline polygons in ``frame`` attributed to states (see the module notes)."""
    from ..formats.coastline import dcw, gshhs

    pieces = _frame_land(frame, rings or _default_rings)
    if countries is None:
        if not dcw.available():
            raise dcw._missing()
        countries = _countries_near(frame)
        country_source: dict[str, Any] = dcw.source()
    else:
        country_source = {"name": "given country polygons"}
    coast_source = (
        {k: v for k, v in vars(gshhs.source("f")).items()} if rings is None else {"name": "given"}
    )
    if not countries:
        raise OverflightError("no country polygons near the requested area")
    codes = list(countries)
    parts, labels = [], []
    for i, c in enumerate(codes):
        for g in shapely.get_parts(_scaled(countries[c], frame)):
            if g.geom_type == "Polygon" and g.area > 0:
                parts.append(g)
                labels.append(i)
    part_arr = np.asarray(parts, dtype=object)
    label_arr = np.asarray(labels, dtype=np.int64)
    tree = shapely.STRtree(part_arr)
    land_parts: dict[str, list[shapely.Geometry]] = {c: [] for c in [*codes, "??"]}

    def nearest_labels(geoms: Sequence[shapely.Geometry]) -> list[str]:
        out = ["??"] * len(geoms)
        if len(geoms):
            src, dst = tree.query_nearest(
                np.asarray(geoms, dtype=object), max_distance=max_island_deg
            )
            for i, j in zip(src.tolist(), dst.tolist(), strict=True):
                if out[i] == "??":
                    out[i] = codes[label_arr[j]]
        return out

    scaled = np.asarray([_scaled(p, frame) for p in pieces], dtype=object)
    src, dst = tree.query(scaled, predicate="intersects") if len(scaled) else ([], [])
    hit_sets: list[set[int]] = [set() for _ in range(len(scaled))]
    for i, j in zip(np.asarray(src).tolist(), np.asarray(dst).tolist(), strict=True):
        hit_sets[i].add(int(label_arr[j]))
    loose: list[shapely.Geometry] = []
    for p, hit_labels in zip(scaled, hit_sets, strict=True):
        if len(hit_labels) == 1:
            land_parts[codes[next(iter(hit_labels))]].append(p)
            continue
        if not hit_labels:
            loose.append(p)
            continue
        # a piece across a land border: cut it along the (local) DCW country polygons
        x0, y0, x1, y1 = p.bounds
        box = (x0 - 2 * border_deg, y0 - 2 * border_deg, x1 + 2 * border_deg, y1 + 2 * border_deg)
        local = tree.query(shapely.box(*box))
        rest = p
        for lab in sorted(hit_labels):
            mine = part_arr[local[label_arr[local] == lab]]
            part = shapely.intersection(rest, shapely.clip_by_rect(shapely.union_all(mine), *box))
            if not part.is_empty:
                land_parts[codes[lab]].append(part)
                rest = shapely.difference(rest, part)
        # what no country polygon holds (coastal slivers where the two coastlines differ)
        # goes to the nearest country, bit by bit
        loose.extend(b for b in shapely.get_parts(rest) if b.area > 0)
    for g, code in zip(loose, nearest_labels(loose), strict=True):
        land_parts[code].append(g)
    land = {}
    for code, parts in land_parts.items():
        if not parts:
            continue
        polys = [q for g in parts for q in shapely.get_parts(g) if q.geom_type == "Polygon"]
        land[code] = polygonal(_scaled(_merge(polys), frame, inverse=True))
    return LandSet(frame, land, coast_source, country_source)
