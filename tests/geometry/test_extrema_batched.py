"""The batched depth search (distance_extrema over many stretches) gives each stretch exactly
what the one-stretch search (distance_extremum) gives it: same distance, time and point."""

from __future__ import annotations

import numpy as np
from extrema_cases import (
    R0007,
    random_path,
    random_shape,
    random_stretches,
    stretches_in_one_shape,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sampled import sampled_extremum
from switches import compiled_path, numpy_path

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.extremum import distance_extrema, distance_extremum
from overflight.geometry.path import TrackPath
from overflight.model import Polygon, Vertex


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_batched_search_equals_one_at_a_time(seed: int, maximize: bool) -> None:
    stretches = random_stretches(np.random.default_rng(seed), 3, 8, instants=0.25)
    # with the compiled passes for every call, then the numpy paths for every call: calls
    # smaller than jit.COMPILED_MIN take the numpy path, whose distances differ from the
    # compiled ones by nanometres, so a batch and a stretch alone agree to the bit only on one
    for path_kind in (compiled_path, numpy_path):
        with path_kind():
            got = distance_extrema(stretches, maximize=maximize)
            for (path, pe, a, b), g in zip(stretches, got, strict=True):
                assert pe.circle is None  # (circles first try an exact shortcut, not batched)
                assert g == distance_extremum(path, pe, a, b, maximize=maximize)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_a_stretch_of_no_length_is_its_one_point(seed: int, maximize: bool) -> None:
    """An instant (an incursion of one fix): its exact distance there, at its time and place,
    in a batch with other stretches or alone."""
    rng = np.random.default_rng(seed)
    pe = random_shape(rng)
    path = random_path(pe.center_lat, pe.center_lon, rng)
    at_fix = float(path.time[int(rng.integers(0, path.time.size))])
    between = float(rng.uniform(path.time[0], path.time[-1]))
    a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
    stretches = [(path, pe, at_fix, at_fix), (path, pe, float(a), float(b))]
    stretches.append((path, pe, between, between))
    with compiled_path():
        got = distance_extrema(stretches, maximize=maximize)
        for k in (0, 2):
            t = stretches[k][2]
            lon, lat = path.point_at(np.array([t]))
            d = boundary_distance(lon, lat, pe)[0][0]
            assert got[k][1:] == (t, lon[0], lat[0])
            assert abs(got[k][0] - d) < 1e-6  # (the single-point function's last bits)
            assert got[k] == distance_extremum(path, pe, t, t, maximize=maximize)
        assert got[1] == distance_extremum(path, pe, float(a), float(b), maximize=maximize)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_the_extremum_is_a_true_point_and_beatssampled_extremum(seed: int, maximize: bool) -> None:
    """What the search returns is one point of the track, at its time, at exactly the
    distance returned, and brute force (samples every 5 m, then every 0.5 mm around the best
    ones) does not beat it by 0.5 mm."""
    rng = np.random.default_rng(seed)
    pe, stretches = stretches_in_one_shape(rng)
    got = distance_extrema(stretches, maximize=maximize)
    sign = 1.0 if maximize else -1.0
    for (path, _, a, b), (d, t, lon, lat) in zip(stretches, got, strict=True):
        assert a <= t <= b
        plon, plat = path.point_at(np.array([t]))
        assert (lon, lat) == (plon[0], plat[0])
        assert abs(boundary_distance(np.array([lon]), np.array([lat]), pe)[0][0] - d) < 1e-6
        assert sign * d >= sign * sampled_extremum(path, pe, a, b, sign) - 5e-4


def test_a_grid_straight_from_the_stretch_end_settles_there() -> None:
    from overflight.geometry.extremum_bounds import STRAIGHT_M, straight_from_end

    t = np.arange(9.0)
    down = 100.0 - 0.8 * t  # best at the start, straight from it
    kinked = down.copy()
    kinked[1] += 2 * STRAIGHT_M  # a concave kink in the first interval could hide a top
    bent_later = down.copy()
    bent_later[4:] -= 0.3 * (t[4:] - 3)  # straight over the first three intervals only
    g = np.stack([down, kinked, bent_later, down[::-1], down, 50.0 + np.abs(t - 3)])
    j = np.argmax(g, axis=1)
    at_lo = np.array([True, True, True, False, False, True])
    at_hi = np.array([False, False, False, True, False, False])
    got = straight_from_end(g, j, at_lo, at_hi)
    # straight from its own end (either end); a kink near the end; a best at a grid end
    # that is not the stretch's end; a valley whose far end is best (the grid straight from
    # its near end, which is not the best): only the first, third and fourth are settled
    assert got.tolist() == [True, False, True, True, False, False]
    assert not straight_from_end(g[:, :3], np.zeros(6, np.int64), at_lo, at_hi).any()


# a stretch of the 10M-row benchmark archive (aircraft 466e78 across R0007, a star polygon):
# two peaks 3.3 s apart, the deeper one between samples that rise towards the shallower (the
# search took its candidates from the samples' local maxima alone, and returned the shallower)
_FIXES_466E78 = (
    (-12.405, 53.255246153405544, -1.8142276581092196),
    (-4.038, 53.250383084853205, -1.7920045152922845),
    (3.752, 53.24533132667496, -1.7687568907955102),
    (11.331, 53.24044504432556, -1.745291043576089),
    (27.284, 53.22979738914262, -1.6970496418126115),
    (35.325, 53.22440627018406, -1.6721390190225247),
    (43.425, 53.21900302551177, -1.6468458193362754),
)


def test_a_peak_between_samples_rising_elsewhere_is_found() -> None:
    pe = polygon_edges(Polygon(tuple(Vertex(a, b) for a, b in R0007)))
    t = np.array([f[0] for f in _FIXES_466E78]) + 1.7e9
    path = TrackPath.build(
        t, np.array([f[2] for f in _FIXES_466E78]), np.array([f[1] for f in _FIXES_466E78])
    )
    a, b = 1.7e9 + 13.554, 1.7e9 + 20.434
    d = distance_extremum(path, pe, a, b, maximize=True)[0]
    assert d >= sampled_extremum(path, pe, a, b, 1.0) - 1e-3  # brute force: 363.48 m, search 357.98


# another, 25 km deep in a TMA: samples rising towards a peak 11 m shallower than one between
# two samples whose bounds rise above them by less than the plane's error on a value (but by
# more than its error on the difference of two values a few hundred metres apart)
_EDDF_TMA2 = (  # a regular 16-gon, 50-75 km across
    (50.60190657862403, 8.5622), (50.5584857246153, 8.901004828402309),
    (50.435049725264705, 9.186609083889499), (50.25090696182952, 9.37489267200684),
    (50.03459627398033, 9.437898968589138), (49.819244953867106, 9.36763902124114),
    (49.637418592412956, 9.176349526938145), (49.51629939593719, 8.893749274256226),
    (49.47383831055824, 8.5622), (49.51629939593719, 8.230650725743775),
    (49.637418592412956, 7.9480504730618575), (49.819244953867106, 7.756760978758863),
    (50.03459627398033, 7.686501031410864), (50.25090696182952, 7.749507327993161),
    (50.435049725264705, 7.937790916110502), (50.5584857246153, 8.223395171597693),
)  # fmt: skip
_FIXES_A5B360 = (
    (45.268, 49.843635745862485, 8.147291189793995),
    (47.747, 49.847091706908735, 8.143931613884645),
    (49.35, 49.85083829903991, 8.140569388830476),
    (51.915, 49.85426038426921, 8.137182610045343),
    (53.753, 49.85780059644061, 8.13376828992655),
    (57.888, 49.864964156432656, 8.126797871532382),
    (59.445, 49.86832720396117, 8.123613128290064),
    (61.397, 49.87185468048454, 8.120110799405598),
    (65.92, 49.87886252254937, 8.113734242805283),
    (67.581, 49.88227850182459, 8.110256591208625),
    (69.109, 49.885657826673594, 8.106865802287583),
    (71.649, 49.88948476928745, 8.10330167939102),
    (73.149, 49.89314503719572, 8.10008449799641),
    (75.351, 49.89642635258084, 8.096686245043678),
    (77.19, 49.89985728778156, 8.093521536848511),
    (79.385, 49.903580848943086, 8.090075318385358),
    (81.973, 49.90692190974591, 8.086420159472672),
    (83.333, 49.91045903616582, 8.083250436057039),
    (85.781, 49.913911159287466, 8.079771899793402),
    (87.586, 49.91749045301428, 8.076230752936915),
    (89.705, 49.92107422643663, 8.073200187779017),
    (91.668, 49.92454136068303, 8.06978557387039),
    (93.502, 49.928067002100896, 8.06630960197286),
    (95.812, 49.931585962820115, 8.062904014533684),
    (97.286, 49.935037201555424, 8.059598455083346),
    (99.207, 49.93846110154215, 8.056130828325035),
    (101.583, 49.94210568091233, 8.053065399729217),
    (103.56, 49.94594308111253, 8.049376939693577),
    (105.24, 49.94918421073014, 8.046007281372097),
    (107.76, 49.95273688677347, 8.042555422807483),
    (109.776, 49.95627878557606, 8.03936223651322),
    (111.379, 49.95969052197442, 8.035922248484477),
    (113.965, 49.96307184828415, 8.03243231422477),
    (115.854, 49.966700660762655, 8.02911055218572),
)


def test_a_peak_a_few_metres_above_its_samples_deep_inside_is_found() -> None:
    pe = polygon_edges(Polygon(tuple(Vertex(a, b) for a, b in _EDDF_TMA2)))
    fx = _FIXES_A5B360
    t = np.array([f[0] for f in fx]) + 1.7e9
    path = TrackPath.build(t, np.array([f[2] for f in fx]), np.array([f[1] for f in fx]))
    a, b = 1.7e9 + 50.0, 1.7e9 + 110.0
    d = distance_extremum(path, pe, a, b, maximize=True)[0]
    assert d >= sampled_extremum(path, pe, a, b, 1.0) - 1e-3  # 25,101.35 m; it returned 25,090.37


@settings(max_examples=60, deadline=None)
@given(
    xy=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=8, max_size=8),
)
def test_a_chords_gap_to_an_edge_is_the_least_over_the_chord(xy: list[float]) -> None:
    """What bounds a dip between two samples: the plane distance between a chord and an
    edge is the least distance from the edge over the chord (sampled finely)."""
    from overflight.geometry.distance_many import _plane_gap
    from overflight.geometry.extremum_bounds import chord_gap

    ax, ay, bx, by, px, py, qx, qy = xy

    class Table:  # one straight edge, as an EdgeTable holds it
        ex1, ey1 = np.array([px]), np.array([py])
        dx, dy = np.array([qx - px]), np.array([qy - py])

    got = chord_gap(
        np.array([ax]), np.array([ay]), np.array([bx]), np.array([by]), np.array([0]), Table
    )[0]
    u = np.linspace(0.0, 1.0, 20_001)
    on = _plane_gap(ax + u * (bx - ax), ay + u * (by - ay), np.zeros(u.size, np.int64), Table)
    step = np.hypot(bx - ax, by - ay) / 20_000
    assert on.min() - step <= got <= on.min() + 1e-6


def test_a_dip_past_a_corner_between_two_samples_is_bracketed() -> None:
    """Two samples 250 m either side of a square's corner, outside it, 100 m from it at the
    nearest: the interval between them may hold a closer point than a lower sample elsewhere
    (200 m), though both its ends are farther (but not one closer than 90 m)."""
    from overflight.geometry.distance_many import EdgeTable, boundary_distances
    from overflight.geometry.extremum_bounds import hidden_intervals

    m = 1 / 111_320.0  # degrees of longitude per metre at the equator (and ~of latitude)
    square = polygon_edges(
        Polygon(
            tuple(
                Vertex(a, b)
                for a, b in ((-0.05, -0.05), (-0.05, 0.05), (0.05, 0.05), (0.05, -0.05))
            )
        )
    )
    table = EdgeTable([square])
    off = 100.0 / np.sqrt(2.0) * m  # the path x + y = const passes 100 m from the corner
    s = 250.0 / np.sqrt(2.0) * m
    lat = np.array([0.05 + off + s, 0.05 + off - s])
    lon = np.array([0.05 + off - s, 0.05 + off + s])
    d = boundary_distances(lon, lat, np.zeros(2, np.int64), table, exact=False)
    assert (d > 240.0).all()
    owner, poly, pos_err = np.zeros(2, np.int64), np.zeros(1, np.int64), np.zeros(1)
    none = np.empty(0, np.int64)
    for floor, want in ((-200.0, [0]), (-90.0, [])):
        got = hidden_intervals(
            table,
            poly,
            owner,
            -d,
            lon,
            lat,
            none,
            np.array([floor]),
            np.array([1e-4]),
            pos_err,
            -1.0,
        )
        assert got.tolist() == want


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_first_probes_left_out_change_nothing(seed: int, maximize: bool) -> None:
    """The first probes whose plane value cannot be the best (the ends of a stretch that
    enters and leaves across the boundary, mostly) are not computed exactly: the result is
    the one with every probe computed, to the bit. Stretches start or end anywhere along the
    paths, inside and outside, as incursions through a floor or a ceiling do."""
    import overflight.geometry.extremum as extremum

    stretches = random_stretches(np.random.default_rng(seed), 2, 10)
    got = distance_extrema(stretches, maximize=maximize)
    skipped = []
    real = extremum._may_win

    def every(v, owner, top, slack):  # type: ignore[no-untyped-def]
        skipped.append(int((~real(v, owner, top, slack)).sum()))
        return np.ones(v.shape, bool)

    extremum._may_win = every
    try:
        want = distance_extrema(stretches, maximize=maximize)
    finally:
        extremum._may_win = real
    assert got == want
    assert skipped  # (the probes were chosen from)
