"""Properties of ``check_pair`` on hypothesis-generated footprints and tracks, and agreement with
the independent oracle (``tests/oracle.py``) within the issue's tolerances: entry/exit 0.1 s,
depth and closest approach 1 m.

An interval shorter than twice the time tolerance may be missing on one side: a track that only
touches the boundary (a vertex, a tangent) is inside for an instant or not at all, and both
answers are within tolerance of the truth.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from oracle import (
    TOL_APPROACH_M,
    TOL_DEPTH_M,
    TOL_TIME_S,
    OracleBoundary,
    OracleTrack,
    crossing_intervals,
    extremum,
    inverse,
)
from strategies import Scenario, scenarios

from overflight.analysis.check import check_pair
from overflight.analysis.params import CheckParameters
from overflight.model import CheckResult, Incursion, Track

PARAMS = CheckParameters(search_m=10_000_000.0)  # always get a closest approach back


def slow(examples: int) -> settings:
    """Settings for a test whose examples each take a while (the oracle is pure Python): no
    shrinking, so a failure is reported at once as found (its full scenario is printed)."""
    return settings(
        max_examples=examples,
        suppress_health_check=[HealthCheck.too_slow],
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )


Interval = tuple[float, float]


def _run(track: Track, sc: Scenario) -> CheckResult:
    res = check_pair(track, sc.airspace, PARAMS)
    assert res is not None
    _assert_well_formed(res, track)
    return res


def _assert_well_formed(res: CheckResult, track: Track) -> None:
    """Incursions alternate with gaps, never overlap, stay within the track, depth >= 0."""
    assert res.lateral_passes == ()  # surface to unlimited: every lateral interval is inside
    t_first, t_last = float(track.time[0]), float(track.time[-1])
    prev_exit = -float("inf")
    for inc in res.incursions:
        assert isinstance(inc, Incursion)
        assert t_first <= inc.entry_time <= inc.exit_time <= t_last
        assert inc.entry_time > prev_exit  # touching intervals would have been merged
        prev_exit = inc.exit_time
        assert inc.max_depth_m >= 0.0
        assert inc.entry_time <= inc.max_depth_time <= inc.exit_time
        assert inc.vertical == "inside"
        assert inc.starts_inside == (inc.entry_via == "start") == (inc.entry_time == t_first)
        assert inc.ends_inside == (inc.exit_via == "end") == (inc.exit_time == t_last)
    if not res.incursions:
        ca = res.closest_approach
        assert ca is not None and ca.lateral_m >= 0.0 and t_first <= ca.time <= t_last


def _intervals(res: CheckResult) -> list[Interval]:
    return [(i.entry_time, i.exit_time) for i in res.incursions]


def match_intervals(
    got: Sequence[Interval], want: Sequence[Interval], tol: float = TOL_TIME_S
) -> list[tuple[int, int]]:
    """Pair intervals whose ends agree within ``tol``; an unpaired one must be shorter than
    ``2 * tol``. Returns the index pairs; fails the test otherwise."""
    i = j = 0
    pairs: list[tuple[int, int]] = []
    while i < len(got) or j < len(want):
        if i < len(got) and j < len(want):
            (a0, a1), (b0, b1) = got[i], want[j]
            if abs(a0 - b0) <= tol and abs(a1 - b1) <= tol:
                pairs.append((i, j))
                i, j = i + 1, j + 1
                continue
        short_got = i < len(got) and got[i][1] - got[i][0] <= 2 * tol
        if short_got and (j == len(want) or got[i][0] <= want[j][0] + tol):
            i += 1
        elif j < len(want) and want[j][1] - want[j][0] <= 2 * tol:
            j += 1
        else:
            pytest.fail(f"intervals differ beyond {tol} s:\n got  {list(got)}\n want {list(want)}")
    return pairs


def _oracle(track: Track, sc: Scenario) -> tuple[OracleTrack, OracleBoundary]:
    return OracleTrack.of(track), OracleBoundary.of(sc.airspace)


@slow(30)
@given(scenarios())
def test_crossings_agree_with_the_oracle(sc: Scenario) -> None:
    res = _run(sc.track, sc)
    trk, bnd = _oracle(sc.track, sc)
    want = crossing_intervals(trk, bnd)
    pairs = match_intervals(_intervals(res), want)
    for i, _ in pairs:
        inc = res.incursions[i]
        if not inc.starts_inside:
            # the entry point is on the track at the entry time, and on the boundary
            lat, lon = trk.position(inc.entry_time)
            assert inverse(lat, lon, *inc.entry_point)[2] < 1.0
            assert bnd.distance(*inc.entry_point) < 1.0


@slow(12)
@given(scenarios())
def test_depth_and_closest_approach_agree_with_the_oracle(sc: Scenario) -> None:
    res = _run(sc.track, sc)
    trk, bnd = _oracle(sc.track, sc)
    want = crossing_intervals(trk, bnd)
    for i, j in match_intervals(_intervals(res), want):
        inc = res.incursions[i]
        a, b = want[j]
        if b - a <= 2 * TOL_TIME_S:
            continue
        depth = extremum(trk, bnd, a, b, maximize=True)[0]
        assert inc.max_depth_m == pytest.approx(depth, abs=TOL_DEPTH_M)
        # the reported deepest point is on the track at its time, at the reported depth
        lat, lon = trk.position(inc.max_depth_time)
        assert inverse(lat, lon, *inc.max_depth_point)[2] < 1.0
        assert bnd.distance(*inc.max_depth_point) == pytest.approx(inc.max_depth_m, abs=1.0)
    if not want:
        ca = res.closest_approach
        assert ca is not None and not ca.laterally_inside
        d, _, _, _ = extremum(trk, bnd, trk.time[0], trk.time[-1], maximize=False)
        assert ca.lateral_m == pytest.approx(d, abs=TOL_APPROACH_M)
        assert bnd.distance(*ca.point) == pytest.approx(ca.lateral_m, abs=1.0)


def _mirror(track: Track) -> Track:
    t = track.time
    return Track.from_arrays(
        track.id, time=t[0] + t[-1] - t[::-1], lat=track.lat[::-1], lon=track.lon[::-1]
    )


@slow(40)
@given(scenarios())
def test_reversing_the_track_swaps_entries_and_exits(sc: Scenario) -> None:
    fwd = _run(sc.track, sc)
    rev = _run(_mirror(sc.track), sc)
    t0, t1 = float(sc.track.time[0]), float(sc.track.time[-1])
    mirrored = [(t0 + t1 - b, t0 + t1 - a) for a, b in reversed(_intervals(rev))]
    pairs = match_intervals(_intervals(fwd), mirrored)
    n = len(rev.incursions)
    for i, j in pairs:
        a, b = fwd.incursions[i], rev.incursions[n - 1 - j]
        assert a.starts_inside == b.ends_inside and a.ends_inside == b.starts_inside
        assert a.max_depth_m == pytest.approx(b.max_depth_m, abs=TOL_DEPTH_M)
    if not fwd.incursions and not rev.incursions:
        assert fwd.closest_approach is not None and rev.closest_approach is not None
        assert fwd.closest_approach.lateral_m == pytest.approx(
            rev.closest_approach.lateral_m, abs=TOL_APPROACH_M
        )


@slow(40)
@given(scenarios(), st.floats(-1e6, 1e6))
def test_a_time_shift_shifts_entries_and_exits(sc: Scenario, shift: float) -> None:
    base = _run(sc.track, sc)
    moved = _run(sc.track.shifted(shift), sc)
    got = [(a - shift, b - shift) for a, b in _intervals(moved)]
    for i, j in match_intervals(got, _intervals(base)):
        assert moved.incursions[i].max_depth_m == pytest.approx(
            base.incursions[j].max_depth_m, abs=TOL_DEPTH_M
        )


@slow(40)
@given(scenarios(), st.integers(2, 5))
def test_densifying_the_track_on_its_own_geodesics_keeps_crossings(
    sc: Scenario, pieces: int
) -> None:
    base = _run(sc.track, sc)
    dense = OracleTrack.of(sc.track).densified(pieces)
    track = Track.from_arrays("dense", time=dense.time, lat=dense.lat, lon=dense.lon)
    res = _run(track, sc)
    for i, j in match_intervals(_intervals(res), _intervals(base)):
        assert res.incursions[i].max_depth_m == pytest.approx(
            base.incursions[j].max_depth_m, abs=TOL_DEPTH_M
        )
    if not base.incursions and not res.incursions:
        assert res.closest_approach is not None and base.closest_approach is not None
        assert res.closest_approach.lateral_m == pytest.approx(
            base.closest_approach.lateral_m, abs=TOL_APPROACH_M
        )
