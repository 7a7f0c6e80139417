"""``overflight check --png DIR --kml FILE``: figures and KML/KMZ evidence written and recorded
in the report (path + SHA-256), through CliRunner on the bundled example."""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from typer.testing import CliRunner

from overflight.cli.main import app
from overflight.reports.json import load_schema

ROOT = Path(__file__).resolve().parents[2]
AIRSPACE = ROOT / "examples" / "tallinn_airspace.txt"
FLIGHTS = ROOT / "examples" / "tallinn_flights.csv"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KML = "{http://www.opengis.net/kml/2.2}"
# examples/README.md: every pair but ESEXB x CTR (5.6 km south of it) is laterally inside at
# some time (an incursion or a pass above/below), so each of those gets a timeline
TIMELINES = {
    "timeline_511f01_TALLINN_CTR.png",
    "timeline_511f01_TALLINN_TMA.png",
    "timeline_511f02_TALLINN_TMA.png",
    "timeline_511f03_TALLINN_CTR.png",
    "timeline_511f03_TALLINN_TMA.png",
}

runner = CliRunner()


def _run(tmp_path: Path, *args: str) -> tuple[object, dict]:
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["check", str(FLIGHTS), str(AIRSPACE), "--json", str(out), *args])
    assert "Traceback" not in res.output
    report = json.loads(out.read_text())
    schema = load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(report)
    return res, report


def _sha(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_png_map_and_timelines(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    figs = tmp_path / "figs" / "nested"  # created when missing
    res, rep = _run(tmp_path, "--png", str(figs))
    assert res.exit_code == 0, res.output
    assert {p.name for p in figs.iterdir()} == {"map.png", *TIMELINES}
    for p in figs.iterdir():
        data = p.read_bytes()
        assert data[:8] == PNG_MAGIC, p
        width, height = struct.unpack(">II", data[16:24])  # IHDR
        assert width == 1400 and height > 300, (p, width, height)  # 7 in at 200 dpi
    outs = rep["outputs"]
    assert [o["kind"] for o in outs] == ["png-map"] + ["png-timeline"] * len(TIMELINES)
    assert {Path(o["path"]).name for o in outs} == {"map.png", *TIMELINES}
    for o in outs:
        assert o["sha256"] == _sha(o["path"])
    assert rep["command"][-4:-2] == ["--png", str(figs)]


@pytest.mark.parametrize("suffix", [".kmz", ".kml"])
def test_kml_evidence(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"evidence{suffix}"
    res, rep = _run(tmp_path, "--kml", str(path))
    assert res.exit_code == 0, res.output
    if suffix == ".kmz":
        with zipfile.ZipFile(path) as z:
            assert z.namelist() == ["doc.kml"]
            doc = z.read("doc.kml")
    else:
        doc = path.read_bytes()
    root = ET.fromstring(doc)
    names = {e.text for e in root.iter(f"{KML}name")}
    assert {"TALLINN CTR", "TALLINN TMA"} <= names
    # the inputs and their hashes are recorded in the document
    data = {d.get("name"): d.find(f"{KML}value").text for d in root.iter(f"{KML}Data")}
    inputs = json.loads(data["inputs"])
    assert {i["path"]: i["sha256"] for i in inputs} == {
        str(FLIGHTS): _sha(FLIGHTS),
        str(AIRSPACE): _sha(AIRSPACE),
    }
    assert rep["outputs"] == [{"kind": suffix[1:], "path": str(path), "sha256": _sha(path)}]


def test_kml_with_uncertainty_records_the_model(tmp_path: Path) -> None:
    path = tmp_path / "e.kmz"
    res, _ = _run(tmp_path, "--kml", str(path), "--uncertainty", "--samples", "20")
    assert res.exit_code == 0, res.output
    root = ET.fromstring(zipfile.ZipFile(path).read("doc.kml"))
    data = {d.get("name"): d.find(f"{KML}value").text for d in root.iter(f"{KML}Data")}
    assert json.loads(data["parameters"])["uncertainty"]["samples"] == 20


def test_kml_bad_extension_one_line_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    bad = tmp_path / "evidence.txt"
    res = runner.invoke(
        app, ["check", str(FLIGHTS), str(AIRSPACE), "--kml", str(bad), "--json", str(out)]
    )
    assert res.exit_code == 2
    assert _lines(res.stderr) == [f"error: --kml: {bad}: the file name must end in .kml or .kmz"]
    assert not bad.exists() and not out.exists()


def test_png_without_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    figs = tmp_path / "figs"
    kmz = tmp_path / "e.kmz"
    res, rep = _run(tmp_path, "--png", str(figs), "--kml", str(kmz))
    assert res.exit_code == 2
    errs = [line for line in _lines(res.stderr) if line.startswith("error: ")]
    assert errs == [
        "error: --png needs matplotlib, which is not installed: pip install 'overflight[report]'"
    ]
    assert not figs.exists()
    # the rest still ran: the check, the table, the KMZ and the report
    assert "511f01 (ESEXA) x TALLINN CTR" in res.stdout
    assert zipfile.ZipFile(kmz).namelist() == ["doc.kml"]
    assert [o["kind"] for o in rep["outputs"]] == ["kmz"]
    assert rep["errors"] == [{"path": str(figs), "line": None, "reason": errs[0][7:]}]
    assert rep["summary"]["entered"] == 2


def test_png_folder_that_cannot_be_made(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res, rep = _run(tmp_path, "--png", str(blocker / "figs"))
    assert res.exit_code == 2
    (err,) = [line for line in _lines(res.stderr) if line.startswith("error: ")]
    assert err.startswith(f"error: {blocker / 'figs'}: cannot write figures: ")
    assert rep["outputs"] == [] and rep["errors"][0]["path"] == str(blocker / "figs")
