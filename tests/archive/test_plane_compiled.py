"""The crossings' compiled plane transform is :func:`local_xy` to the last bits or so: near
the centre by the series of its sines and arc sine, farther (and past a quarter of the
globe) by libm."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from switches import compiled_path, numpy_path

from overflight.archive import batch_crossings
from overflight.archive.pairs_compiled import plane_xy_compiled
from overflight.geometry.frame import local_xy


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    spread=st.sampled_from([0.001, 0.05, 0.5, 3.0, 20.0, 170.0]),
    c_lat=st.floats(-85.0, 85.0),
    c_lon=st.floats(-180.0, 180.0),
)
def test_compiled_plane_equals_local_xy(
    seed: int, spread: float, c_lat: float, c_lon: float
) -> None:
    rng = np.random.default_rng(seed)
    centres_lon = c_lon + rng.uniform(-1, 1, 5)
    centres_lat = np.clip(c_lat + rng.uniform(-1, 1, 5), -89.0, 89.0)
    which = rng.integers(0, 5, 400)
    lon = centres_lon[which] + rng.uniform(-spread, spread, 400)
    lat = np.clip(centres_lat[which] + rng.uniform(-spread, spread, 400) / 2, -89.9, 89.9)
    points = rng.permutation(400)  # each result's own point, in another order
    x, y = plane_xy_compiled(lon, lat, centres_lon, centres_lat, which[points], points)
    rx, ry = local_xy(lon, lat, centres_lon, centres_lat, which[points], points)
    scale = np.hypot(rx, ry) + 1e-6
    assert np.all(np.abs(x - rx) <= 2e-14 * scale)
    assert np.all(np.abs(y - ry) <= 2e-14 * scale)


def test_the_centre_itself_is_the_origin() -> None:
    x, y = plane_xy_compiled(
        np.array([10.0]), np.array([50.0]), np.array([10.0]), np.array([50.0]),
        np.zeros(1, np.int64), np.zeros(1, np.int64),
    )  # fmt: skip
    assert x[0] == 0.0 and y[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 400))
def test_segments_in_reach_compiled_equal_the_numpy_test(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    k_r = rng.uniform(1_000.0, 80_000.0, 4)
    kf = np.sort(rng.integers(0, 4, n))
    x = rng.normal(0.0, 60_000.0, n)
    y = rng.normal(0.0, 60_000.0, n)
    x[::5] = x[::5] / 100  # some near the centre
    x[1::7] = np.nan  # a point where the plane failed: never in reach
    nxt = rng.random(n) < 0.85
    nxt[-1] = False
    nxt[np.flatnonzero(np.diff(kf))] = False  # a pair's last fix: no segment onward
    with compiled_path():
        got = batch_crossings._in_reach(x, y, nxt, kf, k_r)
    with numpy_path():
        want = batch_crossings._in_reach(x, y, nxt, kf, k_r)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64
