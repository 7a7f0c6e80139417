"""A circle's chords skip the densifying pass only where it would add nothing: its edges are
exactly those of the densified ring, whatever the radius, tolerance and longest edge."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.geometry.boundary import densify_geodesic, polygon_edges, ring_points
from overflight.geometry.geodesic import inverse
from overflight.model import Circle, Polygon


@settings(max_examples=150, deadline=None)
@given(
    lat=st.floats(-80.0, 80.0),
    lon=st.floats(-179.0, 179.0),
    radius=st.floats(50.0, 2_000_000.0),
    tol=st.sampled_from([0.1, 1.0, 50.0, 2_000.0]),
    max_len=st.floats(20.0, 30_000.0),
)
def test_circle_edges_equal_the_densified_ring(
    lat: float, lon: float, radius: float, tol: float, max_len: float
) -> None:
    circle = Circle(lat, lon, radius)
    pe = polygon_edges(Polygon(circle), tol_m=tol, max_len_m=max_len)
    rlon, rlat = densify_geodesic(*ring_points(circle, tol_m=tol), max_len)
    ((lon_out, lat_out),) = pe.rings
    np.testing.assert_array_equal(lon_out, rlon)
    np.testing.assert_array_equal(lat_out, rlat)
    _, _, length = inverse(rlon, rlat, np.roll(rlon, -1), np.roll(rlat, -1))
    assert length.max() <= max_len * (1 + 1e-9)


def test_a_coarse_circle_is_still_densified() -> None:
    # 2,000 km at a 2 km tolerance: 100 chords of ~125 km, each cut in 7 of <= 20 km
    pe = polygon_edges(Polygon(Circle(50.0, 10.0, 2_000_000.0)), tol_m=2_000.0)
    n_chords = len(ring_points(Circle(50.0, 10.0, 2_000_000.0), tol_m=2_000.0)[0])
    assert len(pe) == 7 * n_chords == 700
