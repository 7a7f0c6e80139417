"""The crossing root search (regula falsi on the metric offset from the edge's geodesic)
puts each crossing where the track meets the edge: a step of the along-track tolerance to
either side lands on opposite sides of the edge. Segments of metres to 200 km, anywhere
(poles, the antimeridian), crossing at any angle down to grazing ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.geometry.crossing import ON_LINE_M, crossing_pairs, offset, side
from overflight.geometry.geodesic import angle_diff, forward, inverse


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-88.0, 88.0),
    lon=st.floats(-180.0, 180.0),
    az_edge=st.floats(0.0, 360.0),
    cross=st.one_of(st.floats(0.5, 179.5), st.sampled_from([0.05, 179.95, 90.0])),
    edge=st.sampled_from([5.0, 300.0, 2e3, 2e4, 2e5]),
    length=st.sampled_from([2.0, 200.0, 2e3, 2e4, 2e5]),
    u=st.floats(0.05, 0.95),
    v=st.floats(0.02, 0.98),
)
def test_the_root_lies_on_the_edge(lat, lon, az_edge, cross, edge, length, u, v) -> None:
    # the edge P-Q through X0 at fraction u of it; the track A-B through X0 at fraction v
    plon, plat, _ = forward(lon, lat, az_edge + 180.0, edge * u)
    qlon, qlat, _ = forward(lon, lat, az_edge, edge * (1 - u))
    _, _, az_here = inverse(plon, plat, lon, lat)
    az_track = az_here + cross
    alon, alat, _ = forward(lon, lat, az_track + 180.0, length * v)
    blon, blat, _ = forward(lon, lat, az_track, length * (1 - v))
    arr = [np.atleast_1d(np.asarray(x, float)) for x in (alon, alat, blon, blat)]
    k, t = crossing_pairs(*arr, *(np.atleast_1d(x) for x in (plon, plat, qlon, qlat)))
    assert k.tolist() == [0]  # one crossing
    az_ab, _, d_ab = inverse(alon, alat, blon, blat)
    xlon, xlat, az_x = forward(alon, alat, az_ab, d_ab * t[0])
    # the track's angle with the edge at the root: the offset's rate along the track
    az_pq, _, _ = inverse(plon, plat, qlon, qlat)
    _, az_at_x, _ = inverse(plon, plat, xlon, xlat)  # the edge's azimuth at X
    sin_cross = abs(np.sin(np.radians(angle_diff(az_x, az_at_x))))
    tol = ON_LINE_M / max(float(sin_cross), 1e-9) + 1e-6  # metres along the track
    steps = np.clip(d_ab * t[0] + np.array([-1.0, 1.0]) * tol * 1.5, 0.0, d_ab)
    slon, slat, _ = forward(np.repeat(alon, 2), np.repeat(alat, 2), np.repeat(az_ab, 2), steps)
    h = offset(np.repeat(plon, 2), np.repeat(plat, 2), np.repeat(az_pq, 2), slon, slat)
    s = side(np.repeat(plon, 2), np.repeat(plat, 2), np.repeat(az_pq, 2), slon, slat)
    assert np.array_equal(np.sign(h), np.sign(s))  # the offset keeps the side's signs
    assert h[0] * h[1] <= 0.0, (h, tol, t)
