"""The exact distance skips the geodesics to an edge's ends for (point, edge) pairs whose plane
foot is clear of both ends (``clear_of_ends``): every such foot is truly inside its geodesic
edge, and every distance and foot is bit for bit what the full computation (both ends, then
the foot) gives. Footprints of every kind and size (up to high latitudes with long edges),
points from the centre out to well beyond the boundary."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints

from overflight.geometry import distance, distance_many
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.distance_many import boundary_distances
from overflight.model import Polygon, Vertex


def _points(fp, data, n: int = 25) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = [], []
    for _ in range(n):
        az = data.draw(st.floats(0.0, 360.0))
        p = direct(fp.clat, fp.clon, az, fp.radius_m * data.draw(st.floats(0.0, 3.0)))
        lat.append(p[0])
        lon.append(p[1])
    return np.array(lon), np.array(lat)


@settings(max_examples=80, deadline=None)
@given(fp=footprints(kinds=("convex", "concave", "sector", "arc_side")), data=st.data())
def test_clear_feet_are_inside_and_change_nothing(fp, data) -> None:
    pe = polygon_edges(fp.polygon)
    lon, lat = _points(fp, data)
    _, pi, ej, _, clear, _ = distance._approx(lon, lat, pe)
    if clear.any():
        # each clear foot lies strictly inside its edge: the edge turns away from X at both ends
        az1, az2, _ = pe.geodesics()
        k, j = pi[clear], ej[clear]
        _, _, g0, g1 = distance._ends(
            lon[k], lat[k], pe.lon1[j], pe.lat1[j], pe.lon2[j], pe.lat2[j], az1[j], az2[j]
        )
        assert (g0 > 0).all() and (g1 < 0).all()
    got = boundary_distance(lon, lat, pe)
    many = boundary_distances(lon, lat, np.zeros(lon.size, np.int64), [pe])
    saved = distance.clear_of_ends

    def never(u, *a):
        return np.zeros(u.shape, bool)

    distance.clear_of_ends = distance_many.clear_of_ends = never
    try:
        want = boundary_distance(lon, lat, pe)
        want_many = boundary_distances(lon, lat, np.zeros(lon.size, np.int64), [pe])
    finally:
        distance.clear_of_ends = distance_many.clear_of_ends = saved
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(many, want_many)


def test_most_feet_of_a_long_edge_are_clear() -> None:
    """The shortcut applies where it should: points beside the middle of long edges."""
    pe = polygon_edges(Polygon((Vertex(59, 24), Vertex(60, 24), Vertex(60, 26), Vertex(59, 26))))
    lat = np.linspace(59.2, 59.8, 7)
    lon = np.full(7, 24.5)
    _, _, _, u, clear, _ = distance._approx(lon, lat, pe)
    assert clear.sum() >= 5, (u, clear)


@settings(max_examples=60, deadline=None)
@given(
    fps=st.lists(footprints(kinds=("convex", "concave")), min_size=1, max_size=3), data=st.data()
)
def test_feet_beyond_an_end_are_that_end(fps, data) -> None:
    """Pairs whose plane foot lies well beyond an end (``beyond_end``) have that end as
    their nearest point on the geodesic edge, and the distances are bit for bit those of
    the full computation."""
    pes = [polygon_edges(fp.polygon) for fp in fps]
    lon_l, lat_l, w_l = [], [], []
    for k, fp in enumerate(fps):
        lo, la = _points(fp, data, 15)
        lon_l.append(lo)
        lat_l.append(la)
        w_l.append(np.full(lo.size, k, np.int64))
    lon, lat, w = np.concatenate(lon_l), np.concatenate(lat_l), np.concatenate(w_l)
    seen = []
    saved_ed = distance_many.edge_distance

    def spy(
        xlon, xlat, plon, plat, qlon, qlat, guess=None, edge=None, interior=None, end=None, **kw
    ):
        if end is not None and (end != 0).any():
            k = np.flatnonzero(end != 0)
            az1, az2 = edge[0][k], edge[1][k]
            d0, d1, g0, g1 = distance._ends(
                xlon[k], xlat[k], plon[k], plat[k], qlon[k], qlat[k], az1, az2
            )
            seen.append((end[k], d0, d1, g0, g1))
        return saved_ed(xlon, xlat, plon, plat, qlon, qlat, guess, edge, interior, end, **kw)

    distance_many.edge_distance = spy
    try:
        got = boundary_distances(lon, lat, w, pes)
    finally:
        distance_many.edge_distance = saved_ed
    for end, d0, d1, g0, g1 in seen:
        p_side = end < 0
        assert (d0[p_side] <= d1[p_side]).all() and (g0[p_side] <= 0).all()
        assert (d1[~p_side] <= d0[~p_side]).all() and (g1[~p_side] >= 0).all()
    saved = distance_many.beyond_end
    distance_many.beyond_end = lambda raw, *a: np.zeros(raw.shape, np.int8)
    try:
        want = boundary_distances(lon, lat, w, pes)
    finally:
        distance_many.beyond_end = saved
    np.testing.assert_array_equal(got, want)
