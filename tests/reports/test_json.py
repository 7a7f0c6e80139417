"""The overflight.check/1 JSON report: schema validity, formatting, determinism, provenance."""

from __future__ import annotations

import copy
import hashlib
import json
import math
from datetime import UTC, datetime

import jsonschema
import pytest

import overflight
from overflight.analysis.params import CheckOutcome, CheckParameters
from overflight.model import (
    Airspace,
    CheckResult,
    Circle,
    ClosestApproach,
    Incursion,
    Polygon,
    Track,
    Vertex,
    VerticalLimit,
)
from overflight.reports.json import (
    SCHEMA_ID,
    InputRecord,
    build_report,
    dumps,
    iso_utc,
    load_schema,
    write_report,
)
from overflight.reports.provenance import command_line, environment, sha256_file

T0 = datetime(2024, 6, 15, 9, 0, 0, tzinfo=UTC).timestamp()  # 1718442000


def _ctr() -> Airspace:
    return Airspace(
        name="TALLINN CTR",
        kind="C",
        polygons=(Polygon((Vertex(59.275, 24.5), Vertex(59.55, 24.5), Vertex(59.55, 25.1667))),),
        floor=VerticalLimit.surface("GND"),
        ceiling=VerticalLimit.parse("2500ft MSL"),
        source="examples/tallinn_airspace.txt",
        line=9,
    )


def _agl_zone() -> Airspace:
    fl = VerticalLimit.flight_level(130)
    agl = VerticalLimit.parse("1000ft AGL")
    ceiling = VerticalLimit(fl.value, fl.unit, fl.reference, "FL130", other=agl, rule="higher")
    return Airspace(
        name="ZONE R1",
        kind="R",
        polygons=(Polygon(Circle(59.0, 25.0, 5000.0)),),
        floor=VerticalLimit.parse("500ft AGL"),
        ceiling=ceiling,
        id="r1",
        source=None,
        line=None,
    )


def _incursion(**kw: object) -> Incursion:
    base: dict[str, object] = dict(
        entry_time=T0 + 400.123456,
        exit_time=T0 + 1000.98765,
        entry_point=(59.326712345678, 24.5),
        exit_point=(59.55000000049, 24.8812345678),
        max_depth_m=4321.987654,
        max_depth_time=T0 + 700.5,
        max_depth_point=(59.45, 24.7),
        vertical="inside",
        entry_via="lateral",
        exit_via="lateral",
        vertical_margin_m=304.123,
    )
    base.update(kw)
    return Incursion(**base)  # type: ignore[arg-type]


def _outcome() -> CheckOutcome:
    entered = CheckResult(
        track_id="511f01",
        callsign="ESEXA",
        airspace=_ctr(),
        incursions=(_incursion(),),
        lateral_passes=(),
        closest_approach=None,
        altitude_source={"ceiling": "alt_geo", "floor": "alt_geo"},
    )
    near = CheckResult(
        track_id="511f02",
        callsign=None,
        airspace=_ctr(),
        incursions=(),
        lateral_passes=(),
        closest_approach=ClosestApproach(
            lateral_m=6123.456789, vertical_m=None, time=T0 + 900.0, point=(59.2, 24.8)
        ),
    )
    unknown = CheckResult(
        track_id="511f03",
        callsign="ESEXC",
        airspace=_agl_zone(),
        incursions=(
            _incursion(
                vertical="unknown",
                vertical_margin_m=None,
                vertical_reason="floor is 500ft AGL and no terrain source was given",
                starts_inside=True,
                entry_via="start",
                entry_time=T0,
                max_depth_m=float("nan"),
            ),
        ),
        lateral_passes=(
            _incursion(vertical="above", entry_via="lateral", exit_via="end", ends_inside=True),
        ),
        closest_approach=ClosestApproach(0.0, -0.0, T0 + 10.0, (59.0, 25.0), True),
        warnings=("AGL limit without terrain",),
    )
    return CheckOutcome(
        results=[entered, near, unknown],
        parameters=CheckParameters(edges="planar", search_m=20_000.0),
        beyond_search=5,
        pairs=8,
        warnings=["511f04: 2 fixes only"],
    )


def _inputs() -> list[InputRecord]:
    return [
        InputRecord("examples/tallinn_flights.csv", "track", "opensky-csv", "a" * 64, tracks=3),
        InputRecord(
            "examples/tallinn_airspace.txt", "airspace", "openair", "b" * 64, airspaces=2, skipped=1
        ),
    ]


def _tracks() -> list[Track]:
    return [
        Track.from_arrays(
            "511f01", time=[T0, T0 + 5], lat=[59, 59.1], lon=[24, 24], source="a.csv"
        ),
        Track.from_arrays(
            "511f02", time=[T0, T0 + 5], lat=[59, 59.1], lon=[24, 24], source="b.csv"
        ),
    ]


def _report(created: float = T0) -> dict:
    return build_report(
        _outcome(),
        _inputs(),
        tracks=_tracks(),
        warnings=["examples/tallinn_airspace.txt:30: unknown record 'XX'"],
        errors=[{"path": "missing.csv", "line": None, "reason": "no such file"}],
        command=["overflight", "check", "a.csv", "b.txt"],
        created=created,
    )


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = load_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# -- schema ---------------------------------------------------------------------------------------
def test_report_validates_against_shipped_schema(validator) -> None:
    report = json.loads(dumps(_report()))
    errors = sorted(validator.iter_errors(report), key=str)
    assert errors == []
    assert report["schema"] == SCHEMA_ID == "overflight.check/1"
    assert report["version"] == overflight.__version__


def test_empty_outcome_validates(validator) -> None:
    report = build_report(CheckOutcome([], CheckParameters()), [], created=0.0)
    validator.validate(json.loads(dumps(report)))
    assert report["summary"] == {
        "pairs": 0,
        "listed": 0,
        "beyond_search": 0,
        "search_m": 50000.0,
        "entered": 0,
    }


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("created",), "2024-06-15 09:00:00"),  # not ISO with ms and Z
        (("results", 0, "incursions", 0, "vertical"), "maybe"),
        (("results", 0, "incursions", 0, "entry_point"), [59.3]),
        (("inputs", 0, "kind"), "weather"),
        (("inputs", 0, "sha256"), "xyz"),
        (("parameters", "edges"), "rhumb"),
        (("schema",), "overflight.check/2"),
    ],
)
def test_schema_rejects_broken_reports(validator, where: tuple, value: object) -> None:
    report = json.loads(dumps(_report()))
    node = report
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


@pytest.mark.parametrize(
    "field",
    ["schema", "version", "created", "inputs", "parameters", "results", "summary", "warnings"],
)
def test_schema_requires_top_level_fields(validator, field: str) -> None:
    report = json.loads(dumps(_report()))
    del report[field]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


def test_airspace_input_needs_counts(validator) -> None:
    report = json.loads(dumps(_report()))
    del report["inputs"][1]["skipped"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


# -- content --------------------------------------------------------------------------------------
def test_issue_fields_and_values() -> None:
    rep = _report()
    assert rep["created"] == "2024-06-15T09:00:00.000Z"
    assert rep["inputs"][0] == {
        "path": "examples/tallinn_flights.csv",
        "sha256": "a" * 64,
        "kind": "track",
        "format": "opensky-csv",
        "tracks": 3,
    }
    assert rep["inputs"][1]["airspaces"] == 2 and rep["inputs"][1]["skipped"] == 1
    p = rep["parameters"]
    assert p["edges"] == "planar" and p["search_m"] == 20000.0 and p["arc_tolerance_m"] == 0.1
    assert set(p["altitude"]) == {"SFC", "AGL", "AMSL", "FL", "UNL"}

    r0 = rep["results"][0]
    assert r0["track"] == {
        "id": "511f01",
        "callsign": "ESEXA",
        "source": "a.csv",
        "timing": "measured",
    }
    assert r0["airspace"]["name"] == "TALLINN CTR" and r0["airspace"]["class"] == "C"
    assert r0["airspace"]["floor"]["reference"] == "SFC"
    assert r0["airspace"]["ceiling"] == {
        "value": 2500.0,
        "unit": "ft",
        "reference": "AMSL",
        "text": "2500ft MSL",
        "metres": 762.0,
    }
    assert r0["airspace"]["source"] == "examples/tallinn_airspace.txt"
    assert r0["airspace"]["line"] == 9
    assert r0["entered"] is True
    inc = r0["incursions"][0]
    assert inc["entry_time"] == "2024-06-15T09:06:40.123Z"
    assert inc["exit_time"] == "2024-06-15T09:16:40.988Z"
    assert inc["duration_s"] == 600.864  # 600.864194 rounded to ms
    assert inc["entry_point"] == [59.3267123, 24.5]
    assert inc["exit_point"] == [59.55, 24.8812346]
    assert inc["max_depth_m"] == 4321.99
    assert inc["max_depth_time"] == "2024-06-15T09:11:40.500Z"
    assert inc["vertical"] == "inside" and inc["vertical_margin_m"] == 304.12
    assert r0["closest_approach"] is None
    assert r0["altitude_source"] == {"ceiling": "alt_geo", "floor": "alt_geo"}

    r1 = rep["results"][1]
    assert r1["entered"] is False and r1["incursions"] == []
    assert r1["track"]["callsign"] is None and r1["track"]["source"] == "b.csv"
    assert r1["closest_approach"] == {
        "lateral_m": 6123.46,
        "vertical_m": None,
        "time": "2024-06-15T09:15:00.000Z",
        "point": [59.2, 24.8],
        "laterally_inside": False,
        "distance_m": None,  # the toy track b.csv ends before that time
    }

    r2 = rep["results"][2]
    assert r2["entered"] is False  # vertical "unknown" is not an entry
    assert r2["track"]["source"] is None  # track not given to build_report
    assert r2["airspace"]["ceiling"]["rule"] == "higher"
    assert r2["airspace"]["ceiling"]["other"]["reference"] == "AGL"
    assert r2["airspace"]["id"] == "r1"
    unk = r2["incursions"][0]
    assert unk["vertical"] == "unknown" and unk["starts_inside"] is True
    assert unk["vertical_reason"].startswith("floor is 500ft AGL")
    assert unk["max_depth_m"] is None  # NaN never reaches JSON
    assert r2["lateral_passes"][0]["vertical"] == "above"
    assert r2["lateral_passes"][0]["ends_inside"] is True
    assert r2["closest_approach"]["vertical_m"] == 0.0
    assert math.copysign(1.0, r2["closest_approach"]["vertical_m"]) == 1.0  # no "-0.0"
    assert r2["warnings"] == ["AGL limit without terrain"]

    assert rep["summary"] == {
        "pairs": 8,
        "listed": 3,
        "beyond_search": 5,
        "search_m": 20000.0,
        "entered": 1,
    }
    assert rep["warnings"] == [
        "examples/tallinn_airspace.txt:30: unknown record 'XX'",
        "511f04: 2 fixes only",
    ]
    assert rep["errors"] == [{"path": "missing.csv", "line": None, "reason": "no such file"}]
    assert rep["command"] == ["overflight", "check", "a.csv", "b.txt"]
    assert rep["environment"]["overflight"] == overflight.__version__


def test_json_text_has_no_nan_and_ends_with_newline() -> None:
    text = dumps(_report())
    assert text.endswith("}\n")
    assert "NaN" not in text and "Infinity" not in text
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


# -- ISO times ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1718442000.0, "2024-06-15T09:00:00.000Z"),
        (1718442000.0004, "2024-06-15T09:00:00.000Z"),
        (1718442000.0005001, "2024-06-15T09:00:00.001Z"),
        (1718442059.9996, "2024-06-15T09:01:00.000Z"),  # rounds into the next minute
        (951782400.25, "2000-02-29T00:00:00.250Z"),  # leap day
        (-0.5, "1969-12-31T23:59:59.500Z"),
    ],
)
def test_iso_utc(t: float, expected: str) -> None:
    assert iso_utc(t) == expected


@pytest.mark.parametrize("t", [None, float("nan"), float("inf")])
def test_iso_utc_none(t: float | None) -> None:
    assert iso_utc(t) is None


def test_iso_utc_agrees_with_datetime() -> None:
    for t in (1.0e9 + 0.123, 1.5e9 + 59.987, 1.7e9 + 3599.001):
        dt = datetime.fromtimestamp(t, tz=UTC)
        assert (
            iso_utc(t)
            == dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{round(dt.microsecond, -3) // 1000:03d}Z"
        )


# -- determinism ----------------------------------------------------------------------------------
def test_same_inputs_give_identical_json_apart_from_created() -> None:
    a = dumps(_report(created=T0))
    b = dumps(_report(created=T0))
    assert a == b
    c = json.loads(dumps(_report(created=T0 + 3600.5)))
    d = json.loads(a)
    assert c["created"] == "2024-06-15T10:00:00.500Z" != d["created"]
    c["created"] = d["created"]
    assert c == d


def test_build_report_does_not_mutate_parameters() -> None:
    out = _outcome()
    before = copy.deepcopy(out.parameters.to_dict())
    _ = build_report(out, [], created=0.0)
    assert out.parameters.to_dict() == before


def test_write_report_roundtrip(tmp_path) -> None:
    path = tmp_path / "report.json"
    rep = _report()
    write_report(rep, path)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(dumps(rep))


# -- provenance -----------------------------------------------------------------------------------
def test_sha256_file_matches_hashlib(tmp_path) -> None:
    data = bytes(range(256)) * 9000  # > 2 MiB: read in several chunks
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(empty) == hashlib.sha256(b"").hexdigest()


def test_sha256_file_missing_raises(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        sha256_file(tmp_path / "nope")


def test_environment_versions() -> None:
    import numpy
    import pyproj
    import shapely

    env = environment()
    assert env["numpy"] == numpy.__version__
    assert env["pyproj"] == pyproj.__version__
    assert env["shapely"] == shapely.__version__
    assert env["overflight"] == overflight.__version__


def test_command_line_strips_install_path() -> None:
    assert command_line(["C:\\venv\\Scripts\\overflight", "check"]) == ["overflight", "check"]
    assert command_line([]) == []
