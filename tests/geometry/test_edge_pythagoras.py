"""``edge_distance(..., distance_only=True)``: Newton's steps start from the foot in the point's
own plane and a short first step is finished by Pythagoras instead of a second geodesic step.
The distances stay within 1e-8 m of the full computation's (on the edge itself, within the
Newton tolerance), for edges of 1 m to 50 km
anywhere on the globe (poles, the antimeridian), points on either side from 0 to 80 km away,
feet inside, at and beyond the ends, and guesses anywhere on the edge."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import OracleBoundary, direct
from strategies import footprints
from switches import compiled_path, numpy_path

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import edge_distance
from overflight.geometry.distance_many import boundary_distances
from overflight.geometry.geodesic import forward


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-89.0, 89.0),
    lon=st.floats(-180.0, 180.0),
    az=st.floats(0.0, 360.0),
    length=st.sampled_from([1.0, 150.0, 2_000.0, 20_000.0, 50_000.0]),
    data=st.data(),
)
def test_pythagoras_finish_is_the_full_distance(lat, lon, az, length, data) -> None:
    n = 12
    qlon, qlat, _ = forward(lon, lat, az, length)
    f = np.array([data.draw(st.floats(-0.3, 1.3)) for _ in range(n)])
    side = np.array([data.draw(st.sampled_from([-1.0, 1.0])) for _ in range(n)])
    off = np.array([data.draw(st.sampled_from([0.0, 5.0, 150.0, 3e3, 2e4, 8e4])) for _ in range(n)])
    # points abeam of the edge's geodesic (before, along and after it), either side
    mlon, mlat, maz = forward(np.full(n, lon), np.full(n, lat), np.full(n, az), f * length)
    xlon, xlat, _ = forward(mlon, mlat, maz + 90.0 * side, off)
    guess = np.array([data.draw(st.floats(0.0, 1.0)) for _ in range(n)])
    p = (np.full(n, lon), np.full(n, lat), np.full(n, float(qlon)), np.full(n, float(qlat)))
    full, _, _ = edge_distance(xlon, xlat, *p, guess)
    fast, _, _ = edge_distance(xlon, xlat, *p, guess, distance_only=True)
    # within 1e-8 m; on the edge itself both stop within the Newton tolerance (1e-5 m) of
    # the foot, each from its own start
    tol = np.where(full > 1.0, 1e-8, 2e-5)
    assert (np.abs(fast - full) <= tol).all(), np.abs(fast - full).max()


@settings(max_examples=25, deadline=None)
@given(fp=footprints(kinds=("convex", "concave")), data=st.data())
def test_boundary_distances_agree_with_the_independent_oracle(fp, data) -> None:
    """The exact distances of the depth search (few-edge polygons: the Pythagoras finish),
    by the compiled pass and by the numpy path, against geographiclib's dense geodesic
    search on the same boundary (tests/oracle.py)."""
    pe = polygon_edges(fp.polygon)
    oracle = OracleBoundary([fp.polygon])
    pts = [
        direct(fp.clat, fp.clon, data.draw(st.floats(0.0, 360.0)),
               fp.radius_m * data.draw(st.floats(0.0, 2.5)))
        for _ in range(6)
    ]  # fmt: skip
    lat = np.array([p[0] for p in pts])
    lon = np.array([p[1] for p in pts])
    both = []
    for path in (compiled_path, numpy_path):  # the compiled pass and the numpy path
        with path():
            both.append(boundary_distances(lon, lat, np.zeros(lat.size, np.int64), [pe]))
    for i in range(lat.size):
        _, upper, lower = oracle.probe(float(lat[i]), float(lon[i]), 0.005)
        for got in both:
            assert lower - 1e-6 <= got[i] <= upper + 1e-6, (got[i], lower, upper)
