"""Two peaks of depth in one bracket: a zoom follows one peak of its grid, and each grid's
other intervals that may hold a point as deep get zoomed on too
(:func:`overflight.geometry.extremum_rounds.zoom_in_plane`). Tracks along a toothed border
(:func:`extrema_cases.comb`) meet such peaks; without the intervals' own zooms the search
fell short of brute force by up to 20 m on them."""

from __future__ import annotations

import numpy as np
from extrema_cases import R0007, assert_compiled_is_numpy, comb_stretches
from hypothesis import given, settings
from hypothesis import strategies as st
from sampled import sampled_extremum
from switches import compiled_path, numpy_path

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.extremum import _extrema, distance_extrema, distance_extremum
from overflight.geometry.extremum_rounds import deepest_compiled
from overflight.geometry.path import TrackPath
from overflight.model import Polygon, Vertex

STEPS = st.sampled_from([500.0, 1_000.0, 2_000.0])
"""Samples' steps (the default, and longer: the longer, the more brackets hold two peaks)."""


def _options(step: float) -> tuple:
    """distance_extrema's defaults but the step (step_m, candidates, points, rounds,
    shifts, exact_points, plane_rounds)."""
    return (step, 3, 33, 4, 4, 9, 2)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), step=st.sampled_from([1_000.0, 2_000.0]))
def test_the_deeper_of_two_close_peaks_is_found(seed: int, step: float) -> None:
    """The search's depth is a point of the track at that depth, within 1 cm of brute force
    (every 5 m, then finer about the best; the search is the finer on the last millimetres),
    in the numpy path and the compiled pass alike."""
    stretches = comb_stretches(np.random.default_rng(seed), 12)
    with compiled_path():
        found = {
            "numpy": _extrema(stretches, True, *_options(step)),
            "compiled": deepest_compiled(stretches, *_options(step)),
        }
    for (path, pe, a, b), *got in zip(stretches, *found.values(), strict=True):
        brute = sampled_extremum(path, pe, a, b, 1.0)
        for d, t, lon, lat in got:
            assert a <= t <= b
            plon, plat = path.point_at(np.array([t]))
            assert (lon, lat) == (plon[0], plat[0])
            assert d >= brute - 0.01


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_deeper_of_two_close_peaks_is_found_along_a_border_of_many_edges(seed: int) -> None:
    """A comb of 33-40 teeth (69-83 edges: ranked through its k-d tree, its grids'
    intervals bounded over their ends' nearest edges), samples every 2 km: within 1 cm of
    brute force (before: 7 of 182 such stretches short, by up to 10.5 m)."""
    stretches = comb_stretches(np.random.default_rng(seed), 8, teeth=(33, 40))
    assert all(len(pe) > 64 for _, pe, _, _ in stretches)
    with numpy_path():
        got = distance_extrema(stretches, maximize=True, step_m=2_000.0)
    _within_a_centimetre(stretches, got, 1.0)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), teeth=st.sampled_from([(3, 8), (33, 40)]))
def test_the_closest_approach_along_a_toothed_border(seed: int, teeth: tuple[int, int]) -> None:
    """The least distance of tracks 50-600 m outside a toothed border (a dip towards each
    corner of its base, a few hundred metres apart), samples every 2 km, few edges and many
    (no grid rows bound for the latter): within 1 cm of brute force. (Measured on 123
    stretches of many edges: at most 1.0 mm above it at 2 km, 0.1 mm at 500 m.)"""
    stretches = comb_stretches(np.random.default_rng(seed), 6, teeth=teeth, outside=True)
    with compiled_path():
        got = distance_extrema(stretches, maximize=False, step_m=2_000.0)
    _within_a_centimetre(stretches, got, -1.0)


def _within_a_centimetre(stretches: list, got: list, sign: float) -> None:
    """Each result is a point of its stretch, at its distance, and no more than 1 cm worse
    than brute force's best (the largest for ``sign`` 1, the least for -1)."""
    for (path, pe, a, b), (d, t, lon, lat) in zip(stretches, got, strict=True):
        assert a <= t <= b
        plon, plat = path.point_at(np.array([t]))
        assert (lon, lat) == (plon[0], plat[0])
        assert sign * d >= sign * sampled_extremum(path, pe, a, b, sign) - 0.01


@st.composite
def coarse_options(draw: st.DrawFn) -> tuple:
    """distance_extrema's options with long steps and coarse grids (step_m, candidates,
    points, rounds, shifts, exact_points, plane_rounds): many rows added, some by rows
    added, some in later rounds (at 4 km and 5 points, 210 rows added to 249)."""
    plane_rounds = draw(st.integers(1, 3))
    return (
        draw(st.sampled_from([500.0, 2_000.0, 4_000.0])),
        draw(st.integers(1, 3)),
        draw(st.sampled_from([5, 9, 33])),
        plane_rounds + draw(st.integers(1, 2)),
        4,
        draw(st.sampled_from([5, 9])),
        plane_rounds,
    )


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), options=coarse_options(), maximize=st.booleans())
def test_the_intervals_zoomed_on_are_the_numpy_paths(
    seed: int, options: tuple, maximize: bool
) -> None:
    """The compiled pass adds the same rows in the same order as the numpy path: the same
    results to the bit and the same distances taken; a batch gives each stretch what it
    gets alone (the closest approach too, whose dips get the same zooms)."""
    stretches = comb_stretches(np.random.default_rng(seed), 12)
    if maximize:
        assert_compiled_is_numpy(stretches, options)
    names = ("step_m", "candidates", "points", "rounds", "shifts", "exact_points", "plane_rounds")
    kw = dict(zip(names, options, strict=True))
    alone = {k: v for k, v in kw.items() if k != "shifts"}  # (4: distance_extremum's)
    with numpy_path():
        batch = distance_extrema(stretches, maximize=maximize, **kw)
        for (path, pe, a, b), g in zip(stretches, batch, strict=True):
            assert g == distance_extremum(path, pe, a, b, maximize=maximize, **alone)


def test_a_track_along_a_toothed_border_from_a_scan() -> None:
    """Aircraft d4c97c of a generated 24.7M-row archive through R0007 (24 edges), 6.4 s:
    with samples every 1,000 m its one bracket held both peaks of depth (352.744 m at
    1.55 s, 361.086 m at 4.66 s) and the search returned the lower: 352.764 m."""
    pe = polygon_edges(Polygon(tuple(Vertex(lat, lon) for lat, lon in R0007)))
    path = TrackPath.build(
        np.array([1717204462.0, 1717204468.0, 1717204474.0]),
        np.array([-1.7077132196722802, -1.7269490623008856, -1.7466268945910663]),
        np.array([53.23194315881106, 53.2363800211222, 53.240662546797836]),
    )
    a, b = 1717204465.146845, 1717204471.5393512
    brute = sampled_extremum(path, pe, a, b, 1.0)
    assert abs(brute - 361.086) < 1e-3
    for step in (500.0, 1_000.0, 2_000.0):
        d = distance_extremum(path, pe, a, b, maximize=True, step_m=step)[0]
        assert d >= brute - 1e-3
