"""A wide polygon's candidate pieces found by cube of space (:mod:`overflight.geometry.
distance_cells`) are exactly those of one k-d tree search per point: every piece midpoint
within ``arc_bound(dm) + h + 1`` of the point, ``dm`` its nearest midpoint's distance, for
points on and off the boundary, cubes of any size, lists kept from call to call or dropped
when full, and several threads at once (the Dask engine's)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import ragged_coast

from overflight.geometry import distance_cells
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance_cells import CubeLists
from overflight.geometry.distance_wide import arc_bound, ecef, piece_tree


def _per_point(tree, half: float, pts: np.ndarray) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    dm, _ = tree.query(pts)
    lists = tree.query_ball_point(pts, arc_bound(dm) + half + 1.0)
    return {(i, int(k)) for i, lst in enumerate(lists) for k in lst}


def _points(lat: float, lon: float, radius: float, seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pts = [direct(lat, lon, rng.uniform(0, 360), radius * rng.uniform(0, 1.6)) for _ in range(n)]
    return ecef(np.array([p[1] for p in pts]), np.array([p[0] for p in pts]))


@settings(max_examples=10, deadline=None)
@given(
    lat=st.floats(-80.0, 80.0),
    lon=st.floats(-180.0, 180.0),
    radius=st.floats(150_000.0, 900_000.0),
    n=st.integers(150, 400),
    seed=st.integers(0, 1000),
    cell=st.sampled_from([250.0, 1000.0, 7000.0, 50_000.0]),
)
def test_cube_lists_give_each_points_own_ball(lat, lon, radius, n, seed, cell) -> None:
    tree, half, _ = piece_tree(polygon_edges(ragged_coast(lat, lon, radius, n, seed, 5)))
    cubes = CubeLists(tree, half, arc_bound, cell)
    for k in range(3):  # the second and third calls reuse some cubes' lists
        pts = _points(lat, lon, radius, seed + k % 2, 300)
        pi, pk = cubes.balls(pts)
        assert np.array_equal(np.lexsort((pk, pi)), np.arange(pi.size))  # by point, piece
        got = set(zip(pi.tolist(), pk.tolist(), strict=True))
        assert len(got) == pi.size
        assert got == _per_point(tree, half, pts)


def test_full_lists_are_dropped_and_threads_share_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distance_cells, "_KEEP", 500)
    tree, half, _ = piece_tree(polygon_edges(ragged_coast(59.0, 25.0, 300_000.0, 300, 7, 5)))
    cubes = CubeLists(tree, half, arc_bound, 2000.0)
    batches = [_points(59.0, 25.0, 300_000.0, s, 200) for s in range(16)]
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(cubes.balls, batches))
    assert len(cubes.lists) < 16 * 200
    for pts, (pi, pk) in zip(batches, got, strict=True):
        assert set(zip(pi.tolist(), pk.tolist(), strict=True)) == _per_point(tree, half, pts)
