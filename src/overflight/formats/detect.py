"""Tell input files apart by content (magic bytes, header, JSON start), not by extension.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "flight.txt")
>>> _ = open(p, "w").write("time,icao24,lat,lon\\n1643816700,4d2271,45.86,4.96\\n")
>>> sniff(p)
'opensky-csv'
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path
from typing import Literal

from ..errors import ParseError, UnsupportedFormatError

__all__ = ["Format", "sniff"]

Format = Literal["openair", "geojson", "opensky-csv", "opensky-parquet"]

_HEAD_BYTES = 1 << 16
_GEOMETRY = re.compile(
    r'"type"\s*:\s*"(Polygon|MultiPolygon|LineString|MultiLineString|Point|MultiPoint)"'
)
_AREAS = {"Polygon", "MultiPolygon"}


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


def _geojson_kind(p: Path, text: str) -> Format:
    found = set(_GEOMETRY.findall(text))
    if found and not (found & _AREAS):
        raise UnsupportedFormatError(
            f"{p}: GeoJSON with {'/'.join(sorted(found))} geometries (a track or lines?) is not "
            "supported yet; only Polygon/MultiPolygon airspaces are read from GeoJSON"
        )
    return "geojson"


def sniff(path: str | PathLike[str]) -> Format:
    """The format of ``path`` from its content.

    Returns ``"openair"``, ``"geojson"``, ``"opensky-csv"`` or ``"opensky-parquet"``. Raises
    ParseError for a missing or empty file (or an unreadable Parquet footer) and
    UnsupportedFormatError when the content matches none of them.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "zones.csv")
    >>> _ = open(p, "w").write('{"type": "FeatureCollection", "features": []}')
    >>> sniff(p)
    'geojson'
    """
    p = Path(path)
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
    if head[:4] == b"PAR1":
        return _parquet_kind(p)
    if b"\x00" in head:
        raise UnsupportedFormatError(f"{p}: cannot tell the format: binary data")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.count("\ufffd") > max(8, len(text) // 20):
        raise UnsupportedFormatError(f"{p}: cannot tell the format: not text")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        from .airspace.geojson import looks_like_geojson

        if looks_like_geojson(stripped):
            return _geojson_kind(p, stripped)
        raise UnsupportedFormatError(f"{p}: cannot tell the format: JSON but not GeoJSON")
    from .tracks.opensky import looks_like_opensky_csv

    if looks_like_opensky_csv(stripped):
        return "opensky-csv"
    from .airspace.openair import looks_like_openair

    if looks_like_openair(text):
        return "openair"
    raise UnsupportedFormatError(
        f"{p}: cannot tell the format (not OpenAir, GeoJSON, OpenSky CSV or Parquet)"
    )
