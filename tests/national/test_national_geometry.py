"""Geodesic offset bands, median lines and built national airspace on synthetic land, against an
independent geographiclib oracle (tests/national/national_oracle.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from national_oracle import Oracle

from overflight.geometry.median import median_line
from overflight.geometry.offset import NearestLine, geodesic_band
from overflight.national.build import NM, build_national
from overflight.national.land import Frame, land_by_state

W = 12 * NM


def _vertices(geom: shapely.Geometry) -> np.ndarray:
    return shapely.get_coordinates(shapely.boundary(geom))


@settings(max_examples=6, deadline=None)
@given(
    lat=st.floats(-70, 70),
    lon=st.floats(-179, 179),
    width=st.floats(500, 40_000),
    dlon=st.floats(0.05, 1.5),
    dlat=st.floats(-1.0, 1.0),
)
def test_band_vertices_are_at_the_width(lat, lon, width, dlon, dlat) -> None:
    line = np.array([[lon, lat], [lon + dlon / 2, lat + dlat / 3], [lon + dlon, lat + dlat]])
    band = geodesic_band([line], width)
    oracle = Oracle([line], step_deg=0.0002)
    xy = _vertices(band)
    pick = xy[:: max(1, len(xy) // 25)]
    err = [oracle.distance(x, y) - width for x, y in pick]
    assert max(abs(e) for e in err) < 20.0, err
    # and the band holds the line
    assert shapely.covers(shapely.buffer(band, 1e-9), shapely.linestrings(line))


def test_band_of_a_point_is_a_geodesic_disc_at_high_latitude() -> None:
    band = geodesic_band([np.array([[20.0, 78.0]])], W)
    xy = _vertices(band)
    from geographiclib.geodesic import Geodesic

    d = [Geodesic.WGS84.Inverse(78.0, 20.0, y, x)["s12"] for x, y in xy]
    assert max(abs(v - W) for v in d) < 1.0
    # area of a geodesic disc of 12 NM: pi r^2 to 1e-4 (small curvature correction)
    area = abs(Geodesic.WGS84.Polygon().Compute()[2]) if False else None
    del area
    poly = Geodesic.WGS84.Polygon()
    for x, y in xy[:-1]:
        poly.AddPoint(y, x)
    _, _, a = poly.Compute()
    assert abs(abs(a) - math.pi * W**2) / (math.pi * W**2) < 2e-3


def test_median_line_is_equidistant() -> None:
    a = [np.array([[24.0, 59.40], [24.4, 59.52], [24.8, 59.45], [25.3, 59.55]])]
    b = [np.array([[23.9, 60.10], [24.5, 60.02], [25.0, 60.15], [25.4, 60.05]])]
    line = median_line(a, b, within=shapely.box(24.1, 59.0, 25.2, 61.0))
    oa, ob = Oracle(a, 0.0001), Oracle(b, 0.0001)
    xy = shapely.get_coordinates(line)
    assert len(xy) > 20
    diff = [oa.distance(x, y) - ob.distance(x, y) for x, y in xy[:: max(1, len(xy) // 60)]]
    assert max(abs(d) for d in diff) < 20.0, diff


def _island(lon: float, lat: float, r_deg: float = 0.003) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 13)
    c = np.cos(np.radians(lat))
    return np.column_stack([lon + r_deg / c * np.cos(t), lat + r_deg * np.sin(t)])


def _land(frame: Frame, rings: list[np.ndarray], countries: dict) -> object:
    return land_by_state(frame, rings=lambda bbox: rings, countries=countries)


def test_small_island_gets_its_full_disc() -> None:
    # a two-hectare islet (Vaindloo-like) far from anything else: a full 12 NM disc
    isl = _island(5.0, 45.0, 0.0007)
    frame = Frame((3.0, 44.0, 7.0, 46.0), 5.0)
    land = _land(frame, [isl], {"FR": shapely.Polygon(_island(5.0, 45.0, 0.01))})
    built = build_national("FR", land=land)
    assert len(built.airspace.polygons) == 1
    oracle = Oracle([isl], 0.00005)
    xy = _vertices(built.geometry)
    d = np.array([oracle.distance(x, y) for x, y in xy[::5]])
    assert np.abs(d - W).max() < 20.0
    # its area is that of a disc of 12 NM plus the islet's radius (77.8 m), within 0.1 %
    lon, lat = xy[:, 0], xy[:, 1]
    from pyproj import Geod

    area, _ = Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)
    disc = math.pi * (W + 77.8) ** 2
    assert abs(abs(area) - disc) / disc < 1e-3


def test_two_islands_closer_than_24nm_merge_farther_do_not() -> None:
    frame = Frame((3.0, 44.0, 8.0, 46.0), 5.5)
    near = [_island(5.0, 45.0), _island(5.0 + 0.5, 45.0)]  # ~39 km apart < 44.4 km
    far = [_island(5.0, 45.0), _island(5.0 + 0.65, 45.0)]  # ~51 km apart
    countries = {"FR": shapely.box(4.9, 44.9, 5.8, 45.1)}
    one = build_national("FR", land=_land(frame, near, countries))
    two = build_national("FR", land=_land(frame, far, countries))
    assert len(one.airspace.polygons) == 1
    assert len(two.airspace.polygons) == 2


def test_coast_across_the_antimeridian_has_no_seam() -> None:
    # an island split at 180 as GSHHS splits Eurasia (0-E / 0-W): one piece each side
    east = np.array([[179.8, 66.0], [180.0, 66.0], [180.0, 66.2], [179.8, 66.2], [179.8, 66.0]])
    west = np.array([[-180.0, 66.0], [-179.8, 66.0], [-179.8, 66.2], [-180.0, 66.2], [-180, 66]])

    def rings(bbox):
        w, _, e, _ = bbox
        return [r for r in (east, west) if r[:, 0].min() <= e and r[:, 0].max() >= w]

    frame = Frame.around((179.7, 65.9, 180.3, 66.3), 60_000)
    assert frame.lon0 == 180.0
    country = shapely.box(179.7, 65.95, 180.25, 66.25)  # DCW keeps longitudes past 180
    land = land_by_state(frame, rings=rings, countries={"RU": country})
    assert land.land["RU"].geom_type == "Polygon"  # the two halves joined
    built = build_national("RU", land=land)
    assert len(built.airspace.polygons) == 1
    lon = shapely.get_coordinates(built.geometry)[:, 0]
    assert lon.max() > 180.0 and lon.min() > 179.0  # continuous longitudes, no wrap
    # no seam: the coast has no edge along the meridian 180
    for line in built.coast:
        on180 = np.isclose(line[:, 0], 180.0)
        assert not (on180[:-1] & on180[1:]).any()


def test_median_and_neighbour_land_are_respected() -> None:
    # two states facing each other across a 30 km strait: the sea splits on the median
    a = np.array([[4.0, 44.5], [6.0, 44.5], [6.0, 44.8], [4.0, 44.8], [4.0, 44.5]])
    b = np.array([[4.0, 45.07], [6.0, 45.07], [6.0, 45.4], [4.0, 45.4], [4.0, 45.07]])
    countries = {"FR": shapely.Polygon(a), "IT": shapely.Polygon(b)}
    frame = Frame((3.0, 44.0, 7.0, 46.0), 5.0)
    land = _land(frame, [a, b], countries)
    built = build_national("FR", land=land)
    assert not shapely.intersects(built.geometry, shapely.Polygon(b).buffer(-1e-6))
    oa = Oracle([a], 0.0001)
    ob = Oracle([b], 0.0001)
    # vertices north of FR's coast in the strait's middle section are on the median
    xy = _vertices(built.geometry)
    mid = xy[(xy[:, 0] > 4.5) & (xy[:, 0] < 5.5) & (xy[:, 1] > 44.85)]
    assert len(mid) > 5
    diffs = [oa.distance(x, y) - ob.distance(x, y) for x, y in mid]
    assert max(abs(d) for d in diffs) < 20.0


@pytest.mark.parametrize("width_nm", [3.0, 12.0])
def test_width_is_a_parameter(width_nm: float) -> None:
    isl = _island(5.0, 45.0)
    frame = Frame((3.0, 44.0, 7.0, 46.0), 5.0)
    land = _land(frame, [isl], {"FR": shapely.Polygon(isl)})
    built = build_national("FR", width_m=width_nm * NM, land=land)
    assert built.parameters["width_nm"] == width_nm
    d, _, _ = NearestLine([isl]).distance(*_vertices(built.geometry).T)
    assert np.abs(d - width_nm * NM).max() < 20.0
