"""The edges kept for a group of points (near_edges) hold every edge that could be nearest to
one of them, or within the exact pass's reach of the nearest: a distance over them equals the
distance over all edges, to the bit, in the plane and exactly."""

from __future__ import annotations

import math

import numpy as np
from extrema_cases import star
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.geometry import distance_many
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance_compiled import distance_from, near_edges
from overflight.geometry.distance_many import EdgeTable
from overflight.geometry.frame import plane_error
from overflight.geometry.frame_compiled import plane_xy
from overflight.geometry.geodesic import forward


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    spread=st.sampled_from([1.0, 30.0, 500.0, 5_000.0, 40_000.0]),
    n=st.integers(1, 20),
)
def test_the_kept_edges_give_every_points_distance(seed: int, spread: float, n: int) -> None:
    rng = np.random.default_rng(seed)
    lat0, lon0 = float(rng.uniform(-70, 70)), float(rng.uniform(-180, 180))
    pe = polygon_edges(star(lat0, lon0, float(rng.uniform(3_000, 60_000)), 24, rng))
    table = EdgeTable([pe]).arrays()
    # a group of points within ``spread`` of a place anywhere in or near the polygon
    lon_c, lat_c, _ = forward(lon0, lat0, rng.uniform(0, 360), rng.uniform(0, 1.3) * pe.radius_m)
    lon, lat, _ = forward(
        np.full(n, lon_c), np.full(n, lat_c), rng.uniform(0, 360, n), rng.uniform(0, spread, n)
    )
    xy = np.array(
        [plane_xy(a, b, pe.center_lon, pe.center_lat) for a, b in zip(lon, lat, strict=True)]
    )
    edges, gaps = np.empty(len(pe), np.int64), np.empty(len(pe))
    k = near_edges(xy[:, 0].copy(), xy[:, 1].copy(), n, 0, table, edges, gaps)
    kept = set(edges[:k].tolist())
    (
        ex1,
        ey1,
        _,
        _,
    ) = pe.plane()
    dx, dy = table[7], table[8]
    g = distance_many._compiled_struct()
    buf = np.empty(3)
    for (x, y), a, b in zip(xy, lon, lat, strict=True):
        # every edge within the exact pass's reach of the point's nearest is kept
        u = np.clip(((x - ex1) * dx + (y - ey1) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
        gap = np.hypot(x - (ex1 + u * dx), y - (ey1 + u * dy))
        eps = float(plane_error(max(math.hypot(x, y), pe.radius_m)))
        assert set(np.flatnonzero(gap <= gap.min() * (1 + 3 * eps) + 5.0).tolist()) <= kept
        if g is None:
            continue
        for exact in (False, True):
            args = (x, y, a, b, 0, table, exact, g.ctypes.data, buf.ctypes.data, buf)
            assert distance_from(*args, edges, k) == distance_from(*args, edges, -1)
    if spread <= 30.0 and pe.radius_m > 5 * spread:
        assert k < len(pe)  # a small group keeps fewer edges than all


def test_a_group_deep_inside_keeps_only_the_edges_near_it() -> None:
    """Points a few metres apart, 2 km inside one side of a 24-gon 80 km across: the edges
    near that side, not the far ones."""
    rng = np.random.default_rng(1)
    pe = polygon_edges(star(50.0, 8.0, 40_000.0, 24, rng))
    i = 5
    mid_lon, mid_lat = (pe.lon1[i] + pe.lon2[i]) / 2, (pe.lat1[i] + pe.lat2[i]) / 2
    lon, lat, _ = forward(mid_lon, mid_lat, 0.0, 0.0)
    x, y = plane_xy(float(lon), float(lat), pe.center_lon, pe.center_lat)
    # 2 km towards the centre
    r = math.hypot(x, y)
    xs = np.array([x * (1 - 2_000 / r) + d for d in (0.0, 3.0, 6.0)])
    ys = np.array([y * (1 - 2_000 / r) for _ in range(3)])
    edges, gaps = np.empty(len(pe), np.int64), np.empty(len(pe))
    k = near_edges(xs, ys, 3, 0, EdgeTable([pe]).arrays(), edges, gaps)
    assert i in edges[:k].tolist()
    assert k <= 6


def test_the_far_side_of_a_corridor_is_kept_for_a_point_midway() -> None:
    """Two points 200 m apart across a corridor 10 km wide: the centre of the two is nearer
    one side, but the point midway is as near the other side, so both sides are kept (the
    bound's worst case: that point's best is the centre's plus the group's radius, and the
    far side's gap from it the centre's less that radius)."""
    from overflight.model import Polygon, Vertex

    w = 0.09  # degrees of latitude, ~10 km
    pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(w, 0), Vertex(w, 1), Vertex(0, 1))))
    table = EdgeTable([pe]).arrays()
    lat = np.array([w / 2 - 200 / 111_320, w / 2])
    lon = np.full(2, 0.5)
    xy = np.array(
        [plane_xy(a, b, pe.center_lon, pe.center_lat) for a, b in zip(lon, lat, strict=True)]
    )
    edges, gaps = np.empty(len(pe), np.int64), np.empty(len(pe))
    k = near_edges(xy[:, 0].copy(), xy[:, 1].copy(), 2, 0, table, edges, gaps)
    sides = {  # the pieces of the two long sides (geodesics, bowing) either side of the points
        i
        for i in range(len(pe))
        if pe.lon1[i] != pe.lon2[i]
        and min(pe.lon1[i], pe.lon2[i]) - 1e-9 <= 0.5 <= max(pe.lon1[i], pe.lon2[i]) + 1e-9
    }
    assert len(sides) == 4 and sides <= set(edges[:k].tolist())
