"""The ``version`` of airspace inputs in the ``overflight.check/1`` report (added field)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from overflight.analysis.params import CheckOutcome, CheckParameters
from overflight.formats.airspace.version import airspace_version
from overflight.reports.json import InputRecord, build_report, load_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tallinn_airspace.txt"


def _report(version: dict | None) -> dict:
    record = InputRecord("a.txt", "airspace", "openair", "ab" * 32, 2, 0, version=version)
    return build_report(CheckOutcome([], CheckParameters()), [record], created=0.0)


def test_version_recorded_with_every_key(tmp_path: Path) -> None:
    p = tmp_path / "de.txt"
    p.write_text("* effective from 19th March 2026\nAC D\n", encoding="utf-8")
    rep = _report(airspace_version(p))
    jsonschema.validate(rep, load_schema())
    version = rep["inputs"][0]["version"]
    assert (version["airac"], version["effective"]) == ("2603", "2026-03-19")
    assert version["evidence"] == ["line 1: effective from 19th March 2026"]
    required = load_schema()["$defs"]["airspace_version"]["required"]
    assert sorted(version) == sorted(required)


def test_existing_fields_unchanged_and_version_optional() -> None:
    rep = _report(None)
    jsonschema.validate(rep, load_schema())
    assert rep["inputs"][0] == {
        "path": "a.txt",
        "sha256": "ab" * 32,
        "kind": "airspace",
        "format": "openair",
        "airspaces": 2,
        "skipped": 0,
    }
    track = InputRecord("t.csv", "track", "opensky-csv", None, tracks=1, version={"x": 1})
    assert "version" not in track.to_dict()  # only airspace inputs carry a version


def test_schema_refuses_a_malformed_version() -> None:
    version = airspace_version(EXAMPLE)
    version["effective"] = "19 March 2026"  # dates are ISO YYYY-MM-DD
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_report(version), load_schema())
    version["effective"] = None
    version["airac"] = "26-03"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_report(version), load_schema())
