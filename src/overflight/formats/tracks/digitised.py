"""Hand-digitised points (read off a published map) as CSV -> one untimed Track.

The file is text with a header line naming the columns (comma, semicolon or tab separated):

* ``lat``/``latitude`` and ``lon``/``lng``/``long``/``longitude`` (required): decimal degrees
  (``59.818``, ``-24.5``), or text with a hemisphere letter: ``59°49'05"N``, ``59 49 05 N``,
  ``59:49.08N``, ``N59 49 05``, ``59.818N`` (read by :mod:`overflight.formats._coords`);
* ``alt``/``altitude`` (optional) with its unit in the name: ``alt_ft``, ``alt_m``,
  ``altitude (ft)``, ``alt[m]``; altitude above mean sea level -> ``alt_geo`` in metres;
* ``time`` (optional): ISO 8601 (no zone = UTC) or epoch seconds, blank where unknown.

Lines starting with ``#`` and blank lines are skipped. A point at the same position as the
one before it is dropped with a warning.

The track's ``time`` is the geodesic distance along the points (metres, ``meta["timing"] ==
"distance"``, see :mod:`.timing`). When every point has a time it is ``"measured"``; when
the known times bracket every point they are interpolated along distance (``"partial"``);
otherwise the known times wait in ``meta["known_times"]`` for
:func:`.timing.apply_timing` with a speed. Errors are ``ParseError`` ``path:line: reason``.

>>> import tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "route.csv")
>>> text = "# from the chart\\nlat,lon,alt_ft\\n59 49 05 N,24.5,1000\\n59.9,24.6,\\n"
>>> _ = open(p, "w").write(text)
>>> (t,), warnings = read_digitised(p)
>>> t.id, len(t), t.meta["timing"], round(float(t.lat[0]), 6), round(float(t.alt_geo[0]), 1)
('route', 2, 'distance', 59.818056, 304.8)
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ...errors import ParseError
from ...model import Track
from .._coords import parse_latlon
from ._times import epoch_number, iso_seconds
from .timing import TimingError, assign_times, untimed_track

__all__ = ["FORMAT", "DigitisedPoint", "iter_points", "looks_like_digitised_csv", "read_digitised"]

FORMAT = "digitised-csv"
MAX_LINE = 4096
_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_TIME = ("time", "timestamp", "datetime")
_RE_ALT = re.compile(
    r"^(alt|altitude|elev|elevation)\s*(?:[_\s]\s*|[(\[]\s*)?(ft|feet|m)?\s*[)\]]?$"
)
_ALT_UNITS = {"ft": 0.3048, "feet": 0.3048, "m": 1.0}
_RE_ANGLE = re.compile(r"^\s*([NSEW])?\s*([\d.°º'\"′″’:\s]+?)\s*([NSEW])?\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[°º'\"′″’:\s]+")


class DigitisedPoint(NamedTuple):
    """One point: its line number, position, altitude (m, NaN unknown), time (NaN unknown)."""

    line: int
    lat: float
    lon: float
    alt: float
    time: float


def _delimiter(header: str) -> str:
    return max((",", ";", "\t"), key=header.count)


def _names(header: str) -> list[str]:
    cols = next(csv.reader(io.StringIO(header), delimiter=_delimiter(header)), [])
    return [c.strip().strip("\ufeff").lower() for c in cols]


def _header_line(text: str) -> str | None:
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return None


def looks_like_digitised_csv(head: str) -> bool:
    """True if the first non-comment line is a header with latitude and longitude columns and
    no ``icao24`` column (OpenSky state vectors win then).

    >>> looks_like_digitised_csv("# map\\nlatitude;longitude\\n59.8;24.5\\n")
    True
    >>> looks_like_digitised_csv("time,icao24,lat,lon\\n")
    False
    """
    header = _header_line(head)
    if header is None:
        return False
    names = set(_names(header))
    return bool(names & set(_LAT)) and bool(names & set(_LON)) and "icao24" not in names


def _angle_text(text: str, positive: str, negative: str) -> str:
    """One coordinate as ``D[:M[:S]]H`` text for :func:`parse_latlon` (ValueError if not)."""
    s = text.strip()
    try:
        value = float(s)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise ValueError(f"bad coordinate {s!r}")
        return f"{abs(value):.12f}{negative if value < 0 else positive}"
    m = _RE_ANGLE.match(s)
    if m is None or (m.group(1) and m.group(3)) or not (m.group(1) or m.group(3)):
        raise ValueError(f"bad coordinate {s!r}: expected decimal degrees or D M S with N/S/E/W")
    parts = [q for q in _SEPARATORS.split(m.group(2)) if q]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"bad coordinate {s!r}")
    return ":".join(parts) + (m.group(1) or m.group(3)).upper()


def _position(lat_text: str, lon_text: str) -> tuple[float, float]:
    if not lat_text.strip() or not lon_text.strip():
        raise ValueError("missing latitude or longitude")
    return parse_latlon(f"{_angle_text(lat_text, 'N', 'S')} {_angle_text(lon_text, 'E', 'W')}")


def _time(text: str) -> float:
    s = text.strip()
    if not s:
        return math.nan
    try:
        return iso_seconds(s)
    except ValueError:
        try:
            return epoch_number(float(s))
        except ValueError:
            raise ValueError(f"bad time {s!r}: expected ISO 8601 or epoch seconds") from None


class _Columns(NamedTuple):
    lat: int
    lon: int
    alt: int | None
    alt_factor: float
    time: int | None


def _columns(p: Path, line: int, names: list[str]) -> _Columns:
    def find(options: tuple[str, ...]) -> int | None:
        return next((k for k, n in enumerate(names) if n in options), None)

    lat, lon = find(_LAT), find(_LON)
    if lat is None or lon is None:
        raise ParseError(
            p, line, f"header has no {'latitude' if lat is None else 'longitude'} column "
            f"(found: {', '.join(names)})"
        )  # fmt: skip
    alt, factor = None, math.nan
    for k, n in enumerate(names):
        m = _RE_ALT.match(n)
        if m:
            if m.group(2) is None:
                raise ParseError(
                    p, line, f"altitude column {n!r} has no unit: name it alt_ft or alt_m"
                )
            alt, factor = k, _ALT_UNITS[m.group(2)]
            break
    return _Columns(lat, lon, alt, factor, find(_TIME))


def iter_points(path: str | PathLike[str]) -> Iterator[DigitisedPoint]:
    """Each point of a digitised CSV file, in file order (ParseError ``path:line: reason``).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> _ = open(p, "w").write("lat,lon,time\\n59:49.08N,024:30E,\\n")
    >>> [(q.line, round(q.lat, 4), q.lon) for q in iter_points(p)]
    [(2, 59.818, 24.5)]
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            cols: _Columns | None = None
            delim = ","
            for n, raw in enumerate(fh, start=1):
                if len(raw) > MAX_LINE:
                    raise ParseError(p, n, f"line longer than {MAX_LINE} characters")
                if not raw.strip() or raw.lstrip().startswith("#"):
                    continue
                if cols is None:
                    delim = _delimiter(raw)
                    cols = _columns(p, n, _names(raw))
                    continue
                cells = next(csv.reader([raw], delimiter=delim), [])
                need = max(c for c in (cols.lat, cols.lon, cols.alt, cols.time) if c is not None)
                if len(cells) <= need:
                    raise ParseError(p, n, f"{len(cells)} columns, expected at least {need + 1}")
                try:
                    lat, lon = _position(cells[cols.lat], cells[cols.lon])
                    alt = math.nan
                    if cols.alt is not None and cells[cols.alt].strip():
                        alt = float(cells[cols.alt]) * cols.alt_factor
                        if not math.isfinite(alt):
                            raise ValueError(f"bad altitude {cells[cols.alt].strip()!r}")
                    t = _time(cells[cols.time]) if cols.time is not None else math.nan
                except ValueError as exc:
                    raise ParseError(p, n, str(exc)) from None
                yield DigitisedPoint(n, lat, lon, alt, t)
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ParseError(p, None, f"not UTF-8 text (byte {exc.start})") from exc
    if cols is None:
        raise ParseError(p, None, "no header line (lat,lon[,alt_ft][,time])")


def read_digitised(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read a digitised CSV file: ``([track], warnings)``; the track id is the file's stem.

    See the module doc for the timing; errors name the line.
    """
    p = Path(path)
    pts: list[DigitisedPoint] = []
    dropped = 0
    for q in iter_points(p):
        if pts and (q.lat, q.lon) == (pts[-1].lat, pts[-1].lon):
            dropped += 1
            continue
        pts.append(q)
    if not pts:
        raise ParseError(p, None, "no point after the header")
    warnings = []
    if dropped:
        warnings.append(f"{p}: dropped {dropped} points repeating the point before them")
    lat = np.array([q.lat for q in pts])
    lon = np.array([q.lon for q in pts])
    known = np.array([q.time for q in pts])
    lines = tuple(q.line for q in pts)
    meta: dict[str, object] = {"format": FORMAT}
    n_known = int(np.isfinite(known).sum())
    track = untimed_track(p.stem, lon, lat, alt_geo=[q.alt for q in pts], source=str(p), meta=meta)
    if n_known == 0:
        return [track], warnings
    try:
        times, how = assign_times(lon, lat, known)
    except TimingError as exc:
        if "need a speed" not in exc.reason:
            raise ParseError(p, lines[exc.index], exc.reason) from None
        warnings.append(
            f"{p}: times given for {n_known} of {len(pts)} points; the others before the first "
            "or after the last known time need a speed (--speed): left untimed"
        )
        meta = {**track.meta, "known_times": tuple(float(x) for x in known), "lines": lines}
        return [_with(track, track.time, meta)], warnings
    return [_with(track, times, {**track.meta, "timing": how})], warnings


def _with(track: Track, time: np.ndarray, meta: dict[str, object]) -> Track:
    return Track.from_arrays(
        track.id,
        time=time,
        lat=track.lat,
        lon=track.lon,
        alt_geo=track.alt_geo,
        source=track.source,
        meta=meta,
    )
