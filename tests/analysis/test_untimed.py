"""Untimed (hand-digitised) tracks through the check: the geometry equals the timed case's, and
times assigned from a speed, a start and end, or partial times follow geodesic distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from overflight.analysis.check import check
from overflight.errors import ParseError
from overflight.formats.tracks.timing import apply_timing, untimed_track
from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit

GEOD = Geod(ellps="WGS84")
LON = [24.20, 24.45, 24.62, 24.80, 25.10]
LAT = [59.30, 59.38, 59.45, 59.47, 59.60]
SPEED = 120.0  # m/s
T0 = 1717243200.0


def _cumulative() -> np.ndarray:
    d = [GEOD.inv(LON[k], LAT[k], LON[k + 1], LAT[k + 1])[2] for k in range(len(LON) - 1)]
    return np.concatenate([[0.0], np.cumsum(d)])


def _zone() -> Airspace:
    return Airspace("R1", "R", (Polygon(Circle(59.44, 24.65, 12_000.0)),),
                    VerticalLimit.surface(), VerticalLimit.unlimited())  # fmt: skip


def _untimed() -> Track:
    return untimed_track("map", LON, LAT, source="map.csv")


def test_untimed_geometry_equals_constant_speed_timed_geometry() -> None:
    d = _cumulative()
    timed = Track.from_arrays("gps", time=T0 + d / SPEED, lat=LAT, lon=LON)
    (ru,) = check([_untimed()], [_zone()]).results
    (rt,) = check([timed], [_zone()]).results
    (iu,), (it,) = ru.incursions, rt.incursions
    assert ru.entered and rt.entered
    assert it.entry_point == pytest.approx(iu.entry_point, abs=1e-9)
    assert it.exit_point == pytest.approx(iu.exit_point, abs=1e-9)
    # depth is flat at its maximum: its place is solved to the extremum search's tolerance
    assert it.max_depth_point == pytest.approx(iu.max_depth_point, abs=1e-6)
    assert it.max_depth_m == pytest.approx(iu.max_depth_m, abs=1e-3)
    # untimed "seconds" are metres along the track: distance inside = duration x speed
    assert iu.duration_s == pytest.approx(it.duration_s * SPEED, rel=1e-9, abs=1e-3)
    assert iu.entry_time == pytest.approx((it.entry_time - T0) * SPEED, rel=1e-9, abs=1e-3)
    # the entry point lies that far along the track: check with pyproj on the entry segment
    k = int(np.searchsorted(_cumulative(), iu.entry_time)) - 1
    along = d[k] + GEOD.inv(LON[k], LAT[k], iu.entry_point[1], iu.entry_point[0])[2]
    assert along == pytest.approx(iu.entry_time, abs=1e-3)


def test_speed_gives_times_from_the_first_point() -> None:
    t = apply_timing(_untimed(), speed_mps=SPEED)
    np.testing.assert_allclose(t.time, _cumulative() / SPEED, rtol=0, atol=1e-9)
    assert t.meta["timing"] == "speed" and t.meta["time_origin"] == "first-point"
    s = apply_timing(_untimed(), speed_mps=SPEED, start=T0)
    np.testing.assert_allclose(s.time, T0 + _cumulative() / SPEED, rtol=0, atol=1e-6)
    assert "time_origin" not in s.meta
    e = apply_timing(_untimed(), speed_mps=SPEED, end=T0)
    np.testing.assert_allclose(e.time, T0 - (_cumulative()[-1] - _cumulative()) / SPEED, atol=1e-6)


def test_start_and_end_give_constant_speed_between() -> None:
    d = _cumulative()
    t = apply_timing(_untimed(), start=T0, end=T0 + 1800)
    np.testing.assert_allclose(t.time, T0 + 1800 * d / d[-1], rtol=0, atol=1e-6)
    assert t.meta["timing"] == "start-end"
    (r,) = check([t], [_zone()]).results
    (ru,) = check([_untimed()], [_zone()]).results
    inc, incu = r.incursions[0], ru.incursions[0]
    assert inc.entry_point == pytest.approx(incu.entry_point, abs=1e-9)
    assert inc.duration_s == pytest.approx(incu.duration_s * 1800 / d[-1], rel=1e-9)


def test_partial_times_are_piecewise_with_speed_outside() -> None:
    d = _cumulative()
    known = (math.nan, T0, math.nan, T0 + 300, math.nan)
    meta = {"timing": "distance", "known_times": known, "lines": (2, 3, 4, 5, 6)}
    track = untimed_track("map", LON, LAT, source="map.csv", meta=meta)
    t = apply_timing(track, speed_mps=SPEED)
    assert t.meta["timing"] == "partial" and "known_times" not in t.meta
    assert t.time[1] == T0 and t.time[3] == T0 + 300
    assert t.time[2] == pytest.approx(T0 + 300 * (d[2] - d[1]) / (d[3] - d[1]), abs=1e-6)
    assert t.time[0] == pytest.approx(T0 - (d[1] - d[0]) / SPEED, abs=1e-6)
    assert t.time[4] == pytest.approx(T0 + 300 + (d[4] - d[3]) / SPEED, abs=1e-6)
    with pytest.raises(ParseError) as err:
        apply_timing(track)
    assert (err.value.path, err.value.line) == ("map.csv", 2)
    assert err.value.reason == "points before the first known time need a speed (--speed)"


def test_timed_track_with_a_speed_is_an_error() -> None:
    timed = Track.from_arrays("gps", time=[0, 10], lat=LAT[:2], lon=LON[:2], source="g.csv")
    assert apply_timing(timed) is timed
    with pytest.raises(ParseError) as err:
        apply_timing(timed, speed_mps=SPEED)
    assert str(err.value) == (
        "g.csv: track 'gps' has measured times: --speed/--start/--end apply to untimed tracks only"
    )


@pytest.mark.parametrize(
    ("opts", "reason"),
    [
        ({"start": T0}, "--start needs --end or a speed (--speed)"),
        ({"start": T0, "end": T0}, "the end time is not after the start time"),
        ({"speed_mps": 0.0}, "speed must be positive and finite, got 0.0"),
    ],
)
def test_insufficient_or_contradictory_options(opts: dict, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        apply_timing(_untimed(), **opts)
    assert err.value.path == "map.csv" and err.value.reason == reason
