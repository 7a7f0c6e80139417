"""The issue's case near 60 N: a ~111 km edge between two vertices on the 60th parallel. Read as a
geodesic (aeronautical meaning) it bulges poleward by ~420 m at mid-edge; read as a straight
lon/lat line (RFC 7946) it is the parallel itself. A track that dips into the gap between the two
is an incursion with ``edges="geodesic"`` and a miss with ``edges="planar"``.

The bulge is computed with geographiclib; expected times from meridian arc lengths.
"""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic
from oracle import TOL_APPROACH_M, TOL_DEPTH_M, TOL_TIME_S

from overflight.analysis.check import check_pair
from overflight.analysis.params import CheckParameters
from overflight.model import Airspace, Polygon, Track, Vertex, VerticalLimit

WGS84 = Geodesic.WGS84
T0 = 1_700_000_000.0
LAT, LON_W, LON_E = 60.0, 24.0, 26.0
MID_LON = 25.0


def _bulge() -> float:
    """Latitude of the geodesic edge's midpoint (on meridian 25 E by symmetry)."""
    line = WGS84.InverseLine(LAT, LON_W, LAT, LON_E)
    mid = line.Position(line.s13 / 2)
    assert mid["lon2"] == pytest.approx(MID_LON, abs=1e-9)
    return mid["lat2"]


def _meridian(lat1: float, lat2: float) -> float:
    return WGS84.Inverse(lat1, MID_LON, lat2, MID_LON)["s12"]


@pytest.fixture(scope="module")
def setup() -> tuple[Airspace, Track, float, float]:
    lat_geo = _bulge()
    gap = _meridian(LAT, lat_geo)
    assert WGS84.Inverse(LAT, LON_W, LAT, LON_E)["s12"] == pytest.approx(111_600, rel=0.01)
    assert 300.0 < gap < 500.0  # hundreds of metres between the two readings
    ring = (Vertex(59.5, LON_W), Vertex(LAT, LON_W), Vertex(LAT, LON_E), Vertex(59.5, LON_E))
    zone = Airspace(
        "EF-R60",
        "R",
        (Polygon(ring),),
        VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )
    # from 60.1 N southwards down the meridian to halfway into the gap, and back up
    turn = LAT + (lat_geo - LAT) / 2
    trk = Track.from_arrays(
        "flip", time=[T0, T0 + 120.0, T0 + 240.0], lat=[60.1, turn, 60.1], lon=[MID_LON] * 3
    )
    return zone, trk, lat_geo, turn


def test_geodesic_edges_see_an_incursion(setup: tuple[Airspace, Track, float, float]) -> None:
    zone, trk, lat_geo, turn = setup
    res = check_pair(trk, zone, CheckParameters(edges="geodesic"))
    assert res is not None and res.entered
    (inc,) = res.incursions
    down = _meridian(60.1, turn)
    t_in = 120.0 * _meridian(60.1, lat_geo) / down
    assert inc.entry_time - T0 == pytest.approx(t_in, abs=TOL_TIME_S)
    assert inc.exit_time - T0 == pytest.approx(240.0 - t_in, abs=TOL_TIME_S)
    # deepest at the turn, half the gap below the geodesic edge
    assert inc.max_depth_m == pytest.approx(_meridian(turn, lat_geo), abs=TOL_DEPTH_M)
    assert inc.max_depth_time - T0 == pytest.approx(120.0, abs=TOL_TIME_S)


def test_planar_edges_see_a_miss(setup: tuple[Airspace, Track, float, float]) -> None:
    zone, trk, _, turn = setup
    res = check_pair(trk, zone, CheckParameters(edges="planar"))
    assert res is not None and not res.entered
    assert res.incursions == () and res.lateral_passes == ()
    ca = res.closest_approach
    assert ca is not None and not ca.laterally_inside
    # the planar edge is the parallel: nearest point straight down the meridian
    assert ca.lateral_m == pytest.approx(_meridian(LAT, turn), abs=TOL_APPROACH_M)
    assert ca.time - T0 == pytest.approx(120.0, abs=TOL_TIME_S)
