"""IGC flight recorder files (gliders, hang gliders, paragliders) -> one Track per file.

Two layers (STYLE habit 2): :func:`iter_fixes` streams the B records of a file, line by line,
as :class:`IgcFix` tuples carrying their line number, and fills a header dict on the way;
:func:`read_igc` collects them into a :class:`~overflight.model.Track`.

What is read:

* ``HFDTE`` in both forms (``HFDTE280709`` and ``HFDTEDATE:280709,01``): the UTC date of the
  first fix. Times that fall back by more than 12 hours are the next day (flights past
  midnight UTC); a smaller step back is an error.
* B records: time, latitude, longitude (with the ``LAD``/``LOD`` extra minute digits and the
  ``TDS`` tenths of a second when the I record declares them), validity, pressure altitude
  (metres, ISA 1013.25 hPa datum -> ``alt_baro``, used for flight levels) and GNSS altitude
  (metres -> ``alt_geo``). A column of all zeros means "no sensor" and becomes NaN.
* ``FXA`` (fix accuracy, the IGC two-sigma estimated position error in metres) -> the
  one-sigma ``accuracy_h`` = FXA / 2.
* ``V`` (invalid, e.g. 2D) fixes are kept in the geometry and listed in
  ``meta["invalid_fixes"]`` (indices into the Track), with a warning: the model has no per-fix
  flag, and dropping them would hide what the logger recorded. ``V`` fixes at 0,0 (no
  position at all) are dropped and counted. Their GNSS altitude of 0 becomes NaN.
* Headers into ``meta``: ``pilot`` (HFPLT), ``copilot`` (HFCM2), ``glider_type`` (HFGTY),
  ``glider_id`` (HFGID), ``competition_id`` (HFCID, also the Track's callsign),
  ``competition_class`` (HFCCL), ``logger`` (HFFTY), ``datum`` (HFDTM), ``gnss_altitude``
  (HFALG). The Track id is the glider id, else the file name without suffix.

aerofiles (Turbo87/aerofiles) reads these files too and the tests compare against it, but it
has no line numbers for errors, no streaming and no day rollover, so this reader is our own.

>>> lines = ["AXXX001", "HFDTE160722", "HFGIDGLIDERID:D-1234",
...          "B1941314350420N08026585WA0043800463", "B1941464350421N08026585WA0043900464"]
>>> header = {}
>>> [(f.line, f.time, round(f.lat, 6), f.alt_baro) for f in iter_fixes(lines, "x.igc", header)]
[(4, 1658000491.0, 43.840333, 438.0), (5, 1658000506.0, 43.84035, 439.0)]
>>> header["glider_id"]
'D-1234'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from os import PathLike
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ...errors import ParseError
from ...model import Track
from ._fixes import FixBuffer

__all__ = ["FORMAT", "IgcFix", "iter_fixes", "iter_lines", "looks_like_igc", "read_igc"]

FORMAT = "igc"
MAX_LINE = 1 << 16
"""Longest line accepted (bytes); real IGC lines are under 100."""

_B = re.compile(
    r"^B(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})([NS])(\d{3})(\d{2})(\d{3})([EW])([AV])"
)
_ALT = re.compile(r"^[-\d]\d{4}$")
_DTE = re.compile(r"^H[A-Z]DTE(?:DATE)?:?\s*(\d{2})(\d{2})(\d{2})")
_HEADER = re.compile(r"^H[A-Z]([A-Z0-9]{3})(.*)$")
_I = re.compile(r"^I(\d{2})((?:\d{4}[A-Z0-9]{3})*)\s*$")
_HEADERS = {
    "PLT": "pilot",
    "CM2": "copilot",
    "GTY": "glider_type",
    "GID": "glider_id",
    "CID": "competition_id",
    "CCL": "competition_class",
    "FTY": "logger",
    "DTM": "datum",
    "ALG": "gnss_altitude",
    "FXA": "fix_accuracy",
    "SIT": "site",
}
_EMPTY = frozenset({"", "none", "nil", "nkn", "unknown", "-", "n/a"})
_HALF_DAY = 43_200.0


class IgcFix(NamedTuple):
    """One B record: its line, epoch seconds UTC, degrees, metres (NaN unknown), validity."""

    line: int
    time: float
    lat: float
    lon: float
    alt_baro: float
    alt_geo: float
    fxa: float
    valid: bool


def looks_like_igc(head: str) -> bool:
    """True if the text has an ``HFDTE`` date header or a well-formed B record at a line start.

    >>> looks_like_igc("AXCS310\\nHFDTE271209\\n")
    True
    >>> looks_like_igc("AC R\\nAN TEST\\n")
    False
    """
    return bool(
        re.search(r"^H[FOP]DTE", head, re.MULTILINE)
        or re.search(r"^B\d{13}[NS]\d{8}[EW][AV]", head, re.MULTILINE)
    )


def iter_lines(fh: BinaryIO, path: object) -> Iterator[tuple[int, str]]:
    """Numbered text lines of a binary file, each at most :data:`MAX_LINE` bytes (UTF-8, else
    Latin-1); ParseError for a longer line or binary data.

    >>> import io
    >>> list(iter_lines(io.BytesIO(b"A1\\r\\nHFSITSite:Teufelsm\\xc3\\xbchle\\n"), "x"))
    [(1, 'A1'), (2, 'HFSITSite:Teufelsmühle')]
    """
    n = 0
    while True:
        raw = fh.readline(MAX_LINE + 1)
        if not raw:
            return
        n += 1
        if len(raw) > MAX_LINE:
            raise ParseError(path, n, f"line longer than {MAX_LINE} bytes: not an IGC file")
        if b"\x00" in raw:
            raise ParseError(path, n, "binary data (NUL byte): not an IGC file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        yield n, text.rstrip("\r\n")


def _header_value(rest: str) -> str:
    value = rest.split(":", 1)[1] if ":" in rest else rest
    return value.strip()


def _extensions(line: int, text: str, path: object) -> dict[str, tuple[int, int]]:
    m = _I.match(text)
    if not m or len(m.group(2)) != 7 * int(m.group(1)):
        raise ParseError(path, line, f"malformed I record: {text[:60]!r}")
    spec = m.group(2)
    out = {}
    for k in range(0, len(spec), 7):
        start, end, code = int(spec[k : k + 2]), int(spec[k + 2 : k + 4]), spec[k + 4 : k + 7]
        if start < 36 or end < start:
            raise ParseError(path, line, f"I record: bad byte range {start}-{end} for {code}")
        out[code] = (start - 1, end)
    return out


def _minutes(whole: str, frac: str, extra: str) -> float:
    return float(f"{whole}.{frac}{extra}")


def _parse_b(
    line: int, text: str, path: object, ext: dict[str, tuple[int, int]]
) -> tuple[float, float, float, float, float, float, bool]:
    """(seconds of day, lat, lon, alt_baro, alt_geo, fxa, valid) of one B record."""
    m = _B.match(text)
    if not m:
        if len(text) < 25:
            raise ParseError(path, line, f"truncated B record ({len(text)} characters): {text!r}")
        raise ParseError(path, line, f"malformed B record: {text[:60]!r}")
    hh, mi, ss = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if hh > 23 or mi > 59 or ss > 59:
        raise ParseError(path, line, f"B record: bad time {m.group(1)}:{m.group(2)}:{m.group(3)}")

    def digits(code: str) -> str:
        if code not in ext:
            return ""
        s, e = ext[code]
        field = text[s:e].strip()
        return field if field.isdigit() else ""

    lat_min = _minutes(m.group(5), m.group(6), digits("LAD"))
    lon_min = _minutes(m.group(9), m.group(10), digits("LOD"))
    if lat_min > 60 or lon_min > 60:  # exactly 60.000 occurs (XCSoar rounding): kept
        raise ParseError(path, line, f"B record: minutes of arc above 60: {text[7:24]!r}")
    lat = int(m.group(4)) + lat_min / 60.0
    lon = int(m.group(8)) + lon_min / 60.0
    lat, lon = (-lat if m.group(7) == "S" else lat), (-lon if m.group(11) == "W" else lon)
    if lat > 90 or lat < -90 or lon > 180 or lon < -180:
        raise ParseError(path, line, f"B record: position out of range: {text[7:24]!r}")
    alts = []
    for s, e in ((25, 30), (30, 35)):
        field = text[s:e]
        if not field.strip():
            alts.append(math.nan)
        elif _ALT.match(field):
            alts.append(float(int(field)))
        else:
            raise ParseError(path, line, f"B record: bad altitude {field!r} in columns {s + 1}-{e}")
    tds = digits("TDS")
    fxa = digits("FXA")
    seconds = hh * 3600 + mi * 60 + ss + (int(tds) / 10 ** len(tds) if tds else 0.0)
    return seconds, lat, lon, alts[0], alts[1], float(fxa) if fxa else math.nan, m.group(12) == "A"


def iter_fixes(
    lines: Iterable[str] | Iterable[tuple[int, str]],
    path: object = "<igc>",
    header: dict[str, str] | None = None,
) -> Iterator[IgcFix]:
    """Yield the B records of an IGC file in order; ``header`` (if given) receives the known
    H records (see the module docstring) plus ``date`` (ISO) as they are met.

    ``lines`` are strings (numbered from 1) or ``(number, text)`` pairs from
    :func:`iter_lines`. Raises ParseError for a malformed B or I record, a B record before the
    date, or a bad date.

    >>> list(iter_fixes(["B1941314350420N08026585WA0043800463"], "x.igc"))
    Traceback (most recent call last):
    ...
    overflight.errors.ParseError: x.igc:1: B record before the HFDTE date header
    """
    head = header if header is not None else {}
    ext: dict[str, tuple[int, int]] = {}
    day0: float | None = None
    day_offset = 0.0
    prev: float | None = None
    for n, item in enumerate(lines, start=1):
        line, text = item if isinstance(item, tuple) else (n, item.rstrip("\r\n"))
        kind = text[:1]
        if kind == "B":
            if day0 is None:
                raise ParseError(path, line, "B record before the HFDTE date header")
            sec, lat, lon, baro, geo, fxa, valid = _parse_b(line, text, path, ext)
            if prev is not None and sec < prev - _HALF_DAY:
                day_offset += 86_400.0
            prev = sec
            yield IgcFix(line, day0 + day_offset + sec, lat, lon, baro, geo, fxa, valid)
        elif kind == "H":
            m = _DTE.match(text)
            if m:
                dd, mm, yy = (int(g) for g in m.groups())
                try:
                    d = date(1900 + yy if yy >= 80 else 2000 + yy, mm, dd)
                except ValueError:
                    raise ParseError(path, line, f"bad HFDTE date: {text[:40]!r}") from None
                if day0 is None:
                    day0 = datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()
                    head["date"] = d.isoformat()
                continue
            h = _HEADER.match(text)
            if h and h.group(1) in _HEADERS:
                value = _header_value(h.group(2))
                if value.lower() not in _EMPTY:
                    head.setdefault(_HEADERS[h.group(1)], value)
        elif kind == "I" and not ext:
            ext = _extensions(line, text, path)
            head["extensions"] = ",".join(ext)


def _all_zero(values: list[float]) -> bool:
    return all(v == 0 or math.isnan(v) for v in values)


def read_igc(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read an IGC file: ``([track], warnings)``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "flight.igc")
    >>> _ = open(p, "w").write("AXXX\\nHFDTE160722\\nB2359594350420N08026585WA0043800463\\n"
    ...                        "B0000044350421N08026585WA0043900464\\n")
    >>> (t,), w = read_igc(p)
    >>> t.id, len(t), t.duration, t.meta["date"]
    ('flight', 2, 5.0, '2022-07-16')
    """
    p = Path(path)
    header: dict[str, str] = {}
    buf = FixBuffer(p)
    no_position = 0
    try:
        with p.open("rb") as fh:
            for fix in iter_fixes(iter_lines(fh, p), p, header):
                if not fix.valid and fix.lat == 0 and fix.lon == 0:
                    no_position += 1
                    continue
                geo = fix.alt_geo if fix.valid or fix.alt_geo != 0 else math.nan
                buf.add(
                    fix.time,
                    fix.lat,
                    fix.lon,
                    alt_baro=fix.alt_baro,
                    alt_geo=geo,
                    accuracy_h=fix.fxa / 2.0,
                    flagged=not fix.valid,
                    where=fix.line,
                )
    except OSError as exc:
        raise ParseError(p, None, f"cannot read: {exc.strerror or exc}") from exc
    if "date" not in header:
        raise ParseError(p, None, "no HFDTE date header: not an IGC file")
    if not buf:
        raise ParseError(p, None, "no B record (fix) in the file")
    warnings: list[str] = []
    if no_position:
        warnings.append(f"{p}: dropped {no_position} invalid (V) fixes without a position (0,0)")
    for name, label in (("alt_baro", "pressure"), ("alt_geo", "GNSS")):
        if _all_zero(getattr(buf, name)):
            setattr(buf, name, [math.nan] * len(buf))
            warnings.append(f"{p}: every {label} altitude is 0: taken as not recorded")
    datum = header.get("datum", "WGS84")
    if "84" not in datum:
        warnings.append(f"{p}: datum {datum!r} is not WGS84; positions used as they are")
    if header.get("gnss_altitude", "").upper().startswith("ELL"):
        warnings.append(f"{p}: GNSS altitudes are above the WGS84 ellipsoid, not sea level")
    meta: dict[str, object] = {"format": FORMAT, **header}
    track = buf.build(
        header.get("glider_id") or p.stem,
        warnings=warnings,
        callsign=header.get("competition_id"),
        meta=meta,
    )
    if "invalid_fixes" in track.meta:
        warnings.append(
            f"{p}: {len(track.meta['invalid_fixes'])} invalid (V) fixes kept in the track, "
            "listed in meta['invalid_fixes']"
        )
    return [track], warnings
