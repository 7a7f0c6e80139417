"""The compiled ranking of a wide polygon's nearest edges (:mod:`overflight.geometry.
distance_wide_compiled`) gives what the numpy path gives: the same (point, edge) pairs in the
same order, and plane values equal to the last bits of the trigonometry (a nanometre on
distances of hundreds of kilometres). Ragged coasts up to 900 km across at any latitude,
points scattered over and beyond them and points along tracks (which share cubes), and
the exact distances built on them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from sampled import least_edge_distance
from strategies import ragged_coast

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.distance_wide import nearest_edges, wide
from overflight.geometry.jit import compiled_for_all


def _both(monkeypatch: pytest.MonkeyPatch, f, *args):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OVERFLIGHT_COMPILED", "0")
    want = f(*args)
    monkeypatch.setenv("OVERFLIGHT_COMPILED", "1")
    with compiled_for_all():
        got = f(*args)
    return got, want


def _points(lat: float, lon: float, radius: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scattered = [
        direct(lat, lon, rng.uniform(0, 360), radius * rng.uniform(0, 1.5)) for _ in range(300)
    ]
    # a track across: 1 km steps, many points per cube
    a = direct(lat, lon, rng.uniform(0, 360), radius * 1.2)
    az = rng.uniform(0, 360)
    track = [direct(a[0], a[1], az, k * 1000.0) for k in range(int(radius * 2.4 / 1000))]
    pts = scattered + track
    return np.array([p[1] for p in pts]), np.array([p[0] for p in pts])


@settings(max_examples=12, deadline=None)
@given(
    lat=st.floats(-75.0, 75.0),
    lon=st.floats(-180.0, 180.0),
    radius=st.floats(150_000.0, 450_000.0),
    n=st.integers(120, 600),
    seed=st.integers(0, 1000),
)
def test_compiled_ranking_equals_numpy(lat, lon, radius, n, seed) -> None:
    with pytest.MonkeyPatch.context() as mp:
        pe = polygon_edges(ragged_coast(lat, lon, radius, n, seed, 5))
        assert wide(pe)
        plon, plat = _points(lat, lon, radius, seed)
        got, want = _both(mp, nearest_edges, plon, plat, pe)
        best, pi, ej = got[:3]
        np.testing.assert_array_equal(pi, want[1])
        np.testing.assert_array_equal(ej, want[2])
        assert pi.size >= plon.size  # every point has a candidate
        # plane values: the same to the trigonometry's last bits
        np.testing.assert_allclose(best, want[0], rtol=1e-12, atol=1e-9)
        for a, b in zip(got[3:], want[3:], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
        # and the exact distances built on them (the same pairs; Newton's steps start from
        # feet equal to the last bits)
        d_got, d_want = _both(mp, lambda *a: boundary_distance(*a)[0], plon, plat, pe)
        np.testing.assert_allclose(d_got, d_want, rtol=0, atol=1e-6)
        # and, through the compiled pass, the least exact distance over every edge
        some = slice(0, None, 40)
        np.testing.assert_allclose(
            d_got[some], least_edge_distance(plon[some], plat[some], pe), rtol=0, atol=1e-6
        )
