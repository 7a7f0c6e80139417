"""Watched airspaces prepared for live use: a grid index for "which zones are near this fix",
and a cheap three-way class (``in``/``out``/``near``) of a fix that decides when the exact core
check must run.

The cheap class uses the densified geodesic rings of :func:`~overflight.analysis.check.
prepare_airspace` drawn in a local lon/lat plane, shrunk and grown by ``eps_m`` (far more than
the metres by which a geodesic chord of at most 20 km departs from a straight line there), and
the floor/ceiling margins of :class:`~overflight.geometry.vertical.VerticalProfile`. A fix
classed ``in`` or ``out`` is certainly so; ``near`` means "ask the exact code". Only
``in``/``out`` answers are ever taken without the exact check.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(50.0, 8.0, 5_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.parse("FL100"))
>>> idx = ZoneIndex([zone])
>>> z = idx.zones[0]
>>> z.classify(50.0, 8.0, 1000.0, float("nan")), z.classify(50.0, 8.0, 4000.0, float("nan"))
('in', 'out')
>>> z.classify(50.0449, 8.0, 1000.0, float("nan")), z.classify(51.0, 8.0, 1000.0, float("nan"))
('near', 'out')
>>> [idx.zones[k].key for k in idx.near(50.1, 8.0, 20_000.0)]
['R1']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np
import shapely
from numpy.typing import NDArray

from ..analysis.caps import airspace_cap
from ..analysis.check import PreparedAirspace, prepare_airspace
from ..analysis.params import CheckParameters
from ..geometry.vertical import VerticalProfile
from ..model import Airspace, Reference, VerticalLimit

__all__ = ["Zone", "ZoneIndex", "zone_keys"]

F64 = NDArray[np.float64]
R_EARTH = 6_371_008.8
M_PER_DEG = math.pi * R_EARTH / 180.0
VERTICAL_NEAR_M = 30.0
FINE_CELL_DEG = 0.1
FINE_REACH_M = 5_000.0


def zone_keys(airspaces: Sequence[Airspace]) -> list[str]:
    """A stable key per airspace: its id, else its name; repeats get ``#2``, ``#3``...

    >>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
    >>> a = Airspace("X", "R", (Polygon(Circle(0, 0, 1e3)),), VerticalLimit.surface(),
    ...              VerticalLimit.unlimited())
    >>> zone_keys([a, a])
    ['X', 'X#2']
    """
    seen: dict[str, int] = {}
    out = []
    for a in airspaces:
        base = a.id or a.name
        n = seen.get(base, 0) + 1
        seen[base] = n
        out.append(base if n == 1 else f"{base}#{n}")
    return out


def _simple_limit(lim: VerticalLimit) -> tuple[str, float] | None:
    """(preferred altitude, metres) for a limit the fast path handles; None otherwise."""
    if lim.is_compound or lim.reference is Reference.AGL:
        return None
    if lim.reference is Reference.SFC:
        return ("any", -math.inf)
    if lim.reference is Reference.UNL:
        return ("any", math.inf)
    return ("baro" if lim.reference is Reference.FL else "geo", lim.metres())


def _pick(pref: str, alt_baro: float, alt_geo: float) -> float:
    if pref == "baro":
        return alt_baro if alt_baro == alt_baro else alt_geo
    return alt_geo if alt_geo == alt_geo else alt_baro


@dataclass
class Zone:
    """One watched airspace, prepared."""

    key: str
    airspace: Airspace
    prepared: PreparedAirspace
    c_lon: float
    c_lat: float
    cap_radius_m: float
    scale: float  # cos(c_lat): x = wrapped lon offset * scale
    shape: shapely.Geometry  # in the local plane (degrees of latitude)
    inner: shapely.Geometry
    outer: shapely.Geometry
    fast_floor: tuple[str, float] | None
    fast_ceiling: tuple[str, float] | None

    def xy(self, lat: F64 | float, lon: F64 | float) -> tuple[F64, F64]:
        x = ((np.asarray(lon) - self.c_lon + 180.0) % 360.0 - 180.0) * self.scale
        return x, np.asarray(lat, dtype=float)

    def lateral(self, lat: float, lon: float) -> str:
        x = ((lon - self.c_lon + 180.0) % 360.0 - 180.0) * self.scale
        if not shapely.contains_xy(self.outer, x, lat):
            return "out"
        if shapely.contains_xy(self.inner, x, lat):
            return "in"
        return "near"

    def vertical(self, alt_baro: float, alt_geo: float) -> str:
        """``in``/``out``/``near``/``unknown`` for one altitude pair (metres)."""
        ff, fc = self.fast_floor, self.fast_ceiling
        if ff is not None and fc is not None:
            a_f = _pick(ff[0], alt_baro, alt_geo)
            a_c = _pick(fc[0], alt_baro, alt_geo)
            fm = math.inf if ff[1] == -math.inf else a_f - ff[1]
            cm = math.inf if fc[1] == math.inf else fc[1] - a_c
        else:
            fm_a, cm_a = self.margins(np.array([alt_baro]), np.array([alt_geo]))
            fm, cm = float(fm_a[0]), float(cm_a[0])
        if fm != fm or cm != cm:
            return "unknown"
        m = min(fm, cm)
        if m > VERTICAL_NEAR_M:
            return "in"
        if m < -VERTICAL_NEAR_M:
            return "out"
        return "near"

    def margins(self, alt_baro: F64, alt_geo: F64) -> tuple[F64, F64]:
        """Altitude above the floor and below the ceiling (m, NaN unknown), by the core's
        :class:`VerticalProfile` rules."""
        ff, fc = self.fast_floor, self.fast_ceiling
        if ff is not None and fc is not None:

            def pick(pref: str) -> F64:
                if pref == "baro":
                    return np.where(np.isnan(alt_baro), alt_geo, alt_baro)
                return np.where(np.isnan(alt_geo), alt_baro, alt_geo)

            fm = np.full(alt_baro.shape, np.inf) if ff[1] == -math.inf else pick(ff[0]) - ff[1]
            cm = np.full(alt_baro.shape, np.inf) if fc[1] == math.inf else fc[1] - pick(fc[0])
            return fm, cm
        a = self.airspace
        prof = VerticalProfile.build(a.floor, a.ceiling, alt_baro, alt_geo)
        t = np.arange(alt_baro.shape[0], dtype=float)
        return prof.margins_at(t, t)

    def classify(self, lat: float, lon: float, alt_baro: float, alt_geo: float) -> str:
        """``in``: certainly inside (laterally and vertically); ``out``: certainly not;
        ``near``: close to a boundary, or the vertical status is unknown."""
        lat_c = self.lateral(lat, lon)
        if lat_c == "out":
            return "out"
        v = self.vertical(alt_baro, alt_geo)
        if v == "out":
            return "out"
        if lat_c == "in" and v == "in":
            return "in"
        return "near"

    def contains(self, lat: F64, lon: F64) -> NDArray[np.bool_]:
        """Approximate lateral inside test of many points (for predictions)."""
        x, y = self.xy(lat, lon)
        return shapely.contains_xy(self.shape, x, y)


def _ring_geom(pe: object, c_lon: float, scale: float) -> shapely.Geometry:
    polys = []
    for rlon, rlat in pe.rings:  # type: ignore[attr-defined]
        x = ((np.asarray(rlon) - c_lon + 180.0) % 360.0 - 180.0) * scale
        p = shapely.Polygon(np.column_stack([x, rlat]))
        polys.append(shapely.make_valid(p))
    # even-odd rule, as the core check
    return reduce(shapely.symmetric_difference, polys)


def make_zone(key: str, airspace: Airspace, params: CheckParameters, eps_m: float) -> Zone:
    """Prepare one airspace (raises ValueError when its boundary is unusable)."""
    prep = prepare_airspace(airspace, params)
    c_lon, c_lat, r = airspace_cap(airspace)
    scale = max(math.cos(math.radians(c_lat)), 0.01)
    shape = reduce(shapely.union, [_ring_geom(pe, c_lon, scale) for pe in prep.polygons])
    eps = eps_m / M_PER_DEG
    inner, outer = shapely.buffer(shape, -eps), shapely.buffer(shape, eps)
    for g in (shape, inner, outer):
        shapely.prepare(g)
    return Zone(
        key,
        airspace,
        prep,
        c_lon,
        c_lat,
        r,
        scale,
        shape,
        inner,
        outer,
        _simple_limit(airspace.floor),
        _simple_limit(airspace.ceiling),
    )


def _unit(lat: F64, lon: F64) -> F64:
    la, lo = np.radians(lat), np.radians(lon)
    cl = np.cos(la)
    return np.stack([cl * np.cos(lo), cl * np.sin(lo), np.sin(la)], axis=-1)


class ZoneIndex:
    """Zones binned in a ``cell_deg`` grid by their cap grown by ``reach_m``.

    Airspaces whose boundary cannot be used are left out and listed in ``skipped``.
    """

    def __init__(
        self,
        airspaces: Sequence[Airspace],
        params: CheckParameters | None = None,
        *,
        reach_m: float = 50_000.0,
        cell_deg: float = 0.5,
        eps_m: float = 50.0,
    ) -> None:
        self.params = params or CheckParameters()
        self.reach_m = reach_m
        self.cell = cell_deg
        self.zones: list[Zone] = []
        self.skipped: list[str] = []
        for key, a in zip(zone_keys(airspaces), airspaces, strict=True):
            try:
                self.zones.append(make_zone(key, a, self.params, eps_m))
            except (ValueError, shapely.errors.GEOSException) as exc:
                where = f"{a.source}:{a.line}: " if a.source else ""
                self.skipped.append(f"{where}airspace {a.name!r} skipped: {exc}")
        self.by_key = {z.key: k for k, z in enumerate(self.zones)}
        n = len(self.zones)
        self._lat = np.array([z.c_lat for z in self.zones], dtype=float)
        self._lon = np.array([z.c_lon for z in self.zones], dtype=float)
        self._u = _unit(self._lat, self._lon) if n else np.empty((0, 3))
        self._r = np.array([z.cap_radius_m for z in self.zones], dtype=float)
        self._ncol = round(360.0 / cell_deg)
        self._grid = self._bin(cell_deg, reach_m)
        # a fine grid for the per-fix query (zones within about a kilometre): most cells
        # are empty, so a fix far from every zone costs one dict lookup
        self.fine_cell = FINE_CELL_DEG
        self.fine_reach_m = min(FINE_REACH_M, reach_m)
        self._fine_ncol = round(360.0 / FINE_CELL_DEG)
        self._fine = self._bin(FINE_CELL_DEG, self.fine_reach_m)
        self._caps = [
            (float(u[0]), float(u[1]), float(u[2]), float(r))
            for u, r in zip(self._u, self._r, strict=True)
        ]

    def _bin(self, cell: float, reach_m: float) -> dict[tuple[int, int], NDArray[np.int64]]:
        """Zone indices (ascending) per ``cell``-degree cell their cap grown by ``reach_m``
        touches."""
        grid: dict[tuple[int, int], list[int]] = {}
        ncol = round(360.0 / cell)
        for k, z in enumerate(self.zones):
            dlat = (z.cap_radius_m + reach_m) / M_PER_DEG
            lat0, lat1 = max(z.c_lat - dlat, -90.0), min(z.c_lat + dlat, 90.0)
            coslat = max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 1e-6)
            dlon = dlat / coslat
            rows = range(math.floor(lat0 / cell), math.floor(lat1 / cell) + 1)
            if dlon >= 180.0 or max(abs(lat0), abs(lat1)) >= 89.0:
                cols = range(ncol)
            else:
                cols = range(
                    math.floor((z.c_lon - dlon) / cell),
                    math.floor((z.c_lon + dlon) / cell) + 1,
                )
            for i in rows:
                for j in cols:
                    grid.setdefault((i, j % ncol), []).append(k)
        return {key: np.array(v, dtype=np.int64) for key, v in grid.items()}

    def __len__(self) -> int:
        return len(self.zones)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell), math.floor(lon / self.cell) % self._ncol

    def near(self, lat: float, lon: float, extra_m: float) -> list[int]:
        """Indices (ascending) of zones whose cap comes within ``extra_m`` (<= ``reach_m``)
        of the point."""
        if extra_m + 1_000.0 <= self.fine_reach_m:
            cand = self._fine.get(
                (
                    math.floor(lat / self.fine_cell),
                    math.floor(lon / self.fine_cell) % self._fine_ncol,
                )
            )
            if cand is None:
                return []
            if cand.shape[0] <= 8:
                return self._near_loop(cand.tolist(), lat, lon, extra_m)
        else:
            cand = self._grid.get(self.cell_of(lat, lon))
            if cand is None:
                return []
        idx, _ = self.near_arrays(cand, lat, lon, extra_m)
        return idx.tolist()  # type: ignore[no-any-return]

    def near_arrays(
        self, cand: NDArray[np.int64], lat: float, lon: float, extra_m: float
    ) -> tuple[NDArray[np.int64], F64]:
        """Of the zones ``cand``, those whose cap comes within ``extra_m`` of the point, and the
        distance (m, on the mean sphere) from the point to each one's cap centre."""
        la, lo = math.radians(lat), math.radians(lon)
        cl = math.cos(la)
        p = np.array([cl * math.cos(lo), cl * math.sin(lo), math.sin(la)])
        dot = self._u[cand] @ p
        d = np.arccos(np.clip(dot, -1.0, 1.0)) * R_EARTH
        keep = d <= self._r[cand] + (extra_m + 1_000.0)
        return cand[keep], d[keep]

    def candidates(self, lat: float, lon: float) -> NDArray[np.int64]:
        """Zones binned in the coarse cell of the point (within ``reach_m`` of its cap)."""
        c = self._grid.get(self.cell_of(lat, lon))
        return c if c is not None else np.empty(0, dtype=np.int64)

    def on_paths(self, lat: F64, lon: F64, extra_m: F64, unit: F64) -> list[NDArray[np.int64]]:
        """For each of ``n`` aircraft (``lat``, ``lon``, reach ``extra_m`` <= ``reach_m``,
        path ``unit``: n x samples x 3 unit vectors starting at the aircraft), the zones
        (ascending) whose cap comes within its reach and holds one of its path's samples, with
        a margin for the planar shapes. All pairs are tested in one vectorised pass."""
        cands = [self.candidates(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]
        sizes = np.array([c.shape[0] for c in cands], dtype=np.int64)
        if not sizes.any():
            return cands
        z = np.concatenate(cands)
        a = np.repeat(np.arange(len(cands)), sizes)
        dots = np.einsum("psk,pk->ps", unit[a], self._u[z])
        ang = np.arccos(np.clip(dots, -1.0, 1.0)) * R_EARTH
        r = self._r[z]
        keep = (ang[:, 0] <= r + extra_m[a] + 1_000.0) & (ang.min(axis=1) <= r * 1.01 + 500.0)
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        return [z[b0:b1][keep[b0:b1]] for b0, b1 in itertools.pairwise(bounds.tolist())]

    def _near_loop(self, cand: list[int], lat: float, lon: float, extra_m: float) -> list[int]:
        la, lo = math.radians(lat), math.radians(lon)
        cl = math.cos(la)
        px, py, pz = cl * math.cos(lo), cl * math.sin(lo), math.sin(la)
        caps = self._caps
        out = []
        for k in cand:
            ux, uy, uz, r = caps[k]
            dot = ux * px + uy * py + uz * pz
            ang = math.acos(dot if dot < 1.0 else 1.0)
            if ang * R_EARTH <= r + extra_m + 1_000.0:
                out.append(k)
        return out

    def bbox(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of every zone's boundary, degrees."""
        if not self.zones:
            return None
        lons = np.concatenate([pe.lon1 for z in self.zones for pe in z.prepared.polygons])
        lats = np.concatenate([pe.lat1 for z in self.zones for pe in z.prepared.polygons])
        return float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max())
