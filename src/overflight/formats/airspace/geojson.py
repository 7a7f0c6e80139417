"""GeoJSON airspaces: a FeatureCollection (or one Feature) of Polygon/MultiPolygon features.

Coordinates are RFC 7946 ``[lon, lat]`` (WGS84; an altitude third value is ignored). Each
ring's closing duplicate vertex is removed; holes are kept; a MultiPolygon gives several
:class:`~overflight.model.Polygon` of one :class:`~overflight.model.Airspace`.

Properties understood (first match wins):

* name: ``name``, ``NAME``, ``Name``, ``title``, ``designator`` (else ``"feature N"``);
* kind: ``class``/``CLASS``/``airspace_class``, ``type``/``TYPE``, ``icaoClass``. openAIP
  integer codes are mapped to names: ``type`` 0 OTHER, 1 R (restricted), 2 D (danger),
  3 P (prohibited), 4 CTR, 5 TMZ, 6 RMZ, 7 TMA, ... 31 TFR; ``icaoClass`` 0-6 = A-G,
  8 = SUA. An openAIP airspace of type OTHER takes its ICAO class letter as kind;
  otherwise the class goes to ``meta["icao_class"]``;
* floor: ``lowerLimit``, ``lower_limit``, ``floor``, ``FLOOR``, ``lower``, ``bottom``;
  ceiling: ``upperLimit``, ``upper_limit``, ``ceiling``, ``CEILING``, ``upper``, ``top``.
  A limit is an openAIP object ``{"value": 2500, "unit": 1, "referenceDatum": 1}`` (unit
  0 m, 1 ft, 6 FL; referenceDatum 0 GND, 1 MSL, 2 STD; unit/reference may also be text such
  as ``"ft"``/``"MSL"``), a string (``"FL95"``, ``"2500ft AMSL"``, ``"GND"``), or a number with
  ``<key>_unit`` and ``<key>_ref`` / ``<key>_reference`` / ``<key>_datum`` properties.

Problems are returned, not raised: a feature with a bad geometry or an unreadable limit is a
``ParseError(path, "feature N", reason)`` (N counts features from 1) and is skipped. A missing
floor or ceiling is **not** fatal: it is taken as SFC (floor) or UNL (ceiling) so that a plain
polygon file still works, and a ParseError saying so is recorded in the problems list.
A file that is not JSON, not GeoJSON, or declares a non-WGS84 ``crs`` raises ParseError.

>>> import json, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "a.geojson")
>>> ring = [[8.0, 50.0], [8.1, 50.0], [8.1, 50.1], [8.0, 50.0]]
>>> _ = open(p, "w").write(json.dumps({"type": "Feature", "properties": {"name": "X",
...     "class": "D", "floor": "GND", "ceiling": "FL65"},
...     "geometry": {"type": "Polygon", "coordinates": [ring]}}))
>>> [a], problems = read_geojson_airspaces(p)
>>> a.name, a.kind, str(a.ceiling), len(a.polygons[0].exterior), problems
('X', 'D', 'FL65', 3, [])
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from ...errors import ParseError
from ...model import FT, Airspace, Polygon, Reference, Vertex, VerticalLimit

__all__ = ["OPENAIP_ICAO_CLASS", "OPENAIP_TYPE", "looks_like_geojson", "read_geojson_airspaces"]

# openAIP core API airspace ``type`` codes (docs.openaip.net, Airspaces schema).
OPENAIP_TYPE: dict[int, str] = {
    0: "OTHER",
    1: "R",
    2: "D",
    3: "P",
    4: "CTR",
    5: "TMZ",
    6: "RMZ",
    7: "TMA",
    8: "TRA",
    9: "TSA",
    10: "FIR",
    11: "UIR",
    12: "ADIZ",
    13: "ATZ",
    14: "MATZ",
    15: "AIRWAY",
    16: "MTR",
    17: "ALERT",
    18: "WARNING",
    19: "PROTECTED",
    20: "HTZ",
    21: "GLIDING_SECTOR",
    22: "TRP",
    23: "TIZ",
    24: "TIA",
    25: "MTA",
    26: "CTA",
    27: "ACC_SECTOR",
    28: "AERIAL_SPORTING_RECREATIONAL",
    29: "OVERFLIGHT_RESTRICTION",
    30: "MRT",
    31: "TFR",
}
OPENAIP_ICAO_CLASS: dict[int, str] = {0: "A", 1: "B", 2: "C", 3: "D", 4: "E", 5: "F", 6: "G"}
_OPENAIP_SUA = 8
_OPENAIP_UNIT = {0: "m", 1: "ft", 6: "FL"}
_OPENAIP_DATUM = {0: "GND", 1: "MSL", 2: "STD"}

_NAME_KEYS = ("name", "NAME", "Name", "title", "designator")
_CLASS_KEYS = ("class", "CLASS", "Class", "airspace_class")
_TYPE_KEYS = ("type", "TYPE", "Type")
_FLOOR_KEYS = ("lowerLimit", "lower_limit", "floor", "FLOOR", "lower", "bottom")
_CEILING_KEYS = ("upperLimit", "upper_limit", "ceiling", "CEILING", "upper", "top")
_WGS84_CRS = re.compile(r"(CRS84|EPSG::?4326|EPSG:4326)$", re.IGNORECASE)
_GEOJSON_TYPE = re.compile(
    r'"type"\s*:\s*"(FeatureCollection|Feature|Polygon|MultiPolygon|LineString|'
    r'MultiLineString|Point|MultiPoint|GeometryCollection)"'
)


def looks_like_geojson(head: str) -> bool:
    """True if ``head`` (the start of a text file) looks like a GeoJSON object.

    >>> looks_like_geojson('{"type": "FeatureCollection", "features": [')
    True
    >>> looks_like_geojson('{"icao24": "4d2271"}')
    False
    """
    s = head.lstrip("\ufeff \t\r\n")
    return s.startswith("{") and _GEOJSON_TYPE.search(s) is not None


class _Bad(ValueError):
    """A feature-level problem; becomes ParseError(path, "feature N", reason)."""


# -- geometry -----------------------------------------------------------------------------------
def _ring(coords: Any, what: str) -> tuple[Vertex, ...]:
    if not isinstance(coords, list) or not all(isinstance(c, list) for c in coords):
        raise _Bad(f"{what} is not a list of positions")
    pts: list[tuple[float, float]] = []
    for k, c in enumerate(coords):
        if len(c) < 2 or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in c):
            raise _Bad(f"{what} position {k}: not [lon, lat]: {c!r}")
        lon, lat = float(c[0]), float(c[1])
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 180:
            raise _Bad(f"{what} position {k}: out of range: lon={lon}, lat={lat}")
        pts.append((lon, lat))
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(set(pts)) < 3:
        raise _Bad(f"{what} has fewer than 3 distinct positions")
    return tuple(Vertex(lat=lat, lon=lon) for lon, lat in pts)


def _polygon(rings: Any, what: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise _Bad(f"{what} has no rings")
    exterior = _ring(rings[0], f"{what} exterior ring")
    holes = tuple(_ring(r, f"{what} hole {i}") for i, r in enumerate(rings[1:], start=1))
    return Polygon(exterior=exterior, holes=holes)


def _polygons(geometry: Any) -> tuple[Polygon, ...]:
    if geometry is None:
        raise _Bad("no geometry")
    if not isinstance(geometry, Mapping):
        raise _Bad(f"geometry is not an object: {geometry!r:.60}")
    gtype, coords = geometry.get("type"), geometry.get("coordinates")
    if gtype == "Polygon":
        return (_polygon(coords, "polygon"),)
    if gtype == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise _Bad("MultiPolygon has no polygons")
        return tuple(_polygon(c, f"polygon {i}") for i, c in enumerate(coords))
    raise _Bad(f"geometry {gtype!r} is not an area (Polygon or MultiPolygon)")


# -- properties ---------------------------------------------------------------------------------
def _first(props: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for k in keys:
        if props.get(k) is not None:
            return k, props[k]
    return None, None


def _limit_from(value: float, unit: str, ref: str, where: str) -> VerticalLimit:
    """A limit from a number, a unit and a reference; ``where`` only names it in errors."""
    u, r = unit.strip().upper(), ref.strip().upper()
    if u in {"FL", "F.L."}:
        return VerticalLimit.flight_level(value)
    if u in {"FT", "FEET", "F"}:
        unit_n: Literal["ft", "m"] = "ft"
    elif u in {"M", "METERS", "METRES", "MTR"}:
        unit_n = "m"
    else:
        raise _Bad(f"unknown unit {unit!r} in {where}")
    if r in {"GND", "SFC", "AGL"}:
        if value == 0:
            return VerticalLimit.surface("GND")
        return VerticalLimit(value, unit_n, Reference.AGL)
    if r in {"MSL", "AMSL", "ASL"}:
        return VerticalLimit(value, unit_n, Reference.AMSL)
    if r == "STD":
        return VerticalLimit.flight_level(value / 100.0 if unit_n == "ft" else value / FT / 100.0)
    raise _Bad(f"unknown reference {ref!r} in {where}")


def _limit(props: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[VerticalLimit | None, str]:
    key, raw = _first(props, keys)
    if key is None:
        return None, ""
    text = f"{key}={json.dumps(raw)}"
    if isinstance(raw, str):
        try:
            return VerticalLimit.parse(raw), key
        except ValueError as exc:
            raise _Bad(f"{key}: {exc}") from None
    if isinstance(raw, Mapping):
        value, unit = raw.get("value"), raw.get("unit")
        ref = raw.get("referenceDatum", raw.get("reference", raw.get("datum")))
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _Bad(f"unknown limit {text}: no numeric value")
        unit_s = _OPENAIP_UNIT.get(unit) if isinstance(unit, int) else unit
        ref_s = _OPENAIP_DATUM.get(ref) if isinstance(ref, int) else ref
        if unit_s == "FL":
            ref_s = ref_s or "STD"
        if not isinstance(unit_s, str) or not isinstance(ref_s, str):
            raise _Bad(f"unknown limit {text}: unit/referenceDatum not understood")
        return _limit_from(float(value), unit_s, ref_s, text), key
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        unit = props.get(f"{key}_unit")
        ref = props.get(f"{key}_ref", props.get(f"{key}_reference", props.get(f"{key}_datum")))
        if not isinstance(unit, str):
            raise _Bad(f"unknown limit {text}: a number needs a {key}_unit property")
        if unit.strip().upper() == "FL":
            ref = ref or "STD"
        if not isinstance(ref, str):
            raise _Bad(f"unknown limit {text}: a number needs a {key}_ref property")
        return _limit_from(float(raw), unit, ref, text), key
    raise _Bad(f"unknown limit {text}")


def _kind(props: Mapping[str, Any], meta: dict[str, Any]) -> str:
    _, cls = _first(props, _CLASS_KEYS)
    _, typ = _first(props, _TYPE_KEYS)
    icao = props.get("icaoClass")
    if isinstance(icao, int) and not isinstance(icao, bool):
        meta["icao_class"] = OPENAIP_ICAO_CLASS.get(icao, "SUA" if icao == _OPENAIP_SUA else "")
    elif isinstance(icao, str) and icao.strip():
        meta["icao_class"] = icao.strip().upper()
    if isinstance(typ, int) and not isinstance(typ, bool):
        meta["openaip_type"] = typ
        name = OPENAIP_TYPE.get(typ, f"TYPE{typ}")
        if name == "OTHER" and meta.get("icao_class") and meta["icao_class"] != "SUA":
            return str(meta["icao_class"])
        return name
    for v in (cls, typ):
        if isinstance(v, str) and v.strip():
            return v.strip()
    return str(meta.get("icao_class") or "UNKNOWN")


# -- features -----------------------------------------------------------------------------------
def _features(path: Path, doc: Any) -> list[Any]:
    if not isinstance(doc, Mapping):
        raise ParseError(path, None, "not a GeoJSON object (top level is not a JSON object)")
    crs = doc.get("crs")
    if isinstance(crs, Mapping):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not _WGS84_CRS.search(name):
            raise ParseError(path, None, f"crs {name!r} is not supported (only WGS84 lon/lat)")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ParseError(path, None, "FeatureCollection without a 'features' list")
        return feats
    if kind == "Feature":
        return [doc]
    if kind in {"Polygon", "MultiPolygon"}:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise ParseError(path, None, f"not a GeoJSON FeatureCollection or Feature (type={kind!r})")


def _airspace(path: Path, n: int, feat: Any, problems: list[ParseError]) -> Airspace:
    if not isinstance(feat, Mapping) or feat.get("type") != "Feature":
        raise _Bad("not a GeoJSON Feature")
    props = feat.get("properties") or {}
    if not isinstance(props, Mapping):
        raise _Bad("properties is not an object")
    polygons = _polygons(feat.get("geometry"))
    _, name = _first(props, _NAME_KEYS)
    name = str(name).strip() if name is not None else f"feature {n}"
    meta: dict[str, Any] = {"feature": n}
    kind = _kind(props, meta)
    floor, _ = _limit(props, _FLOOR_KEYS)
    ceiling, _ = _limit(props, _CEILING_KEYS)
    where = f"feature {n}"
    if floor is None:
        floor = VerticalLimit.surface("SFC (default)")
        problems.append(ParseError(path, where, f"{name!r}: no floor given; taken as SFC"))
    if ceiling is None:
        ceiling = VerticalLimit.unlimited("UNL (default)")
        problems.append(ParseError(path, where, f"{name!r}: no ceiling given; taken as UNL"))
    ident = feat.get("id", props.get("id", props.get("_id")))
    meta["properties"] = dict(props)
    return Airspace(
        name=name,
        kind=kind,
        polygons=polygons,
        floor=floor,
        ceiling=ceiling,
        id=None if ident is None else str(ident),
        source=str(path),
        meta=meta,
    )


def read_geojson_airspaces(
    path: str | PathLike[str],
) -> tuple[list[Airspace], list[ParseError]]:
    """Read airspaces from a GeoJSON file: ``(airspaces, problems)``.

    Bad features are skipped and reported in ``problems``; see the module docstring for the
    properties understood and the SFC/UNL defaults.

    >>> import json, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.json")
    >>> sq = [[[8.0, 50.0], [8.1, 50.0], [8.1, 50.1], [8.0, 50.0]]]
    >>> fc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"name": "ED-R 1", "type": 1, "icaoClass": 8,
    ...      "lowerLimit": {"value": 0, "unit": 1, "referenceDatum": 0},
    ...      "upperLimit": {"value": 95, "unit": 6, "referenceDatum": 2}},
    ...      "geometry": {"type": "Polygon", "coordinates": sq}},
    ...     {"type": "Feature", "properties": {}, "geometry": {"type": "Point",
    ...      "coordinates": [8, 50]}}]}
    >>> _ = open(p, "w").write(json.dumps(fc))
    >>> spaces, problems = read_geojson_airspaces(p)
    >>> [(a.kind, str(a.floor), str(a.ceiling)) for a in spaces]
    [('R', 'GND', 'FL95')]
    >>> problems[0].line
    'feature 2'
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as exc:
        raise ParseError(p, None, "no such file") from exc
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise ParseError(p, None, "empty file")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError(p, None, f"not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(p, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    airspaces: list[Airspace] = []
    problems: list[ParseError] = []
    for n, feat in enumerate(_features(p, doc), start=1):
        try:
            airspaces.append(_airspace(p, n, feat, problems))
        except (_Bad, ValueError) as exc:
            problems.append(ParseError(p, f"feature {n}", str(exc)))
    return airspaces, problems
