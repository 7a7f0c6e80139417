"""Wide polygons (national airspaces: hundreds of kilometres across, a dense coastline and a few
long straight limits) find their nearest edges through the 3-D piece tree and each point's own
plane (:mod:`overflight.geometry.distance_wide`): the distance to the boundary equals the
least exact distance over *every* edge, and a point deep inside pairs with a handful of edges,
not with every edge in a band of the polygon plane's error (which ran a 10M-row scan against
four national airspaces out of 24 GB of memory)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from sampled import least_edge_distance
from strategies import ragged_coast

from overflight.geometry import distance_wide
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import (
    _approx,
    approx_boundary_distance,
    approx_nearest,
    boundary_distance,
)
from overflight.geometry.frame import plane_error


@settings(max_examples=12, deadline=None)
@given(
    lat=st.floats(-75.0, 75.0),
    lon=st.floats(-180.0, 180.0),
    radius=st.floats(150_000.0, 900_000.0),
    n=st.integers(150, 500),
    straight=st.integers(0, 12),
    seed=st.integers(0, 1000),
    data=st.data(),
)
def test_wide_polygons_give_the_least_distance_over_every_edge(
    lat, lon, radius, n, straight, seed, data
) -> None:
    pe = polygon_edges(ragged_coast(lat, lon, radius, n, seed, straight))
    assert float(plane_error(pe.radius_m)) > distance_wide.WIDE_EPS
    pts = [
        direct(lat, lon, data.draw(st.floats(0.0, 360.0)), radius * data.draw(st.floats(0, 1.3)))
        for _ in range(12)
    ]
    plat, plon = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    got, flon, flat = boundary_distance(plon, plat, pe)
    want = least_edge_distance(plon, plat, pe)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    # the nearest point is on the boundary, that far from the point
    from overflight.geometry.geodesic import inverse

    _, _, d = inverse(plon, plat, flon, flat)
    np.testing.assert_allclose(d, got, rtol=0, atol=1e-3)


def test_a_point_deep_inside_pairs_with_few_edges() -> None:
    """150-250 km inside an 800 km-wide ragged polygon of 2,000 edges and a 100 km straight
    limit: a few tens of candidate edges per point, in a band of the point's own plane's
    error (the polygon's plane, 2.4 % off at that size, kept 48 at the median, 61 at the
    90th percentile, 143 at most; before its edges were cut into pieces, the k-d tree's
    search around each point also took every edge within the longest edge's length)."""
    pe = polygon_edges(ragged_coast(62.0, 26.0, 400_000.0, 2000, 3, 80))
    rng = np.random.default_rng(0)
    pts = [
        direct(62.0, 26.0, a, d)
        for a, d in zip(rng.uniform(0, 360, 200), rng.uniform(150e3, 250e3, 200), strict=True)
    ]
    lat, lon = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    pi = _approx(lon, lat, pe)[1]
    per = np.bincount(pi, minlength=lat.size)
    assert per.min() >= 1 and np.percentile(per, 90) <= 40 and per.max() <= 80, np.percentile(
        per, [50, 90, 100]
    )
    np.testing.assert_allclose(
        boundary_distance(lon[:10], lat[:10], pe)[0],
        least_edge_distance(lon[:10], lat[:10], pe),
        rtol=0,
        atol=1e-6,
    )


def test_each_points_nearest_edge_in_the_ranking() -> None:
    """Points 30 m to either side of an edge's middle (of a ragged 800 km-wide polygon of
    ~2,000 edges, and of one of ~100, not wide): their nearest edge is that edge, unless
    another is nearer, and the distances are the ranking's own."""
    from overflight.geometry.geodesic import forward, inverse

    for edges in (2000, 100):
        pe = polygon_edges(ragged_coast(62.0, 26.0, 400_000.0, edges, 3, 80))
        k = np.arange(0, len(pe), max(1, len(pe) // 60))
        az, _, length = inverse(pe.lon1[k], pe.lat1[k], pe.lon2[k], pe.lat2[k])
        mlon, mlat, back = forward(pe.lon1[k], pe.lat1[k], az, length / 2)
        lon, lat = [], []
        for side in (90.0, -90.0):
            plon, plat, _ = forward(mlon, mlat, back + side, np.full(k.size, 30.0))
            lon.append(plon)
            lat.append(plat)
        lon, lat = np.concatenate(lon), np.concatenate(lat)
        d, near = approx_nearest(lon, lat, pe)
        assert np.array_equal(d, approx_boundary_distance(lon, lat, pe))
        own = np.abs(d - 30.0) < 0.5  # (a few lie nearer another edge of a sharp spike)
        assert own.mean() > 0.95 and (d[~own] < 29.5).all()
        assert np.array_equal(near[own], np.r_[k, k][own])
