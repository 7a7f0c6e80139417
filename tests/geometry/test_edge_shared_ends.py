"""The exact distance solves the geodesic from a point to a vertex once, however many of the
point's candidate edges end there (``PolygonEdges.vertex_ids``, ``end_keys``): every distance
and foot is bit for bit what one geodesic per (pair, end) gives, and there are fewer
geodesics. Footprints of every kind, wide ragged coasts (the national airspaces' many short
edges, where nearly every candidate pair shares its ends with its neighbours)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints, ragged_coast

from overflight.geometry import distance
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import boundary_distance


def _points(clat, clon, radius, data, n: int = 25) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = [], []
    for _ in range(n):
        az = data.draw(st.floats(0.0, 360.0))
        p = direct(clat, clon, az, radius * data.draw(st.floats(0.0, 2.0)))
        lat.append(p[0])
        lon.append(p[1])
    return np.array(lon), np.array(lat)


def _without_keys(lon, lat, pe) -> tuple[tuple[np.ndarray, ...], int, int]:
    """boundary_distance as computed with, then without, the shared ends; and how many end
    geodesics each solved."""
    calls = []
    saved_inv, saved_ends = distance.inverse, distance._ends

    def counting(*a):
        calls.append(np.size(a[0]))
        return saved_inv(*a)

    def no_keys(*a):
        return saved_ends(*a[:8])

    distance.inverse = counting
    try:
        got = boundary_distance(lon, lat, pe)
        with_keys = sum(calls)
        calls.clear()
        distance._ends = no_keys
        want = boundary_distance(lon, lat, pe)
        without = sum(calls)
    finally:
        distance.inverse, distance._ends = saved_inv, saved_ends
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
    return got, with_keys, without


@settings(max_examples=60, deadline=None)
@given(fp=footprints(kinds=("convex", "concave", "sector", "arc_side")), data=st.data())
def test_shared_ends_change_nothing(fp, data) -> None:
    pe = polygon_edges(fp.polygon)
    lon, lat = _points(fp.clat, fp.clon, fp.radius_m, data)
    _, with_keys, without = _without_keys(lon, lat, pe)
    assert with_keys <= without


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    lat=st.floats(-70.0, 70.0),
    radius=st.floats(20_000.0, 400_000.0),
    data=st.data(),
)
def test_shared_ends_on_a_wide_coast(seed, lat, radius, data) -> None:
    pe = polygon_edges(ragged_coast(lat, 20.0, radius, 900, seed, 40))
    lon, lat_ = _points(lat, 20.0, radius, data, 40)
    (d, _, _), with_keys, without = _without_keys(lon, lat_, pe)
    assert np.isfinite(d).all()
    # the candidates of a point run along the coast: ends are shared with a neighbour
    assert with_keys < without


def test_vertex_ids_are_the_ends_coordinates() -> None:
    pe = polygon_edges(ragged_coast(59.5, 25.0, 60_000.0, 300, 7, 10))
    p_id, q_id, nv = pe.vertex_ids()
    ends = np.concatenate(
        [np.column_stack([pe.lon1, pe.lat1]), np.column_stack([pe.lon2, pe.lat2])]
    )
    ids = np.concatenate([p_id, q_id])
    assert nv == len(np.unique(ends, axis=0))
    # equal ids <=> equal coordinates
    for v in range(nv):
        rows = ends[ids == v]
        assert (rows == rows[0]).all()
    first = {v: tuple(ends[np.flatnonzero(ids == v)[0]]) for v in range(nv)}
    assert len(set(first.values())) == nv
    # a closed ring: every vertex ends two edges
    assert (np.bincount(ids, minlength=nv) == 2).all()
