"""The depth search in a wide polygon (a national airspace: hundreds of kilometres across,
thousands of coastline edges, ranked in each point's own plane) and the closest approach to it:
no sample of the track, every 5 m and then every 0.5 mm around the best, is better by 0.5 mm.
Its margins follow the points' own planes (:func:`~overflight.geometry.distance_wide.rank_radius`),
not the polygon's plane: an hour of traffic against Estonia took a third of the exact distances."""

from __future__ import annotations

import numpy as np
from extrema_cases import track_across
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from sampled import sampled_extremum
from strategies import ragged_coast

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.distance_wide import rank_radius, wide
from overflight.geometry.extremum import distance_extrema


@settings(max_examples=8, deadline=None)
@given(
    lat=st.floats(-70.0, 70.0),
    lon=st.floats(-180.0, 180.0),
    radius=st.floats(150_000.0, 350_000.0),
    n=st.integers(150, 400),
    straight=st.integers(0, 12),
    seed=st.integers(0, 1000),
    az=st.floats(0.0, 360.0),
    miss=st.floats(-0.9, 0.9),
    maximize=st.booleans(),
)
def test_the_depth_in_a_wide_polygon_beats_brute_force(
    lat, lon, radius, n, straight, seed, az, miss, maximize
) -> None:
    pe = polygon_edges(ragged_coast(lat, lon, radius, n, seed, straight))
    assert wide(pe) and rank_radius(pe) < 0.2 * pe.radius_m
    rng = np.random.default_rng(seed)
    path = track_across(lat, lon, radius, az, miss, rng)
    a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
    if not maximize:  # the closest approach from outside: the stretch before the entry
        a, b = path.time[0], path.time[0] + 0.4 * (path.time[-1] - path.time[0])
    sign = 1.0 if maximize else -1.0
    ((d, t, plon, plat),) = distance_extrema([(path, pe, float(a), float(b))], maximize=maximize)
    assert a <= t <= b
    lon_t, lat_t = path.point_at(np.array([t]))
    assert (plon, plat) == (lon_t[0], lat_t[0])
    assert abs(boundary_distance(lon_t, lat_t, pe)[0][0] - d) < 1e-6
    assert (
        sign * d >= sign * sampled_extremum(path, pe, float(a), float(b), sign, fine=4_001) - 5e-4
    )


@settings(max_examples=10, deadline=None)
@given(
    lat=st.floats(-75.0, 75.0),
    lon=st.floats(-180.0, 180.0),
    radius=st.floats(150_000.0, 900_000.0),
    n=st.integers(150, 500),
    straight=st.integers(0, 30),
    seed=st.integers(0, 1000),
)
def test_a_wide_polygons_ranking_is_within_its_margin(lat, lon, radius, n, straight, seed) -> None:
    """What the search's margins assume: the ranking distance of a point of a wide polygon is
    within ``3 plane_error(rank_radius + d) d + 5 m`` of the exact distance ``d`` (measured:
    within 4 % of that margin, and ~250 m at most 900 km inside)."""
    from overflight.geometry.distance import approx_boundary_distance
    from overflight.geometry.frame import plane_error

    pe = polygon_edges(ragged_coast(lat, lon, radius, n, seed, straight))
    rng = np.random.default_rng(seed)
    pts = [direct(lat, lon, rng.uniform(0, 360), radius * rng.uniform(0, 1.5)) for _ in range(200)]
    plat, plon = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    exact = boundary_distance(plon, plat, pe)[0]
    margin = 3.0 * plane_error(rank_radius(pe) + exact) * exact + 5.0
    assert (np.abs(approx_boundary_distance(plon, plat, pe) - exact) <= margin).all()
