"""The same flight in IGC, GPX, KML, GeoJSON and as GPSBabel's KML gives the same incursions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np
import pytest
import simplekml
from pyproj import Geod

from overflight import check, read_tracks
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit

IGC = "igc/gpsbabel_27GLQKF3_ontario_2022-07-16.igc"
KML = "kml/gpsbabel_27GLQKF3_ontario_2022-07-16.kml"


@pytest.fixture(scope="module")
def data(shared_data: Path) -> Path:
    return shared_data


def _zones(track) -> list[Airspace]:
    """A circle and a polygon placed on the flight's own path, laterally only (SFC-UNL)."""
    g = Geod(ellps="WGS84")
    i, j = len(track) // 3, 2 * len(track) // 3
    circle = Polygon(Circle(float(track.lat[i]), float(track.lon[i]), 1500.0))
    lon, lat, _ = g.fwd(
        np.full(5, track.lon[j]), np.full(5, track.lat[j]), [10, 80, 150, 230, 300], [2500] * 5
    )
    square = Polygon(tuple(Vertex(float(b), float(a)) for a, b in zip(lon, lat, strict=True)))
    low, high = VerticalLimit.surface(), VerticalLimit.unlimited()
    return [
        Airspace("circle", "R", (circle,), low, high),
        Airspace("pentagon", "R", (square,), low, high),
    ]


def _intervals(track, zones) -> dict[str, list[tuple[float, float]]]:
    out = check([track], zones)
    return {
        r.airspace.name: [(i.entry_time, i.exit_time) for i in r.incursions] for r in out.results
    }


def _write_gpx(track, path: Path) -> None:
    gpx = gpxpy.gpx.GPX()
    seg = gpxpy.gpx.GPXTrackSegment()
    for t, la, lo, al in zip(track.time, track.lat, track.lon, track.alt_geo, strict=True):
        seg.points.append(
            gpxpy.gpx.GPXTrackPoint(
                float(la), float(lo), elevation=float(al), time=datetime.fromtimestamp(t, UTC)
            )
        )
    trk = gpxpy.gpx.GPXTrack()
    trk.segments.append(seg)
    gpx.tracks.append(trk)
    path.write_text(gpx.to_xml())


def _write_kml(track, path: Path) -> None:
    kml = simplekml.Kml()
    trk = kml.newgxtrack(name="27GLQKF3", altitudemode=simplekml.AltitudeMode.absolute)
    trk.newwhen([datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in track.time])
    trk.newgxcoord(
        [
            (float(lo), float(la), float(al))
            for lo, la, al in zip(track.lon, track.lat, track.alt_geo, strict=True)
        ]
    )
    kml.save(str(path))


def _write_geojson(track, path: Path) -> None:
    times = [datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in track.time]
    coords = [
        [float(lo), float(la), float(al)]
        for lo, la, al in zip(track.lon, track.lat, track.alt_geo, strict=True)
    ]
    doc = {
        "type": "Feature",
        "properties": {"name": "27GLQKF3", "coordTimes": times},
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    path.write_text(json.dumps(doc))


def test_same_flight_same_incursions_in_every_format(data: Path, tmp_path: Path) -> None:
    (igc,), _ = read_tracks(data / IGC)
    zones = _zones(igc)
    want = _intervals(igc, zones)
    assert set(want) == {"circle", "pentagon"} and all(want.values())

    _write_gpx(igc, tmp_path / "flight.gpx")
    _write_kml(igc, tmp_path / "flight.kml")
    _write_geojson(igc, tmp_path / "flight.geojson")
    for path in (
        tmp_path / "flight.gpx",
        tmp_path / "flight.kml",
        tmp_path / "flight.geojson",
        data / KML,
    ):
        (other,), _ = read_tracks(path)
        got = _intervals(other, zones)
        assert set(got) == set(want), path.name
        for name, ivs in want.items():
            assert len(got[name]) == len(ivs), (path.name, name)
            np.testing.assert_allclose(
                np.array(got[name]), np.array(ivs), atol=0.1, rtol=0, err_msg=path.name
            )
