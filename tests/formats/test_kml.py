"""KML/KMZ reader: GPSBabel gx:Track vs the IGC it came from, the GpsDump competition
tracklog, and files written by simplekml and fastkml."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.igc import read_igc
from overflight.formats.tracks.kml import iter_fixes, read_kml

ONTARIO_KML = "kml/gpsbabel_27GLQKF3_ontario_2022-07-16.kml"
ONTARIO_IGC = "igc/gpsbabel_27GLQKF3_ontario_2022-07-16.igc"
GPSDUMP = "kml/flaretiming_gpsdump_phil-de-joux_forbes_2012-01-14.kml"
TASK = "kml/flaretiming_forbes-preworlds-2012_day8_task.kml"


def _iso(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def test_gpsbabel_kml_agrees_with_the_igc_fix_by_fix(shared_data: Path) -> None:
    text = (shared_data / ONTARIO_KML).read_text()
    assert text.count("<when>") == 2140  # PRESALTTRK + GNSSALTTRK, 1070 each
    (k,), warnings = read_kml(shared_data / ONTARIO_KML)
    (i,), _ = read_igc(shared_data / ONTARIO_IGC)
    assert len(k) == len(i) == 1070
    assert np.array_equal(k.time, i.time)
    # the KML has 6 decimals of a degree, the IGC 1/1000 minute (1.7e-5 degree)
    assert np.abs(k.lat - i.lat).max() <= 5e-7 and np.abs(k.lon - i.lon).max() <= 5e-7
    assert np.array_equal(k.alt_baro, i.alt_baro) and np.array_equal(k.alt_geo, i.alt_geo)
    assert k.meta["gpsbabel_tracks"] == ("PRESALTTRK", "GNSSALTTRK")
    assert any("skipped 3 lines without per-point times" in w for w in warnings)


def test_gpsdump_competition_tracklog(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / GPSDUMP
    text = src.read_text()
    fs = re.search(r'time_of_first_point="([^"]+)"', text)
    secs = re.search(r"<SecondsFromTimeOfFirstPoint>(.*?)</", text, re.S)
    assert fs and secs
    offsets = [int(s) for s in secs.group(1).split()]
    path = tmp_path / "tracklog.gpx"  # misleading extension; no <kml> root, no namespace
    path.write_bytes(src.read_bytes())
    assert sniff(path) == "kml"
    (t,), warnings = read_tracks(path)
    t0 = _iso(fs.group(1))
    assert t.time[0] == t0 == _iso("2012-01-14T02:12:55Z")
    assert t.time[-1] == t0 + offsets[-1] == _iso("2012-01-14T05:51:18Z")  # 3 h 38 min 23 s
    assert len(t) == len(offsets) - 1  # offsets 60, 60: the same fix twice
    assert any("dropped 1 duplicate fixes" in w for w in warnings)
    assert (t.lon[0], t.lat[0], t.alt_geo[0]) == (147.932050, -33.361600, 237.0)
    assert t.alt_baro[0] == 239.0  # first PressureAltitude value
    assert t.meta["gpsdump"]["civl_pilot_id"] == "21437"


def test_task_kml_without_times_is_a_clear_error(shared_data: Path) -> None:
    path = shared_data / TASK
    with pytest.raises(ParseError) as err:
        read_kml(path)
    assert err.value.path == str(path) and err.value.reason.startswith("no timed track")
    assert "untimed points are not supported yet" in err.value.reason


T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
WHENS = [(T0 + timedelta(seconds=4 * k)).strftime("%Y-%m-%dT%H:%M:%SZ") for k in range(4)]
COORDS = [(25.0 + k / 1000, 60.0 + k / 2000, 500.0 + 10 * k) for k in range(4)]


def test_simplekml_gx_track_and_kmz(tmp_path: Path) -> None:
    simplekml = pytest.importorskip("simplekml")
    kml = simplekml.Kml()
    trk = kml.newgxtrack(name="D-1234")
    trk.newwhen(WHENS)
    trk.newgxcoord(COORDS)
    trk.altitudemode = simplekml.AltitudeMode.absolute
    path = tmp_path / "t.kml"
    kml.save(str(path))
    (t,), warnings = read_kml(path)
    assert t.id == "D-1234" and warnings == []
    assert list(t.time) == [_iso(w) for w in WHENS]
    assert list(zip(t.lon, t.lat, t.alt_geo, strict=True)) == COORDS
    kmz = tmp_path / "t.dat"
    kml.savekmz(str(kmz))
    assert sniff(kmz) == "kmz"
    (z,), _ = read_tracks(kmz)
    assert np.array_equal(z.time, t.time) and z.meta["format"] == "kmz"


def test_simplekml_points_with_timestamps_clamped(tmp_path: Path) -> None:
    simplekml = pytest.importorskip("simplekml")
    kml = simplekml.Kml()
    folder = kml.newfolder(name="N123AB")
    for w, c in reversed(list(zip(WHENS, COORDS, strict=True))):
        pnt = folder.newpoint(coords=[c])
        pnt.timestamp.when = w
    path = tmp_path / "pts.kml"
    kml.save(str(path))
    (t,), warnings = read_kml(path)
    assert t.id == "N123AB" and list(t.time) == [_iso(w) for w in WHENS]
    assert np.isnan(t.alt_geo).all()  # no altitudeMode: clampToGround
    assert any("altitudeMode clampToGround in 4 geometries" in w for w in warnings)
    assert any("not in time order: sorted" in w for w in warnings)


def test_fastkml_linestring_segments_with_timespans(tmp_path: Path) -> None:
    fastkml = pytest.importorskip("fastkml")
    from fastkml import geometry, times
    from fastkml import kml as fkml
    from pygeoif.geometry import LineString

    doc = fastkml.Document(name="trail")
    for k in range(3):
        span = times.TimeSpan(
            begin=times.KmlDateTime(T0 + timedelta(seconds=4 * k)),
            end=times.KmlDateTime(T0 + timedelta(seconds=4 * (k + 1))),
        )
        line = geometry.LineString(
            geometry=LineString([COORDS[k], COORDS[k + 1]]),
            altitude_mode=geometry.AltitudeMode.absolute,
        )
        doc.append(fastkml.Placemark(name=f"seg {k}", kml_geometry=line, times=span))
    root = fkml.KML(features=[doc])
    path = tmp_path / "trail.kml"
    path.write_text(root.to_string())
    (t,), warnings = read_kml(path)
    assert t.id == "trail" and len(t) == 4
    assert list(t.time) == [_iso(w) for w in WHENS]
    assert list(t.alt_geo) == [c[2] for c in COORDS]
    assert any("dropped 2 duplicate fixes" in w for w in warnings)  # shared segment ends


def test_relative_altitude_dropped_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "rel.kml"
    coords = "".join(f"<gx:coord>{lon} {lat} {alt}</gx:coord>" for lon, lat, alt in COORDS)
    whens = "".join(f"<when>{w}</when>" for w in WHENS)
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        f"<Placemark><gx:Track><altitudeMode>relativeToGround</altitudeMode>{whens}{coords}"
        "</gx:Track></Placemark></kml>"
    )
    (t,), warnings = read_kml(path)
    assert np.isnan(t.alt_geo).all() and np.isnan(t.alt_baro).all()
    assert any("altitudeMode relativeToGround in 1 geometries" in w for w in warnings)
    assert [f.line for f in iter_fixes(path)] == [1, 1, 1, 1]


def test_mismatched_gx_track_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.kml"
    path.write_text(
        "<kml>\n<Placemark>\n<Track>\n<when>2024-05-01T12:00:00Z</when>\n"
        "<when>2024-05-01T12:00:01Z</when>\n<coord>25 60 0</coord>\n</Track></Placemark></kml>"
    )
    with pytest.raises(ParseError) as err:
        read_kml(path)
    assert (err.value.path, err.value.line) == (str(path), 3)
    assert err.value.reason == "gx:Track with 2 <when> but 1 <gx:coord>"


def test_bad_time_and_coordinate(tmp_path: Path) -> None:
    path = tmp_path / "bad.kml"
    path.write_text(
        "<kml><Placemark><Track>\n<when>yesterday</when>\n<coord>25 60 0</coord>"
        "</Track></Placemark></kml>"
    )
    with pytest.raises(ParseError, match=r"bad\.kml:2: bad time 'yesterday'"):
        read_kml(path)
    path.write_text(
        "<kml><Placemark><TimeStamp><when>2024-05-01T12:00:00Z</when></TimeStamp>\n"
        "<Point><coordinates>\n25,sixty</coordinates></Point></Placemark></kml>"
    )
    with pytest.raises(ParseError, match=r"bad\.kml:3: bad coordinate '25,sixty'"):
        read_kml(path)


def test_kmz_without_kml_member(tmp_path: Path) -> None:
    path = tmp_path / "x.kmz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("image.png", b"\x89PNG")
    with pytest.raises(ParseError, match=r"x\.kmz: zip archive without a \.kml document"):
        read_kml(path)
