"""Tell input files apart by content (magic bytes, XML root, JSON keys, first records), not by
extension; :data:`FORMATS` lists every format with the rule used.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "flight.txt")
>>> _ = open(p, "w").write("time,icao24,lat,lon\\n1643816700,4d2271,45.86,4.96\\n")
>>> sniff(p)
'opensky-csv'
>>> sniff(p, fmt="igc")
'igc'
"""

from __future__ import annotations

import re
import zipfile
import zlib
from os import PathLike
from pathlib import Path
from typing import Literal, NamedTuple

from ..errors import ParseError, UnsupportedFormatError

__all__ = ["FORMATS", "Format", "FormatInfo", "Kind", "check_format", "sniff"]

Format = Literal[
    "openair", "geojson", "geopackage", "shapefile", "flatgeobuf",
    "opensky-csv", "opensky-parquet", "igc", "gpx", "kml", "kmz", "geojson-track",
    "traffic-json", "digitised-csv",
]  # fmt: skip
Kind = Literal["track", "airspace"]


class FormatInfo(NamedTuple):
    """One readable format: its name, what it holds, usual extensions, and how it is told."""

    name: Format
    kind: Kind
    extensions: tuple[str, ...]
    rule: str


FORMATS: list[FormatInfo] = [
    FormatInfo("openair", "airspace", (".txt", ".openair", ".air"),
               "text whose records are almost all OpenAir commands (AC, AN, AL, AH, DP, V...), "
               "with at least one AC"),
    FormatInfo("geojson", "airspace", (".geojson", ".json"),
               'JSON object with a GeoJSON "type" and Polygon/MultiPolygon geometries'),
    FormatInfo("geopackage", "airspace", (".gpkg",),
               'starts with "SQLite format 3\\0" and has application id GPKG (or a '
               "gpkg_contents table)"),
    FormatInfo("shapefile", "airspace", (".shp", ".zip"),
               "starts with file code 0x0000270A (9994), or a zip archive holding a .shp"),
    FormatInfo("flatgeobuf", "airspace", (".fgb",), 'starts with magic bytes "fgb\\x03fgb"'),
    FormatInfo("opensky-csv", "track", (".csv",),
               "comma-separated text whose header has an icao24 column"),
    FormatInfo("opensky-parquet", "track", (".parquet",),
               'starts with "PAR1" and has an icao24 column'),
    FormatInfo("igc", "track", (".igc",),
               "text with an HFDTE date header or a B fix record (B + 13 digits + N/S...) "
               "at a line start"),
    FormatInfo("gpx", "track", (".gpx",), "XML whose root element is <gpx>"),
    FormatInfo("kml", "track", (".kml",),
               "XML whose root element is <kml> (or a bare <Document>/<Folder>, as GpsDump "
               "writes)"),
    FormatInfo("kmz", "track", (".kmz",), "zip archive holding a .kml document"),
    FormatInfo("geojson-track", "track", (".geojson", ".json"),
               "GeoJSON with LineString/MultiLineString/Point geometries and no polygons "
               "(times in coordTimes/times or a time property)"),
    FormatInfo("traffic-json", "track", (".json.gz", ".json"),
               'JSON, gzip-compressed or not, naming "icao24" and "timestamp" (the traffic '
               "library's records or columns)"),
    FormatInfo("digitised-csv", "track", (".csv", ".txt"),
               "text whose first non-comment line is a header with lat/latitude and "
               "lon/lng/longitude columns and no icao24 column (points read off a map, "
               "times optional)"),
]  # fmt: skip

_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)
_HEAD_BYTES = 1 << 16
_GEOMETRY = re.compile(
    r'"type"\s*:\s*"(Polygon|MultiPolygon|LineString|MultiLineString|Point|MultiPoint)"'
)
_AREAS = {"Polygon", "MultiPolygon"}
_SQLITE = b"SQLite format 3\x00"
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")


def check_format(fmt: str) -> Format:
    """``fmt`` if it names a known format, else UnsupportedFormatError listing them.

    >>> check_format("gpx")
    'gpx'
    >>> check_format("xls")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.UnsupportedFormatError: unknown format 'xls'; known formats: openair, ...
    """
    if fmt not in _NAMES:
        raise UnsupportedFormatError(f"unknown format {fmt!r}; known formats: {', '.join(_NAMES)}")
    return fmt  # type: ignore[return-value]


def _parquet_kind(p: Path) -> Format:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = pq.ParquetFile(p).schema_arrow.names
    except (pa.ArrowException, OSError) as exc:
        raise ParseError(p, None, f"unreadable Parquet file: {exc}") from exc
    if "icao24" in {n.strip().lower() for n in names}:
        return "opensky-parquet"
    raise UnsupportedFormatError(
        f"{p}: cannot tell the format: a Parquet file without an icao24 column "
        f"(columns: {', '.join(names[:20])})"
    )


def _geojson_kind(text: str) -> Format:
    found = set(_GEOMETRY.findall(text))
    if found and not (found & _AREAS):
        return "geojson-track"
    return "geojson"


def _zip_kind(p: Path) -> Format:
    from .tracks._kmz import kml_member

    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(p, None, f"unreadable zip archive: {exc}") from exc
    if kml_member(names):
        return "kmz"
    if any(n.lower().endswith(".shp") for n in names):
        return "shapefile"
    raise UnsupportedFormatError(
        f"{p}: cannot tell the format: a zip archive without a .kml or .shp member"
    )


def _binary_kind(p: Path, head: bytes) -> Format | None:
    if head[:4] == b"PAR1":
        return _parquet_kind(p)
    if head[:16] == _SQLITE:
        if head[68:72] in _GPKG_IDS or b"gpkg_contents" in head:
            return "geopackage"
        raise UnsupportedFormatError(f"{p}: cannot tell the format: SQLite, not a GeoPackage")
    if head[:4] == b"\x00\x00\x27\x0a" and head[28:32] == b"\xe8\x03\x00\x00":
        return "shapefile"  # file code 9994 (big-endian), version 1000 (little-endian)
    if head[:3] == b"fgb" and head[4:7] == b"fgb":
        return "flatgeobuf"
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(p)
    if head[:2] == b"\x1f\x8b":
        from .tracks.traffic_json import looks_like_traffic_json

        try:
            text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _HEAD_BYTES)
        except zlib.error as exc:
            raise ParseError(p, None, f"corrupt gzip data: {exc}") from exc
        if looks_like_traffic_json(text.decode("utf-8", errors="replace")):
            return "traffic-json"
        raise UnsupportedFormatError(
            f"{p}: cannot tell the format: gzip data that is not a traffic JSON sample"
        )
    return None


def _text_kind(p: Path, head: bytes, text: str) -> Format:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        from .tracks._xml import root_tag

        root = root_tag(head)
        if root == "gpx":
            return "gpx"
        if root in ("kml", "Document", "Folder", "Placemark"):
            return "kml"
        what = f"XML with root <{root}>" if root else "XML (or markup) without a known root"
        raise UnsupportedFormatError(f"{p}: cannot tell the format: {what}")
    if stripped.startswith(("{", "[")):
        from .airspace.geojson import looks_like_geojson
        from .tracks.traffic_json import looks_like_traffic_json

        if looks_like_geojson(stripped):
            return _geojson_kind(stripped)
        if looks_like_traffic_json(stripped):
            return "traffic-json"
        raise UnsupportedFormatError(
            f"{p}: cannot tell the format: JSON but neither GeoJSON nor a traffic sample"
        )
    from .tracks.opensky import looks_like_opensky_csv

    if looks_like_opensky_csv(stripped):
        return "opensky-csv"
    from .tracks.digitised import looks_like_digitised_csv

    if looks_like_digitised_csv(text):
        return "digitised-csv"
    from .tracks.igc import looks_like_igc

    if looks_like_igc(text):
        return "igc"
    from .airspace.openair import looks_like_openair

    if looks_like_openair(text):
        return "openair"
    raise UnsupportedFormatError(
        f"{p}: cannot tell the format (not OpenAir, IGC, GPX, KML, GeoJSON, OpenSky CSV, "
        "a traffic sample, a digitised lat/lon CSV, or a binary format); "
        "`overflight formats` lists them"
    )


def sniff(path: str | PathLike[str], *, fmt: str | None = None) -> Format:
    """The format of ``path`` from its content (or ``fmt``, checked, when given).

    Raises ParseError for a missing or empty file (or an unreadable Parquet footer or zip
    directory) and UnsupportedFormatError when the content matches no format in
    :data:`FORMATS` or ``fmt`` is not one of them.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "zones.csv")
    >>> _ = open(p, "w").write('{"type": "FeatureCollection", "features": []}')
    >>> sniff(p)
    'geojson'
    """
    p = Path(path)
    forced = check_format(fmt) if fmt is not None else None
    if not p.exists():
        raise ParseError(p, None, "no such file")
    if p.is_dir():
        raise ParseError(p, None, "is a directory, not a file")
    try:
        with p.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    if not head.strip():
        raise ParseError(p, None, "empty file")
    if forced is not None:
        return forced
    kind = _binary_kind(p, head)
    if kind is not None:
        return kind
    if b"\x00" in head:
        raise UnsupportedFormatError(f"{p}: cannot tell the format: binary data")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.count("\ufffd") > max(8, len(text) // 20):
        raise UnsupportedFormatError(f"{p}: cannot tell the format: not text")
    return _text_kind(p, head, text)
