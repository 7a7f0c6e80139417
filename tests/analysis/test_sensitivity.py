"""Boundary sensitivity: the 60 N geodesic-vs-planar flip (expected values from geographiclib
meridian arcs, as in tests/geometry/test_edges_geodesic_vs_planar.py), a barometric-vs-geometric
altitude flip against a flight-level ceiling, and which alternatives apply."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic
from oracle import TOL_DEPTH_M, TOL_TIME_S

from overflight.analysis.params import CheckParameters
from overflight.analysis.sensitivity import boundary_sensitivity, flipping_definitions
from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

WGS84 = Geodesic.WGS84
T0 = 1_700_000_000.0
MID_LON = 25.0


def _meridian(lat1: float, lat2: float) -> float:
    return WGS84.Inverse(lat1, MID_LON, lat2, MID_LON)["s12"]


@pytest.fixture(scope="module")
def flip60() -> tuple[Airspace, Track, float, float]:
    line = WGS84.InverseLine(60.0, 24.0, 60.0, 26.0)
    lat_geo = line.Position(line.s13 / 2)["lat2"]  # the geodesic edge at 25 E, ~420 m north
    turn = 60.0 + (lat_geo - 60.0) / 2
    ring = (Vertex(59.5, 24.0), Vertex(60.0, 24.0), Vertex(60.0, 26.0), Vertex(59.5, 26.0))
    zone = Airspace(
        "EF-R60", "R", (Polygon(ring),), VerticalLimit.surface(), VerticalLimit.unlimited()
    )
    trk = Track.from_arrays(
        "flip", time=[T0, T0 + 120.0, T0 + 240.0], lat=[60.1, turn, 60.1], lon=[MID_LON] * 3
    )
    return zone, trk, lat_geo, turn


def test_geodesic_vs_planar_flip(flip60) -> None:  # type: ignore[no-untyped-def]
    zone, trk, lat_geo, turn = flip60
    rows = boundary_sensitivity(trk, zone, CheckParameters(edges="geodesic"))
    assert [r["definition"] for r in rows] == ["as given", "planar edges"]
    given, planar = rows
    assert given["edges"] == "geodesic" and given["entered"] and not given["flips_verdict"]
    t_in = 120.0 * _meridian(60.1, lat_geo) / _meridian(60.1, turn)
    assert given["duration_s"] == pytest.approx(240.0 - 2 * t_in, abs=2 * TOL_TIME_S)
    assert given["max_depth_m"] == pytest.approx(_meridian(turn, lat_geo), abs=TOL_DEPTH_M)
    assert planar["edges"] == "planar" and not planar["entered"] and planar["flips_verdict"]
    assert planar["duration_s"] == 0.0 and planar["max_depth_m"] is None
    assert flipping_definitions(rows) == ["planar edges"]


def test_flip_seen_from_planar_side(flip60) -> None:  # type: ignore[no-untyped-def]
    zone, trk, _, _ = flip60
    rows = boundary_sensitivity(trk, zone, CheckParameters(edges="planar"))
    assert [(r["definition"], r["entered"]) for r in rows] == [
        ("as given", False),
        ("geodesic edges", True),
    ]
    assert flipping_definitions(rows) == ["geodesic edges"]


def test_barometric_vs_geometric_altitude_flip() -> None:
    # FL100 ceiling = 3048 m pressure altitude; the aircraft is at 3000 m pressure altitude
    # and 3100 m geometric: inside on the barometric reading, above on the geometric one
    zone = Airspace(
        "C",
        "R",
        (Polygon(Circle(0.0, 0.0, 20_000.0)),),
        VerticalLimit.surface(),
        VerticalLimit.flight_level(100),
    )
    trk = Track.from_arrays(
        "alt",
        time=[T0, T0 + 100.0],
        lat=[0.0, 0.0],
        lon=[-0.05, 0.05],
        alt_baro=[3000.0, 3000.0],
        alt_geo=[3100.0, 3100.0],
    )
    rows = {r["definition"]: r for r in boundary_sensitivity(trk, zone)}
    assert set(rows) == {"as given", "planar edges", "barometric altitude", "geometric altitude"}
    assert rows["as given"]["entered"] and rows["barometric altitude"]["entered"]
    assert rows["planar edges"]["entered"]  # a circle has no straight edges to re-read
    assert not rows["geometric altitude"]["entered"]
    assert rows["geometric altitude"]["altitude"] == "geometric"
    assert flipping_definitions(list(rows.values())) == ["geometric altitude"]
    # the whole track (100 s) is inside the 20 km circle
    assert rows["as given"]["duration_s"] == pytest.approx(100.0, abs=TOL_TIME_S)


def test_altitude_alternatives_need_both_columns(flip60) -> None:  # type: ignore[no-untyped-def]
    zone, trk, _, _ = flip60
    assert len(boundary_sensitivity(trk, zone)) == 2  # no altitude at all
    only_baro = Track.from_arrays(
        "b", time=trk.time, lat=trk.lat, lon=trk.lon, alt_baro=[1000.0] * 3
    )
    assert len(boundary_sensitivity(only_baro, zone)) == 2


def test_beyond_search_is_not_entered() -> None:
    zone = Airspace(
        "C", "R", (Polygon(Circle(0.0, 0.0, 1_000.0)),), VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )  # fmt: skip
    far = Track.from_arrays("f", time=[T0, T0 + 10], lat=[5.0, 5.0], lon=[0.0, 0.01])
    rows = boundary_sensitivity(far, zone)
    assert all(not r["entered"] and r["duration_s"] == 0.0 for r in rows)
    assert all(r["max_depth_m"] is None and not r["flips_verdict"] for r in rows)


def test_agl_terrain_assumption_row_flips_an_unknown_verdict() -> None:
    """A 1000 ft AGL ceiling, a track at 800 ft AMSL inside it laterally: without terrain
    the vertical position is unknown (not an entry); taking terrain at sea level it is inside,
    and the table says that assumption decides the verdict."""
    from overflight.analysis.sensitivity import boundary_sensitivity
    from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit

    zone = Airspace(
        "RMZ", "RMZ", (Polygon(Circle(50.0, 8.0, 5_000.0)),),
        VerticalLimit.surface(), VerticalLimit.parse("1000ft AGL"),
    )  # fmt: skip
    alt = 800 * 0.3048
    trk = Track.from_arrays(
        "t", time=[0, 600], lat=[50.0, 50.0], lon=[7.8, 8.2], alt_geo=[alt, alt]
    )
    rows = {r["definition"]: r for r in boundary_sensitivity(trk, zone)}
    assert rows["as given"]["entered"] is False
    flat = rows["AGL limits taken as AMSL (terrain at sea level)"]
    assert flat["entered"] is True and flat["flips_verdict"] is True
    assert flat["duration_s"] > 0
