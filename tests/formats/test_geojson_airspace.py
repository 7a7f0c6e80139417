"""GeoJSON airspace reader: openAIP and plain property styles, holes, MultiPolygon, problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from overflight.errors import ParseError
from overflight.formats.airspace.geojson import looks_like_geojson, read_geojson_airspaces
from overflight.model import FT, Reference, Vertex

# Ingolstadt area, lon/lat as in RFC 7946; the ring is closed (last == first)
CTR_RING = [
    [11.4000, 48.6667],
    [11.6167, 48.6667],
    [11.6500, 48.7667],
    [11.4333, 48.8000],
    [11.4000, 48.6667],
]
OUTER = [[11.0, 48.0], [12.0, 48.0], [12.0, 49.0], [11.0, 49.0], [11.0, 48.0]]
HOLE = [[11.4, 48.4], [11.6, 48.4], [11.6, 48.6], [11.4, 48.4]]


def _feature(props: dict[str, Any], geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _poly(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def _write(tmp_path: Path, doc: Any, name: str = "airspace.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=1))
    return path


def _fc(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


# -- openAIP style ------------------------------------------------------------------------------
def test_openaip_properties(tmp_path: Path) -> None:
    ctr = _feature(
        {
            "_id": "62614a4f7ffd11d9a8a11b62",
            "name": "CTR INGOLSTADT",
            "type": 4,
            "icaoClass": 3,
            "country": "DE",
            "lowerLimit": {"value": 0, "unit": 1, "referenceDatum": 0},
            "upperLimit": {"value": 3700, "unit": 1, "referenceDatum": 1},
        },
        _poly(CTR_RING),
    )
    restricted = _feature(
        {
            "name": "ED-R 144",
            "type": 1,
            "icaoClass": 8,
            "lowerLimit": {"value": 75, "unit": 6, "referenceDatum": 2},
            "upperLimit": {"value": 100, "unit": 6, "referenceDatum": 2},
        },
        _poly(OUTER),
    )
    other_class_c = _feature(
        {
            "name": "C Muenchen",
            "type": 0,
            "icaoClass": 2,
            "lowerLimit": {"value": 300, "unit": 0, "referenceDatum": 0},
            "upperLimit": {"value": 5500, "unit": 1, "referenceDatum": 2},
        },
        _poly(OUTER),
    )
    path = _write(tmp_path, _fc(ctr, restricted, other_class_c))
    (a, r, c), problems = read_geojson_airspaces(path)
    assert problems == []
    assert (a.name, a.kind, a.id, a.source) == (
        "CTR INGOLSTADT",
        "CTR",
        "62614a4f7ffd11d9a8a11b62",
        str(path),
    )
    assert a.meta["icao_class"] == "D" and a.meta["openaip_type"] == 4
    assert a.meta["properties"]["country"] == "DE" and a.meta["feature"] == 1
    assert a.floor.reference is Reference.SFC
    assert (a.ceiling.value, a.ceiling.unit, a.ceiling.reference) == (3700, "ft", Reference.AMSL)
    assert a.ceiling.metres() == pytest.approx(3700 * FT)
    # ring: closing duplicate removed, lon/lat swapped into Vertex(lat, lon)
    assert a.polygons[0].exterior == tuple(Vertex(lat=y, lon=x) for x, y in CTR_RING[:-1])
    assert a.polygons[0].holes == ()
    assert r.kind == "R" and r.meta["icao_class"] == "SUA"
    assert (str(r.floor), str(r.ceiling)) == ("FL75", "FL100")
    assert r.floor.metres() == pytest.approx(7500 * FT)
    # type OTHER takes the ICAO class; 300 m above ground; 5500 ft STD is FL55
    assert c.kind == "C"
    assert (c.floor.value, c.floor.unit, c.floor.reference) == (300, "m", Reference.AGL)
    assert (c.ceiling.value, c.ceiling.reference) == (55, Reference.FL)


# -- plain style ---------------------------------------------------------------------------------
def test_plain_properties_strings_and_numbers(tmp_path: Path) -> None:
    strings = _feature(
        {"NAME": "TMA TEST 1", "CLASS": "C", "FLOOR": "2500ft AMSL", "CEILING": "FL95"},
        _poly(OUTER),
    )
    numbers = _feature(
        {
            "title": "RMZ Test",
            "type": "RMZ",
            "floor": 0,
            "floor_unit": "ft",
            "floor_ref": "GND",
            "ceiling": 1000,
            "ceiling_unit": "ft",
            "ceiling_reference": "AGL",
        },
        _poly(CTR_RING),
    )
    metres = _feature(
        {
            "name": "M",
            "class": "D",
            "floor": 500,
            "floor_unit": "m",
            "floor_ref": "MSL",
            "ceiling": 95,
            "ceiling_unit": "FL",
        },
        _poly(CTR_RING),
    )
    (t, r, m), problems = read_geojson_airspaces(_write(tmp_path, _fc(strings, numbers, metres)))
    assert problems == []
    assert (t.name, t.kind) == ("TMA TEST 1", "C")
    assert t.floor.metres() == pytest.approx(762.0) and t.floor.reference is Reference.AMSL
    assert t.ceiling.metres() == pytest.approx(2895.6) and t.ceiling.reference is Reference.FL
    assert (r.name, r.kind) == ("RMZ Test", "RMZ")
    assert r.floor.reference is Reference.SFC
    assert (r.ceiling.value, r.ceiling.unit, r.ceiling.reference) == (1000, "ft", Reference.AGL)
    assert (m.floor.value, m.floor.unit, m.floor.reference) == (500, "m", Reference.AMSL)
    assert str(m.ceiling) == "FL95"


def test_single_feature_multipolygon_with_hole(tmp_path: Path) -> None:
    geom = {"type": "MultiPolygon", "coordinates": [[OUTER, HOLE], [CTR_RING]]}
    feat = _feature({"name": "Two parts", "class": "E", "floor": "FL65", "ceiling": "FL95"}, geom)
    (a,), problems = read_geojson_airspaces(_write(tmp_path, feat))
    assert problems == []
    assert len(a.polygons) == 2
    first, second = a.polygons
    assert first.exterior[0] == Vertex(lat=48.0, lon=11.0) and len(first.exterior) == 4
    assert first.holes == (tuple(Vertex(lat=y, lon=x) for x, y in HOLE[:-1]),)
    assert second.exterior[-1] == Vertex(lat=48.8, lon=11.4333) and second.holes == ()


def test_missing_limits_default_with_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, _fc(_feature({"name": "Plain"}, _poly(OUTER))))
    (a,), problems = read_geojson_airspaces(path)
    assert a.floor.reference is Reference.SFC and a.ceiling.reference is Reference.UNL
    assert a.kind == "UNKNOWN"
    assert [str(p) for p in problems] == [
        f"{path}:feature 1: 'Plain': no floor given; taken as SFC",
        f"{path}:feature 1: 'Plain': no ceiling given; taken as UNL",
    ]


# -- bad features skipped, the rest read --------------------------------------------------------
def test_bad_features_skipped_with_feature_number(tmp_path: Path) -> None:
    ok = {"class": "D", "floor": "GND", "ceiling": "2500ft"}
    feats = [
        _feature({"name": "good 1", **ok}, _poly(OUTER)),
        _feature({"name": "line", **ok}, {"type": "LineString", "coordinates": OUTER}),
        _feature({"name": "short", **ok}, _poly([[11.0, 48.0], [12.0, 48.0], [11.0, 48.0]])),
        _feature({"name": "lat", **ok}, _poly([[11.0, 48.0], [12.0, 95.0], [12.0, 49.0]])),
        _feature(
            {"name": "banana", "class": "D", "floor": "banana", "ceiling": "FL95"}, _poly(OUTER)
        ),
        _feature({"name": "nounit", "class": "D", "floor": 1000, "ceiling": "FL95"}, _poly(OUTER)),
        _feature({"name": "none", **ok}, None),
        _feature(
            {
                "name": "openaip unit",
                "lowerLimit": {"value": 1, "unit": 4, "referenceDatum": 1},
                "upperLimit": "FL95",
            },
            _poly(OUTER),
        ),
        {"type": "Point", "coordinates": [11, 48]},
        _feature({"name": "good 2", **ok}, _poly(CTR_RING)),
    ]
    path = _write(tmp_path, _fc(*feats))
    spaces, problems = read_geojson_airspaces(path)
    assert [a.name for a in spaces] == ["good 1", "good 2"]
    assert all(p.path == str(path) for p in problems)
    got = {p.line: p.reason for p in problems}
    assert list(got) == [f"feature {n}" for n in range(2, 10)]
    assert got["feature 2"] == "geometry 'LineString' is not an area (Polygon or MultiPolygon)"
    assert got["feature 3"] == "polygon exterior ring has fewer than 3 distinct positions"
    assert got["feature 4"] == "polygon exterior ring position 1: out of range: lon=12.0, lat=95.0"
    assert got["feature 5"] == "floor: unknown altitude 'banana'"
    assert got["feature 6"].startswith("unknown limit floor=1000: a number needs a floor_unit")
    assert got["feature 7"] == "no geometry"
    assert got["feature 8"].startswith("unknown limit lowerLimit=")
    assert got["feature 9"] == "not a GeoJSON Feature"


# -- whole-file errors --------------------------------------------------------------------------
def test_invalid_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n  {"type": }\n]}')
    with pytest.raises(ParseError) as err:
        read_geojson_airspaces(path)
    assert err.value.path == str(path) and err.value.line == 3
    assert err.value.reason.startswith("invalid JSON: Expecting value")


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ([1, 2], "not a GeoJSON object (top level is not a JSON object)"),
        ({"type": "Topology"}, "not a GeoJSON FeatureCollection or Feature (type='Topology')"),
        ({"type": "FeatureCollection"}, "FeatureCollection without a 'features' list"),
        (
            {
                "type": "FeatureCollection",
                "features": [],
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
            },
            "crs 'urn:ogc:def:crs:EPSG::3857' is not supported (only WGS84 lon/lat)",
        ),
    ],
)
def test_not_geojson(tmp_path: Path, doc: Any, reason: str) -> None:
    path = _write(tmp_path, doc)
    with pytest.raises(ParseError) as err:
        read_geojson_airspaces(path)
    assert str(err.value) == f"{path}: {reason}"


def test_wgs84_crs_accepted(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    doc = {
        **_fc(_feature({"name": "x", "floor": "GND", "ceiling": "FL95"}, _poly(OUTER))),
        "crs": crs,
    }
    (a,), problems = read_geojson_airspaces(_write(tmp_path, doc))
    assert a.name == "x" and problems == []


def test_empty_and_missing_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text("\n")
    with pytest.raises(ParseError, match=r"empty\.geojson: empty file$"):
        read_geojson_airspaces(empty)
    with pytest.raises(ParseError, match=r"nope\.geojson: no such file$"):
        read_geojson_airspaces(tmp_path / "nope.geojson")


# -- real file ----------------------------------------------------------------------------------
def test_natural_earth_land_polygons(shared_data: Path) -> None:
    """A real polygon file with no airspace properties: read, with defaulted limits."""
    path = shared_data / "geo/ne_10m_land_baltic.geojson"
    doc = json.loads(path.read_text())
    spaces, problems = read_geojson_airspaces(path)
    assert len(spaces) == len(doc["features"]) == 8  # MANIFEST: 8 features
    assert len(problems) == 2 * 8 and all(
        "no floor" in p.reason or "no ceiling" in p.reason for p in problems
    )
    for a, feat in zip(spaces, doc["features"], strict=True):
        geom = feat["geometry"]
        parts = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        assert len(a.polygons) == len(parts)
        for poly, rings in zip(a.polygons, parts, strict=True):
            assert len(poly.exterior) == len(rings[0]) - 1
            assert poly.exterior[0] == Vertex(lat=rings[0][0][1], lon=rings[0][0][0])
            assert len(poly.holes) == len(rings) - 1
        assert a.meta["properties"]["featurecla"] == "Land"
        assert a.name == f"feature {a.meta['feature']}"


def test_natural_earth_minor_islands_count(shared_data: Path) -> None:
    spaces, problems = read_geojson_airspaces(
        shared_data / "geo/ne_10m_minor_islands_baltic.geojson"
    )
    assert len(spaces) == 437  # MANIFEST: 437 features, all polygons
    assert len(problems) == 2 * 437 and {p.line for p in problems} == {
        f"feature {n}" for n in range(1, 438)
    }


def test_looks_like_geojson() -> None:
    assert looks_like_geojson('\ufeff\n {"type":"Feature","geometry":{"type":"Polygon"')
    assert looks_like_geojson('{"features": [{"type": "Feature"')
    assert not looks_like_geojson('[{"type": "Feature"}]')
    assert not looks_like_geojson("AC R\nAN ED-R 1\n")
