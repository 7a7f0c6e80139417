"""``check_prepared``: one track against many prepared airspaces, the same answers as
``check_pair`` per airspace; without the closest approach or lateral passes, the same
incursions."""

from __future__ import annotations

import pytest
from common import CASES, T0, Case, footprint, square
from oracle import TOL_TIME_S

from overflight.analysis.check import check_pair, check_prepared, prepare_airspace
from overflight.analysis.params import CheckParameters
from overflight.model import Circle, Polygon, Track, VerticalLimit

PARAMS = CheckParameters(search_m=10_000_000.0)


def _incursions(res):  # type: ignore[no-untyped-def]
    return [
        (i.entry_time, i.exit_time, i.max_depth_m, i.max_depth_time, i.vertical, i.entry_via)
        for i in res.incursions
    ]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_equals_check_pair_for_every_airspace(case: Case) -> None:
    preps = [prepare_airspace(a, PARAMS) for a in case.airspaces]
    got = check_prepared(case.track, preps, PARAMS)
    assert len(got) == len(case.airspaces)
    for a, res in zip(case.airspaces, got, strict=True):
        ref = check_pair(case.track, a, PARAMS)
        assert (res is None) == (ref is None)
        if res is None or ref is None:
            continue
        assert _incursions(res) == _incursions(ref)
        assert res.closest_approach == ref.closest_approach
        assert res.lateral_passes == ref.lateral_passes
    if case.incursions is not None:
        assert got[0] is not None and len(got[0].incursions) == case.incursions


@pytest.mark.parametrize("case", CASES, ids=str)
def test_without_closest_approach_the_incursions_are_the_same(case: Case) -> None:
    preps = [prepare_airspace(a, PARAMS) for a in case.airspaces]
    full = check_prepared(case.track, preps, PARAMS)
    lean = check_prepared(case.track, preps, PARAMS, closest_approach=False, lateral_passes=False)
    for f, g in zip(full, lean, strict=True):
        if g is not None:
            assert g.closest_approach is None
            assert g.lateral_passes == ()
        if f is None or not f.incursions:
            assert g is None or not g.incursions
        else:
            assert g is not None
            assert _incursions(g) == _incursions(f)


def test_far_airspace_is_none_without_closest_approach() -> None:
    """A circle of 10 km at (0, 0) and a track 1 degree of latitude (110.6 km) north of it:
    with the closest approach, ~100.6 km away (within the search distance); without, None."""
    zone = footprint(Polygon(Circle(0.0, 0.0, 10_000.0)))
    prep = prepare_airspace(zone, PARAMS)
    trk = Track.from_arrays("far", time=[T0, T0 + 100], lat=[1.0, 1.0], lon=[-0.2, 0.2])
    (with_ca,) = check_prepared(trk, [prep], PARAMS)
    assert with_ca is not None and not with_ca.incursions
    assert with_ca.closest_approach is not None
    # 1 degree of latitude at the equator is 110,574 m; minus the 10 km radius
    assert with_ca.closest_approach.lateral_m == pytest.approx(110_574.4 - 10_000.0, abs=1.0)
    assert check_prepared(trk, [prep], PARAMS, closest_approach=False) == [None]


def test_lateral_passes_left_out_on_request() -> None:
    """Laterally inside the whole time, climbing from 1000 m to 4000 m through FL65 and FL95:
    below, inside, above; without passes only the inside piece remains."""
    zone = footprint(
        Polygon(square(49.9, 7.9, 50.1, 8.1)),
        floor=VerticalLimit.parse("FL65"),
        ceiling=VerticalLimit.parse("FL95"),
    )
    prep = prepare_airspace(zone, PARAMS)
    trk = Track.from_arrays(
        "v", time=[T0, T0 + 300.0], lat=[50.0, 50.01], lon=[8.0, 8.0], alt_baro=[1000.0, 4000.0]
    )
    (full,) = check_prepared(trk, [prep], PARAMS)
    (lean,) = check_prepared(trk, [prep], PARAMS, closest_approach=False, lateral_passes=False)
    assert full is not None and lean is not None
    assert [p.vertical for p in full.lateral_passes] == ["below", "above"]
    assert lean.lateral_passes == ()
    (inc,) = lean.incursions
    assert inc.entry_time - T0 == pytest.approx((1981.2 - 1000.0) / 10.0, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx((2895.6 - 1000.0) / 10.0, abs=TOL_TIME_S)


def test_empty_track_gives_none_for_every_airspace() -> None:
    prep = prepare_airspace(footprint(Polygon(Circle(0.0, 0.0, 1_000.0))), PARAMS)
    empty = Track.from_arrays("e", time=[], lat=[], lon=[])
    assert check_prepared(empty, [prep, prep], PARAMS) == [None, None]
