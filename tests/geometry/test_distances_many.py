"""``boundary_distances`` (points of many polygons in one pass: circles, few-edge polygons
ranked against every edge, larger ones through their k-d trees) gives each point the distance
that ``boundary_distance`` (one polygon, k-d tree of edge midpoints) gives it, exact and in
the plane; by the compiled pass and by the numpy path."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints
from switches import compiled_path, numpy_path

from overflight.geometry import distance_many
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import approx_boundary_distance, boundary_distance
from overflight.geometry.distance_many import boundary_distances


@settings(max_examples=60, deadline=None)
@given(fps=st.lists(footprints(), min_size=1, max_size=4), data=st.data())
def test_many_polygons_at_once_equal_one_at_a_time(fps, data) -> None:
    pes = [polygon_edges(fp.polygon) for fp in fps]
    lon, lat, which = [], [], []
    for _ in range(30):
        k = data.draw(st.integers(0, len(fps) - 1))
        fp = fps[k]
        az = data.draw(st.floats(0.0, 360.0)) + 0.0123
        p = direct(fp.clat, fp.clon, az, fp.radius_m * data.draw(st.floats(0.01, 2.5)))
        lat.append(p[0])
        lon.append(p[1])
        which.append(k)
    lon_a, lat_a, w = np.array(lon), np.array(lat), np.array(which)
    for compiled in (True, False):
        with compiled_path() if compiled else numpy_path():
            exact = boundary_distances(lon_a, lat_a, w, pes)
            plane = boundary_distances(lon_a, lat_a, w, pes, exact=False)
        for k, pe in enumerate(pes):
            sel = w == k
            if not sel.any():
                continue
            one = boundary_distance(lon_a[sel], lat_a[sel], pe)[0]
            np.testing.assert_allclose(exact[sel], one, rtol=0, atol=1e-6)
            np.testing.assert_allclose(
                plane[sel],
                approx_boundary_distance(lon_a[sel], lat_a[sel], pe),
                rtol=1e-12,
                atol=1e-6,
            )
    # the numpy path works in chunks of a bounded number of pairs: same values
    many = np.repeat(np.arange(lon_a.size), 3)
    saved = distance_many._PAIRS
    distance_many._PAIRS = 50  # a few points per chunk
    try:
        with numpy_path():
            again = boundary_distances(lon_a[many], lat_a[many], w[many], pes)
    finally:
        distance_many._PAIRS = saved
    np.testing.assert_array_equal(again, exact[many])
