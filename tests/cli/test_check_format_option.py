"""``overflight check`` options of the formats issue: ``--format``, ``--airspace-field`` and the
airspace version in the summary and the JSON report."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import shapely
from pyogrio.raw import write
from typer.testing import CliRunner

from overflight import formats
from overflight.cli import check as check_cli
from overflight.cli.main import app
from overflight.reports.json import load_schema

ROOT = Path(__file__).resolve().parents[2]
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
BOX = (24.6, 59.3, 24.9, 59.5)  # lon0, lat0, lon1, lat1 around Tallinn airport


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["check", *args])


@pytest.fixture
def box_gpkg(tmp_path: Path) -> Path:
    lon0, lat0, lon1, lat1 = BOX
    p = tmp_path / "box.gpkg"
    write(
        p,
        np.array([shapely.to_wkb(shapely.box(lon0, lat0, lon1, lat1))], dtype=object),
        [np.array([v], dtype=object) for v in ("EETN BOX", "CTR", "GND", "FL95")],
        ["NIMI", "KLASS", "ALUMINE", "ULEMINE"],
        geometry_type="Polygon",
        crs="EPSG:4326",
        driver="GPKG",
    )
    return p


def _inside_box_from_csv() -> set[str]:
    """Aircraft with a fix well inside the box (0.01 degree margin) below FL95, from the CSV."""
    lon0, lat0, lon1, lat1 = BOX
    found = set()
    with FLIGHTS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon, alt = float(row["lat"]), float(row["lon"]), float(row["baroaltitude"])
            if (
                lat0 + 0.01 < lat < lat1 - 0.01
                and lon0 + 0.01 < lon < lon1 - 0.01
                and alt < 9500 * 0.3048
            ):
                found.add(row["icao24"])
    return found


def test_airspace_field_maps_gis_attributes(box_gpkg: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    res = _invoke(
        str(FLIGHTS),
        str(box_gpkg),
        "--airspace-field",
        "name=NIMI",
        "--airspace-field",
        "class=KLASS",
        "--airspace-field",
        "floor=ALUMINE",
        "--airspace-field",
        "ceiling=ULEMINE",
        "--json",
        str(report),
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(rep, load_schema())
    assert {r["airspace"]["name"] for r in rep["results"]} == {"EETN BOX"}
    assert {r["airspace"]["class"] for r in rep["results"]} == {"CTR"}
    assert {r["airspace"]["ceiling"]["text"] for r in rep["results"]} == {"FL95"}
    entered = {r["track"]["id"] for r in rep["results"] if r["entered"]}
    expected = _inside_box_from_csv()
    assert expected and expected <= entered
    assert "511f02" not in entered  # its fixes stay south of 59.23 N (CSV)
    assert rep["command"].count("--airspace-field") == 4 and "class=KLASS" in rep["command"]
    [airspace_input] = [i for i in rep["inputs"] if i["kind"] == "airspace"]
    assert airspace_input["version"]["sha256"] == airspace_input["sha256"]


def test_without_field_map_the_gis_file_gets_defaults(box_gpkg: Path) -> None:
    res = _invoke(str(FLIGHTS), str(box_gpkg), "--airspace-field", "name=NIMI")
    assert res.exit_code == 0, res.output
    # floor and ceiling fields have unguessable (Estonian) names: SFC/UNL defaults, warned
    assert f"warning: {box_gpkg}:feature 1: 'EETN BOX': no floor given; taken as SFC" in (
        res.stderr
    )


def test_bad_airspace_field_is_a_usage_error() -> None:
    res = _invoke(str(FLIGHTS), str(AIRSPACE), "--airspace-field", "colour=RED")
    assert res.exit_code == 2
    assert "bad field mapping 'colour=RED'" in res.output


def test_airspace_field_on_openair_is_ignored_with_a_warning() -> None:
    res = _invoke(str(FLIGHTS), str(AIRSPACE), "--airspace-field", "name=NAME")
    assert res.exit_code == 0, res.output
    assert f"warning: {AIRSPACE}: --airspace-field does not apply to OpenAir files" in res.stderr


def test_format_refused_clearly_when_readers_cannot_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(check_cli, "_forcing_supported", lambda: False)
    res = _invoke(str(FLIGHTS), str(AIRSPACE), "--format", "openair")
    assert res.exit_code == 2
    assert "forcing a format is not supported" in res.output


def _recording(fn: Callable[..., Any], seen: list[tuple[str, str | None]]) -> Callable[..., Any]:
    def wrapper(path: Any, fmt: str | None = None) -> Any:
        seen.append((fn.__name__, fmt))
        return fn(path)

    wrapper.__name__ = fn.__name__
    return wrapper


def test_format_is_passed_to_every_reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # stand-ins with the fmt= keyword, so the test does not depend on the readers' version
    seen: list[tuple[str, str | None]] = []
    for name in ("kind_of", "sniff", "read_tracks", "read_airspaces"):
        monkeypatch.setattr(formats, name, _recording(getattr(formats, name), seen))
    assert check_cli._forcing_supported()
    report = tmp_path / "r.json"
    res = _invoke(str(AIRSPACE), "--format", "openair", "--json", str(report))
    assert res.exit_code == 2  # no track: still an error, but the airspace was read
    # (calls with None are the readers' own internal calls, e.g. kind_of -> sniff)
    forced = {name for name, fmt in seen if fmt == "openair"}
    assert forced == {"kind_of", "sniff", "read_airspaces"}
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["command"][-4:-2] == ["--format", "openair"]
    jsonschema.validate(rep, load_schema())


def test_unknown_format_name_lists_the_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cli, "_forcing_supported", lambda: True)
    res = _invoke(str(FLIGHTS), str(AIRSPACE), "--format", "dbase")
    assert res.exit_code == 2
    assert "unknown format 'dbase'" in res.output
    assert "openair" in res.output


def test_airspace_version_printed_and_recorded(tmp_path: Path) -> None:
    airspace = tmp_path / "tallinn_2603.txt"
    airspace.write_text(
        "* Tallinn example, AIRAC 2603\n" + AIRSPACE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = tmp_path / "r.json"
    res = _invoke(str(FLIGHTS), str(airspace), "--json", str(report))
    assert res.exit_code == 0, res.output
    assert f"airspace version: {airspace}: AIRAC 2603, effective 2026-03-19" in res.stdout
    rep = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(rep, load_schema())
    [inp] = [i for i in rep["inputs"] if i["kind"] == "airspace"]
    assert inp["version"]["airac"] == "2603"
    assert inp["version"]["evidence"] == ["line 1: Tallinn example, AIRAC 2603"]


def test_no_version_line_when_the_file_states_none() -> None:
    res = _invoke(str(FLIGHTS), str(AIRSPACE))
    assert res.exit_code == 0, res.output
    assert "airspace version:" not in res.stdout
