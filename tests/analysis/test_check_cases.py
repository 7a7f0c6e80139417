"""``check`` over the canonical cases of ``tests/common.py``: result types and shapes, entries and
exits that alternate without overlapping, the counts known by construction, agreement with the
oracle, and the cases with a specific rule (shared edges, AGL floor, vertical crossings)."""

from __future__ import annotations

import itertools
import math

import pytest
from common import CASES, T0, Case, footprint, square
from geographiclib.geodesic import Geodesic
from oracle import TOL_APPROACH_M, TOL_DEPTH_M, TOL_TIME_S, oracle_check

from overflight.analysis.check import check, check_pair
from overflight.analysis.params import CheckOutcome, CheckParameters
from overflight.model import CheckResult, ClosestApproach, Incursion, Polygon, Track, VerticalLimit

PARAMS = CheckParameters(search_m=1_000_000.0)
WGS84 = Geodesic.WGS84


def _run(case: Case) -> CheckOutcome:
    return check([case.track], list(case.airspaces), PARAMS)


def _finite_latlon(p: object) -> bool:
    return (
        isinstance(p, tuple)
        and len(p) == 2
        and all(isinstance(v, float) and math.isfinite(v) for v in p)
        and -90 <= p[0] <= 90
        and -180 <= p[1] <= 180
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_types_and_shapes(case: Case) -> None:
    out = _run(case)
    assert isinstance(out, CheckOutcome)
    assert out.pairs == len(case.airspaces)
    assert len(out.results) + out.beyond_search == out.pairs
    assert not out.warnings
    for res in out.results:
        assert isinstance(res, CheckResult)
        assert res.track_id == case.track.id
        for inc in (*res.incursions, *res.lateral_passes):
            assert isinstance(inc, Incursion)
            for name in ("entry_time", "exit_time", "max_depth_m", "max_depth_time"):
                assert isinstance(getattr(inc, name), float), name
            for p in (inc.entry_point, inc.exit_point, inc.max_depth_point):
                assert _finite_latlon(p)
            assert inc.vertical in ("inside", "above", "below", "unknown")
            assert inc.entry_via in ("lateral", "floor", "ceiling", "start")
            assert inc.exit_via in ("lateral", "floor", "ceiling", "end")
        if res.closest_approach is not None:
            ca = res.closest_approach
            assert isinstance(ca, ClosestApproach)
            assert isinstance(ca.lateral_m, float) and ca.lateral_m >= 0
            assert _finite_latlon(ca.point)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_entries_and_exits_alternate_without_overlap(case: Case) -> None:
    t_first, t_last = float(case.track.time[0]), float(case.track.time[-1])
    for res in _run(case).results:
        both = sorted((*res.incursions, *res.lateral_passes), key=lambda i: i.entry_time)
        prev = -math.inf
        for inc in both:
            assert t_first <= inc.entry_time <= inc.exit_time <= t_last
            assert inc.entry_time >= prev
            prev = inc.exit_time
            assert inc.max_depth_m >= 0
            assert inc.starts_inside == (inc.entry_via == "start") == (inc.entry_time == t_first)
            assert inc.ends_inside == (inc.exit_via == "end") == (inc.exit_time == t_last)
        # lateral intervals of one airspace are disjoint and separated: crossings alternate
        lateral = [i for i in both if i.entry_via in ("lateral", "start")]
        for a, b in itertools.pairwise(lateral):
            assert a.exit_time < b.entry_time


@pytest.mark.parametrize("case", [c for c in CASES if c.incursions is not None], ids=str)
def test_incursion_counts_known_by_construction(case: Case) -> None:
    out = _run(case)
    first = next((r for r in out.results if r.airspace is case.airspaces[0]), None)
    n = 0 if first is None else len(first.incursions) + len(first.lateral_passes)
    assert n == case.incursions


@pytest.mark.parametrize("case", [c for c in CASES if c.incursions is not None], ids=str)
def test_cases_agree_with_the_oracle(case: Case) -> None:
    out = _run(case)
    for airspace in case.airspaces:
        res = next(r for r in out.results if r.airspace is airspace)
        want = oracle_check(case.track, airspace)
        got = sorted((*res.incursions, *res.lateral_passes), key=lambda i: i.entry_time)
        assert len(got) == len(want.intervals)
        for inc, (a, b), depth in zip(got, want.intervals, want.depths, strict=True):
            assert inc.entry_time == pytest.approx(a, abs=TOL_TIME_S)
            assert inc.exit_time == pytest.approx(b, abs=TOL_TIME_S)
            assert inc.max_depth_m == pytest.approx(depth, abs=TOL_DEPTH_M)
        if not want.intervals:
            assert res.closest_approach is not None and want.approach is not None
            assert res.closest_approach.lateral_m == pytest.approx(
                want.approach[0], abs=TOL_APPROACH_M
            )


def _case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_through_two_vertices_enters_and_leaves_at_the_vertices() -> None:
    """Equator track from 0.2 W to 0.2 E, vertices at 0.1 W and 0.1 E: a quarter and three
    quarters of the way (distance on the equator is proportional to longitude)."""
    (res,) = _run(_case("through_two_vertices")).results
    (inc,) = res.incursions
    assert inc.entry_time - T0 == pytest.approx(100.0, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx(300.0, abs=TOL_TIME_S)


def test_tangent_and_grazing_tracks() -> None:
    (out,) = _run(_case("tangent_1m_outside")).results
    assert out.incursions == () and out.closest_approach is not None
    assert out.closest_approach.lateral_m == pytest.approx(1.0, abs=TOL_APPROACH_M)
    assert out.closest_approach.time - T0 == pytest.approx(150.0, abs=1.0)
    (graze,) = _run(_case("grazing_1m_inside")).results
    (inc,) = graze.incursions
    assert inc.max_depth_m == pytest.approx(1.0, abs=TOL_DEPTH_M)
    # a 1 m sagitta in a 10 km circle: a chord of 2 sqrt(2 r h) = 283 m at 200 m/s
    assert inc.duration_s == pytest.approx(2 * math.sqrt(2 * 10_000.0) / 200.0, abs=0.1)


def test_one_fix() -> None:
    (inside,) = _run(_case("one_fix_inside")).results
    (inc,) = inside.incursions
    assert inc.starts_inside and inc.ends_inside and inc.entry_time == inc.exit_time == T0
    (outside,) = _run(_case("one_fix_outside")).results
    assert outside.incursions == ()
    ca = outside.closest_approach
    assert ca is not None and ca.time == T0
    # along meridian 8 E down to the northern edge's midpoint (the geodesic from 50.1 N 7.9 E to
    # 50.1 N 8.1 E bulges poleward by ~5 m there)
    edge = WGS84.InverseLine(50.1, 7.9, 50.1, 8.1)
    mid = edge.Position(edge.s13 / 2)
    assert mid["lat2"] > 50.1
    g = WGS84.Inverse(mid["lat2"], 8.0, 50.3, 8.0)["s12"]
    assert ca.lateral_m == pytest.approx(g, abs=TOL_APPROACH_M)


def test_hole_splits_the_crossing_in_two() -> None:
    (res,) = _run(_case("hole")).results
    a, b = res.incursions
    assert a.exit_time < b.entry_time
    assert not a.ends_inside and not b.starts_inside


def test_agl_floor_gives_unknown_with_a_reason() -> None:
    (res,) = _run(_case("agl_floor")).results
    (inc,) = res.incursions
    assert inc.vertical == "unknown"
    assert inc.vertical_reason and "AGL" in inc.vertical_reason
    assert "terrain" in inc.vertical_reason
    assert not res.entered
    assert any("terrain" in w for w in res.warnings)


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


@pytest.mark.parametrize("name", ["along_a_shared_edge", "across_a_shared_edge"])
def test_never_inside_two_airspaces_sharing_an_edge_at_once(name: str) -> None:
    case = _case(name)
    out = _run(case)
    spans = {
        r.airspace.name: [(i.entry_time, i.exit_time) for i in r.incursions] for r in out.results
    }
    west, east = spans.get("west", []), spans.get("east", [])
    assert _overlap(west, east) == 0.0
    if name == "along_a_shared_edge":
        # flying exactly on the shared edge: reported in (at most) one of them, not both
        assert not (west and east)
    if name == "across_a_shared_edge":
        # leaves the western airspace when it enters the eastern one (on the meridian 8.1 E)
        ((_, w1),), ((e0, _),) = west, east
        assert w1 == pytest.approx(e0, abs=TOL_TIME_S)
        assert w1 - T0 == pytest.approx(450.0, abs=TOL_TIME_S)


def test_floor_and_ceiling_crossings_are_interpolated_in_time() -> None:
    """Inside laterally the whole time, climbing linearly from 1000 m to 4000 m in 300 s through
    FL65 (1981.2 m pressure altitude) and FL95 (2895.6 m)."""
    zone = footprint(
        Polygon(square(49.9, 7.9, 50.1, 8.1)),
        floor=VerticalLimit.parse("FL65"),
        ceiling=VerticalLimit.parse("FL95"),
    )
    trk = Track.from_arrays(
        "v", time=[T0, T0 + 300.0], lat=[50.0, 50.01], lon=[8.0, 8.0], alt_baro=[1000.0, 4000.0]
    )
    res = check_pair(trk, zone, PARAMS)
    assert res is not None
    (inc,) = res.incursions
    assert inc.entry_via == "floor" and inc.exit_via == "ceiling"
    assert inc.entry_time - T0 == pytest.approx((1981.2 - 1000.0) / 10.0, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx((2895.6 - 1000.0) / 10.0, abs=TOL_TIME_S)
    below, above = res.lateral_passes
    assert below.vertical == "below" and below.starts_inside
    assert above.vertical == "above" and above.ends_inside
    assert res.altitude_source["floor"] == "alt_baro"


# -- regressions, named after the bug -------------------------------------------------------
def test_regression_check_pair_without_params() -> None:
    """check_pair(track, airspace) crashed on ``params=None`` (AttributeError on None.edges)."""
    case = _case("crossing")
    res = check_pair(case.track, case.airspaces[0])
    assert res is not None and len(res.incursions) == 1


def test_regression_track_touching_a_vertex_at_one_of_its_points() -> None:
    """A track touching a convex vertex from outside, the vertex being one of the track's
    (inserted) points: the side of a point with respect to a geodesic starting at that very point
    came from the azimuth of a zero-length geodesic, and a crossing was counted: the track was
    reported inside from the vertex to its end, 14 km deep while outside."""
    (res,) = _run(_case("touching_a_vertex")).results
    assert res.incursions == () and res.warnings == ()
    assert res.closest_approach is not None
    assert res.closest_approach.lateral_m == pytest.approx(0.0, abs=TOL_APPROACH_M)


def test_regression_track_along_an_edge() -> None:
    """A track exactly along an edge: rounding noise in the side tests (1e-16, not 0) counted a
    crossing at the last fix, giving a zero-length incursion 5 km outside the airspace."""
    (res,) = _run(_case("along_an_edge")).results
    assert res.incursions == () and res.warnings == ()
