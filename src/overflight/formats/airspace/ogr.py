"""Airspaces from any OGR vector file (GeoPackage, Shapefile, FlatGeobuf, GeoJSON...) via pyogrio.

Features stream in Arrow batches (STYLE habit 2): :func:`iter_ogr_airspaces` yields one
:class:`~overflight.model.Airspace` per Polygon/MultiPolygon feature, :func:`read_ogr_airspaces`
collects them. Geometries in any CRS are reprojected to WGS84 longitude/latitude (pyproj); the
closing vertex of each ring is dropped and holes are kept. Shapes are vertices only: OGR has no
arcs, so an arc drawn in a GIS arrives as the vertices it was digitised with.

Which attribute holds what is given by a :class:`FieldMap`; fields it leaves out are guessed
from the column names (case-insensitively, first match wins):

* name: ``name``, ``title``, ``designator``, ``ident``;
* kind: ``class``, ``airspace_class``, ``icao_class``, ``type``, ``local_type`` and openAIP's
  ``icaoClass``/``type`` integer codes, read as :mod:`overflight.formats.airspace.geojson` reads
  them;
* floor: ``lowerLimit``, ``lower_limit``, ``floor``, ``lower``, ``bottom``, ``lower_val``;
  ceiling: the ``upper``/``ceiling``/``top`` equivalents. A limit is text (``"FL95"``,
  ``"2500ft AMSL"``), an openAIP limit object (also as the JSON text OGR writes for nested
  GeoJSON properties), openAIP's flattened ``lowerLimit_value``/``_unit``/``_referenceDatum``
  columns, or a number with a unit column (``<field>_unit``, ``_uom``) and a reference column
  (``<field>_ref``, ``_reference``, ``_datum``, ``_code``);
* id: ``_id``, ``id``, ``openaip_id``.

As for GeoJSON, a missing floor or ceiling is taken as SFC or UNL and a problem says so; a
feature that cannot be used becomes ``ParseError(path, "feature N", reason)`` in ``problems``
and is skipped (``"LAYER feature N"`` when several layers are read). A file OGR cannot open
raises ParseError.

>>> import os, tempfile, numpy as np, shapely, pyogrio.raw
>>> p = os.path.join(tempfile.mkdtemp(), "zones.fgb")
>>> sq = shapely.Polygon([(24.0, 59.0), (24.1, 59.0), (24.1, 59.1), (24.0, 59.0)])
>>> pyogrio.raw.write(p, np.array([shapely.to_wkb(sq)], dtype=object),
...     [np.array(["EER 1"], dtype=object), np.array(["GND"], dtype=object),
...      np.array(["FL95"], dtype=object)], ["NAME", "floor", "ceiling"],
...     geometry_type="Polygon", crs="EPSG:4326", driver="FlatGeobuf")
>>> [a], problems = read_ogr_airspaces(p)
>>> a.name, str(a.floor), str(a.ceiling), len(a.polygons[0].exterior), problems
('EER 1', 'GND', 'FL95', 3, [])
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from ...errors import ParseError
from ...model import Airspace, Polygon, VerticalLimit
from .geojson import _Bad, _kind, _limit, _polygons

__all__ = ["FieldMap", "iter_ogr_airspaces", "ogr_format", "read_ogr_airspaces"]

_BATCH = 1024
_NAME = ("name", "title", "designator", "ident")
_CLASS = ("class", "airspace_class", "icao_class", "airspaceclass")
_TYPE = ("type", "local_type", "airspace_type")
_ICAO = ("icaoclass",)
_FLOOR = ("lowerlimit", "lower_limit", "floor", "lower", "bottom", "lower_val")
_CEILING = ("upperlimit", "upper_limit", "ceiling", "upper", "top", "upper_val")
_ID = ("_id", "id", "openaip_id")
_UNIT_SUFFIX = ("_unit", "_uom")
_REF_SUFFIX = ("_ref", "_reference", "_referencedatum", "_datum", "_code")
_AREA_TYPES = ("Polygon", "MultiPolygon", "Unknown", "GeometryCollection")


@dataclass(frozen=True)
class FieldMap:
    """Which attribute field holds each airspace property (``None``: guess from the names).

    ``floor``/``ceiling`` hold text such as ``"FL95"`` or a number; for a number,
    ``floor_unit`` (``ft``, ``m``, ``FL`` or an openAIP code) and ``floor_ref`` (``GND``,
    ``MSL``, ``STD`` or an openAIP code) name the fields giving unit and reference.

    >>> FieldMap.parse(["name=NAZWA", "class=KLASA", "floor=DOLNA"]).kind
    'KLASA'
    """

    name: str | None = None
    kind: str | None = None
    floor: str | None = None
    ceiling: str | None = None
    floor_unit: str | None = None
    floor_ref: str | None = None
    ceiling_unit: str | None = None
    ceiling_ref: str | None = None
    id: str | None = None

    @classmethod
    def parse(cls, items: Sequence[str]) -> FieldMap:
        """From ``ROLE=FIELD`` strings (``class`` is accepted for ``kind``).

        Raises ValueError naming the bad item.

        >>> FieldMap.parse(["ceiling=TOP", "ceiling_unit=TOP_UOM"]).ceiling_unit
        'TOP_UOM'
        """
        roles = set(cls.__dataclass_fields__)
        given: dict[str, str] = {}
        for item in items:
            role, sep, field = item.partition("=")
            role = "kind" if role.strip() == "class" else role.strip()
            if not sep or not field.strip() or role not in roles:
                raise ValueError(
                    f"bad field mapping {item!r}: expected ROLE=FIELD with ROLE one of "
                    f"{', '.join(sorted((roles - {'kind'}) | {'class'}))}"
                )
            given[role] = field.strip()
        return cls(**given)


def ogr_format(head: bytes) -> str | None:
    """``"geopackage"``, ``"flatgeobuf"`` or ``"shapefile"`` from a file's first bytes (at
    least 100), else None. A Shapefile is recognised by its ``.shp`` header.

    >>> ogr_format(b"fgb\\x03fgb\\x00" + bytes(92))
    'flatgeobuf'
    >>> ogr_format(b"AC R\\n") is None
    True
    """
    if head.startswith(b"SQLite format 3\x00") and head[68:72] in (b"GPKG", b"GP10", b"GP11"):
        return "geopackage"
    if head[:3] == b"fgb" and len(head) > 3 and head[3] in (2, 3):
        return "flatgeobuf"
    if len(head) >= 100 and head[:4] == b"\x00\x00\x27\x0a" and head[28:32] == b"\xe8\x03\x00\x00":
        return "shapefile"
    return None


# -- fields ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Columns:
    """The columns of one layer chosen for each role."""

    name: str | None
    cls: str | None
    type: str | None
    icao: str | None
    floor: tuple[str | None, str | None, str | None]  # value, unit, reference
    ceiling: tuple[str | None, str | None, str | None]
    id: str | None


def _pick(lower: Mapping[str, str], given: str | None, guesses: tuple[str, ...]) -> str | None:
    if given is not None:
        return given
    return next((lower[g] for g in guesses if g in lower), None)


def _limit_columns(
    lower: Mapping[str, str],
    value: str | None,
    unit: str | None,
    ref: str | None,
    guesses: tuple[str, ...],
) -> tuple[str | None, str | None, str | None]:
    if value is None:
        value = _pick(lower, None, guesses)
        if value is None:  # openAIP flattened: lowerLimit_value, lowerLimit_unit...
            for g in guesses:
                if f"{g}_value" in lower:
                    value = lower[f"{g}_value"]
                    break
    if value is None:
        return None, None, None
    stems = {value.lower()}
    for tail in ("_value", "_val"):
        if value.lower().endswith(tail):
            stems.add(value.lower()[: -len(tail)])
    unit = unit or next((lower[s + x] for s in stems for x in _UNIT_SUFFIX if s + x in lower), None)
    ref = ref or next((lower[s + x] for s in stems for x in _REF_SUFFIX if s + x in lower), None)
    return value, unit, ref


def _columns(names: Sequence[str], fields: FieldMap, path: Path) -> _Columns:
    lower = {n.lower(): n for n in reversed(names)}  # first spelling wins
    for given in (
        fields.name,
        fields.kind,
        fields.floor,
        fields.ceiling,
        fields.floor_unit,
        fields.floor_ref,
        fields.ceiling_unit,
        fields.ceiling_ref,
        fields.id,
    ):
        if given is not None and given not in names:
            raise ParseError(
                path, None, f"no field {given!r} in the file (fields: {', '.join(names) or '-'})"
            )
    return _Columns(
        name=_pick(lower, fields.name, _NAME),
        cls=_pick(lower, fields.kind, _CLASS),
        type=None if fields.kind else _pick(lower, None, _TYPE),
        icao=None if fields.kind else _pick(lower, None, _ICAO),
        floor=_limit_columns(lower, fields.floor, fields.floor_unit, fields.floor_ref, _FLOOR),
        ceiling=_limit_columns(
            lower, fields.ceiling, fields.ceiling_unit, fields.ceiling_ref, _CEILING
        ),
        id=_pick(lower, fields.id, _ID),
    )


def _plain(v: Any) -> Any:
    """numpy scalars to Python; NaN to None; bytes to text."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _read_limit(
    props: Mapping[str, Any], cols: tuple[str | None, str | None, str | None]
) -> VerticalLimit | None:
    value_col, unit_col, ref_col = cols
    if value_col is None or props.get(value_col) is None:
        return None
    value = props[value_col]
    if isinstance(value, str) and value.lstrip().startswith("{"):
        with suppress(json.JSONDecodeError):  # a nested GeoJSON property, as OGR writes it
            value = json.loads(value)
    if unit_col is not None and not isinstance(value, str | Mapping):
        value = {
            "value": value,
            "unit": props.get(unit_col),
            "referenceDatum": props.get(ref_col) if ref_col else None,
        }
    limit, _ = _limit({value_col: value}, (value_col,))
    return limit


def _airspace(
    path: Path, where: str, props: dict[str, Any], polygons: tuple[Polygon, ...], c: _Columns
) -> tuple[Airspace, list[str]]:
    notes: list[str] = []
    name = props.get(c.name) if c.name else None
    name = str(name).strip() if name is not None and str(name).strip() else where
    kind_props = {
        k: props.get(col)
        for k, col in (("class", c.cls), ("type", c.type), ("icaoClass", c.icao))
        if col is not None
    }
    meta: dict[str, Any] = {}
    kind = _kind(kind_props, meta)
    floor = _read_limit(props, c.floor)
    ceiling = _read_limit(props, c.ceiling)
    if floor is None:
        floor = VerticalLimit.surface("SFC (default)")
        notes.append(f"{name!r}: no floor given; taken as SFC")
    if ceiling is None:
        ceiling = VerticalLimit.unlimited("UNL (default)")
        notes.append(f"{name!r}: no ceiling given; taken as UNL")
    ident = props.get(c.id) if c.id else None
    meta.update({"feature": where, "properties": props})
    airspace = Airspace(
        name=name,
        kind=kind,
        polygons=polygons,
        floor=floor,
        ceiling=ceiling,
        id=None if ident is None else str(ident),
        source=str(path),
        meta=meta,
    )
    return airspace, notes


# -- geometry -------------------------------------------------------------------------------------
def _to_wgs84(crs: str | None, path: Path, layer: str) -> Any:
    """A function mapping an (N, 2) array of x, y to lon, lat (None: already lon/lat)."""
    if crs is None:
        return None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise ParseError(path, None, f"layer {layer!r}: unknown CRS {crs!r:.80}") from exc
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def project(xy: Any) -> Any:
        import numpy as np

        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return project


def _shape(wkb: bytes | None, project: Any) -> tuple[Polygon, ...]:
    import shapely

    if wkb is None:
        raise _Bad("no geometry")
    try:
        geom = shapely.from_wkb(wkb)
    except shapely.errors.ShapelyError as exc:
        raise _Bad(f"unreadable geometry: {exc}") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise _Bad(f"geometry {geom.geom_type!r} is not an area (Polygon or MultiPolygon)")
    if geom.is_empty:
        raise _Bad("empty geometry")
    geom = shapely.force_2d(geom)
    if project is not None:
        geom = shapely.transform(geom, project)
    return _polygons(json.loads(shapely.to_geojson(geom)))


# -- reading --------------------------------------------------------------------------------------
def _layers(path: Path, layer: str | int | None) -> list[str | int]:
    import pyogrio

    try:
        listed = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError and plain RuntimeErrors
        raise ParseError(path, None, f"not a vector file OGR can read: {_first_line(exc)}") from exc
    if layer is not None:
        names = [str(n) for n, _ in listed]
        if isinstance(layer, str) and layer not in names:
            raise ParseError(path, None, f"no layer {layer!r} (layers: {', '.join(names)})")
        return [layer]
    areas = [str(n) for n, gtype in listed if gtype is None or str(gtype) in _AREA_TYPES]
    if not areas:
        kinds = ", ".join(f"{n} ({g})" for n, g in listed) or "none"
        raise ParseError(path, None, f"no polygon layer (layers: {kinds})")
    return list(areas)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def iter_ogr_airspaces(
    path: str | PathLike[str],
    *,
    layer: str | int | None = None,
    fields: FieldMap | None = None,
    problems: list[ParseError] | None = None,
) -> Iterator[Airspace]:
    """Yield the airspaces of an OGR vector file, feature by feature.

    ``layer`` picks one layer (name or index); by default every Polygon/MultiPolygon layer is
    read. Problems are appended to ``problems``; with ``problems=None`` the first one is raised.

    >>> import os, tempfile, numpy as np, shapely, pyogrio.raw
    >>> p = os.path.join(tempfile.mkdtemp(), "z.gpkg")
    >>> sq = shapely.Polygon([(24, 59), (24.1, 59), (24.1, 59.1)])
    >>> pyogrio.raw.write(p, np.array([shapely.to_wkb(sq)], dtype=object),
    ...     [np.array(["D"], dtype=object)], ["CLASS"], geometry_type="Polygon",
    ...     crs="EPSG:4326", driver="GPKG")
    >>> found = []
    >>> [a.kind for a in iter_ogr_airspaces(p, problems=found)], len(found)
    (['D'], 2)
    """
    from pyogrio.raw import open_arrow

    p = Path(path)
    if not p.exists():
        raise ParseError(p, None, "no such file")
    fields = fields or FieldMap()
    layers = _layers(p, layer)

    def report(where: str | None, reason: str) -> None:
        error = ParseError(p, where, reason)
        if problems is None:
            raise error
        problems.append(error)

    for lyr in layers:
        prefix = f"{lyr} " if len(layers) > 1 else ""
        try:
            with open_arrow(p, layer=lyr, batch_size=_BATCH, use_pyarrow=True) as (
                meta,
                reader,
            ):
                names = [str(n) for n in meta["fields"]]
                cols = _columns(names, fields, p)
                project = _to_wgs84(meta.get("crs"), p, str(lyr))
                geometry = meta.get("geometry_name") or "wkb_geometry"
                n = 0
                for batch in reader:
                    table = batch.to_pydict()
                    wkbs = table.get(geometry, [None] * batch.num_rows)
                    for row in range(batch.num_rows):
                        n += 1
                        where = f"{prefix}feature {n}"
                        props = {k: _plain(table[k][row]) for k in names}
                        try:
                            airspace, notes = _airspace(
                                p, where, props, _shape(wkbs[row], project), cols
                            )
                        except (_Bad, ValueError) as exc:
                            report(where, str(exc))
                            continue
                        for note in notes:
                            report(where, note)
                        yield airspace
        except ParseError:
            raise
        except Exception as exc:  # pyogrio/GDAL errors while reading
            if type(exc).__module__.startswith(("pyogrio", "pyarrow")) or isinstance(
                exc, RuntimeError | OSError
            ):
                raise ParseError(p, None, f"layer {lyr!r}: {_first_line(exc)}") from exc
            raise


def read_ogr_airspaces(
    path: str | PathLike[str],
    *,
    layer: str | int | None = None,
    fields: FieldMap | None = None,
) -> tuple[list[Airspace], list[ParseError]]:
    """Read every airspace of an OGR vector file: ``(airspaces, problems)``.

    See the module docstring for the fields understood and :func:`iter_ogr_airspaces` for
    ``layer``.

    >>> read_ogr_airspaces("/nonexistent/zones.gpkg")
    Traceback (most recent call last):
    ...
    overflight.errors.ParseError: /nonexistent/zones.gpkg: no such file
    """
    problems: list[ParseError] = []
    airspaces = list(iter_ogr_airspaces(path, layer=layer, fields=fields, problems=problems))
    return airspaces, problems
