"""Latitude/longitude text as airspace files write it: ``39:29.9 N 119:46.1 W``.

Accepted forms, for each of latitude (N/S) then longitude (E/W), with or without spaces
before the hemisphere letter and between the two halves:

* degrees:minutes:seconds ``39:29:54 N``, ``013:45:20E`` (seconds may have decimals);
* degrees:minutes ``39:29.9 N``, ``52:30.5N``;
* decimal degrees ``52.5N``.

Minutes must be below 60. Seconds may be exactly 60 (``22:60`` reads as ``23:00``, as XCSoar
tolerates); above 60 they are rejected.

>>> [round(v, 5) for v in parse_latlon("39:29.9 N 119:46.1 W")]
[39.49833, -119.76833]
>>> lat, lon = parse_latlon("45:37:56N 013:45:20E")
>>> format_latlon(lat, lon)
'45:37:56 N 013:45:20 E'
"""

from __future__ import annotations

import math
import re

__all__ = ["format_latlon", "parse_latlon", "split_latlon"]


def _angle(p: str, hemispheres: str) -> str:
    return (
        rf"(?P<{p}d>\d{{1,3}})"
        rf"(?:\.(?P<{p}df>\d+)"
        rf"|:(?P<{p}m>\d{{1,2}})(?:\.(?P<{p}mf>\d+)|:(?P<{p}s>\d{{1,2}}(?:\.\d+)?))?)?"
        rf"\s*(?P<{p}h>[{hemispheres}])"
    )


_RE_LATLON = re.compile(
    r"^\s*" + _angle("a", "NS") + r"\s*" + _angle("o", "EW") + r"(?=\s|$)", re.IGNORECASE
)


def _value(m: re.Match[str], p: str, limit: float, what: str) -> float:
    """Degrees from the named groups of one angle; raises ValueError with the reason."""
    text = _group_text(m, p)
    deg = float(m.group(p + "d") + ("." + m.group(p + "df") if m.group(p + "df") else ""))
    minutes = 0.0
    if m.group(p + "m") is not None:
        mf = m.group(p + "mf")
        minutes = float(m.group(p + "m") + ("." + mf if mf else ""))
        if minutes >= 60.0:
            raise ValueError(f"minutes {minutes:g} not below 60 in {what} {text!r}")
    seconds = 0.0
    if m.group(p + "s") is not None:
        seconds = float(m.group(p + "s"))
        if seconds > 60.0:
            raise ValueError(f"seconds {seconds:g} above 60 in {what} {text!r}")
    value = deg + minutes / 60.0 + seconds / 3600.0
    if value > limit:
        raise ValueError(f"{what} {text!r} beyond {limit:g} degrees")
    return -value if m.group(p + "h").upper() in "SW" else value


def _group_text(m: re.Match[str], p: str) -> str:
    return m.string[m.start(p + "d") : m.end(p + "h")]


def split_latlon(text: str) -> tuple[float, float, str]:
    """Read a coordinate pair at the start of ``text``; return ``(lat, lon, rest)``.

    ``rest`` is whatever follows the pair after whitespace (a label such as ``c29``), stripped.
    Raises ValueError saying what is wrong.

    >>> split_latlon("36:41:00 N 115:56:10 W    c29")
    (36.68333333333333, -115.93611111111112, 'c29')
    """
    m = _RE_LATLON.match(text)
    if m is None:
        raise ValueError(_why_not(text))
    lat = _value(m, "a", 90.0, "latitude")
    lon = _value(m, "o", 180.0, "longitude")
    return lat, lon, text[m.end() :].strip()


def parse_latlon(text: str) -> tuple[float, float]:
    """Parse a whole coordinate pair: ``(lat, lon)`` in degrees, south and west negative.

    Raises ValueError with the reason if ``text`` is anything else.

    >>> parse_latlon("52.5N 13.3E")
    (52.5, 13.3)
    >>> parse_latlon("47:22:60 N 007:39:30 E")[0]  # 60 seconds: the next minute
    47.38333333333333
    """
    lat, lon, rest = split_latlon(text)
    if rest:
        raise ValueError(f"unexpected text {rest!r} after coordinate {text.strip()!r}")
    return lat, lon


def _why_not(text: str) -> str:
    """The reason ``text`` is not a coordinate pair."""
    shown = text.strip()
    if not shown:
        return "empty coordinate"
    if re.match(r"^[\d.:\s]+[EW]\s*[\d.:\s]+[NS]\b", shown, re.IGNORECASE):
        return f"longitude before latitude in coordinate {shown!r}"
    return (
        f"bad coordinate {shown!r}: expected latitude N/S then longitude E/W "
        "as DD:MM:SS, DD:MM.mm or DD.dd"
    )


def format_latlon(lat: float, lon: float, *, decimals: int = 0) -> str:
    """Write ``DD:MM:SS N DDD:MM:SS E`` with seconds rounded to ``decimals`` places.

    >>> format_latlon(-36.488333, 145.993056)
    '36:29:18 S 145:59:35 E'
    >>> format_latlon(52.5, -0.25, decimals=1)
    '52:30:00.0 N 000:15:00.0 W'
    """
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"latitude {lat!r} out of range")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"longitude {lon!r} out of range")
    return f"{_dms(lat, 2, 'NS', decimals)} {_dms(lon, 3, 'EW', decimals)}"


def _dms(value: float, width: int, hemispheres: str, decimals: int) -> str:
    hemi = hemispheres[1] if value < 0 else hemispheres[0]
    scale = 10**decimals
    total = round(abs(value) * 3600.0 * scale)  # integer units of 10**-decimals seconds
    deg, rem = divmod(total, 3600 * scale)
    minutes, sec_units = divmod(rem, 60 * scale)
    if decimals:
        sec = f"{sec_units // scale:02d}.{sec_units % scale:0{decimals}d}"
    else:
        sec = f"{sec_units:02d}"
    return f"{deg:0{width}d}:{minutes:02d}:{sec} {hemi}"
