"""Canonical cases for the lateral and vertical check, as ``shapely/tests/common.py`` has
canonical geometries: each is a track, the airspaces it is checked against, and what is known
about the answer by construction (geometry computed with geographiclib only).
"""

from __future__ import annotations

from dataclasses import dataclass

from geographiclib.geodesic import Geodesic

from overflight.model import (
    Airspace,
    ArcByAngles,
    ArcByPoints,
    Circle,
    Polygon,
    Track,
    Vertex,
    VerticalLimit,
)

__all__ = ["CASES", "T0", "Case", "along", "footprint", "square"]

WGS84 = Geodesic.WGS84
T0 = 1_700_000_000.0
SFC, UNL = VerticalLimit.surface(), VerticalLimit.unlimited()


@dataclass(frozen=True)
class Case:
    """``incursions``: how many incursions the first airspace must give (None: not fixed by
    construction, e.g. a track exactly along an edge)."""

    name: str
    track: Track
    airspaces: tuple[Airspace, ...]
    incursions: int | None

    def __str__(self) -> str:
        return self.name


def footprint(polygon: Polygon, name: str = "A", floor=SFC, ceiling=UNL) -> Airspace:  # type: ignore[no-untyped-def]
    return Airspace(name, "R", (polygon,), floor, ceiling)


def square(lat0: float, lon0: float, lat1: float, lon1: float) -> tuple[Vertex, ...]:
    """Four vertices (geodesic edges between them), clockwise seen from above."""
    return (Vertex(lat0, lon0), Vertex(lat1, lon0), Vertex(lat1, lon1), Vertex(lat0, lon1))


def along(lat: float, lon: float, az: float, dists: list[float]) -> tuple[list, list]:
    """Points at signed distances along the geodesic through (lat, lon) with azimuth az."""
    line = WGS84.DirectLine(lat, lon, az, 1.0)
    pts = [line.Position(d) for d in dists]
    return [p["lat2"] for p in pts], [(p["lon2"] + 180) % 360 - 180 for p in pts]


def _track(lat: list[float], lon: list[float], dt: float = 100.0, **kw) -> Track:  # type: ignore[no-untyped-def]
    return Track.from_arrays(
        "case", time=[T0 + dt * k for k in range(len(lat))], lat=lat, lon=lon, **kw
    )


def _tangent(r_offset: float) -> tuple[Track, Airspace]:
    """A circle of 10 km and a straight (geodesic) track passing ``r_offset`` m outside it."""
    c_lat, c_lon, r = 45.0, 10.0, 10_000.0
    g = WGS84.Direct(c_lat, c_lon, 0.0, r + r_offset)
    lat, lon = along(g["lat2"], g["lon2"], g["azi2"] + 90.0, [-30_000.0, 30_000.0])
    return _track(lat, lon, 300.0), footprint(Polygon(Circle(c_lat, c_lon, r)))


def _cases() -> list[Case]:
    cases: list[Case] = []
    sq = footprint(Polygon(square(49.9, 7.9, 50.1, 8.1)))
    cases.append(Case("crossing", _track([50.0, 50.0], [7.7, 8.3], 600.0), (sq,), 1))
    trk, circ = _tangent(1.0)
    cases.append(Case("tangent_1m_outside", trk, (circ,), 0))
    trk, circ = _tangent(-1.0)
    cases.append(Case("grazing_1m_inside", trk, (circ,), 1))
    diamond = footprint(
        Polygon((Vertex(0.0, -0.1), Vertex(0.1, 0.0), Vertex(0.0, 0.1), Vertex(-0.1, 0.0)))
    )
    cases.append(
        Case("through_two_vertices", _track([0.0, 0.0], [-0.2, 0.2], 400.0), (diamond,), 1)
    )
    lat, lon = along(0.1, 0.0, 90.0, [-20_000.0, 20_000.0])
    cases.append(Case("touching_a_vertex", _track(lat, lon, 400.0), (diamond,), 0))
    g = WGS84.Inverse(49.9, 7.9, 50.1, 7.9)
    lat, lon = along(49.9, 7.9, g["azi1"], [-5_000.0, g["s12"] + 5_000.0])
    cases.append(Case("along_an_edge", _track(lat, lon, 400.0), (sq,), None))
    am = footprint(Polygon(square(9.8, 179.8, 10.2, -179.8)))
    cases.append(Case("antimeridian", _track([10.0, 10.05], [179.5, -179.5], 900.0), (am,), 1))
    star = tuple(
        Vertex(p["lat2"], p["lon2"])
        for p in (
            WGS84.Direct(88.5, 30.0, az, d)
            for az, d in ((10, 50e3), (80, 20e3), (150, 45e3), (220, 30e3), (300, 55e3))
        )
    )
    pole = footprint(Polygon(star))
    lat, lon = along(88.5, 30.0, 40.0, [-90_000.0, 90_000.0])
    cases.append(Case("near_north_pole", _track(lat, lon, 900.0), (pole,), 1))
    cap = footprint(Polygon(tuple(Vertex(89.5, lo) for lo in (0.0, 90.0, 180.0, -90.0))))
    cases.append(Case("over_the_pole", _track([89.0, 89.0], [45.0, -135.0], 900.0), (cap,), 1))
    cases.append(Case("one_fix_inside", _track([50.0], [8.0]), (sq,), 1))
    cases.append(Case("one_fix_outside", _track([50.3], [8.0]), (sq,), 0))
    cases.append(
        Case(
            "repeated_position",
            _track([50.0, 50.0, 50.0, 50.0], [7.7, 8.02, 8.02, 8.3], 200.0),
            (sq,),
            1,
        )
    )
    holed = footprint(Polygon(square(49.9, 7.9, 50.1, 8.1), (square(49.95, 7.95, 50.05, 8.05),)))
    cases.append(Case("hole", _track([50.0, 50.0], [7.7, 8.3], 600.0), (holed,), 2))
    sector = footprint(
        Polygon((Vertex(47.0, 11.0), ArcByAngles(Vertex(47.0, 11.0), 15_000.0, 30.0, 150.0)))
    )
    cases.append(Case("arc_by_angles", _track([47.05, 47.05], [10.9, 11.4], 600.0), (sector,), 1))
    c = Vertex(46.0, 7.0)
    p1, p2 = (WGS84.Direct(c.lat, c.lon, az, 12_000.0) for az in (135.0, 225.0))
    bulge = footprint(
        Polygon(
            (
                Vertex(46.08, 7.12),
                ArcByPoints(c, Vertex(p1["lat2"], p1["lon2"]), Vertex(p2["lat2"], p2["lon2"])),
                Vertex(46.08, 6.88),
            )
        )
    )
    lat, lon = along(46.0, 7.0, 170.0, [-5_000.0, 20_000.0])
    cases.append(Case("arc_by_points", _track(lat, lon, 300.0), (bulge,), 1))
    circle = footprint(Polygon(Circle(52.0, 13.0, 9_260.0)))
    cases.append(Case("circle", _track([51.95, 52.05], [12.8, 13.2], 600.0), (circle,), 1))
    agl = footprint(
        Polygon(Circle(52.0, 13.0, 9_260.0)),
        floor=VerticalLimit.parse("1000ft AGL"),
        ceiling=VerticalLimit.parse("FL100"),
    )
    cases.append(
        Case(
            "agl_floor",
            _track([51.95, 52.05], [12.8, 13.2], 600.0, alt_baro=[600.0, 600.0]),
            (agl,),
            1,
        )
    )
    west = footprint(Polygon(square(49.9, 7.9, 50.1, 8.1)), "west")
    east = footprint(Polygon(square(49.9, 8.1, 50.1, 8.3)), "east")
    g = WGS84.Inverse(49.9, 8.1, 50.1, 8.1)
    lat, lon = along(49.9, 8.1, g["azi1"], [-5_000.0, g["s12"] + 5_000.0])
    cases.append(Case("along_a_shared_edge", _track(lat, lon, 400.0), (west, east), None))
    cases.append(
        Case("across_a_shared_edge", _track([50.0, 50.0], [7.8, 8.2], 600.0), (west, east), 1)
    )
    return cases


CASES: list[Case] = _cases()
