"""Nearest edges of a wide polygon (a national airspace: hundreds of kilometres across, thousands
of edges), for the exact distance to its boundary (:func:`~.distance.boundary_distance`).

The polygon's own plane (:mod:`.frame`) is off by ``plane_error(r)`` relative, 3.5 % at 835 km
from its centre (Finland's national airspace): ranking in it leaves every edge within a band of
that width as possibly nearest, thousands of coastline edges for a point deep inside, and the
pairs ran to gigabytes. Here the candidates come from a 3-D k-d tree of points along the
edges on the ellipsoid, whose straight (chord) distances bound the geodesic ones both ways, and
each candidate edge is ranked in the point's *own* azimuthal plane, off by ``plane_error`` of
the distances involved (0.2 % at 150 km) rather than of the polygon's size.

Bounds: a geodesic has curvature at most the ellipsoid's largest normal curvature
1 / M0 (M0 = a (1 - e^2), the meridian's radius at the equator), so by Schur's comparison
theorem a geodesic of length g spans a chord c >= 2 M0 sin(g / 2 M0): g <= 2 M0 asin(c / 2 M0).
Every point of an edge is within h (half a piece's geodesic length) of a piece's midpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .boundary import PolygonEdges
from .distance_cells import CubeLists
from .frame import hyp, local_xy, plane_error
from .geodesic import forward
from .jit import worth

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = ["WIDE_EDGES", "WIDE_EPS", "nearest_edges", "piece_tree", "rank_radius", "wide"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

WIDE_EPS = 1e-3
"""Polygons whose plane's error over their radius is above this (relative; a radius of ~140
km) take this search: below it the polygon's plane ranks as tightly."""

WIDE_EDGES = 65
"""... and whose edges are more than :mod:`.distance_many`'s few (64, ranked against every
edge in the polygon's plane there, as here: the same values by both paths)."""


def wide(pe: PolygonEdges) -> bool:
    """Whether ``pe`` takes this search (:data:`WIDE_EPS`, :data:`WIDE_EDGES`)."""
    return len(pe) >= WIDE_EDGES and float(plane_error(pe.radius_m)) > WIDE_EPS


def rank_radius(pe: PolygonEdges) -> float:
    """The radius whose ``plane_error(radius + d)`` bounds the relative error of the plane
    distance ``d`` that :func:`~.distance.approx_boundary_distance` ranks ``pe``'s points by:
    the polygon's own radius (its plane), or for a wide polygon, whose points are ranked in
    their own planes (:func:`nearest_edges`: off by ``plane_error`` of the distance plus the
    edge's length), its longest edge's length. Finland's national airspace: 835 km against
    ~17 km; the depth search's margins shrink as much."""
    if not wide(pe):
        return float(pe.radius_m)
    _, _, length = pe.geodesics()
    return 1.01 * float(length.max()) + 1.0


_A = 6_378_137.0
_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)
_M0 = _A * (1.0 - _E2)
"""The smallest radius of curvature of the WGS84 ellipsoid (the meridian's, at the equator)."""
_BLOCK = 2048
"""Points searched at once: the pairs stay a few per point times this."""


def ecef(lon: F64, lat: F64) -> F64:
    """Earth-centred Cartesian coordinates (m) of points on the ellipsoid, rows x 3."""
    la, lo = np.radians(lat), np.radians(lon)
    n = _A / np.sqrt(1.0 - _E2 * np.sin(la) ** 2)
    return np.column_stack(
        [n * np.cos(la) * np.cos(lo), n * np.cos(la) * np.sin(lo), n * (1.0 - _E2) * np.sin(la)]
    )


def arc_bound(chord: F64) -> F64:
    """The longest geodesic between two points ``chord`` metres apart in space."""
    return 2.0 * _M0 * np.arcsin(np.minimum(1.0, chord / (2.0 * _M0)))


def piece_tree(pe: PolygonEdges) -> tuple[cKDTree, float, I64]:
    """3-D k-d tree of the midpoints of the edges' geodesic pieces (an edge longer than four
    times the median edge, or a quarter of the mean, is cut into equal pieces), the largest
    piece's geodesic half-length and each piece's edge (an edge's pieces consecutive, in
    order of edge); cached on ``pe``."""
    cached = pe.__dict__.get("_piece_tree")
    if cached is None:
        az, _, length = pe.geodesics()
        n = len(pe)
        piece = max(4.0 * float(np.median(length)), float(length.sum()) / (4 * n), 1.0)
        k = np.maximum(np.ceil(length / piece), 1.0).astype(np.int64)
        edge = np.repeat(np.arange(n, dtype=np.int64), k)
        f = (np.arange(edge.size) - np.repeat(np.cumsum(k) - k, k) + 0.5) / k[edge]
        mlon, mlat, _ = forward(pe.lon1[edge], pe.lat1[edge], az[edge], f * length[edge])
        from scipy.spatial import cKDTree  # (scipy's import: ~0.25 s, on first use)

        cached = (cKDTree(ecef(mlon, mlat)), 0.5 * float((length / k).max()), edge)
        object.__setattr__(pe, "_piece_tree", cached)
    return cached


def _cubes(pe: PolygonEdges) -> CubeLists:
    """The candidate pieces of ``pe``'s piece tree by cube of space, cached on ``pe``."""
    cached = pe.__dict__.get("_cube_lists")
    if cached is None:
        tree, half, _ = piece_tree(pe)
        cached = CubeLists(tree, half, arc_bound)
        object.__setattr__(pe, "_cube_lists", cached)
    return cached


def _ends_trig(pe: PolygonEdges) -> tuple[F64, F64, F64, F64]:
    """Cosines and sines of the latitudes of ``pe``'s edges' ends (as :func:`~.frame.local_xy`
    takes them), cached on ``pe``."""
    cached = pe.__dict__.get("_ends_trig")
    if cached is None:
        la1, la2 = np.radians(pe.lat1), np.radians(pe.lat2)
        cached = (np.cos(la1), np.sin(la1), np.cos(la2), np.sin(la2))
        object.__setattr__(pe, "_ends_trig", cached)
    return cached


def nearest_edges(
    lon: F64, lat: F64, pe: PolygonEdges
) -> tuple[F64, I64, I64, F64, F64, F64, F64, F64]:
    """For each point: the distance to the nearest edge in its own plane (for ranking), and the
    (point, edge) pairs that could be nearest, each once, in order of point and edge, with the
    plane's foot as a fraction of the edge, the edge's plane length, the pair's plane
    distance, and how far the pair reaches from the point and the plane's error there (for
    :func:`~.distance.clear_of_ends`)."""
    n = lon.shape[0]
    best = np.full(n, np.inf)
    parts: list[tuple[F64, ...]] = []
    for a in range(0, n, _BLOCK):
        b = min(n, a + _BLOCK)
        found = _block(lon[a:b], lat[a:b], pe)
        best[a:b] = found[0]
        parts.append((found[1] + a, *found[2:]))
    if not parts:
        e = np.empty(0)
        return best, e.astype(np.int64), e.astype(np.int64), e, e, e, e, e
    pi, ej, u, length, dist, reach, eps = (np.concatenate([p[i] for p in parts]) for i in range(7))
    return best, pi.astype(np.int64), ej.astype(np.int64), u, length, dist, reach, eps


def _block(lon: F64, lat: F64, pe: PolygonEdges) -> tuple[F64, ...]:
    _, _, edge_of = piece_tree(pe)
    n = lon.shape[0]
    if n and worth(n):
        from .distance_wide_compiled import wide_block

        cubes = _cubes(pe)
        pts = ecef(lon, lat)
        return wide_block(  # type: ignore[no-any-return]
            lon,
            lat,
            pts,
            cubes.of_points(pts),
            (cubes.mx, cubes.my, cubes.mz),
            cubes.half,
            edge_of,
            (pe.lon1, pe.lon2),
            _ends_trig(pe),
            pe.vertex_ids()[:2],
        )
    # the nearest edge is at most g = arc_bound(dm) away (along a geodesic), dm the nearest
    # piece midpoint's distance; a piece whose midpoint is more than g + h away in space holds
    # no point within g (searched by cube of space: one k-d tree search per point took ~3/4
    # of the time; one ball around each run of 32 probes was slower still, 9.3 -> 16.6 s on an
    # hour against Finland, from the local planes of its many more pairs)
    pi, pk = _cubes(pe).balls(ecef(lon, lat))
    # each candidate edge once per point (pieces come in order, and an edge's pieces are
    # consecutive), in the point's own plane
    ej = edge_of[pk]
    once = np.ones(pi.size, bool)
    once[1:] = (pi[1:] != pi[:-1]) | (ej[1:] != ej[:-1])
    pi, ej = pi[once], ej[once]
    x1, y1 = local_xy(pe.lon1[ej], pe.lat1[ej], lon, lat, pi)
    x2, y2 = local_xy(pe.lon2[ej], pe.lat2[ej], lon, lat, pi)
    dx, dy = x2 - x1, y2 - y1
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    length = np.sqrt(len2)
    u = np.clip(-(x1 * dx + y1 * dy) / len2, 0.0, 1.0)
    approx = hyp(x1 + u * dx, y1 + u * dy)
    # the edge lies within approx + length of the point: the plane is off by eps there
    reach = approx + length
    eps = plane_error(reach)
    sure = np.full(n, np.inf)  # the nearest edge is surely no farther than this
    np.minimum.at(sure, pi, approx * (1.0 + 3.0 * eps) + 5.0)
    best = np.full(n, np.inf)
    np.minimum.at(best, pi, approx)
    keep = np.flatnonzero(approx * (1.0 - 3.0 * eps) - 5.0 <= sure[pi])
    pi = pi[keep]
    return best, pi, ej[keep], u[keep], length[keep], approx[keep], reach[keep], eps[keep]
