"""Readers for track and airspace files, chosen by content.

Readers are imported when first used, so ``import overflight.formats`` stays cheap (no
pyarrow).

>>> kind_of.__name__, sniff.__name__
('kind_of', 'sniff')
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Literal

from ..errors import ParseError, UnsupportedFormatError
from .detect import Format, sniff

if TYPE_CHECKING:
    from ..model import Airspace, Track

__all__ = ["Format", "Kind", "kind_of", "read_airspaces", "read_tracks", "sniff"]

Kind = Literal["track", "airspace"]

_KIND: dict[str, Kind] = {
    "openair": "airspace",
    "geojson": "airspace",
    "opensky-csv": "track",
    "opensky-parquet": "track",
}


def kind_of(path: str | PathLike[str]) -> Kind:
    """Whether ``path`` holds tracks or airspaces (from its content).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.dat")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n")
    >>> kind_of(p)
    'track'
    """
    return _KIND[sniff(path)]


def read_tracks(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read every track in ``path``: ``(tracks, warnings)``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "sv.csv")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n1,abc123,60.001,25.0\\n")
    >>> tracks, warnings = read_tracks(p)
    >>> tracks[0].id, len(tracks[0]), warnings
    ('abc123', 2, [])
    """
    fmt = sniff(path)
    if _KIND[fmt] != "track":
        raise UnsupportedFormatError(f"{path}: {fmt} holds airspaces, not tracks")
    from .tracks.opensky import read_opensky

    return read_opensky(path)


def read_airspaces(path: str | PathLike[str]) -> tuple[list[Airspace], list[ParseError]]:
    """Read every airspace in ``path``: ``(airspaces, problems)``; bad records are skipped and
    reported as ParseError in ``problems``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "sv.csv")
    >>> _ = open(p, "w").write("time,icao24,lat,lon\\n0,abc123,60.0,25.0\\n")
    >>> read_airspaces(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.UnsupportedFormatError: ...sv.csv: opensky-csv holds tracks, not airspaces
    """
    fmt = sniff(path)
    if fmt == "geojson":
        from .airspace.geojson import read_geojson_airspaces

        return read_geojson_airspaces(path)
    if fmt == "openair":
        from .airspace.openair import read_openair

        return read_openair(path)
    raise UnsupportedFormatError(f"{path}: {fmt} holds tracks, not airspaces")
