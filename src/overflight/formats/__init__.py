"""Readers for track and airspace files, chosen by content (or forced with ``fmt``).

Readers are imported when first used, so ``import overflight.formats`` stays cheap (no
pyarrow, gpxpy or pyogrio). :data:`FORMATS` lists every format with its detection rule.

>>> kind_of.__name__, sniff.__name__, len(FORMATS) >= 13
('kind_of', 'sniff', True)
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from os import PathLike
from typing import TYPE_CHECKING, Any

from ..errors import ParseError, UnsupportedFormatError
from .detect import FORMATS, Format, FormatInfo, Kind, check_format, sniff

if TYPE_CHECKING:
    from ..model import Airspace, Track

__all__ = [
    "FORMATS",
    "Format",
    "FormatInfo",
    "Kind",
    "kind_of",
    "read_airspaces",
    "read_tracks",
    "sniff",
]

_KIND: dict[str, Kind] = {f.name: f.kind for f in FORMATS}

# format -> (module under overflight.formats, function name)
_READERS: dict[str, tuple[str, str]] = {
    "openair": ("airspace.openair", "read_openair"),
    "geojson": ("airspace.geojson", "read_geojson_airspaces"),
    "geopackage": ("airspace.ogr", "read_ogr_airspaces"),
    "shapefile": ("airspace.ogr", "read_ogr_airspaces"),
    "flatgeobuf": ("airspace.ogr", "read_ogr_airspaces"),
    "opensky-csv": ("tracks.opensky", "read_opensky"),
    "opensky-parquet": ("tracks.opensky", "read_opensky"),
    "igc": ("tracks.igc", "read_igc"),
    "gpx": ("tracks.gpx", "read_gpx"),
    "kml": ("tracks.kml", "read_kml"),
    "kmz": ("tracks.kml", "read_kml"),
    "geojson-track": ("tracks.geojson", "read_geojson_track"),
    "traffic-json": ("tracks.traffic_json", "read_traffic_json"),
    "digitised-csv": ("tracks.digitised", "read_digitised"),
}


def _reader(fmt: str) -> Callable[..., Any]:
    module, name = _READERS[fmt]
    return getattr(import_module(f"{__name__}.{module}"), name)  # type: ignore[no-any-return]


def kind_of(path: str | PathLike[str], *, fmt: str | None = None) -> Kind:
    """Whether ``path`` holds tracks or airspaces (from its content, or from ``fmt``).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.dat")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n")
    >>> kind_of(p), kind_of(p, fmt="openair")
    ('track', 'airspace')
    """
    return _KIND[sniff(path, fmt=fmt)]


def read_tracks(
    path: str | PathLike[str], *, fmt: str | None = None
) -> tuple[list[Track], list[str]]:
    """Read every track in ``path``: ``(tracks, warnings)``. ``fmt`` forces the format.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "sv.csv")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n1,abc123,60.001,25.0\\n")
    >>> tracks, warnings = read_tracks(p)
    >>> tracks[0].id, len(tracks[0]), warnings
    ('abc123', 2, [])
    """
    found = sniff(path, fmt=fmt)
    if _KIND[found] != "track":
        raise UnsupportedFormatError(f"{path}: {found} holds airspaces, not tracks")
    return _reader(found)(path)  # type: ignore[no-any-return]


def read_airspaces(
    path: str | PathLike[str], *, fmt: str | None = None
) -> tuple[list[Airspace], list[ParseError]]:
    """Read every airspace in ``path``: ``(airspaces, problems)``; bad records are skipped and
    reported as ParseError in ``problems``. ``fmt`` forces the format.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "sv.csv")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n")
    >>> read_airspaces(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.UnsupportedFormatError: ...sv.csv: opensky-csv holds tracks, not airspaces
    """
    found = sniff(path, fmt=fmt)
    if _KIND[found] != "airspace":
        raise UnsupportedFormatError(f"{path}: {found} holds tracks, not airspaces")
    return _reader(found)(path)  # type: ignore[no-any-return]


__all__ += ["check_format"]
