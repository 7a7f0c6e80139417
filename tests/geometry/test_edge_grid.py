"""The edge grid (:mod:`overflight.geometry.edge_grid`) passes every box that the polygon's
edge tree pairs with some edge, including boxes that only touch an edge box at its side,
boxes beyond the grid and boxes of every size; and it passes few of the boxes far from the
boundary (which is what it is for)."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import footprints, ragged_coast

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.crossing import edge_bounds, edge_tree
from overflight.geometry.edge_grid import edge_grid


def _check(pe, xmin, ymin, xmax, ymax) -> np.ndarray:  # type: ignore[no-untyped-def]
    got = edge_grid(pe).touches(xmin, ymin, xmax, ymax)
    si, _ = edge_tree(pe).query(shapely.box(xmin, ymin, xmax, ymax), predicate="intersects")
    need = np.zeros(xmin.size, bool)
    need[si] = True
    assert not (need & ~got).any()  # no box the tree pairs is left out
    return got


def _boxes(rng: np.random.Generator, r: float, n: int) -> tuple[np.ndarray, ...]:
    cx, cy = rng.uniform(-1.6 * r, 1.6 * r, (2, n))
    w, h = rng.exponential(r / 50, (2, n))
    return cx - w, cy - h, cx + w, cy + h


@settings(max_examples=25, deadline=None)
@given(
    lat=st.floats(-80.0, 80.0),
    radius=st.floats(5_000.0, 900_000.0),
    n=st.integers(65, 500),
    straight=st.integers(0, 40),
    seed=st.integers(0, 1000),
)
def test_the_grid_passes_every_box_the_tree_pairs(lat, radius, n, straight, seed) -> None:
    pe = polygon_edges(ragged_coast(lat, 20.0, radius, n, seed, straight))
    rng = np.random.default_rng(seed)
    _check(pe, *_boxes(rng, radius, 3000))
    # boxes that only touch an edge box, at its corners and sides
    bx0, by0, bx1, by1 = edge_bounds(pe)
    z = np.zeros_like(bx0)
    for xmin, ymin, xmax, ymax in (
        (bx1, by1, bx1 + 10.0, by1 + 10.0),
        (bx0 - 10.0, by0 - 10.0, bx0, by0),
        (bx1, by0, bx1 + 1.0, by1),
        (bx0 + z, by1, bx1, by1 + 5.0),
    ):
        assert _check(pe, xmin, ymin, xmax, ymax).all()


@settings(max_examples=25, deadline=None)
@given(fp=footprints(), seed=st.integers(0, 1000))
def test_any_footprint(fp, seed) -> None:
    pe = polygon_edges(fp.polygon)
    _check(pe, *_boxes(np.random.default_rng(seed), fp.radius_m, 500))


def test_it_leaves_out_boxes_far_from_the_boundary() -> None:
    pe = polygon_edges(ragged_coast(58.5, 24.0, 300_000.0, 3000, 3, 0))
    rng = np.random.default_rng(0)
    got = _check(pe, *_boxes(rng, 300_000.0, 20_000))
    assert got.mean() < 0.5
    # a box at the centre, far inside, and one far outside: none
    lo, hi = np.array([-1e3, 2e6]), np.array([1e3, 2.1e6])
    far = lo, lo, hi, hi
    assert not edge_grid(pe).touches(*far).any()
    # NaN boxes (as the tree, which pairs none)
    nan = np.full(1, np.nan)
    assert not edge_grid(pe).touches(nan, nan, nan, nan).any()
