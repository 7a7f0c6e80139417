"""Closed-form cases: answers that follow from symmetry and geodesic distances alone.

* a circle crossed through its centre: entry and exit at (D -+ r) / v, maximum depth r;
* a track on the equator (a geodesic, distance proportional to longitude) crossing meridian
  edges (geodesics): crossing times proportional to longitude, depth = a * (half the width);
* a meridian track crossing an edge on the equator, and an edge between two vertices on the same
  parallel (its midpoint, on the middle meridian by symmetry, is where the track crosses).

Expected values use geographiclib only; tolerances are the issue's (``oracle.TOL_*``).
"""

from __future__ import annotations

import math

import pytest
from geographiclib.geodesic import Geodesic
from oracle import TOL_DEPTH_M, TOL_TIME_S, WGS84

from overflight.analysis.check import check_pair
from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

T0 = 1_700_000_000.0
A = Geodesic.WGS84.a


def _zone(polygon: Polygon) -> Airspace:
    return Airspace("Z", "R", (polygon,), VerticalLimit.surface(), VerticalLimit.unlimited())


def _meridian_arc(lat1: float, lat2: float) -> float:
    return WGS84.Inverse(lat1, 0.0, lat2, 0.0)["s12"]


@pytest.mark.parametrize("lat", [0.0, 60.0, -71.5, 88.0])
@pytest.mark.parametrize("az", [0.0, 37.0, 233.0])
@pytest.mark.parametrize("r", [2_000.0, 18_520.0])
def test_circle_crossed_through_its_centre(lat: float, az: float, r: float) -> None:
    c_lon, dist, duration = 8.0, 3.0 * r, 600.0
    a = WGS84.Direct(lat, c_lon, az + 180.0, dist)
    b = WGS84.Direct(lat, c_lon, az, dist)
    trk = Track.from_arrays(
        "c", time=[T0, T0 + duration], lat=[a["lat2"], b["lat2"]], lon=[a["lon2"], b["lon2"]]
    )
    res = check_pair(trk, _zone(Polygon(Circle(lat, c_lon, r))))
    assert res is not None
    (inc,) = res.incursions
    speed = 2.0 * dist / duration
    assert inc.entry_time - T0 == pytest.approx((dist - r) / speed, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx((dist + r) / speed, abs=TOL_TIME_S)
    assert inc.max_depth_m == pytest.approx(r, abs=TOL_DEPTH_M)
    assert inc.max_depth_time - T0 == pytest.approx(duration / 2, abs=TOL_DEPTH_M / speed)
    # the entry point is on the circle, the deepest point at the centre
    assert WGS84.Inverse(lat, c_lon, *inc.entry_point)["s12"] == pytest.approx(r, abs=1.0)
    assert WGS84.Inverse(lat, c_lon, *inc.max_depth_point)["s12"] < TOL_DEPTH_M
    assert inc.vertical == "inside" and inc.entry_via == inc.exit_via == "lateral"


@pytest.mark.parametrize("lon0", [0.0, 100.0, 179.8, -180.0])
@pytest.mark.parametrize("eastward", [True, False])
def test_equator_track_crossing_meridian_edges(lon0: float, eastward: bool) -> None:
    """Rectangle between meridians lon0 and lon0 + 0.5; the equator track from lon0 - 0.5 to
    lon0 + 1 crosses them at exactly 1/3 and 2/3 of its duration."""
    ring = (
        Vertex(-0.5, lon0),
        Vertex(0.5, lon0),
        Vertex(0.5, lon0 + 0.5),
        Vertex(-0.5, lon0 + 0.5),
    )
    lons = [lon0 - 0.5, lon0 + 1.0]
    if not eastward:
        lons.reverse()
    duration = 900.0
    trk = Track.from_arrays("e", time=[T0, T0 + duration], lat=[0.0, 0.0], lon=lons)
    res = check_pair(trk, _zone(Polygon(ring)))
    assert res is not None
    (inc,) = res.incursions
    assert inc.entry_time - T0 == pytest.approx(duration / 3, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx(2 * duration / 3, abs=TOL_TIME_S)
    # deepest halfway between the meridians, a quarter degree of equator from each
    assert inc.max_depth_m == pytest.approx(A * math.radians(0.25), abs=TOL_DEPTH_M)
    assert inc.max_depth_time - T0 == pytest.approx(duration / 2, abs=1.0)
    assert inc.entry_point[0] == pytest.approx(0.0, abs=1e-9)
    expected_lon = lon0 if eastward else lon0 + 0.5
    assert math.remainder(inc.entry_point[1] - expected_lon, 360.0) == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("lon0", [10.0, -179.9])
def test_meridian_track_crossing_an_equator_edge(lon0: float) -> None:
    """The equator is a geodesic: the track along meridian lon0 from 0.5 S to 0.3 N enters a
    polygon lying north of it when it reaches latitude 0."""
    ring = (
        Vertex(0.0, lon0 - 0.5),
        Vertex(0.5, lon0 - 0.5),
        Vertex(0.5, lon0 + 0.5),
        Vertex(0.0, lon0 + 0.5),
    )
    duration = 600.0
    trk = Track.from_arrays("m", time=[T0, T0 + duration], lat=[-0.5, 0.3], lon=[lon0, lon0])
    res = check_pair(trk, _zone(Polygon(ring)))
    assert res is not None
    (inc,) = res.incursions
    frac = _meridian_arc(-0.5, 0.0) / _meridian_arc(-0.5, 0.3)
    assert inc.entry_time - T0 == pytest.approx(frac * duration, abs=TOL_TIME_S)
    assert inc.exit_time == T0 + duration and inc.ends_inside and inc.exit_via == "end"
    assert not inc.starts_inside


@pytest.mark.parametrize(("lat", "half_width"), [(30.0, 0.2), (60.0, 0.5), (-75.0, 1.0)])
def test_meridian_track_crossing_an_edge_between_two_vertices_on_a_parallel(
    lat: float, half_width: float
) -> None:
    """An edge between (lat, -w) and (lat, +w) is a geodesic, not the parallel: by symmetry its
    midpoint is on meridian 0, poleward of ``lat``; a track along meridian 0 crosses it there."""
    line = WGS84.InverseLine(lat, -half_width, lat, half_width)
    mid = line.Position(line.s13 / 2)
    assert abs(mid["lon2"]) < 1e-9 and abs(mid["lat2"]) > abs(lat)
    other = lat - math.copysign(0.5, lat)  # the far side, equatorward
    ring = (
        Vertex(lat, -half_width),
        Vertex(lat, half_width),
        Vertex(other, half_width),
        Vertex(other, -half_width),
    )
    start, end = lat - math.copysign(0.2, lat), lat + math.copysign(0.2, lat)
    duration = 300.0
    trk = Track.from_arrays("p", time=[T0, T0 + duration], lat=[start, end], lon=[0.0, 0.0])
    res = check_pair(trk, _zone(Polygon(ring)))
    assert res is not None
    (inc,) = res.incursions
    assert inc.starts_inside and inc.entry_time == T0
    frac = _meridian_arc(start, mid["lat2"]) / _meridian_arc(start, end)
    assert inc.exit_time - T0 == pytest.approx(frac * duration, abs=TOL_TIME_S)
    assert inc.exit_point[0] == pytest.approx(mid["lat2"], abs=1e-6)
