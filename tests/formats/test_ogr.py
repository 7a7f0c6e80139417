"""OGR airspace reader: GeoPackage, Shapefile, FlatGeobuf written here with pyogrio, and the real
Natural Earth land file read through OGR's GeoJSON driver.

Expected values are the ones written into the files by the tests (names, limits, coordinates);
the projected-CRS case projects known lon/lat with pyproj and checks the reader's inverse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyogrio.raw import write
from pyproj import Transformer

from overflight.errors import ParseError
from overflight.formats.airspace.ogr import (
    FieldMap,
    iter_ogr_airspaces,
    ogr_format,
    read_ogr_airspaces,
)
from overflight.model import Reference, Vertex

# Two Estonian-looking zones (lon, lat), the second with a hole.
ZONE_A = [(24.70, 59.40), (24.90, 59.40), (24.90, 59.50), (24.70, 59.50)]
ZONE_B = [(26.00, 58.30), (26.40, 58.30), (26.40, 58.50), (26.00, 58.50)]
HOLE_B = [(26.10, 58.35), (26.20, 58.35), (26.20, 58.40)]


def _write(
    path: Path,
    geoms: Sequence[Any],
    columns: dict[str, list[Any]],
    *,
    driver: str,
    crs: str = "EPSG:4326",
    geometry_type: str = "Polygon",
    layer: str | None = None,
    append: bool = False,
) -> Path:
    arrays = [
        np.array(v, dtype=object if any(isinstance(x, str) for x in v) else None)
        for v in columns.values()
    ]
    write(
        path,
        np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        arrays,
        list(columns),
        geometry_type=geometry_type,
        crs=crs,
        driver=driver,
        layer=layer,
        append=append,
    )
    return path


def _lonlat(ring: Sequence[Vertex]) -> list[tuple[float, float]]:
    return [(v.lon, v.lat) for v in ring]


def test_geopackage_text_limits_names_classes_and_hole(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "zones.gpkg",
        [shapely.Polygon(ZONE_A), shapely.Polygon(ZONE_B, [HOLE_B])],
        {
            "NAME": ["TALLINN CTR", "EER 12"],
            "CLASS": ["CTR", "R"],
            "FLOOR": ["GND", "2500ft AMSL"],
            "CEILING": ["FL95", "1000 ft AGL"],
        },
        driver="GPKG",
    )
    airspaces, problems = read_ogr_airspaces(p)
    assert problems == []
    a, b = airspaces
    assert (a.name, a.kind, str(a.floor), str(a.ceiling)) == ("TALLINN CTR", "CTR", "GND", "FL95")
    assert a.floor.reference is Reference.SFC and a.ceiling.value == 95.0
    assert (b.name, b.kind) == ("EER 12", "R")
    assert (b.floor.value, b.floor.unit, b.floor.reference) == (2500.0, "ft", Reference.AMSL)
    assert b.ceiling.reference is Reference.AGL
    # closing vertex dropped, order kept, coordinates exact (WGS84 in, WGS84 out)
    assert _lonlat(a.polygons[0].exterior) == ZONE_A
    assert _lonlat(b.polygons[0].exterior) == ZONE_B
    assert [_lonlat(h) for h in b.polygons[0].holes] == [HOLE_B]
    assert a.source == str(p) and a.meta["feature"] == "feature 1"


def test_shapefile_in_estonian_crs_with_numeric_limits(tmp_path: Path) -> None:
    to_lest = Transformer.from_crs("EPSG:4326", "EPSG:3301", always_xy=True)
    x, y = to_lest.transform(*zip(*ZONE_A, strict=True))
    assert min(x) > 500_000 and min(y) > 6_500_000  # really projected (L-EST97 metres)
    p = _write(
        tmp_path / "zones.shp",
        [shapely.Polygon(list(zip(x, y, strict=True)))],
        {
            "NAME": ["EER 7"],
            "TYPE": ["D"],
            "LOWER_VAL": [1500.0],
            "LOWER_UOM": ["FT"],
            "LOWER_CODE": ["MSL"],
            "UPPER_VAL": [65.0],
            "UPPER_UOM": ["FL"],
            "UPPER_CODE": ["STD"],
        },
        driver="ESRI Shapefile",
        crs="EPSG:3301",
    )
    [a], problems = read_ogr_airspaces(p)
    assert problems == []
    assert (a.name, a.kind) == ("EER 7", "D")
    assert (a.floor.value, a.floor.unit, a.floor.reference) == (1500.0, "ft", Reference.AMSL)
    assert (a.ceiling.value, a.ceiling.reference) == (65.0, Reference.FL)
    got = _lonlat(a.polygons[0].exterior)
    assert len(got) == 4
    # Shapefiles store exterior rings clockwise: same vertices, maybe the other way round
    for (lon, lat), (elon, elat) in zip(sorted(got), sorted(ZONE_A), strict=True):
        assert lon == pytest.approx(elon, abs=1e-8) and lat == pytest.approx(elat, abs=1e-8)


def test_flatgeobuf_openaip_flattened_limits_and_codes(tmp_path: Path) -> None:
    # openAIP limits flattened as GDAL does for nested GeoJSON properties: unit 1 ft,
    # 6 FL; referenceDatum 0 GND, 1 MSL, 2 STD; type 1 R, icaoClass 8 SUA, 4 E
    p = _write(
        tmp_path / "openaip.fgb",
        [shapely.Polygon(ZONE_A), shapely.Polygon(ZONE_B)],
        {
            "_id": ["62614a3b0000000000000001", "62614a3b0000000000000002"],
            "name": ["EER 1 TAPA", "TARTU TMA"],
            "type": [1, 0],
            "icaoClass": [8, 4],
            "lowerLimit_value": [0, 2500],
            "lowerLimit_unit": [1, 1],
            "lowerLimit_referenceDatum": [0, 1],
            "upperLimit_value": [95, 95],
            "upperLimit_unit": [6, 6],
            "upperLimit_referenceDatum": [2, 2],
        },
        driver="FlatGeobuf",
    )
    airspaces, problems = read_ogr_airspaces(p)
    assert problems == []
    r, e = sorted(airspaces, key=lambda a: a.name)  # FlatGeobuf stores features in index order
    assert (r.name, r.kind, r.id) == ("EER 1 TAPA", "R", "62614a3b0000000000000001")
    assert r.meta["icao_class"] == "SUA"
    assert r.floor.reference is Reference.SFC and str(r.ceiling) == "FL95"
    assert e.kind == "E"  # openAIP type OTHER takes the ICAO class letter
    assert (e.floor.value, e.floor.unit, e.floor.reference) == (2500.0, "ft", Reference.AMSL)


def test_geopackage_openaip_nested_limit_as_json_text(tmp_path: Path) -> None:
    upper = json.dumps({"value": 95, "unit": 6, "referenceDatum": 2})
    lower = json.dumps({"value": 1000, "unit": 1, "referenceDatum": 0})
    p = _write(
        tmp_path / "nested.gpkg",
        [shapely.Polygon(ZONE_A)],
        {"name": ["X"], "type": [4], "upperLimit": [upper], "lowerLimit": [lower]},
        driver="GPKG",
    )
    [a], problems = read_ogr_airspaces(p)
    assert problems == []
    assert a.kind == "CTR" and str(a.ceiling) == "FL95"
    assert (a.floor.value, a.floor.reference) == (1000.0, Reference.AGL)


def test_field_map_for_unguessable_names(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "pl.gpkg",
        [shapely.Polygon(ZONE_A)],
        {"NAZWA": ["EPR 5"], "KLASA": ["R"], "DOLNA": ["GND"], "GORNA": ["FL115"]},
        driver="GPKG",
    )
    [guessed], problems = read_ogr_airspaces(p)
    assert guessed.name == "feature 1" and guessed.kind == "UNKNOWN"
    assert [e.reason for e in problems] == [
        "'feature 1': no floor given; taken as SFC",
        "'feature 1': no ceiling given; taken as UNL",
    ]
    fields = FieldMap.parse(["name=NAZWA", "class=KLASA", "floor=DOLNA", "ceiling=GORNA"])
    [a], problems = read_ogr_airspaces(p, fields=fields)
    assert problems == []
    assert (a.name, a.kind, str(a.floor), str(a.ceiling)) == ("EPR 5", "R", "GND", "FL115")


def test_field_map_numbers_with_unit_and_reference_fields(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "n.gpkg",
        [shapely.Polygon(ZONE_A)],
        {"N": ["A"], "ALT1": [300.0], "U1": ["m"], "R1": ["GND"], "ALT2": [3000.0], "U2": ["ft"]},
        driver="GPKG",
    )
    fields = FieldMap(name="N", floor="ALT1", floor_unit="U1", floor_ref="R1")
    fields = FieldMap(**{**fields.__dict__, "ceiling": "ALT2", "ceiling_unit": "U2"})
    [], problems = read_ogr_airspaces(p, fields=fields)
    # a ceiling number with a unit but no reference is refused, not guessed
    assert [(e.line, e.reason) for e in problems] == [
        (
            "feature 1",
            'unknown limit ALT2={"value": 3000.0, "unit": "ft", "referenceDatum": null}: '
            "unit/referenceDatum not understood",
        )
    ]
    fields = FieldMap(name="N", floor="ALT1", floor_unit="U1", floor_ref="R1")
    [a], problems = read_ogr_airspaces(p, fields=fields)
    assert (a.floor.value, a.floor.unit, a.floor.reference) == (300.0, "m", Reference.AGL)
    assert [e.reason for e in problems] == ["'A': no ceiling given; taken as UNL"]


def test_bad_features_are_reported_and_skipped(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "mixed.gpkg",
        [
            shapely.Polygon(ZONE_A),
            shapely.LineString(ZONE_B),
            shapely.Polygon(ZONE_B),
            shapely.Polygon([(24.0, 59.0), (24.0, 59.0), (24.1, 59.0)]),
        ],
        {
            "name": ["ok", "line", "bad limit", "flat"],
            "floor": ["GND", "GND", "sometimes", "GND"],
            "ceiling": ["FL95", "FL95", "FL95", "FL95"],
        },
        driver="GPKG",
        geometry_type="Unknown",
    )
    airspaces, problems = read_ogr_airspaces(p)
    assert [a.name for a in airspaces] == ["ok"]
    assert [(e.path, e.line) for e in problems] == [
        (str(p), "feature 2"),
        (str(p), "feature 3"),
        (str(p), "feature 4"),
    ]
    assert "'LineString' is not an area" in problems[0].reason
    assert problems[1].reason == "floor: unknown altitude 'sometimes'"
    assert "fewer than 3 distinct positions" in problems[2].reason
    with pytest.raises(ParseError) as info:
        list(iter_ogr_airspaces(p))  # problems=None: the first problem is raised
    assert (info.value.line, str(info.value)) == ("feature 2", str(problems[0]))


def test_several_layers_and_layer_choice(tmp_path: Path) -> None:
    p = tmp_path / "two.gpkg"
    _write(p, [shapely.Polygon(ZONE_A)], {"name": ["A"]}, driver="GPKG", layer="ctr")
    _write(p, [shapely.Polygon(ZONE_B)], {"name": ["B"]}, driver="GPKG", layer="tma", append=True)
    airspaces, problems = read_ogr_airspaces(p)
    assert [a.name for a in airspaces] == ["A", "B"]
    assert {e.line for e in problems} == {"ctr feature 1", "tma feature 1"}
    [b], _ = read_ogr_airspaces(p, layer="tma")
    assert b.name == "B" and b.meta["feature"] == "feature 1"
    with pytest.raises(ParseError) as info:
        read_ogr_airspaces(p, layer="cta")
    assert str(info.value) == f"{p}: no layer 'cta' (layers: ctr, tma)"


def test_unknown_field_in_map_and_unreadable_files(tmp_path: Path) -> None:
    p = _write(tmp_path / "z.fgb", [shapely.Polygon(ZONE_A)], {"NAME": ["A"]}, driver="FlatGeobuf")
    with pytest.raises(ParseError) as info:
        read_ogr_airspaces(p, fields=FieldMap(floor="BOTTOM"))
    assert str(info.value) == f"{p}: no field 'BOTTOM' in the file (fields: NAME)"
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"\x00\x01 not a vector file at all" * 10)
    with pytest.raises(ParseError) as info:
        read_ogr_airspaces(junk)
    assert info.value.path == str(junk) and info.value.line is None
    assert info.value.reason.startswith("not a vector file OGR can read")
    points = _write(
        tmp_path / "pts.gpkg", [shapely.Point(24, 59)], {"n": ["p"]}, driver="GPKG",
        geometry_type="Point",
    )  # fmt: skip
    with pytest.raises(ParseError, match=r"no polygon layer \(layers: pts \(Point\)\)"):
        read_ogr_airspaces(points)


def test_field_map_parse_rejects_bad_items() -> None:
    assert FieldMap.parse(["class=K", "id=OID"]) == FieldMap(kind="K", id="OID")
    with pytest.raises(ValueError, match="bad field mapping 'colour=RED'"):
        FieldMap.parse(["colour=RED"])
    with pytest.raises(ValueError, match="bad field mapping 'name'"):
        FieldMap.parse(["name"])


def test_ogr_format_from_magic_bytes(tmp_path: Path) -> None:
    poly = [shapely.Polygon(ZONE_A)]
    files = {
        "geopackage": _write(tmp_path / "a.gpkg", poly, {"n": ["a"]}, driver="GPKG"),
        "flatgeobuf": _write(tmp_path / "a.fgb", poly, {"n": ["a"]}, driver="FlatGeobuf"),
        "shapefile": _write(tmp_path / "a.shp", poly, {"n": ["a"]}, driver="ESRI Shapefile"),
    }
    for name, path in files.items():
        assert ogr_format(path.read_bytes()[:128]) == name
    assert ogr_format((tmp_path / "a.dbf").read_bytes()[:128]) is None
    assert ogr_format(b'{"type": "FeatureCollection"}') is None


def _json_vertex_count(doc: dict[str, Any]) -> tuple[int, int]:
    """Rings and vertices (closing vertex not counted) in a GeoJSON FeatureCollection."""
    rings = vertices = 0
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for ring in poly:
                rings += 1
                vertices += len(ring) - (ring[0] == ring[-1])
    return rings, vertices


def test_real_natural_earth_land_through_ogr(shared_data: Path) -> None:
    path = shared_data / "geo" / "ne_10m_land_baltic.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    rings, vertices = _json_vertex_count(doc)
    airspaces, problems = read_ogr_airspaces(path)
    assert len(airspaces) == len(doc["features"]) == 8
    got_rings = [r for a in airspaces for p in a.polygons for r in (p.exterior, *p.holes)]
    assert len(got_rings) == rings
    assert sum(len(r) for r in got_rings) == vertices
    # first vertex of the first ring of the first feature, as written in the JSON text
    g0 = doc["features"][0]["geometry"]
    first = g0["coordinates"][0][0][0] if g0["type"] == "MultiPolygon" else g0["coordinates"][0][0]
    v = airspaces[0].polygons[0].exterior[0]
    assert (v.lon, v.lat) == (first[0], first[1])
    assert (
        airspaces[0].meta["properties"]["featurecla"]
        == doc["features"][0]["properties"]["featurecla"]
    )
    # no limits in a land file: SFC/UNL defaults, each said in problems (two per feature)
    assert len(problems) == 16
    assert all(a.floor.reference is Reference.SFC for a in airspaces)
