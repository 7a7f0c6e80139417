"""``overflight check`` end to end: through typer's CliRunner and as a subprocess, on the bundled
example and on bad inputs (one line per bad input, exit 2, the rest still checked)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest
from geographiclib.geodesic import Geodesic
from typer.testing import CliRunner

import overflight
from overflight.cli.main import app
from overflight.reports.json import load_schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AIRSPACE = EXAMPLES / "tallinn_airspace.txt"
FLIGHTS = EXAMPLES / "tallinn_flights.csv"
WGS84 = Geodesic.WGS84

runner = CliRunner()


def _generator() -> ModuleType:
    """scripts/make_example.py, for the geometry it used (not for any overflight result)."""
    spec = importlib.util.spec_from_file_location("make_example", ROOT / "scripts/make_example.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_example"] = mod  # dataclasses needs the module registered
    spec.loader.exec_module(mod)
    return mod


def _run(*args: str | Path):
    """``overflight check ARGS...`` through the runner (``--version`` goes to the root)."""
    words = [str(a) for a in args]
    return runner.invoke(app, words if words == ["--version"] else ["check", *words])


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _validate(report: dict) -> None:
    schema = load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(report)


def _result(report: dict, track_id: str, airspace: str) -> dict:
    (r,) = [
        r
        for r in report["results"]
        if r["track"]["id"] == track_id and r["airspace"]["name"] == airspace
    ]
    return r


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _generator()


@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> tuple[object, dict]:
    out = tmp_path_factory.mktemp("example") / "report.json"
    res = _run(FLIGHTS, AIRSPACE, "--json", out)
    return res, json.loads(out.read_text(encoding="utf-8"))


# -- independent expectations from the generator's geometry (geographiclib only) ------------------
def _position(flight, t: float) -> tuple[float, float]:
    line = WGS84.InverseLine(flight.start[0], flight.start[1], flight.end[0], flight.end[1])
    p = line.Position(flight.speed_kt * 1852.0 / 3600.0 * (t - flight.t0))
    return p["lat2"], p["lon2"]


def _bisect(f, a: float, b: float) -> float:
    fa = f(a)
    assert fa * f(b) < 0
    for _ in range(60):
        m = 0.5 * (a + b)
        fm = f(m)
        if fm * fa > 0:
            a, fa = m, fm
        else:
            b = m
    return 0.5 * (a + b)


def _side(p0: tuple[float, float], p1: tuple[float, float], q: tuple[float, float]) -> float:
    """Signed angle (degrees) from the geodesic p0->p1 to the geodesic p0->q at p0."""
    az_edge = WGS84.Inverse(p0[0], p0[1], p1[0], p1[1])["azi1"]
    az_q = WGS84.Inverse(p0[0], p0[1], q[0], q[1])["azi1"]
    return (az_q - az_edge + 180.0) % 360.0 - 180.0


def _expected_ctr_crossings(gen: ModuleType) -> tuple[float, float, tuple[float, float]]:
    """Entry over the west side (the meridian 024°30'E, a geodesic) and exit over the north
    side (the geodesic NW->NE) of the example CTR, for flight ESEXA."""
    f = gen.FLIGHTS[0]
    end_t = f.t0 + WGS84.Inverse(*f.start, *f.end)["s12"] / (f.speed_kt * 1852.0 / 3600.0)
    entry = _bisect(lambda t: _position(f, t)[1] - gen.CTR_SW[1], f.t0, end_t)
    entry_point = _position(f, entry)
    assert gen.CTR_SW[0] < entry_point[0] < gen.CTR_NW[0]  # on the west side proper
    exit_ = _bisect(lambda t: _side(gen.CTR_NW, gen.CTR_NE, _position(f, t)), entry + 1, end_t)
    assert gen.CTR_NW[1] < _position(f, exit_)[1] < gen.CTR_NE[1]  # on the north side proper
    return entry, exit_, entry_point


# -- the bundled example ------------------------------------------------------------------------
def test_example_runs_and_report_validates(example_report) -> None:
    res, report = example_report
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    _validate(report)
    assert report["version"] == overflight.__version__
    kinds = {Path(i["path"]).name: (i["kind"], i["format"]) for i in report["inputs"]}
    assert kinds == {
        "tallinn_flights.csv": ("track", "opensky-csv"),
        "tallinn_airspace.txt": ("airspace", "openair"),
    }
    airspace_input = next(i for i in report["inputs"] if i["kind"] == "airspace")
    assert airspace_input["airspaces"] == 2 and airspace_input["skipped"] == 0
    assert report["parameters"]["edges"] == "geodesic"
    assert report["summary"]["pairs"] == 6  # 3 aircraft x 2 airspaces
    assert report["summary"]["listed"] + report["summary"]["beyond_search"] == 6
    assert report["errors"] == []


def test_example_entry_and_exit_times_match_independent_geometry(example_report, gen) -> None:
    _, report = example_report
    entry, exit_, entry_point = _expected_ctr_crossings(gen)
    r = _result(report, "511f01", "TALLINN CTR")
    assert r["entered"] is True
    assert r["track"]["callsign"] == "ESEXA"
    (inc,) = r["incursions"]
    assert inc["vertical"] == "inside"
    assert inc["entry_via"] == "lateral" and inc["exit_via"] == "lateral"
    assert abs(_epoch(inc["entry_time"]) - entry) < 0.1
    assert abs(_epoch(inc["exit_time"]) - exit_) < 0.1
    assert abs(inc["entry_point"][0] - entry_point[0]) < 1e-5
    assert abs(inc["entry_point"][1] - gen.CTR_SW[1]) < 1e-5
    assert inc["duration_s"] == pytest.approx(exit_ - entry, abs=0.2)
    assert inc["max_depth_m"] > 1000.0
    # CTR ceiling 2500 ft AMSL: compared with the geometric altitude the CSV gives
    assert r["altitude_source"].get("ceiling") == "alt_geo"


def test_example_near_miss_and_vertical_cases(example_report, gen) -> None:
    _, report = example_report
    near = _result(report, "511f02", "TALLINN CTR")
    assert near["entered"] is False and near["incursions"] == []
    ca = near["closest_approach"]
    # the track stays south of 59.23 N + 1 km of curvature; the CTR's south side is 59.275 N
    assert 3000.0 < ca["lateral_m"] < 9000.0
    assert ca["laterally_inside"] is False
    assert 59.19 < ca["point"][0] < 59.24

    over = _result(report, "511f03", "TALLINN CTR")  # 3500 ft over a 2500 ft ceiling
    assert over["entered"] is False
    assert [p["vertical"] for p in over["lateral_passes"]] == ["above"]
    tma = _result(report, "511f03", "TALLINN TMA")  # 2500 ft - FL95
    assert tma["entered"] is True
    under = _result(report, "511f01", "TALLINN TMA")  # 1500 ft under a 2500 ft floor
    assert under["entered"] is False
    assert {p["vertical"] for p in under["lateral_passes"]} == {"below"}
    assert report["summary"]["entered"] == 2


def test_example_terminal_output(example_report) -> None:
    res, _ = example_report
    out = res.stdout
    assert "511f01 (ESEXA) x TALLINN CTR" in out
    assert "incursion" in out and "2024-06-15 09:" in out
    assert "closest approach" in out
    assert "6 track x airspace pairs" in out
    assert res.stderr == ""


def test_two_runs_identical_apart_from_created(tmp_path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        res = _run(FLIGHTS, AIRSPACE, "--json", out)
        assert res.exit_code == 0, res.output
    ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
    ra["created"] = rb["created"] = ""
    ra["command"] = rb["command"] = []
    assert ra == rb


def test_order_of_positional_files_does_not_matter(tmp_path, example_report) -> None:
    out = tmp_path / "r.json"
    res = _run(AIRSPACE, FLIGHTS, "--json", out)
    assert res.exit_code == 0, res.output
    _, ref = example_report
    assert json.loads(out.read_text())["results"] == ref["results"]


def test_planar_edges_and_search_distance_recorded(tmp_path) -> None:
    out = tmp_path / "r.json"
    res = _run(FLIGHTS, AIRSPACE, "--edges", "planar", "--search-distance", "1NM", "--json", out)
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text())
    assert rep["parameters"]["edges"] == "planar"
    assert rep["parameters"]["search_m"] == 1852.0
    assert rep["summary"]["search_m"] == 1852.0
    # ESEXB never comes within 1 NM of the CTR: counted, not listed
    assert not [
        r
        for r in rep["results"]
        if r["track"]["id"] == "511f02" and r["airspace"]["name"] == "TALLINN CTR"
    ]
    assert rep["summary"]["beyond_search"] >= 1


def test_version() -> None:
    res = _run("--version")
    assert res.exit_code == 0
    assert res.stdout.strip() == f"overflight {overflight.__version__}"


@pytest.mark.parametrize("bad", ["fifty", "-5km", "10 parsecs"])
def test_bad_search_distance_is_usage_error(bad: str) -> None:
    res = _run(FLIGHTS, AIRSPACE, f"--search-distance={bad}")
    assert res.exit_code == 2
    assert "search-distance" in res.output
    assert "Traceback" not in res.output


# -- bad inputs ------------------------------------------------------------------------------------
def _bad_run(tmp_path: Path, *files: Path) -> tuple[object, dict]:
    out = tmp_path / "report.json"
    res = _run(FLIGHTS, *files, AIRSPACE, "--json", out)
    assert "Traceback" not in res.output
    assert out.exists(), "the report must still be written"
    report = json.loads(out.read_text())
    _validate(report)
    return res, report


def _good_inputs_checked(res, report: dict) -> None:
    assert _result(report, "511f01", "TALLINN CTR")["entered"] is True
    assert "511f01 (ESEXA) x TALLINN CTR" in res.stdout


def _one_error_line(res, path: Path) -> str:
    errs = [line for line in _lines(res.stderr) if line.startswith("error: ")]
    assert len(errs) == 1, res.stderr
    assert errs[0].startswith(f"error: {path}")
    assert all(line.startswith(("error: ", "warning: ")) for line in _lines(res.stderr))
    return errs[0]


def test_missing_path(tmp_path) -> None:
    missing = tmp_path / "nowhere.csv"
    res, report = _bad_run(tmp_path, missing)
    assert res.exit_code == 2
    assert _one_error_line(res, missing) == f"error: {missing}: no such file"
    assert report["errors"] == [{"path": str(missing), "line": None, "reason": "no such file"}]
    _good_inputs_checked(res, report)


def test_empty_file(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res, report = _bad_run(tmp_path, empty)
    assert res.exit_code == 2
    line = _one_error_line(res, empty)
    assert "empty" in line.lower()
    assert [e["path"] for e in report["errors"]] == [str(empty)]
    _good_inputs_checked(res, report)


def test_garbage_file(tmp_path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    res, report = _bad_run(tmp_path, garbage)
    assert res.exit_code == 2
    line = _one_error_line(res, garbage)
    assert len(line) > len(f"error: {garbage}: ")  # a reason is given
    _good_inputs_checked(res, report)


def test_csv_missing_columns(tmp_path) -> None:
    bad = tmp_path / "no_position.csv"
    bad.write_text("time,icao24,callsign,baroaltitude\n1718442000,511f09,ESEXZ,300\n")
    res, report = _bad_run(tmp_path, bad)
    assert res.exit_code == 2
    line = _one_error_line(res, bad)
    assert "lat" in line and "lon" in line, line
    _good_inputs_checked(res, report)


def test_csv_non_numeric_coordinate_names_row(tmp_path) -> None:
    bad = tmp_path / "bad_lat.csv"
    bad.write_text(
        "time,icao24,lat,lon,baroaltitude\n"
        "1718442000,511f09,59.1,24.1,300\n"
        "1718442005,511f09,59.1x,24.1,300\n"
    )
    res, report = _bad_run(tmp_path, bad)
    assert res.exit_code == 2
    line = _one_error_line(res, bad)
    assert line.startswith(f"error: {bad}:row 2: "), line  # the record is named
    assert "'lat'" in line and "59.1x" in line
    _good_inputs_checked(res, report)


def test_openair_malformed_record_is_a_warning(tmp_path) -> None:
    text = AIRSPACE.read_text(encoding="utf-8").rstrip("\n").splitlines()
    text += [
        "AC R",
        "AN BROKEN ZONE",
        "AL GND",
        "AH 1500ft MSL",
        "DP 59:2x:00 N 024:40:00 E",
        "DP 59:25:00 N 024:50:00 E",
        "DP 59:20:00 N 024:50:00 E",
    ]
    bad_line = len(text) - 2  # 1-based number of the "DP 59:2x" line
    zones = tmp_path / "zones.txt"
    zones.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    res = _run(FLIGHTS, zones, "--json", out)
    assert "Traceback" not in res.output
    assert res.exit_code == 0, res.output
    warns = [line for line in _lines(res.stderr) if line.startswith("warning: ")]
    assert len(warns) == 1, res.stderr
    assert warns[0].startswith(f"warning: {zones}:{bad_line}: ")
    report = json.loads(out.read_text())
    _validate(report)
    (inp,) = [i for i in report["inputs"] if i["kind"] == "airspace"]
    assert inp["airspaces"] == 2 and inp["skipped"] == 1
    assert any(w.startswith(f"{zones}:{bad_line}: ") for w in report["warnings"])
    assert report["errors"] == []
    _good_inputs_checked(res, report)


def test_openair_unknown_altitude_unit_is_a_warning(tmp_path) -> None:
    text = AIRSPACE.read_text(encoding="utf-8").replace("AH FL95", "AH 95 furlongs")
    bad_line = text.splitlines().index("AH 95 furlongs") + 1
    zones = tmp_path / "zones.txt"
    zones.write_text(text, encoding="utf-8")
    res = _run(FLIGHTS, zones)
    assert res.exit_code == 0, res.output
    warns = [line for line in _lines(res.stderr) if line.startswith("warning: ")]
    assert len(warns) == 1 and warns[0].startswith(f"warning: {zones}:"), res.stderr
    assert "furlongs" in warns[0] or f":{bad_line}:" in warns[0]
    assert "TALLINN CTR" in res.stdout and "TALLINN TMA" not in res.stdout


def test_no_airspace_readable_exits_2(tmp_path) -> None:
    out = tmp_path / "r.json"
    res = _run(FLIGHTS, "--json", out)
    assert res.exit_code == 2
    assert "error: no airspace could be read" in _lines(res.stderr)
    assert "Traceback" not in res.output
    assert json.loads(out.read_text())["results"] == []


def test_no_track_readable_exits_2(tmp_path) -> None:
    missing = tmp_path / "gone.csv"
    res = _run(missing, AIRSPACE)
    assert res.exit_code == 2
    assert _lines(res.stderr) == [
        f"error: {missing}: no such file",
        "error: no track could be read",
    ]


# -- as a subprocess ---------------------------------------------------------------------------
def _subprocess(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "overflight.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def test_subprocess_example(tmp_path, gen) -> None:
    out = tmp_path / "report.json"
    proc = _subprocess("check", "examples/tallinn_flights.csv", "examples/tallinn_airspace.txt",
                       "--json", out)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(out.read_text())
    _validate(report)
    assert report["command"][:2] == ["overflight", "check"]
    entry, _, _ = _expected_ctr_crossings(gen)
    (inc,) = _result(report, "511f01", "TALLINN CTR")["incursions"]
    assert abs(_epoch(inc["entry_time"]) - entry) < 0.1
    assert "TALLINN CTR" in proc.stdout


def test_subprocess_bad_input(tmp_path) -> None:
    missing = tmp_path / "nowhere.csv"
    out = tmp_path / "report.json"
    proc = _subprocess("check", FLIGHTS, missing, AIRSPACE, "--json", out)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert _lines(proc.stderr) == [f"error: {missing}: no such file"]
    assert json.loads(out.read_text())["summary"]["pairs"] == 6


def test_directory_is_bad_input(tmp_path) -> None:
    folder = tmp_path / "a_folder"
    folder.mkdir()
    res, report = _bad_run(tmp_path, folder)
    assert res.exit_code == 2
    assert _one_error_line(res, folder) == f"error: {folder}: not a regular file"
    _good_inputs_checked(res, report)


def test_progress_bar_only_on_a_terminal_for_many_pairs() -> None:
    import io

    from rich.console import Console

    from overflight.cli._support import PROGRESS_MIN_PAIRS, _progress

    pipe = Console(file=io.StringIO())
    with _progress(10 * PROGRESS_MIN_PAIRS, pipe) as update:
        assert update is None  # not a terminal: no bar
    tty = Console(file=io.StringIO(), force_terminal=True, width=100)
    with _progress(PROGRESS_MIN_PAIRS - 1, tty) as update:
        assert update is None  # few pairs: no bar
    buf = io.StringIO()
    tty = Console(file=buf, force_terminal=True, width=100)
    with _progress(PROGRESS_MIN_PAIRS, tty) as update:
        assert update is not None
        update(PROGRESS_MIN_PAIRS, PROGRESS_MIN_PAIRS)
    assert f"{PROGRESS_MIN_PAIRS}/{PROGRESS_MIN_PAIRS}" in buf.getvalue()
