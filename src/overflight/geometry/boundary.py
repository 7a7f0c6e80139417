"""From an airspace's exact boundary definition to rings of geodesic edges.

Vertices joined by edges stay as they are (``edges="geodesic"``, aeronautical meaning) or, with
``edges="planar"``, straight lon/lat edges (RFC 7946) are replaced by geodesic chords close enough
that they never leave the straight line by more than ``tol_m``. Arcs and circles of a geodesic
radius become chords within ``tol_m`` of the true curve. Every later computation treats the result
as exact polygons with geodesic edges.

>>> from overflight.model import Circle
>>> lon, lat = ring_points(Circle(60.0, 25.0, 10_000.0), tol_m=0.1)
>>> len(lon) > 500
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from ..model import ArcByAngles, ArcByPoints, Circle, Polygon, Ring, Vertex
from .geodesic import MEAN_RADIUS, angle_diff, forward, inverse

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = ["PolygonEdges", "densify_geodesic", "polygon_edges", "ring_points"]

F64 = NDArray[np.float64]
Edges = Literal["geodesic", "planar"]


def _arc_steps(radius_m: float, sweep_deg: float, tol_m: float) -> int:
    # chord of a circle of radius r stays within r (1 - cos(theta/2)) of the arc; halve for
    # the ellipsoid's small departures from a plane circle
    tol = 0.5 * tol_m
    if radius_m <= tol:
        return max(1, math.ceil(abs(sweep_deg) / 90.0))
    theta = 2.0 * math.acos(max(-1.0, 1.0 - tol / radius_m))
    return max(1, math.ceil(math.radians(abs(sweep_deg)) / theta))


def _sweep(start_az: float, end_az: float, clockwise: bool) -> float:
    s = (end_az - start_az) % 360.0 if clockwise else -((start_az - end_az) % 360.0)
    if abs(s) < 1e-12:
        s = 360.0 if clockwise else -360.0
    return s


def _arc_points(
    center: Vertex, r1: float, r2: float, az1: float, sweep: float, tol_m: float
) -> tuple[F64, F64]:
    n = _arc_steps(max(r1, r2), sweep, tol_m)
    f = np.linspace(0.0, 1.0, n + 1)
    az = az1 + sweep * f
    r = r1 + (r2 - r1) * f
    lon, lat, _ = forward(np.full(n + 1, center.lon), np.full(n + 1, center.lat), az, r)
    return lon, lat


def _part_points(part: Vertex | ArcByPoints | ArcByAngles, tol_m: float) -> tuple[F64, F64]:
    if isinstance(part, Vertex):
        return np.array([part.lon], dtype=float), np.array([part.lat], dtype=float)
    c = part.center
    if isinstance(part, ArcByAngles):
        sweep = _sweep(part.start_az, part.end_az, part.clockwise)
        return _arc_points(c, part.radius_m, part.radius_m, part.start_az, sweep, tol_m)
    az1, _, r1 = inverse(c.lon, c.lat, part.start.lon, part.start.lat)
    az2, _, r2 = inverse(c.lon, c.lat, part.end.lon, part.end.lat)
    sweep = _sweep(float(az1), float(az2), part.clockwise)
    lon, lat = _arc_points(c, float(r1), float(r2), float(az1), sweep, tol_m)
    # the published end points are exact: keep them exactly
    lon[0], lat[0], lon[-1], lat[-1] = part.start.lon, part.start.lat, part.end.lon, part.end.lat
    return lon, lat


def densify_geodesic(lon: F64, lat: F64, max_len_m: float, closed: bool = True) -> tuple[F64, F64]:
    """Insert points on the geodesics between consecutive vertices so no edge exceeds
    ``max_len_m``. The path is unchanged: new points lie on the same geodesics.

    >>> lon, lat = densify_geodesic(np.array([0.0, 1.0]), np.zeros(2), 50_000, closed=False)
    >>> len(lon)
    4
    """
    if len(lon) < 2:
        return lon, lat
    lo2 = np.roll(lon, -1) if closed else lon[1:]
    la2 = np.roll(lat, -1) if closed else lat[1:]
    lo1 = lon if closed else lon[:-1]
    la1 = lat if closed else lat[:-1]
    az, _, dist = inverse(lo1, la1, lo2, la2)
    n = np.maximum(1, np.ceil(dist / max_len_m)).astype(np.int64)
    if np.all(n == 1):
        return lon, lat
    idx = np.repeat(np.arange(len(lo1)), n)
    k = np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)
    plon, plat, _ = forward(lo1[idx], la1[idx], az[idx], dist[idx] * k / n[idx])
    plon[k == 0], plat[k == 0] = lo1[idx[k == 0]], la1[idx[k == 0]]
    if not closed:
        plon, plat = np.append(plon, lon[-1]), np.append(plat, lat[-1])
    return plon, plat


def _densify_planar(lon: F64, lat: F64, tol_m: float) -> tuple[F64, F64]:
    """Points along straight lon/lat edges so geodesic chords stay within ``tol_m`` of them."""
    lo2, la2 = np.roll(lon, -1), np.roll(lat, -1)
    dlon = angle_diff(lo2, lon)
    dlat = la2 - lat
    # length of the edge (m), and the geodesic curvature of a straight lon/lat line <= tan(lat)/R
    length = MEAN_RADIUS * np.radians(np.hypot(dlon * np.cos(np.radians((lat + la2) / 2)), dlat))
    tanphi = np.tan(np.radians(np.minimum(89.9, np.maximum(np.abs(lat), np.abs(la2)))))
    piece = np.sqrt(8.0 * 0.5 * tol_m * MEAN_RADIUS / np.maximum(tanphi, 1e-6))
    n = np.maximum(1, np.ceil(length / piece)).astype(np.int64)
    idx = np.repeat(np.arange(len(lon)), n)
    f = (np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)) / n[idx]
    return lon[idx] + dlon[idx] * f, lat[idx] + dlat[idx] * f


def ring_points(
    ring: Ring | Circle, edges: Edges = "geodesic", tol_m: float = 0.1
) -> tuple[F64, F64]:
    """Vertices (lon, lat; open ring, no repeated first point) of geodesic chords standing for
    ``ring``. Consecutive points, and last to first, are joined by geodesics."""
    if isinstance(ring, Circle):
        c = Vertex(ring.center_lat, ring.center_lon)
        lon, lat = _arc_points(c, ring.radius_m, ring.radius_m, 0.0, 360.0, tol_m)
        return lon[:-1], lat[:-1]
    lons: list[F64] = []
    lats: list[F64] = []
    kinds: list[F64] = []  # 1 where the edge leaving the point is a vertex-to-vertex edge
    for part in ring:
        lo, la = _part_points(part, tol_m)
        lons.append(lo)
        lats.append(la)
        k = np.zeros(len(lo))
        k[-1] = 1.0
        kinds.append(k)
    lon = np.concatenate(lons) if lons else np.empty(0)
    lat = np.concatenate(lats) if lats else np.empty(0)
    straight = np.concatenate(kinds).astype(bool) if kinds else np.empty(0, bool)
    lon = ((lon + 180.0) % 360.0) - 180.0
    # drop repeated consecutive points (including last == first)
    keep = ~((lon == np.roll(lon, -1)) & (lat == np.roll(lat, -1)))
    if len(lon) > 1 and not keep.any():
        keep[0] = True
    lon, lat, straight = lon[keep], lat[keep], straight[keep]
    if edges == "planar" and len(lon) > 1:
        # only the straight edges (vertex to next part) are re-read as lon/lat lines
        out_lo: list[F64] = []
        out_la: list[F64] = []
        nxt_lo, nxt_la = np.roll(lon, -1), np.roll(lat, -1)
        for i in range(len(lon)):
            if straight[i]:
                seg_lo, seg_la = _densify_planar(
                    np.array([lon[i], nxt_lo[i]]), np.array([lat[i], nxt_la[i]]), tol_m
                )
                n = int(np.ceil(len(seg_lo) / 2))  # pieces of the first edge only
                out_lo.append(seg_lo[:n])
                out_la.append(seg_la[:n])
            else:
                out_lo.append(lon[i : i + 1])
                out_la.append(lat[i : i + 1])
        lon, lat = np.concatenate(out_lo), np.concatenate(out_la)
        lon = ((lon + 180.0) % 360.0) - 180.0
    return lon, lat


@dataclass(frozen=True)
class PolygonEdges:
    """All geodesic edges of one polygon (exterior and holes), ready for crossing tests.

    ``rings`` keeps each ring's ordered vertices (for winding numbers and drawing);
    ``lon1..lat2`` are edges in a canonical direction (smaller (lon, lat) first), so two airspaces
    sharing an edge compute exactly the same predicates on it.
    """

    rings: tuple[tuple[F64, F64], ...]
    lon1: F64
    lat1: F64
    lon2: F64
    lat2: F64
    center_lon: float
    center_lat: float
    radius_m: float  # every vertex lies within this geodesic distance of the centre
    circle: tuple[float, float, float] | None = None  # (lon, lat, radius) if a plain circle

    def __len__(self) -> int:
        return int(self.lon1.shape[0])

    def midpoint_tree(self) -> tuple[cKDTree, float, NDArray[np.int64]]:
        """k-d tree of the midpoints of the edges' pieces in the local plane, the largest
        piece's half-length, and each piece's edge; cached.

        An edge longer than the piece length (four times the median edge, or a quarter of
        the mean, whichever is longer) is cut into equal pieces: a nearest-edge search looks
        at the midpoints within the largest half-length of the nearest one, and one long
        edge (a 17 km median line beside a coast of 275 m edges) would make that ring hold
        every edge within a wide band. At most five pieces per edge on average."""
        cached = self.__dict__.get("_midtree")
        if cached is None:
            x1, y1, x2, y2 = self.plane()
            length = np.hypot(x2 - x1, y2 - y1)
            n = len(self)
            if n:
                piece = max(4.0 * float(np.median(length)), float(length.sum()) / (4 * n), 1.0)
                k = np.maximum(np.ceil(length / piece), 1.0).astype(np.int64)
                edge = np.repeat(np.arange(n, dtype=np.int64), k)
                f = (np.arange(edge.size) - np.repeat(np.cumsum(k) - k, k) + 0.5) / k[edge]
                mx = x1[edge] + f * (x2 - x1)[edge]
                my = y1[edge] + f * (y2 - y1)[edge]
                half = 0.5 * float((length / k).max())
            else:
                edge, mx, my, half = np.empty(0, np.int64), np.empty(0), np.empty(0), 0.0
            from scipy.spatial import cKDTree  # (scipy's import: ~0.25 s, on first use)

            cached = (cKDTree(np.column_stack([mx, my])), half, edge)
            object.__setattr__(self, "_midtree", cached)
        return cached

    def geodesics(self) -> tuple[F64, F64, F64]:
        """Each edge's azimuth at its first end, at its second end, and length (m), cached."""
        cached = self.__dict__.get("_geodesics")
        if cached is None:
            from .geodesic import inverse

            cached = inverse(self.lon1, self.lat1, self.lon2, self.lat2)
            object.__setattr__(self, "_geodesics", cached)
        return cached

    def vertex_ids(self) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
        """Each edge's first and second end as a vertex number (ends with the same coordinates,
        bit for bit, get one number), and how many vertices there are; cached. An end
        shared by two edges then needs one geodesic to a point, not two."""
        cached = self.__dict__.get("_vertex_ids")
        if cached is None:
            n = len(self)
            ends = np.empty((2 * n, 2))
            ends[:n, 0], ends[:n, 1] = self.lon1, self.lat1
            ends[n:, 0], ends[n:, 1] = self.lon2, self.lat2
            # by bit pattern: -0.0 and 0.0 are two vertices (their geodesics may differ)
            bits = np.ascontiguousarray(ends).view(np.int64)
            _, ids = np.unique(bits, axis=0, return_inverse=True)
            ids = ids.reshape(-1).astype(np.int64)
            cached = (ids[:n], ids[n:], int(ids.max()) + 1 if n else 0)
            object.__setattr__(self, "_vertex_ids", cached)
        return cached

    def plane(self) -> tuple[F64, F64, F64, F64]:
        """Edge end points in the local plane about the centre (x1, y1, x2, y2), cached."""
        cached = self.__dict__.get("_plane")
        if cached is None:
            from .frame import local_xy

            x1, y1 = local_xy(self.lon1, self.lat1, self.center_lon, self.center_lat)
            x2, y2 = local_xy(self.lon2, self.lat2, self.center_lon, self.center_lat)
            cached = (x1, y1, x2, y2)
            object.__setattr__(self, "_plane", cached)
        return cached


def _short_chords(ring: Ring | Circle, n: int, max_len_m: float) -> bool:
    """Whether ``ring`` is a circle drawn as ``n`` chords surely all shorter than
    ``max_len_m`` (each spans an arc of 2 pi r / n; twice that bounds it on the ellipsoid):
    densifying them would add nothing, and their lengths need not be solved."""
    return isinstance(ring, Circle) and 2.0 * ring.radius_m * 2.0 * math.pi / n < max_len_m


def polygon_edges(
    polygon: Polygon, edges: Edges = "geodesic", tol_m: float = 0.1, max_len_m: float = 20_000.0
) -> PolygonEdges:
    """Geodesic edges of ``polygon``, each at most ``max_len_m`` long."""
    rings = []
    for ring in (polygon.exterior, *polygon.holes):
        lon, lat = ring_points(ring, edges, tol_m)
        if len(lon) < 3:
            raise ValueError(f"ring with {len(lon)} distinct points")
        if not _short_chords(ring, len(lon), max_len_m):
            lon, lat = densify_geodesic(lon, lat, max_len_m)
        rings.append((lon, lat))
    l1 = np.concatenate([r[0] for r in rings])
    a1 = np.concatenate([r[1] for r in rings])
    l2 = np.concatenate([np.roll(r[0], -1) for r in rings])
    a2 = np.concatenate([np.roll(r[1], -1) for r in rings])
    swap = (l1 > l2) | ((l1 == l2) & (a1 > a2))
    p_lon, p_lat = np.where(swap, l2, l1), np.where(swap, a2, a1)
    q_lon, q_lat = np.where(swap, l1, l2), np.where(swap, a1, a2)
    # centre: normalised mean of unit vectors of the exterior ring
    ex_lon, ex_lat = rings[0]
    v = np.stack(
        [
            np.cos(np.radians(ex_lat)) * np.cos(np.radians(ex_lon)),
            np.cos(np.radians(ex_lat)) * np.sin(np.radians(ex_lon)),
            np.sin(np.radians(ex_lat)),
        ]
    ).mean(axis=1)
    c_lat = float(np.degrees(np.arctan2(v[2], np.hypot(v[0], v[1]))))
    c_lon = float(np.degrees(np.arctan2(v[1], v[0])))
    _, _, d = inverse(c_lon, c_lat, l1, a1)
    return PolygonEdges(
        rings=tuple(rings),
        lon1=p_lon,
        lat1=p_lat,
        lon2=q_lon,
        lat2=q_lat,
        center_lon=c_lon,
        center_lat=c_lat,
        radius_m=float(d.max()),
        circle=(ex.center_lon, ex.center_lat, ex.radius_m)
        if isinstance(ex := polygon.exterior, Circle) and not polygon.holes
        else None,
    )
