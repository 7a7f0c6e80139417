"""Airspace file versions: values asserted against the real files' header text, AIRAC dates
against the published cycle dates, metadata written here with pyogrio."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio.raw import write

from overflight.errors import ParseError
from overflight.formats.airspace.version import airac_cycle, airac_effective, airspace_version

# MANIFEST.md sha256 of each real file
SHA = {
    "germany_2026-03_kemme.txt": "0d2f3d5841c9512c8bc16edc466d7fd51a367bb2e7736ad4b7a916211faaa28d",
    "slovenia_2025-05-23_seeyou_v2.openair": (
        "186cbead4c6c590f07e05d5e22c39ba16f0ca44c7a9c65cdb384663b7c6b549a"
    ),
    "australia_sua_2008_xcsoar.txt": (
        "49e62acaf94546a31395f06cf6167941e5e2afe2c55961d8a98f15bca28187dd"
    ),
}


def test_kemme_germany_effective_date_and_airac(shared_data: Path) -> None:
    path = shared_data / "openair" / "germany_2026-03_kemme.txt"
    v = airspace_version(path)
    # line 6 of the file: "* effective from 19th March 2026"; 2026-03-19 starts AIRAC 2603
    assert v["sha256"] == SHA[path.name]
    assert (v["effective"], v["airac"]) == ("2026-03-19", "2603")
    assert v["evidence"] == ["line 6: effective from 19th March 2026"]
    # the change log further down ("changes 2025_11 -> 2026_03") is not read as a version
    assert (v["date"], v["version"], v["valid_until"]) == (None, None, None)


def test_seeyou_slovenia_header(shared_data: Path) -> None:
    path = shared_data / "openair" / "slovenia_2025-05-23_seeyou_v2.openair"
    v = airspace_version(path)
    # lines 1-3: *VERSION: 2.1 / *WRITTEN_BY: SeeYou / *DATE: 23-05-2025
    assert v["sha256"] == SHA[path.name]
    assert (v["version"], v["written_by"], v["date"]) == ("2.1", "SeeYou", "2025-05-23")
    assert (v["airac"], v["effective"]) == (None, None)  # 2025-05-23 is not stated as effective


def test_australia_updated_date(shared_data: Path) -> None:
    path = shared_data / "openair" / "australia_sua_2008_xcsoar.txt"
    v = airspace_version(path)
    assert v["sha256"] == SHA[path.name]
    assert v["date"] == "2008-03-06"  # line 4: "* Updated 2008-03-06"
    assert v["evidence"] == ["line 4: Updated 2008-03-06"]


def test_winpilot_sample_spec_version(shared_data: Path) -> None:
    v = airspace_version(shared_data / "openair" / "winpilot_spec_sample.txt")
    # lines 2 and 4: "*    Version 1.0", "*    Updated October 15, 1999"
    assert (v["version"], v["date"]) == ("1.0", "1999-10-15")


def test_files_without_header_have_only_a_hash(shared_data: Path) -> None:
    path = shared_data / "openair" / "openaip_fixture_circular.txt"
    v = airspace_version(path)
    assert v["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert all(v[k] is None for k in v if k not in ("sha256", "evidence"))
    assert v["evidence"] == []


def test_natural_earth_geojson_description(shared_data: Path) -> None:
    path = shared_data / "geo" / "ne_10m_land_baltic.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    v = airspace_version(path)
    assert v["description"] == " ".join(doc["description"].split())[:200]
    assert v["airac"] is None


@pytest.mark.parametrize(
    ("cycle", "effective"),
    [
        ("2001", dt.date(2020, 1, 2)),
        ("2313", dt.date(2023, 12, 28)),  # 2023 had 13 cycles
        ("2401", dt.date(2024, 1, 25)),
        ("2501", dt.date(2025, 1, 23)),
        ("2601", dt.date(2026, 1, 22)),
        ("2603", dt.date(2026, 3, 19)),
    ],
)
def test_airac_cycles_match_published_dates(cycle: str, effective: dt.date) -> None:
    assert airac_effective(cycle) == effective
    assert airac_cycle(effective) == cycle
    assert airac_cycle(effective + dt.timedelta(days=1)) is None


def test_airac_impossible_cycles() -> None:
    assert airac_effective("2414") is None  # 2024 had 13 cycles (01..13)
    assert airac_effective("2400") is None
    assert airac_effective("24x1") is None


def test_openair_header_forms(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_text(
        "**********\n* Airspace Poland AIRAC 2604\n* valid until 2026-05-14\n\nAC R\n"
        "* effective from 1 January 2030 (after the first record: not read)\n",
        encoding="utf-8",
    )
    v = airspace_version(p)
    assert (v["airac"], v["effective"], v["valid_until"]) == ("2604", "2026-04-16", "2026-05-14")
    assert v["evidence"] == [
        "line 2: Airspace Poland AIRAC 2604",
        "line 3: valid until 2026-05-14",
    ]


def test_openaip_geojson_newest_updated_at(tmp_path: Path) -> None:
    p = tmp_path / "ee_asp.geojson"
    feats = [
        {"type": "Feature", "properties": {"name": n, "updatedAt": t}, "geometry": None}
        for n, t in (("A", "2025-11-02T10:00:00.000Z"), ("B", "2026-02-01T08:30:00.000Z"))
    ]
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    v = airspace_version(p)
    assert v["date"] == "2026-02-01"
    assert v["evidence"] == ["newest updatedAt of 2 features: 2026-02-01T08:30:00.000Z"]


def test_geopackage_metadata(tmp_path: Path) -> None:
    p = tmp_path / "asp.gpkg"
    sq = shapely.Polygon([(24, 59), (24.1, 59), (24.1, 59.1)])
    write(
        p,
        np.array([shapely.to_wkb(sq)], dtype=object),
        [np.array(["A"], dtype=object)],
        ["name"],
        geometry_type="Polygon",
        crs="EPSG:4326",
        driver="GPKG",
        dataset_metadata={"AIRAC": "2602", "GENERATOR": "eAIP export"},
    )
    v = airspace_version(p)
    assert (v["airac"], v["effective"], v["written_by"]) == ("2602", "2026-02-19", "eAIP export")
    assert v["evidence"] == [
        'dataset metadata AIRAC="2602"',
        'dataset metadata GENERATOR="eAIP export"',
    ]


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        airspace_version(tmp_path / "gone.txt")
    assert info.value.path == str(tmp_path / "gone.txt")
    assert info.value.reason.startswith("cannot read: ")
