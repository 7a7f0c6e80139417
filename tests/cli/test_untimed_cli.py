"""``overflight check`` with hand-digitised (untimed) tracks and the timing options."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pyproj import Geod
from typer.testing import CliRunner

from overflight.cli.main import app
from overflight.reports.json import iso_utc, load_schema

runner = CliRunner()
GEOD = Geod(ellps="WGS84")
ZONE = {"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "Z", "class": "R", "floor": "GND", "ceiling": "FL100"},
        "geometry": {"type": "Polygon", "coordinates": [[[-0.05, -0.05], [0.05, -0.05],
                     [0.05, 0.05], [-0.05, 0.05], [-0.05, -0.05]]]}}]}  # fmt: skip
# along the equator from 0.2 W to 0.2 E: inside the square from 0.05 W to 0.05 E
POINTS = "# digitised from a chart\nlat,lon,alt_ft\n0 00 00 N,0 12 00 W,1000\n0.0,0.2,1000\n"
T0 = 1717243200.0


def _files(tmp_path: Path, points: str = POINTS) -> tuple[Path, Path]:
    pts = tmp_path / "pts.csv"
    pts.write_text(points)
    zone = tmp_path / "zone.geojson"
    zone.write_text(json.dumps(ZONE))
    return pts, zone


def _report(tmp_path: Path, *args: str) -> tuple[dict, object]:
    pts, zone = _files(tmp_path)
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["check", str(pts), str(zone), "--json", str(out), *args])
    rep = json.loads(out.read_text())
    schema = load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(rep)
    return rep, res


def _along(lon: float) -> float:
    """Geodesic distance along the equator from 0.2 W to ``lon``, by pyproj."""
    return GEOD.inv(-0.2, 0.0, lon, 0.0)[2]


def test_untimed_report_has_distances_and_null_times(tmp_path: Path) -> None:
    rep, res = _report(tmp_path, "--map-scale", "1:500000", "--line-width", "0.5mm")
    assert res.exit_code == 0, res.output
    (r,) = rep["results"]
    assert r["track"]["timing"] == "distance" and r["entered"] is True
    (inc,) = r["incursions"]
    for key in ("entry_time", "exit_time", "duration_s", "max_depth_time", "entry_elapsed_s"):
        assert inc[key] is None
    assert inc["entry_point"] == [0.0, -0.05] and inc["exit_point"] == [0.0, 0.05]
    assert inc["entry_distance_m"] == pytest.approx(_along(-0.05), abs=0.01)
    assert inc["exit_distance_m"] == pytest.approx(_along(0.05), abs=0.01)
    assert inc["distance_inside_m"] == pytest.approx(GEOD.inv(-0.05, 0, 0.05, 0)[2], abs=0.02)
    assert rep["parameters"]["digitising"] == {"map_scale": 500000.0, "line_width_m": 0.0005}
    assert "--map-scale" in rep["command"]
    assert "—" in res.stdout and "11.13 km" in res.stdout


def test_speed_and_start_give_times(tmp_path: Path) -> None:
    rep, res = _report(tmp_path, "--speed", "450kt", "--start", "2024-06-01T12:00:00Z")
    assert res.exit_code == 0, res.output
    (r,) = rep["results"]
    inc = r["incursions"][0]
    v = 450 * 1852 / 3600
    assert r["track"]["timing"] == "speed"
    assert inc["entry_time"] == iso_utc(T0 + _along(-0.05) / v)
    assert inc["exit_time"] == iso_utc(T0 + _along(0.05) / v)
    assert inc["duration_s"] == pytest.approx(GEOD.inv(-0.05, 0, 0.05, 0)[2] / v, abs=0.002)
    assert inc["entry_distance_m"] == pytest.approx(_along(-0.05), abs=0.01)


def test_speed_alone_gives_durations_not_dates(tmp_path: Path) -> None:
    rep, res = _report(tmp_path, "--speed", "100m/s")
    assert res.exit_code == 0, res.output
    inc = rep["results"][0]["incursions"][0]
    assert inc["entry_time"] is None and inc["exit_time"] is None
    assert inc["entry_elapsed_s"] == pytest.approx(_along(-0.05) / 100, abs=0.002)
    assert inc["duration_s"] == pytest.approx(GEOD.inv(-0.05, 0, 0.05, 0)[2] / 100, abs=0.002)


def test_start_end(tmp_path: Path) -> None:
    rep, _ = _report(tmp_path, "--start", "2024-06-01T12:00:00Z", "--end", "2024-06-01T12:10:00Z")
    inc = rep["results"][0]["incursions"][0]
    total = _along(0.2)
    assert rep["results"][0]["track"]["timing"] == "start-end"
    assert inc["entry_time"] == iso_utc(T0 + 600 * _along(-0.05) / total)


def _run(*args: object):
    return runner.invoke(app, ["check", *map(str, args)])


def test_timed_track_given_a_speed_is_exit_2(tmp_path: Path) -> None:
    _, zone = _files(tmp_path)
    sv = tmp_path / "sv.csv"
    sv.write_text("time,icao24,lat,lon\n1717243200,4d2271,0.0,-0.2\n1717243300,4d2271,0.0,0.2\n")
    res = _run(sv, zone, "--speed", "450kt")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"error: {sv}: track '4d2271' has measured times" in res.stderr


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("lat,lon\n0.0,-0.2\n0.0,0.2x\n", "pts.csv:3: bad coordinate '0.2x'"),
        ("lat,lon,time\n0.0,-0.2,\n0.0,0.2,2024-06-01T12:00:00Z\n",
         "pts.csv:2: points before the first known time need a speed (--speed)"),
    ],
)  # fmt: skip
def test_bad_untimed_input_is_one_line_exit_2(tmp_path: Path, points: str, message: str) -> None:
    pts, zone = _files(tmp_path, points)
    res = _run(pts, zone)
    assert res.exit_code == 2 and "Traceback" not in res.output
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("error: ") and "pts.csv" in x]
    assert line.startswith(f"error: {tmp_path}/{message}")


def test_bad_speed_option(tmp_path: Path) -> None:
    pts, zone = _files(tmp_path)
    res = _run(pts, zone, "--speed", "fast")
    assert res.exit_code == 2 and "not a speed: 'fast'" in res.output


def test_forced_format_missing_column(tmp_path: Path) -> None:
    pts, _ = _files(tmp_path, "lon\n0.2\n")
    res = _run(pts, "--format", "digitised-csv")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"error: {pts}:1: header has no latitude column (found: lon)" in res.stderr
