"""GPX reader: the real GPSBabel G1000 file and files written by gpxpy."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gpxpy
import gpxpy.gpx
import pytest

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.gpx import iter_points, read_gpx

G1000 = "gpx/gpsbabel_garmin_g1000_C182T_provo_2014-03-29.gpx"
_PT = re.compile(
    r'<trkpt lat="([-\d.]+)" lon="([-\d.]+)">\s*<ele>([-\d.]+)</ele>\s*<time>([^<]+)</time>'
)


def _iso(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def test_real_g1000_file(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / G1000
    pts = _PT.findall(src.read_text())
    assert len(pts) == 442  # MANIFEST: 442 trkpts
    path = tmp_path / "flight.csv"  # misleading extension
    path.write_bytes(src.read_bytes())
    assert sniff(path) == "gpx"
    (t,), warnings = read_tracks(path)
    assert warnings == [] and len(t) == 442
    assert t.time[0] == _iso(pts[0][3]) == _iso("2014-03-29T22:50:22Z")
    assert t.time[-1] == _iso(pts[-1][3]) and t.duration == 455.0
    assert (t.lat[0], t.lon[0], t.alt_geo[0]) == tuple(float(v) for v in pts[0][:3])
    assert (t.lat[-1], t.lon[-1], t.alt_geo[-1]) == tuple(float(v) for v in pts[-1][:3])


def _timed(n: int, t0: datetime, lat0: float = 60.0) -> list[gpxpy.gpx.GPXTrackPoint]:
    return [
        gpxpy.gpx.GPXTrackPoint(lat0 + k / 1000, 25.0, elevation=100.0 + k,
                                time=t0 + timedelta(seconds=5 * k))
        for k in range(n)
    ]  # fmt: skip


T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_gpxpy_tracks_segments_routes_waypoints(tmp_path: Path) -> None:
    g = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack(name="Flight 1")
    for s in range(2):
        seg = gpxpy.gpx.GPXTrackSegment()
        seg.points.extend(_timed(3, T0 + timedelta(minutes=s)))
        trk.segments.append(seg)
    g.tracks.append(trk)
    rte = gpxpy.gpx.GPXRoute(name="Timed route")
    rte.points.extend(
        gpxpy.gpx.GPXRoutePoint(61 + k / 100, 24.0, time=T0 + timedelta(hours=1, seconds=k))
        for k in range(4)
    )
    g.routes.append(rte)
    g.waypoints.extend(
        gpxpy.gpx.GPXWaypoint(59.0, 23.0 + k / 10, time=T0 + timedelta(seconds=10 - k))
        for k in range(2)
    )
    path = tmp_path / "g.gpx"
    path.write_text(g.to_xml())
    tracks, warnings = read_gpx(path)
    assert [t.id for t in tracks] == ["Flight 1", "Timed route", "g-waypoints"]
    flight, route, wpts = tracks
    assert len(flight) == 6 and flight.meta["segments"] == 2
    assert flight.time[3] == (T0 + timedelta(minutes=1)).timestamp()
    assert list(flight.alt_geo) == [100.0, 101.0, 102.0] * 2
    assert len(route) == 4 and route.lat[-1] == 61.03
    assert list(wpts.lon) == [23.1, 23.0]  # sorted by time
    assert any("waypoints not in time order" in w for w in warnings)


def test_untimed_route_skipped_beside_a_timed_track(tmp_path: Path) -> None:
    g = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack()
    seg = gpxpy.gpx.GPXTrackSegment()
    seg.points.extend(_timed(3, T0))
    trk.segments.append(seg)
    g.tracks.append(trk)
    rte = gpxpy.gpx.GPXRoute()
    rte.points.extend(gpxpy.gpx.GPXRoutePoint(61.0, 24.0 + k) for k in range(2))
    g.routes.append(rte)
    path = tmp_path / "plan.gpx"
    path.write_text(g.to_xml())
    (t,), warnings = read_gpx(path)
    assert t.id == "plan-trk1" and len(t) == 3
    assert warnings == [f"{path}: skipped untimed rte 1 (untimed points: not supported yet)"]


def test_only_untimed_points_is_an_error(tmp_path: Path) -> None:
    g = gpxpy.gpx.GPX()
    g.waypoints.append(gpxpy.gpx.GPXWaypoint(60.0, 25.0))
    path = tmp_path / "w.gpx"
    path.write_text(g.to_xml())
    with pytest.raises(ParseError) as err:
        read_gpx(path)
    assert err.value.path == str(path) and err.value.line == "wpt 1"
    assert err.value.reason == "no point has a time (untimed points: not supported yet)"


def test_partly_timed_segment_names_the_point(tmp_path: Path) -> None:
    g = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack()
    seg = gpxpy.gpx.GPXTrackSegment()
    seg.points.extend(_timed(2, T0))
    seg.points.append(gpxpy.gpx.GPXTrackPoint(60.5, 25.0))
    trk.segments.append(seg)
    g.tracks.append(trk)
    path = tmp_path / "p.gpx"
    path.write_text(g.to_xml())
    with pytest.raises(ParseError) as err:
        read_gpx(path)
    assert err.value.line == "trk 1 seg 1 pt 3" and "untimed points" in err.value.reason


def test_extensions_kept(tmp_path: Path) -> None:
    path = tmp_path / "ext.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1" xmlns:x="urn:x"><trk><name>T</name>'
        "<extensions><x:pilot>Ann</x:pilot></extensions><trkseg>"
        '<trkpt lat="60" lon="25"><time>2024-05-01T12:00:00Z</time>'
        "<extensions><x:hr>120</x:hr></extensions></trkpt>"
        '<trkpt lat="60.001" lon="25"><time>2024-05-01T12:00:01Z</time></trkpt>'
        "</trkseg></trk></gpx>"
    )
    (t,), _ = read_gpx(path)
    assert t.meta["extensions"] == {"pilot": "Ann"} and t.meta["point_extensions"] == ("hr",)
    assert [p.record for p in iter_points(path)] == ["trk 1 seg 1 pt 1", "trk 1 seg 1 pt 2"]


def test_broken_gpx_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "b.gpx"
    path.write_text(
        '<gpx version="1.1"><trk><trkseg><trkpt lat="x" lon="25"/></trkseg></trk></gpx>'
    )
    with pytest.raises(ParseError) as err:
        read_gpx(path)
    assert err.value.path == str(path) and "not a valid GPX file" in err.value.reason
