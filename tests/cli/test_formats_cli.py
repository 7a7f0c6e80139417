"""``overflight formats``: every format with its detection rule, via typer's CliRunner."""

from __future__ import annotations

from typer.testing import CliRunner

from overflight.cli.main import app
from overflight.formats import FORMATS


def test_formats_lists_every_format_with_its_rule() -> None:
    result = CliRunner().invoke(app, ["formats"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for f in FORMATS:
        row = next((ln for ln in lines if ln.startswith(f"│ {f.name} ")), None)
        assert row is not None, f.name
        assert f" {f.kind} " in row and f.extensions[0] in row
        assert f.rule.split()[0] in row
    assert {f.name for f in FORMATS} >= {
        "igc", "gpx", "kml", "kmz", "geojson-track", "traffic-json",
        "openair", "geojson", "geopackage", "shapefile", "flatgeobuf",
        "opensky-csv", "opensky-parquet",
    }  # fmt: skip


def test_formats_help() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "formats" in result.output
