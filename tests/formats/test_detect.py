"""Format detection by content, and the dispatching readers of overflight.formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overflight.errors import ParseError, UnsupportedFormatError
from overflight.formats import kind_of, read_airspaces, read_tracks, sniff

RYR = "adsb/opensky_impala/state_vectors_RYR2RG_2022-02-02.parquet"
ROLLCALL = "adsb/opensky_impala/rollcall_raw_4b1901_2024-04-06.parquet"
GERMANY = "openair/germany_2026-03_kemme.txt"
LAND = "geo/ne_10m_land_baltic.geojson"
COAST = "geo/ne_10m_coastline_baltic.geojson"
BORDERS = "geo/tkardi_baltic_a0_expanded_ee_lv_borders.ndjson"


def _copy(shared_data: Path, rel: str, dest: Path) -> Path:
    shutil.copyfile(shared_data / rel, dest)
    return dest


# -- each format by content, under a misleading name --------------------------------------------
def test_parquet_by_magic_bytes(shared_data: Path, tmp_path: Path) -> None:
    path = _copy(shared_data, RYR, tmp_path / "zones.geojson")
    assert path.read_bytes()[:4] == b"PAR1"
    assert sniff(path) == "opensky-parquet" and kind_of(path) == "track"
    (track,), _ = read_tracks(path)
    assert track.id == "4d2271" and track.meta["rows"] == pq.read_metadata(path).num_rows


def test_csv_by_header(shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "flight.parquet"
    table = pq.read_table(shared_data / RYR, columns=["time", "icao24", "lat", "lon"])
    pa.csv.write_csv(table, path)
    assert sniff(path) == "opensky-csv" and kind_of(path) == "track"
    (track,), warnings = read_tracks(path)
    # without lastposupdate the 20 stale (repeated, later-timed) positions cannot be told apart
    assert track.callsign is None and len(track) == 1200 and warnings == []


def test_traffic_csv_by_header(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("timestamp,icao24,latitude,longitude\n2022-02-02 15:45:00Z,abc123,60,25\n")
    assert sniff(path) == "opensky-csv"


def test_geojson_by_content(shared_data: Path, tmp_path: Path) -> None:
    path = _copy(shared_data, LAND, tmp_path / "land.csv")
    assert sniff(path) == "geojson" and kind_of(path) == "airspace"
    spaces, problems = read_airspaces(path)
    assert len(spaces) == 8 and len(problems) == 16  # no limits in a land file


def test_small_geojson_feature_with_txt_suffix(tmp_path: Path) -> None:
    path = tmp_path / "zone.txt"
    ring = [[8.0, 50.0], [8.1, 50.0], [8.1, 50.1], [8.0, 50.0]]
    feat = {
        "type": "Feature",
        "properties": {"name": "Z", "floor": "GND", "ceiling": "FL65"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path.write_text(json.dumps(feat))
    assert sniff(path) == "geojson"
    (a,), problems = read_airspaces(path)
    assert a.name == "Z" and problems == []


def test_openair_by_content(shared_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("overflight.formats.airspace.openair")
    path = _copy(shared_data, GERMANY, tmp_path / "germany.csv")
    assert sniff(path) == "openair" and kind_of(path) == "airspace"


# -- line and point GeoJSON: tracks (untimed lines are untimed tracks) -------------------------
@pytest.mark.parametrize(("rel", "lines", "first"), [
    (COAST, 147, (28.634613477000073, 60.60138580900008)),
    (BORDERS, 5, (21.7166666355, 57.7866666417)),
])  # fmt: skip
def test_untimed_line_geojson_is_a_track_file_without_times(
    shared_data: Path, rel: str, lines: int, first: tuple[float, float]
) -> None:
    path = shared_data / rel
    assert sniff(path) == "geojson-track" and kind_of(path) == "track"
    tracks, _ = read_tracks(path)
    assert len(tracks) == lines
    assert all(t.meta["timing"] == "distance" and t.time[0] == 0.0 for t in tracks)
    assert (float(tracks[0].lon[0]), float(tracks[0].lat[0])) == first


def test_point_geojson_is_a_track(tmp_path: Path) -> None:
    path = tmp_path / "fixes.geojson"
    pts = [
        {
            "type": "Feature",
            "properties": {"time": t},
            "geometry": {"type": "Point", "coordinates": [25.0, 60.0 + t / 1000]},
        }
        for t in range(3)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": pts}))
    with pytest.raises(UnsupportedFormatError, match=r"geojson-track holds tracks, not airsp"):
        read_airspaces(path)
    (track,), _ = read_tracks(path)
    assert len(track) == 3 and list(track.time) == [0.0, 1.0, 2.0]


# -- cannot tell, missing, empty ----------------------------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as err:
        sniff(tmp_path / "nope.txt")
    assert str(err.value) == f"{tmp_path / 'nope.txt'}: no such file"


@pytest.mark.parametrize("content", [b"", b"\n \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError) as err:
        sniff(path)
    assert str(err.value) == f"{path}: empty file"


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError) as err:
        sniff(path)
    assert str(err.value) == f"{path}: cannot tell the format: binary data"


def test_gzip_json_sample_is_a_traffic_sample(shared_data: Path, tmp_path: Path) -> None:
    path = _copy(shared_data, "adsb/traffic_samples/gliders_franconia.json.gz", tmp_path / "x.csv")
    assert sniff(path) == "traffic-json" and kind_of(path) == "track"


def test_plain_text_and_json_not_geojson(tmp_path: Path) -> None:
    pytest.importorskip("overflight.formats.airspace.openair")
    text = tmp_path / "notes.txt"
    text.write_text("Flight notes\nDeparted at ten, landed at noon.\n")
    with pytest.raises(UnsupportedFormatError) as err:
        sniff(text)
    assert str(err.value).startswith(
        f"{text}: cannot tell the format (not OpenAir, IGC, GPX, KML, GeoJSON"
    )
    js = tmp_path / "data.json"
    js.write_text('{"icao24": "4d2271", "latitude": 45.8}')
    with pytest.raises(UnsupportedFormatError, match=r"data\.json: cannot tell the format: JSON"):
        sniff(js)


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 64)
    with pytest.raises(ParseError) as err:
        sniff(path)
    assert err.value.path == str(path) and "unreadable Parquet file" in err.value.reason


def test_parquet_without_icao24(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1], "b": [2.0]}), path)
    with pytest.raises(UnsupportedFormatError, match=r"without an icao24 column \(columns: a, b\)"):
        sniff(path)


def test_rollcall_parquet_missing_columns(shared_data: Path) -> None:
    path = shared_data / ROLLCALL
    assert sniff(path) == "opensky-parquet"  # has icao24, but it is raw Mode S
    with pytest.raises(ParseError, match=r"missing required column\(s\) time, lat, lon; found"):
        read_tracks(path)


# -- the dispatchers refuse the wrong kind ------------------------------------------------------
def test_read_tracks_on_airspace_and_back(shared_data: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match=r"land_baltic\.geojson: geojson holds airsp"):
        read_tracks(shared_data / LAND)
    with pytest.raises(UnsupportedFormatError, match=r"parquet: opensky-parquet holds tracks"):
        read_airspaces(shared_data / RYR)


def test_importing_formats_is_cheap() -> None:
    code = (
        "import sys, overflight.formats as f; "
        "print(sorted(m for m in ('pyarrow', 'overflight.formats.tracks.opensky', "
        "'overflight.formats.airspace.geojson') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- new track formats and OGR airspaces by content; --format forcing ----------------------------
def test_igc_by_content(shared_data: Path, tmp_path: Path) -> None:
    path = _copy(shared_data, "igc/xcsoar_9crx3101_benalla_2009-12-27.igc", tmp_path / "x.txt")
    assert sniff(path) == "igc" and kind_of(path) == "track"


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"SQLite format 3\x00" + bytes(52) + b"GPKG" + bytes(100), "geopackage"),
        (b"\x00\x00\x27\x0a" + bytes(24) + b"\xe8\x03\x00\x00" + bytes(68), "shapefile"),
        (b"fgb\x03fgb\x00" + bytes(100), "flatgeobuf"),
    ],
)
def test_ogr_magic_bytes(tmp_path: Path, head: bytes, fmt: str) -> None:
    path = tmp_path / "zones.txt"
    path.write_bytes(head)
    assert sniff(path) == fmt and kind_of(path) == "airspace"


def test_zipped_shapefile(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "zones.dat"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("zones.shp", b"\x00\x00\x27\x0a")
    assert sniff(path) == "shapefile"


def test_sqlite_that_is_not_a_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "x.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(UnsupportedFormatError, match=r"x\.gpkg: cannot tell the format: SQLite"):
        sniff(path)


def test_forced_format(shared_data: Path, tmp_path: Path) -> None:
    path = _copy(shared_data, GERMANY, tmp_path / "germany.txt")
    assert sniff(path, fmt="igc") == "igc" and kind_of(path, fmt="igc") == "track"
    with pytest.raises(ParseError, match=r"germany\.txt: no HFDTE date header"):
        read_tracks(path, fmt="igc")
    with pytest.raises(UnsupportedFormatError) as err:
        read_tracks(path, fmt="xlsx")
    assert str(err.value).startswith("unknown format 'xlsx'; known formats: openair, geojson")
    assert "traffic-json" in str(err.value)
