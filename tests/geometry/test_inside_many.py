"""``is_inside_many`` (points of many polygons at once: circles by one distance call, few-edge
polygons by one ray-casting pass) gives every point exactly ``is_inside``'s answer against its
own polygon: footprints of every kind and region, points from the centre to beyond the
boundary, some right on the ring."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.crossing import is_inside, is_inside_many


@settings(max_examples=60, deadline=None)
@given(fps=st.lists(footprints(), min_size=1, max_size=5), data=st.data())
def test_many_polygons_at_once_equal_one_at_a_time(fps, data) -> None:
    pes = [polygon_edges(fp.polygon) for fp in fps]
    lat, lon, which = [], [], []
    for _ in range(40):
        k = data.draw(st.integers(0, len(fps) - 1))
        fp = fps[k]
        scale = data.draw(st.sampled_from([0.0, 0.2, 0.7, 0.98, 1.0, 1.02, 1.5, 3.0]))
        p = direct(fp.clat, fp.clon, data.draw(st.floats(0.0, 360.0)), fp.radius_m * scale)
        lat.append(p[0])
        lon.append(p[1])
        which.append(k)
    lon_a, lat_a, w = np.array(lon), np.array(lat), np.array(which, np.int64)
    got = is_inside_many(lon_a, lat_a, w, pes)
    for k, pe in enumerate(pes):
        sel = w == k
        if sel.any():
            np.testing.assert_array_equal(got[sel], is_inside(lon_a[sel], lat_a[sel], pe))
    assert is_inside_many(lon_a[:0], lat_a[:0], w[:0], pes).size == 0
