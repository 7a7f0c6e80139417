"""The compiled depth search (one pass per stretch, :mod:`overflight.geometry.extremum_compiled`)
gives what the numpy search gives each stretch alone, to the bit, whatever the search's
options; beats brute force as that does; and leaves to the numpy path what it does not take
(circles, wide polygons, instants, a NaN met)."""

from __future__ import annotations

import numpy as np
from extrema_cases import (
    assert_compiled_is_numpy,
    random_path,
    random_shape,
    random_stretches,
    star,
    stretches_in_one_shape,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sampled import sampled_extremum
from switches import compiled_path

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance_wide import WIDE_EDGES
from overflight.geometry.extremum import _extrema, distance_extrema
from overflight.geometry.extremum_rounds import deepest_compiled
from overflight.geometry.path import TrackPath
from overflight.model import Circle, Polygon, Vertex

DEFAULTS = (500.0, 3, 33, 4, 4, 9, 2)
"""distance_extrema's step_m, candidates, points, rounds, shifts, exact_points, plane_rounds."""


@st.composite
def search_options(draw: st.DrawFn) -> tuple:
    """distance_extrema's options, with at least one exact round."""
    plane_rounds = draw(st.integers(0, 3))
    return (
        draw(st.sampled_from([150.0, 500.0, 2_000.0])),  # step_m
        draw(st.integers(1, 4)),  # candidates
        draw(st.sampled_from([5, 9, 16, 33])),  # points of the first plane grid
        max(plane_rounds, 1) + draw(st.integers(1, 3)),  # rounds
        draw(st.integers(0, 4)),  # shifts
        draw(st.sampled_from([3, 4, 5, 8, 9])),  # exact_points: no kinks below 6, even grids
        plane_rounds,
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), options=st.one_of(st.just(DEFAULTS), search_options()))
def test_the_compiled_search_is_thenumpy_search(seed: int, options: tuple) -> None:
    stretches = [s for s in random_stretches(np.random.default_rng(seed), 3, 9) if s[3] > s[2]]
    assert_compiled_is_numpy(stretches, options)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_compiled_search_beats_brute_force(seed: int) -> None:
    """Its result is a point of the track at the distance returned, and brute force
    (samples every 5 m, then every 0.5 mm around the best ones) does not beat it by 0.5 mm."""
    rng = np.random.default_rng(seed)
    pe, stretches = stretches_in_one_shape(rng)
    with compiled_path():
        got = deepest_compiled(stretches, *DEFAULTS)
    for (path, _, a, b), found in zip(stretches, got, strict=True):
        assert found is not None
        d, t, lon, lat = found
        assert a <= t <= b
        plon, plat = path.point_at(np.array([t]))
        assert (lon, lat) == (plon[0], plat[0])
        assert d >= sampled_extremum(path, pe, a, b, 1.0) - 5e-4


def test_what_the_compiled_search_does_not_take_goes_the_numpy_way() -> None:
    """A circle, a wide polygon (more edges than the few-edge pass ranks), an instant and a
    stretch that meets a NaN (two fixes at its end's time) are left (None) and searched by
    the numpy path, each as alone; a stretch of a few-edge polygon beside them is taken."""
    rng = np.random.default_rng(7)
    few = random_shape(rng)
    circle = polygon_edges(Polygon(Circle(few.center_lat, few.center_lon, 8_000.0)))
    wide = polygon_edges(star(few.center_lat, few.center_lon, 30_000.0, WIDE_EDGES + 40, rng))
    path = random_path(few.center_lat, few.center_lon, rng)
    a, b = float(path.time[0]), float(path.time[-1])
    square = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))
    twice = TrackPath.build(
        np.array([0.0, 500.0, 1000.0, 1000.0]),
        np.array([-0.5, 0.5, 1.5, 1.5]),
        np.array([0.5, 0.5, 0.5, 0.5]),
    )
    stretches = [
        (path, circle, a, b),
        (path, wide, a, b),
        (path, few, a, a),
        (twice, square, 250.0, 1000.0),
        (path, few, a, b),
    ]
    with compiled_path():
        got = deepest_compiled(stretches, *DEFAULTS)
        assert [g is None for g in got] == [True, True, True, True, False]
        batch = distance_extrema(stretches, maximize=True)
        for k in (0, 1, 2, 4):
            assert batch[k] == distance_extrema([stretches[k]], maximize=True)[0]
        assert batch[4] == got[4]
        # the NaN met: the numpy path's own answer for that stretch alone
        alone = distance_extrema([stretches[3]], maximize=True)[0]
        assert np.array_equal(alone, _extrema([stretches[3]], True, *DEFAULTS)[0], equal_nan=True)


def test_a_search_without_an_exact_round_is_refused() -> None:
    import pytest

    rng = np.random.default_rng(3)
    stretches = random_stretches(rng, 1, 3)
    with pytest.raises(ValueError, match="must exceed the plane rounds"):
        distance_extrema(stretches, maximize=True, rounds=2, plane_rounds=2)


def test_grids_moved_along_the_track_are_the_numpy_paths() -> None:
    """Stretches whose exact best lies on the end of the exact grid (three points after three
    plane rounds: the plane's bracket misses the peak), so that the grid moves along the
    track, up to four times: the same moves, results and distances taken."""
    options = (500.0, 3, 33, 5, 4, 3, 3)
    for seed in (8, 36, 200):  # seeds where the moves decide the result
        stretches = [s for s in random_stretches(np.random.default_rng(seed), 3, 9) if s[3] > s[2]]
        assert_compiled_is_numpy(stretches, options)
