"""The depth search's exact rounds stop a bracket that cannot beat the best exact value
already found (``distance_extrema(..., prune=True)``, ``extremum_bounds.reach_bounds``): the
result is the one of the full search, to the bit, with fewer exact distances (an hour of
traffic against four national airspaces: 121,581 -> 33,137 in the exact rounds)."""

from __future__ import annotations

import numpy as np
from extrema_cases import random_stretches, track_across
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracle import inverse
from strategies import ragged_coast
from switches import numpy_path

import overflight.geometry.extremum as extremum
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.extremum import distance_extrema
from overflight.geometry.extremum_bounds import reach_bounds
from overflight.geometry.path import PathSet, TrackPath


class _Counted:
    """Counts the exact distances the exact rounds ask for (``extremum.grid_round``)."""

    def __init__(self) -> None:
        self.asked = 0
        self.real = extremum.grid_round

    def __call__(self, *args, **kw):  # type: ignore[no-untyped-def]
        out = self.real(*args, **kw)
        if args[8]:  # exact
            self.asked += len(out[2][0])
        return out


def _both(stretches: list, maximize: bool) -> tuple[list, list, int, int]:
    counted = _Counted()
    extremum.grid_round = counted
    try:
        with numpy_path():  # (the search this prunes: not the few-edge compiled pass)
            pruned = distance_extrema(stretches, maximize=maximize)
            n_pruned = counted.asked
            full = distance_extrema(stretches, maximize=maximize, prune=False)
    finally:
        extremum.grid_round = counted.real
    return pruned, full, n_pruned, counted.asked - n_pruned


@settings(deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
@example(seed=7, maximize=True)
@example(seed=7, maximize=False)
def test_pruning_changes_no_result(seed: int, maximize: bool) -> None:
    stretches = random_stretches(np.random.default_rng(seed), 2, 12)
    pruned, full, n_pruned, n_full = _both(stretches, maximize)
    assert pruned == full
    assert n_pruned <= n_full


@settings(max_examples=6, deadline=None)
@given(
    lat=st.floats(-65.0, 65.0),
    lon=st.floats(-180.0, 180.0),
    seed=st.integers(0, 1000),
    az=st.floats(0.0, 360.0),
)
@example(lat=59.5, lon=25.0, seed=3, az=70.0)
def test_pruning_in_a_wide_polygon_changes_no_result_and_saves_most_exact_distances(
    lat: float, lon: float, seed: int, az: float
) -> None:
    """A ragged coast 200 km across, crossed by tracks: their depth along a coast they
    follow has many near-equal peaks, each a bracket of the exact rounds."""
    pe = polygon_edges(ragged_coast(lat, lon, 200_000.0, 300, seed, 0))
    rng = np.random.default_rng(seed)
    stretches = []
    for k in range(4):
        path = track_across(lat, lon, 200_000.0, az + 45.0 * k, rng.uniform(-0.3, 0.3), rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        stretches.append((path, pe, float(a), float(b)))
    for maximize in (True, False):
        pruned, full, n_pruned, n_full = _both(stretches, maximize)
        assert pruned == full
        # the depth inside has many near-equal peaks (~75-80 % fewer exact distances in
        # these cases); the closest approach from outside, mostly one
        assert n_pruned < 0.6 * n_full if maximize else n_pruned <= n_full


@settings(deadline=None)
@given(
    centres=st.lists(st.floats(-500.0, 500.0), min_size=1, max_size=6),
    heights=st.lists(st.floats(0.0, 300.0), min_size=6, max_size=6),
    speed=st.floats(1.0, 300.0),
    lo=st.floats(-400.0, 300.0),
    width=st.floats(0.01, 200.0),
    points=st.sampled_from([3, 5, 9, 33]),
    ra=st.floats(-600.0, 600.0),
    span=st.floats(0.0, 600.0),
)
@example(centres=[0.0], heights=[100.0] * 6, speed=10.0, lo=-5.0, width=10.0, points=3,
         ra=-100.0, span=200.0)  # fmt: skip
def test_reach_bounds_hold_for_any_function_that_changes_no_faster_than_the_speed(
    centres: list[float],
    heights: list[float],
    speed: float,
    lo: float,
    width: float,
    points: int,
    ra: float,
    span: float,
) -> None:
    """f(t) = min over peaks of (height - speed |t - centre|), a distance to a boundary of
    several edges met one after another, changes by at most ``speed`` per second: its
    largest value on [ra, ra + span], densely sampled, is within the bound from the grid."""

    def f(t: np.ndarray) -> np.ndarray:
        c = np.array(centres)[:, None]
        h = np.array(heights[: len(centres)])[:, None]
        return np.min(h - speed * np.abs(t[None, :] - c), axis=0)

    tt = lo + width * np.linspace(0.0, 1.0, points)
    rb = ra + span
    dense = np.linspace(ra, rb, 20_001)
    bound = reach_bounds(tt[None, :], f(tt)[None, :], np.array([speed]), np.array([ra]),
                         np.array([rb]))[0]  # fmt: skip
    assert f(dense).max() <= bound + 1e-9 * (1.0 + abs(bound))


def test_a_bound_is_never_below_a_grid_value_within_reach_and_nan_stays_nan() -> None:
    tt = np.array([[0.0, 1.0, 2.0]])
    g = np.array([[5.0, 9.0, 5.0]])
    # a speed too low for the values (rounding of the exact distances): the grid's own best
    assert reach_bounds(tt, g, np.array([0.0]), np.array([0.0]), np.array([2.0]))[0] == 9.0
    g_nan = np.array([[5.0, np.nan, 5.0]])
    assert np.isnan(reach_bounds(tt, g_nan, np.array([1.0]), np.array([0.0]), np.array([2.0])))
    inf = reach_bounds(tt, g, np.array([np.inf]), np.array([0.0]), np.array([2.0]))[0]
    assert inf == np.inf


def test_the_speed_bound_covers_every_segment_of_a_window() -> None:
    rng = np.random.default_rng(5)
    lon = np.cumsum(rng.uniform(0.0, 0.05, 12))
    lat = 60.0 + np.cumsum(rng.uniform(-0.02, 0.02, 12))
    t = 1.7e9 + np.cumsum(np.r_[0.0, rng.uniform(1.0, 20.0, 11)])
    path = TrackPath.build(t, lon, lat)
    windows = (np.array([t[0], t[3] + 0.5]), np.array([t[5], t[9]]))
    ps = PathSet([path, path], windows=windows)
    got = ps.speed_bounds()
    for w, (a, b) in enumerate(zip(*windows, strict=True)):
        i0 = max(int(np.searchsorted(t, a, "right")) - 1, 0)
        i1 = int(np.searchsorted(t, b, "left"))
        speed = [
            inverse(lat[i], lon[i], lat[i + 1], lon[i + 1])[2] / (t[i + 1] - t[i])
            for i in range(len(t) - 1)
        ]
        # at least every speed flown in the window; at most (1 % on the mean sphere) the
        # fastest of the segments it lays out (one past its end)
        assert max(speed[i0:i1]) <= got[w] <= 1.02 * max(speed[i0 : i1 + 1]) + 1e-6
    # the same time twice at two places: a jump, no bound
    t_jump = t.copy()
    t_jump[4] = t_jump[3]
    jump = TrackPath.build(t_jump, lon, lat)
    ps = PathSet([jump], windows=(np.array([t[2]]), np.array([t[6]])))
    assert ps.speed_bounds()[0] == np.inf
