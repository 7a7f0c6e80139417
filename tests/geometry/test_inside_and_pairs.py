"""The plane shortcuts of the crossing code give the exact answers: ``is_inside`` (ray casting
in the local plane away from the boundary) equals the geodesic winding number everywhere,
including metres from edges and vertices; ``crossings`` (box pairs narrowed by ``near_pairs``)
finds exactly the crossings that every (segment, edge) pair gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints, tracks_near

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.crossing import crossing_pairs, crossings, is_inside, winding_inside


@settings(max_examples=150, deadline=None)
@given(fp=footprints(), data=st.data())
def test_is_inside_is_the_winding_number(fp, data) -> None:
    pe = polygon_edges(fp.polygon)
    lat, lon = [], []
    for _ in range(12):  # anywhere around the footprint
        az = data.draw(st.floats(0.0, 360.0)) + 0.0123
        p = direct(fp.clat, fp.clon, az, fp.radius_m * data.draw(st.floats(0.01, 2.5)))
        lat.append(p[0])
        lon.append(p[1])
    for _ in range(12):  # a little off a vertex or an edge's middle, either way
        e = data.draw(st.integers(0, len(pe) - 1))
        f = data.draw(st.sampled_from([0.0, 0.5]))
        vlat = pe.lat1[e] + f * (pe.lat2[e] - pe.lat1[e])
        vlon = pe.lon1[e] + f * ((pe.lon2[e] - pe.lon1[e] + 180.0) % 360.0 - 180.0)
        az = data.draw(st.floats(0.0, 360.0)) + 0.0123
        p = direct(vlat, vlon, az, data.draw(st.sampled_from([0.5, 5.0, 50.0, 150.0, 400.0])))
        lat.append(p[0])
        lon.append(p[1])
    lon_a, lat_a = np.array(lon), np.array(lat)
    assert is_inside(lon_a, lat_a, pe).tolist() == winding_inside(lon_a, lat_a, pe).tolist()


def test_is_inside_deep_and_far_points_skip_the_winding_number(monkeypatch) -> None:
    """Points well inside or well outside are answered in the plane alone."""
    from overflight.geometry import crossing
    from overflight.model import Circle, Polygon

    pe = polygon_edges(Polygon(Circle(60.0, 25.0, 20_000.0)))
    calls = []
    monkeypatch.setattr(crossing, "winding_inside", lambda *a: calls.append(a))
    got = crossing.is_inside(np.array([25.0, 25.0, 26.0]), np.array([60.0, 60.1, 60.0]), pe)
    assert got.tolist() == [True, True, False]
    assert calls == []


@settings(max_examples=150, deadline=None)
@given(fp=footprints(), data=st.data())
def test_crossings_equal_every_pair(fp, data) -> None:
    pe = polygon_edges(fp.polygon)
    track = data.draw(tracks_near(fp, max_fixes=8))
    lon, lat = track.lon, track.lat
    seg, frac = crossings(lon, lat, pe)
    n, m = len(lon) - 1, len(pe)
    si, ej = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    k, t = crossing_pairs(
        lon[si],
        lat[si],
        lon[si + 1],
        lat[si + 1],
        pe.lon1[ej],
        pe.lat1[ej],
        pe.lon2[ej],
        pe.lat2[ej],
    )
    order = np.lexsort((t, si[k]))
    assert seg.tolist() == si[k][order].tolist()
    assert frac.tolist() == t[order].tolist()
