"""A lon/lat grid over airspace caps, for a vectorised prefilter of millions of fixes.

Every airspace gets a bounding cap (:func:`overflight.analysis.caps.airspace_cap`). A grid cell
is *near* an airspace when some point of the cell may lie within the cap radius plus
``margin_m``; each cell also keeps the altitude band (lowest floor, highest ceiling, metres)
of the airspaces near it. A segment of track both of whose ends sit in cells that are not
near (or out of the band), and that is shorter than ``2 * margin_m``, cannot touch any
airspace; longer segments are sampled every ``margin_m`` along their great circle.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(60.0, 25.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.flight_level(95))
>>> idx = AirspaceIndex([zone])
>>> import numpy as np
>>> idx.point_candidates(np.array([25.0, 30.0]), np.array([60.0, 60.0]),
...                      np.array([1000.0, 1000.0]), np.array([np.nan, np.nan])).tolist()
[True, False]
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..analysis.caps import airspace_cap
from ..analysis.check import PreparedAirspace, prepare_airspace
from ..analysis.params import CheckParameters
from ..geometry.geodesic import MEAN_RADIUS, haversine
from ..model import Airspace, Reference, VerticalLimit
from .batch_limits import AMSL, FL

__all__ = ["AirspaceIndex", "altitude_band", "exact_limit", "haversine"]

F64 = NDArray[np.float64]
R_SPHERE = MEAN_RADIUS
ALT_SLACK_M = 1_500.0
"""Altitude slack of the band test: barometric vs geometric altitude, AMSL vs ellipsoid."""


def _limit_m(limit: VerticalLimit, floor: bool) -> float:
    vals = []
    for p in limit.parts():
        if p.reference in (Reference.SFC, Reference.AGL):
            vals.append(-math.inf if floor else math.inf)
        else:
            vals.append(p.metres())
    return min(vals) if floor else max(vals)


def altitude_band(airspace: Airspace) -> tuple[float, float]:
    """(lowest floor, highest ceiling) in metres, conservative: SFC/AGL floors are -inf, AGL
    and UNL ceilings +inf, compound limits take the widest part.

    >>> from overflight.model import Circle, Polygon
    >>> a = Airspace("x", "R", (Polygon(Circle(0, 0, 1000.0)),),
    ...              VerticalLimit.parse("1000ft AMSL"), VerticalLimit.parse("FL95"))
    >>> [round(v, 1) for v in altitude_band(a)]
    [304.8, 2895.6]
    """
    return _limit_m(airspace.floor, True), _limit_m(airspace.ceiling, False)


def exact_limit(limit: VerticalLimit) -> tuple[int, float]:
    """(kind, metres) of a limit compared exactly with a piece's altitudes
    (:func:`~.nearby._in_limits`): :data:`~.batch_limits.FL` (pressure altitude first) or
    :data:`~.batch_limits.AMSL` (geometric first) for one flight level or altitude above mean
    sea level, as the check takes them (:meth:`~overflight.geometry.vertical.LimitSeries.build`);
    -1 (no such test) for the surface, unlimited, above ground level and compound limits.

    >>> exact_limit(VerticalLimit.flight_level(95))[0] == FL
    True
    >>> exact_limit(VerticalLimit.parse("500ft AGL"))
    (-1, nan)
    """
    if limit.is_compound or limit.reference not in (Reference.FL, Reference.AMSL):
        return -1, math.nan
    return (FL if limit.reference is Reference.FL else AMSL), limit.metres()


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """numpy's arrays made in the block without transparent huge pages: a fresh 30 MB grid
    array took 0.2-0.5 s on the benchmark machine in huge pages (the kernel compacting memory
    for them first), ~10 ms in small pages. Where numpy has no such switch, as they are."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # pragma: no cover - numpy without it
        yield
        return
    before = _set_madvise_hugepage(False)
    try:
        yield
    finally:
        _set_madvise_hugepage(before)


_GRID = frozenset({"lon0", "lat0", "cell", "ncol", "nrow", "near", "lo", "hi"})
"""The grid's attributes (:meth:`AirspaceIndex._build_grid`)."""


@dataclass
class AirspaceIndex:
    """Caps, bands and a near-grid of ``airspaces``; prepared airspaces cached on first use."""

    airspaces: Sequence[Airspace]
    params: CheckParameters = field(default_factory=CheckParameters)
    margin_m: float = 5_000.0
    max_cells: int = 4_000_000

    def __post_init__(self) -> None:
        n = len(self.airspaces)
        caps = np.array([airspace_cap(a) for a in self.airspaces]).reshape(n, 3)
        self.cap_lon, self.cap_lat, self.cap_r = caps[:, 0], caps[:, 1], caps[:, 2]
        bands = np.array([altitude_band(a) for a in self.airspaces]).reshape(n, 2)
        self.band_lo, self.band_hi = bands[:, 0], bands[:, 1]
        floors = [exact_limit(a.floor) for a in self.airspaces]
        ceilings = [exact_limit(a.ceiling) for a in self.airspaces]
        self.floor_kind = np.array([k for k, _ in floors], np.int64)
        self.floor_m = np.array([v for _, v in floors], float)
        self.ceiling_kind = np.array([k for k, _ in ceilings], np.int64)
        self.ceiling_m = np.array([v for _, v in ceilings], float)
        # reach on the sphere: cap radius (an ellipsoidal bound) + margin, 1 % + 1 km slack
        self.reach = (self.cap_r + self.margin_m) * 1.01 + 1_000.0
        dlat = np.degrees(self.reach / R_SPHERE)
        coslat = np.cos(np.radians(np.minimum(89.0, np.abs(self.cap_lat) + dlat)))
        dlon = np.where(np.abs(self.cap_lat) + dlat >= 89.0, 180.0, dlat / np.maximum(coslat, 1e-3))
        self.box = np.column_stack(
            [self.cap_lon - dlon, self.cap_lat - dlat, self.cap_lon + dlon, self.cap_lat + dlat]
        )
        self._prepared: dict[int, PreparedAirspace | None] = {}
        self._limits: dict[int, tuple[int, tuple[int, ...], tuple[int, ...]]] = {}
        self._limit_ids: dict[object, int] = {}  # limits (pairs and parts) -> numbers
        self.skipped: dict[int, str] = {}

    # -- grid ------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> object:
        """The grid's attributes, the grid built on first use: a check worker, which only
        prepares airspaces, never builds it (~0.5 s for 2,000 airspaces)."""
        if name in _GRID:
            self._build_grid()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _build_grid(self) -> None:
        if len(self.airspaces) == 0:
            self.lon0, self.lat0, self.cell, self.ncol, self.nrow = -180.0, -90.0, 1.0, 1, 1
            self.near = np.zeros(1, bool)
            self.lo = np.full(1, np.inf)
            self.hi = np.full(1, -np.inf)
            return
        b = self.box
        lon0, lon1 = float(max(-180.0, b[:, 0].min())), float(min(180.0, b[:, 2].max()))
        if (b[:, 0] < -180.0).any() or (b[:, 2] > 180.0).any():
            lon0, lon1 = -180.0, 180.0  # boxes over the antimeridian: the whole circle
        lat0, lat1 = float(max(-90.0, b[:, 1].min())), float(min(90.0, b[:, 3].max()))
        area = (lon1 - lon0) * (lat1 - lat0)
        cell = max(0.02, math.sqrt(area / self.max_cells))
        self.lon0, self.lat0, self.cell = lon0, lat0, cell
        self.ncol = max(1, math.ceil((lon1 - lon0) / cell))
        self.nrow = max(1, math.ceil((lat1 - lat0) / cell))
        size = self.ncol * self.nrow
        with _small_pages():
            lo = np.full(size, np.inf)
            hi = np.full(size, -np.inf)
            count = np.zeros(size, np.int32)
        half_diag = math.radians(cell) * R_SPHERE * math.sqrt(2.0) / 2.0
        for k in range(len(self.airspaces)):
            cells = self._cells_near(k, half_diag)
            np.minimum.at(lo, cells, self.band_lo[k])
            np.maximum.at(hi, cells, self.band_hi[k])
            count[cells] += 1
        self.near = count > 0
        self.lo, self.hi = lo, hi

    def _cells_near(self, k: int, half_diag: float) -> NDArray[np.int64]:
        x0, y0, x1, y1 = self.box[k]
        r0 = max(0, int((y0 - self.lat0) // self.cell))
        r1 = min(self.nrow - 1, int((y1 - self.lat0) // self.cell))
        if x1 - x0 >= 360.0:
            cols = np.arange(self.ncol)
        else:
            c0 = math.floor((x0 - self.lon0) / self.cell)
            c1 = math.floor((x1 - self.lon0) / self.cell)
            cols = np.arange(c0, c1 + 1)
            if self.ncol * self.cell >= 360.0 - 1e-9:
                cols = np.unique(cols % self.ncol)
            else:
                cols = cols[(cols >= 0) & (cols < self.ncol)]
        rows = np.arange(r0, r1 + 1)
        rr, cc = np.meshgrid(rows, cols, indexing="ij")
        clat = self.lat0 + (rr + 0.5) * self.cell
        clon = self.lon0 + (cc + 0.5) * self.cell
        d = haversine(
            clon, clat, np.full(clon.shape, self.cap_lon[k]), np.full(clat.shape, self.cap_lat[k])
        )
        ok = d <= self.reach[k] + half_diag
        return (rr[ok] * self.ncol + cc[ok]).astype(np.int64)

    def cells(self, lon: F64, lat: F64) -> NDArray[np.int64]:
        """Grid cell of each point, -1 outside the grid."""
        c = np.floor((lon - self.lon0) / self.cell).astype(np.int64)
        if self.ncol * self.cell >= 360.0 - 1e-9:
            c %= self.ncol
        r = np.floor((lat - self.lat0) / self.cell).astype(np.int64)
        ok = (c >= 0) & (c < self.ncol) & (r >= 0) & (r < self.nrow)
        return np.where(ok, r * self.ncol + c, -1)

    def _test(self, cells: NDArray[np.int64], alt_lo: F64, alt_hi: F64) -> NDArray[np.bool_]:
        safe = np.maximum(cells, 0)
        near = self.near[safe] & (cells >= 0)
        # NaN altitudes compare False both ways: unknown altitude is always a candidate
        above = alt_lo > self.hi[safe] + ALT_SLACK_M
        below = alt_hi < self.lo[safe] - ALT_SLACK_M
        return near & ~above & ~below

    def point_candidates(self, lon: F64, lat: F64, baro: F64, geo: F64) -> NDArray[np.bool_]:
        """Whether each fix may be inside (laterally within reach, altitude in band)."""
        lo = np.fmin(baro, geo)
        hi = np.fmax(baro, geo)
        return self._test(self.cells(lon, lat), lo, hi)

    def segment_candidates(
        self,
        lon0: F64,
        lat0: F64,
        lon1: F64,
        lat1: F64,
        alt_lo: F64,
        alt_hi: F64,
        dist: F64,
    ) -> NDArray[np.bool_]:
        """Whether each segment (great circle between two fixes) may touch an airspace whose
        band meets [alt_lo, alt_hi] (NaN: unknown, a candidate)."""
        # both ends in one compiled pass (numba: loaded where batches are read); the same cells
        # and tests as ``_test(cells(...))`` on each end
        from .grid_compiled import ends_pass

        out = ends_pass(
            lon0, lat0, lon1, lat1, alt_lo, alt_hi, self.lon0, self.lat0, self.cell,
            self.ncol, self.nrow, self.ncol * self.cell >= 360.0 - 1e-9, self.near, self.lo,
            self.hi, ALT_SLACK_M,
        )  # fmt: skip
        long = np.flatnonzero(~out & (dist > 2.0 * self.margin_m))
        if long.size:
            n = np.ceil(dist[long] / self.margin_m).astype(np.int64) + 1
            seg = np.repeat(long, n)
            f = (np.arange(seg.size) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n - 1, n)
            slon, slat = _slerp(lon0[seg], lat0[seg], lon1[seg], lat1[seg], f)
            hit = self._test(self.cells(slon, slat), alt_lo[seg], alt_hi[seg])
            out[np.unique(seg[hit])] = True
        return out

    def fix_candidates(
        self,
        has_prev: NDArray[np.bool_],
        brk: NDArray[np.bool_],
        ends: tuple[F64, F64, F64, F64],
        alts: tuple[F64, F64, F64, F64],
        dist: F64,
    ) -> NDArray[np.bool_]:
        """:meth:`segment_candidates` of the segment ending at each fix, for the fixes that
        have one (``has_prev`` and not ``brk``; the others: False), in one compiled pass
        over the fixes: ``ends`` (lon, lat of the fix before; lon, lat of the fix),
        ``alts`` (barometric, geometric altitude of the fix; of the fix before), the band
        their NaN-skipping least and greatest."""
        from .grid_compiled import fixes_pass

        grid = (
            self.lon0, self.lat0, self.cell, self.ncol, self.nrow,
            self.ncol * self.cell >= 360.0 - 1e-9, self.near, self.lo, self.hi, ALT_SLACK_M,
        )  # fmt: skip
        out, lo, hi = fixes_pass(has_prev, brk, *ends, *alts, grid)
        long = np.flatnonzero(~out & has_prev & ~brk & (dist > 2.0 * self.margin_m))
        if long.size:
            plon, plat, lon, lat = ends
            out[long] = self.segment_candidates(
                plon[long], plat[long], lon[long], lat[long], lo[long], hi[long], dist[long]
            )
        return out

    # -- airspaces ------------------------------------------------------------------------
    def overlapping(
        self, lon_min: float, lat_min: float, lon_max: float, lat_max: float
    ) -> list[int]:
        """Indices of airspaces whose reach box meets the given lon/lat box (pad it yourself)."""
        b = self.box
        lat_ok = (b[:, 1] <= lat_max) & (b[:, 3] >= lat_min)
        lon_ok = np.zeros(len(b), bool)
        for shift in (-360.0, 0.0, 360.0):
            lon_ok |= (b[:, 0] + shift <= lon_max) & (b[:, 2] + shift >= lon_min)
        return np.flatnonzero(lat_ok & lon_ok).tolist()

    def limits_key(self, k: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        """Numbers for airspace ``k``'s pair of limits and for each part of its floor and
        of its ceiling: equal limits (by value) have equal numbers, whatever the airspace."""
        key = self._limits.get(k)
        if key is None:
            a = self.airspaces[k]
            ids = self._limit_ids

            def num(x: object) -> int:
                return ids.setdefault(x, len(ids))

            key = self._limits[k] = (
                num((a.floor, a.ceiling)),
                tuple(num(p) for p in a.floor.parts()),
                tuple(num(p) for p in a.ceiling.parts()),
            )
        return key

    def prepared(self, k: int) -> PreparedAirspace | None:
        """The densified airspace ``k`` (None, with the reason in ``skipped``, if unusable)."""
        if k not in self._prepared:
            try:
                self._prepared[k] = prepare_airspace(self.airspaces[k], self.params)
            except ValueError as exc:
                self.skipped[k] = str(exc)
                self._prepared[k] = None
        return self._prepared[k]

    def warm(self, seconds: float, stop: Callable[[], bool] | None = None) -> int:
        """Prepare airspaces, in order, until all are, ``seconds`` (wall clock) have passed,
        or ``stop()`` is true: a check worker does this while it waits for its first job.
        Never replaces one prepared meanwhile (by another thread). Returns how many are
        prepared."""
        end = time.perf_counter() + seconds
        for k in range(len(self.airspaces)):
            if time.perf_counter() >= end or (stop is not None and stop()):
                break
            if k in self._prepared:
                continue
            try:
                self._prepared.setdefault(k, prepare_airspace(self.airspaces[k], self.params))
            except ValueError as exc:
                self.skipped.setdefault(k, str(exc))
                self._prepared.setdefault(k, None)
        return len(self._prepared)

    def bbox(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) of every reach box (the whole world if none,
        or if the boxes cross the antimeridian)."""
        if len(self.airspaces) == 0:
            return (-180.0, -90.0, 180.0, 90.0)
        b = self.box
        lon0, lon1 = float(b[:, 0].min()), float(b[:, 2].max())
        if lon0 < -180.0 or lon1 > 180.0:
            lon0, lon1 = -180.0, 180.0
        return (lon0, float(max(-90.0, b[:, 1].min())), lon1, float(min(90.0, b[:, 3].max())))

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_prepared"] = {}  # rebuilt on demand where the index is unpickled
        return state


def _slerp(lon0: F64, lat0: F64, lon1: F64, lat1: F64, f: F64) -> tuple[F64, F64]:
    """Points at fraction ``f`` along great circles (on the sphere)."""

    def unit(lon: F64, lat: F64) -> F64:
        lo, la = np.radians(lon), np.radians(lat)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)

    a, b = unit(lon0, lat0), unit(lon1, lat1)
    om = np.arccos(np.clip((a * b).sum(-1), -1.0, 1.0))
    so = np.sin(om)
    small = so < 1e-12
    wa = np.where(small, 1.0 - f, np.sin((1.0 - f) * om) / np.where(small, 1.0, so))
    wb = np.where(small, f, np.sin(f * om) / np.where(small, 1.0, so))
    p = a * wa[:, None] + b * wb[:, None]
    lat = np.degrees(np.arctan2(p[:, 2], np.hypot(p[:, 0], p[:, 1])))
    lon = np.degrees(np.arctan2(p[:, 1], p[:, 0]))
    return lon, lat
