"""``overflight check --uncertainty``: P(entry) and sensitivity in the report and the table,
through CliRunner on the bundled example (examples/README.md describes the three flights)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from overflight.cli.main import app
from overflight.reports.json import load_schema

ROOT = Path(__file__).resolve().parents[2]
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
SAMPLES = "400"

runner = CliRunner()


def _validate(report: dict) -> None:
    schema = load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(report)


def _run(tmp_path: Path, *args: str, name: str = "r.json") -> tuple[object, dict]:
    out = tmp_path / name
    res = runner.invoke(app, ["check", str(FLIGHTS), str(AIRSPACE), "--json", str(out), *args])
    assert "Traceback" not in res.output
    report = json.loads(out.read_text())
    _validate(report)
    return res, report


def _result(report: dict, icao: str, airspace: str) -> dict:
    (r,) = [
        r
        for r in report["results"]
        if r["track"]["id"] == icao and r["airspace"]["name"] == airspace
    ]
    return r


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_p_entry_is_one_inside_and_zero_far_away(tmp_path: Path) -> None:
    res, rep = _run(tmp_path, "--uncertainty", "--samples", SAMPLES, "--seed", "3")
    assert res.exit_code == 0, res.output
    # ESEXA crosses the CTR, up to 11.5 km deep: no 30 m error takes it out
    a = _result(rep, "511f01", "TALLINN CTR")["probability"]
    assert a["p_entry"] == 1.0 and a["stderr"] == 0.0
    assert a["samples"] == 400 and a["seed"] == 3 and a["entered_samples"] == 400
    assert a["model"]["sigma_h_m"] == 30.0 and a["model"]["sigma_v_m"] == 30.0
    # the sampled duration brackets the exact one (09:07:04.452 -> 09:17:41.938 = 637.486 s)
    d = a["duration_s"]
    assert d["p05"] <= 637.486 <= d["p95"] and d["p95"] - d["p05"] < 30.0
    # ESEXB passes ~5.6 km south of the CTR: Phi(-5600 / 30) is 0 to double precision
    b = _result(rep, "511f02", "TALLINN CTR")["probability"]
    assert b["p_entry"] == 0.0 and b["stderr"] == 0.0 and b["duration_s"] is None
    assert 0.5 * math.erfc(5600 / 30 / math.sqrt(2)) == 0.0
    # ESEXC passes 328 m over the CTR's ceiling (sigma_v 30 m): nearly 11 sigma, never entered
    assert _result(rep, "511f03", "TALLINN CTR")["probability"]["p_entry"] == 0.0
    assert _result(rep, "511f03", "TALLINN TMA")["probability"]["p_entry"] == 1.0


def test_parameters_and_command_record_the_model(tmp_path: Path) -> None:
    args = ["--uncertainty", "--samples", "200", "--seed", "11", "--sigma-h", "0.05km",
            "--sigma-v", "100ft", "--bias-fraction", "0.2", "--tau", "2min",
            "--sigma-t", "1s"]  # fmt: skip
    res, rep = _run(tmp_path, *args)
    assert res.exit_code == 0, res.output
    unc = rep["parameters"]["uncertainty"]
    assert unc["samples"] == 200 and unc["seed"] == 11
    model = unc["model"]
    assert model["sigma_h_m"] == 50.0
    assert model["sigma_v_m"] == pytest.approx(30.48)
    assert model["bias_fraction"] == 0.2 and model["tau_s"] == 120.0
    assert model["sigma_t_s"] == 1.0
    for r in rep["results"]:
        assert r["probability"]["model"] == model
    cmd = rep["command"]
    i = cmd.index("--uncertainty")
    assert cmd[i : i + 5] == ["--uncertainty", "--samples", "200", "--seed", "11"]
    assert cmd[cmd.index("--tau") + 1] == "2min"


def test_infinite_tau_is_recorded_as_null(tmp_path: Path) -> None:
    res, rep = _run(tmp_path, "--uncertainty", "--samples", "50", "--tau", "inf")
    assert res.exit_code == 0, res.output
    assert rep["parameters"]["uncertainty"]["model"]["tau_s"] is None


def test_sensitivity_rows(tmp_path: Path) -> None:
    res, rep = _run(tmp_path, "--uncertainty", "--samples", "50")
    assert res.exit_code == 0, res.output
    rows = _result(rep, "511f01", "TALLINN CTR")["sensitivity"]
    # the track has barometric and geometric altitude: four definitions
    assert [r["definition"] for r in rows] == [
        "as given", "planar edges", "barometric altitude", "geometric altitude"
    ]  # fmt: skip
    assert rows[0]["entered"] is True and rows[0]["duration_s"] == 637.486
    assert not any(r["flips_verdict"] for r in rows)
    # ESEXA leaves over the CTR's north side, on a parallel: the geodesic between its ends
    # bulges poleward, the straight lon/lat edge does not, so read planar the CTR ends a little
    # further south and the track leaves it earlier
    assert rows[1]["edges"] == "planar" and rows[1]["duration_s"] < rows[0]["duration_s"]


def test_same_seed_gives_identical_report(tmp_path: Path) -> None:
    args = ("--uncertainty", "--samples", "300", "--seed", "42", "--tau", "30s")
    _, one = _run(tmp_path, *args, name="one.json")
    _, two = _run(tmp_path, *args, name="two.json")
    one.pop("created"), two.pop("created")
    one["command"][-1] = two["command"][-1] = "<json>"
    assert one == two


def test_table_shows_probability_beside_the_verdict(tmp_path: Path) -> None:
    res, _ = _run(tmp_path, "--uncertainty", "--samples", "100")
    lines = _lines(res.stdout)
    (title,) = [line for line in lines if line.startswith("511f01 (ESEXA) x TALLINN CTR")]
    assert title.rstrip().endswith("; P(entry) 1.000 ± 0.000")
    (far,) = [line for line in lines if line.startswith("511f02 (ESEXB) x TALLINN CTR")]
    assert "not entered; closest approach" in far and far.endswith("; P(entry) 0.000 ± 0.000")


def test_without_uncertainty_nothing_is_added(tmp_path: Path) -> None:
    res, rep = _run(tmp_path)
    assert res.exit_code == 0
    assert "P(entry)" not in res.stdout
    assert "uncertainty" not in rep["parameters"] and "outputs" not in rep
    for r in rep["results"]:
        assert "probability" not in r and "sensitivity" not in r


def test_model_options_without_uncertainty_warn(tmp_path: Path) -> None:
    res, rep = _run(tmp_path, "--samples", "10", "--sigma-h", "5m")
    assert res.exit_code == 0
    assert "warning: --samples, --sigma-h apply only with --uncertainty; ignored" in _lines(
        res.stderr
    )
    assert "probability" not in rep["results"][0]


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--sigma-h", "-5m", "must be >= 0, got '-5m'"),
        ("--sigma-v", "thirty", "cannot read 'thirty' (expected e.g. 30m, 0.1NM, 100ft)"),
        ("--sigma-h", "30 parsecs", "cannot read '30 parsecs'"),
        ("--samples", "0", "must be >= 1, got 0"),
        ("--samples", "many", "not a whole number: 'many'"),
        ("--seed", "-1", "must be >= 0, got -1"),
        ("--bias-fraction", "1.5", "must be between 0 and 1, got '1.5'"),
        ("--tau", "60 fortnights", "cannot read '60 fortnights'"),
        ("--sigma-t", "-1s", "must be >= 0, got '-1s'"),
    ],
)
def test_bad_values_one_line_exit_2(tmp_path: Path, option: str, value: str, reason: str) -> None:
    out = tmp_path / "r.json"
    args = ["check", str(FLIGHTS), str(AIRSPACE), "--uncertainty", option, value]
    res = runner.invoke(app, [*args, "--json", str(out)])
    assert res.exit_code == 2
    (line,) = _lines(res.stderr)
    assert line.startswith(f"error: {option}: ") and reason in line, line
    assert "Traceback" not in res.output
    assert not out.exists()


POINTS = "# digitised from a chart\nlat,lon,alt_ft\n0.0,-0.2,1000\n0.0,0.2,1000\n"
ZONE = {"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "Z", "class": "R", "floor": "GND", "ceiling": "FL100"},
        "geometry": {"type": "Polygon", "coordinates": [[[-0.05, -0.05], [0.05, -0.05],
                     [0.05, 0.05], [-0.05, 0.05], [-0.05, -0.05]]]}}]}  # fmt: skip


def test_untimed_track_gets_no_probability_and_a_warning(tmp_path: Path) -> None:
    pts = tmp_path / "pts.csv"
    pts.write_text(POINTS)
    zone = tmp_path / "zone.geojson"
    zone.write_text(json.dumps(ZONE))
    out = tmp_path / "r.json"
    res = runner.invoke(
        app, ["check", str(pts), str(zone), "--uncertainty", "--samples", "50", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text())
    _validate(rep)
    (r,) = rep["results"]
    assert r["track"]["timing"] == "distance" and r["entered"] is True
    assert r["probability"] is None
    assert r["sensitivity"][0]["entered"] is True
    assert r["sensitivity"][0]["duration_s"] is None  # no times: no duration
    warns = [w for w in _lines(res.stderr) if w.startswith("warning: ")]
    assert len(warns) == 1 and "P(entry) not computed" in warns[0], res.stderr
    assert any("P(entry) not computed" in w for w in rep["warnings"])
    assert "P(entry) not computed" in res.stdout
    # with a speed the track has times, and the model applies
    res = runner.invoke(app, ["check", str(pts), str(zone), "--uncertainty", "--samples", "50",
                              "--speed", "100kt", "--json", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["results"][0]["probability"]["p_entry"] == 1.0
