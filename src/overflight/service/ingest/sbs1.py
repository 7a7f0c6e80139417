"""SBS-1 / BaseStation (port 30003) lines -> merged position fixes.

A line has 22 comma-separated fields: ``MSG,type,session,aircraft,hex,flight,date_gen,
time_gen,date_log,time_log,callsign,altitude(ft),ground_speed(kt),track,lat,lon,
vertical_rate(ft/min),squawk,alert,emergency,spi,is_on_ground``. Transmission types 1-8 each fill
some fields: 1 callsign, 2 surface position, 3 airborne position, 4 velocity, 5-7 altitude and
squawk, 8 all-call. :class:`SbsDecoder` keeps the latest value of every field per aircraft and
yields a :class:`~overflight.service.fix.Fix` on each position message (types 2 and 3) carrying
the merged callsign, altitude, speed, track and vertical rate. Times are the "generated"
date/time, read as UTC (set receivers to UTC); when absent, the arrival time is used.

Lines that are not 22 fields, carry a bad hex ident, a non-number or an out-of-range position
are *malformed*: counted and skipped. Other BaseStation records (``SEL``, ``ID``, ``AIR``,
``STA``, ``CLK``) are counted as *other* and skipped.

>>> d = SbsDecoder()
>>> d.line("MSG,1,1,1,4CA2D6,1,2019/05/23,11:03:32.000,2019/05/23,11:03:32.000,RYR2RG,,,,,,,,,,,0")
>>> fx = d.line("MSG,3,1,1,4CA2D6,1,2019/05/23,11:03:33.500,2019/05/23,11:03:33.500,,36000,,,"
...             "53.1,-2.1,,,0,0,0,0")
>>> fx.callsign, fx.time, round(fx.alt_baro, 1), d.counts["positions"]
('RYR2RG', 1558609413.5, 10972.8, 1)
>>> d.line("MSG,3,1,1,ZZZ,garbage"), d.counts["malformed"]
(None, 1)
"""

from __future__ import annotations

import math
import time as _time
from calendar import timegm
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ...model import FT
from ..fix import Fix

__all__ = [
    "LineSplitter",
    "SbsDecoder",
    "SbsFeed",
    "SbsRecord",
    "format_sbs_line",
    "parse_sbs_line",
]

KT = 1852.0 / 3600.0  # m/s per knot
FPM = FT / 60.0  # m/s per ft/min
_HEX = frozenset("0123456789abcdefABCDEF")
NAN = math.nan


@dataclass(slots=True)
class SbsRecord:
    """The fields of one ``MSG`` line (NaN / None where empty)."""

    kind: int
    icao24: str
    time: float | None
    callsign: str | None
    alt_ft: float
    gs_kt: float
    track: float
    lat: float
    lon: float
    vrate_fpm: float
    squawk: str | None
    on_ground: bool | None


_DAYS: dict[str, float] = {}


def _day(date: str) -> float:
    t = _DAYS.get(date)
    if t is None:
        y, m, d = date.split("/")
        t = float(timegm((int(y), int(m), int(d), 0, 0, 0)))
        if len(_DAYS) > 64:
            _DAYS.clear()
        _DAYS[date] = t
    return t


def _clock(date: str, clock: str) -> float | None:
    if not date or not clock:
        return None
    h, m, s = clock.split(":")
    return _day(date) + int(h) * 3600 + int(m) * 60 + float(s)


def _f(s: str) -> float:
    return float(s) if s else NAN


_KIND = {str(k): k for k in range(1, 9)}
_IDENTS: dict[str, str] = {}  # hex idents seen valid -> lower case


def _fast_record(line: str) -> SbsRecord | None:
    """The common, well-formed ``MSG`` line without the checks' function calls; None for
    anything else (which :func:`parse_sbs_line` then handles, with its reasons). Raises
    ValueError on a bad number (the caller falls back too)."""
    f = line.split(",")
    if len(f) != 22 or f[0] != "MSG":
        return None
    kind = _KIND.get(f[1])
    hexid = _IDENTS.get(f[4])
    if kind is None or hexid is None:
        return None
    date, clock = f[6], f[7]
    if date and clock:
        day = _DAYS.get(date)
        if day is None or len(clock) < 8 or clock[2] != ":" or clock[5] != ":":
            return None
        t: float | None = day + int(clock[:2]) * 3600 + int(clock[3:5]) * 60 + float(clock[6:])
    else:
        t = None
    x = f[14]
    lat = float(x) if x else NAN
    x = f[15]
    lon = float(x) if x else NAN
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) and not (lat != lat and lon != lon):
        return None
    x = f[11]
    alt = float(x) if x else NAN
    x = f[12]
    gs = float(x) if x else NAN
    x = f[13]
    trk = float(x) if x else NAN
    x = f[16]
    vr = float(x) if x else NAN
    gnd = f[21].strip()
    return SbsRecord(
        kind,
        hexid,
        t,
        f[10].strip() or None,
        alt,
        gs,
        trk,
        lat,
        lon,
        vr,
        f[17] or None,
        None if not gnd else gnd not in ("0", "false", "False"),
    )


def parse_sbs_line(line: str) -> SbsRecord | None:
    """One BaseStation line -> :class:`SbsRecord`; None for non-``MSG`` records; raises
    ValueError with the reason for a malformed line.

    >>> parse_sbs_line("MSG,4,1,1,4CA2D6,1,2019/05/23,11:03:33.000,,,,,450,90.5,,,-640,,,,,0").gs_kt
    450.0
    >>> parse_sbs_line("MSG,4,1,1,4CA2D6")
    Traceback (most recent call last):
    ...
    ValueError: expected 22 fields, got 5
    """
    f = line.rstrip("\r\n").split(",")
    if f[0] != "MSG":
        if f[0] in ("SEL", "ID", "AIR", "STA", "CLK"):
            return None
        raise ValueError(f"unknown record type {f[0][:8]!r}")
    if len(f) != 22:
        raise ValueError(f"expected 22 fields, got {len(f)}")
    kind = int(f[1])
    if not 1 <= kind <= 8:
        raise ValueError(f"transmission type {kind} is not 1-8")
    hexid = f[4]
    if len(hexid) != 6 or not _HEX.issuperset(hexid):
        raise ValueError(f"bad hex ident {hexid[:8]!r}")
    if len(_IDENTS) > 100_000:
        _IDENTS.clear()
    _IDENTS[hexid] = hexid.lower()
    try:
        t = _clock(f[6], f[7])
    except (ValueError, IndexError) as exc:
        raise ValueError(f"bad date/time {f[6]!r} {f[7]!r}") from exc
    lat, lon = _f(f[14]), _f(f[15])
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) and not (
        math.isnan(lat) and math.isnan(lon)
    ):
        raise ValueError(f"position out of range: {f[14]!r}, {f[15]!r}")
    gnd = f[21].strip()
    cs = f[10].strip()
    return SbsRecord(
        kind,
        hexid.lower(),
        t,
        cs or None,
        _f(f[11]),
        _f(f[12]),
        _f(f[13]),
        lat,
        lon,
        _f(f[16]),
        f[17] or None,
        None if not gnd else gnd not in ("0", "false", "False"),
    )


@dataclass
class _Partial:
    callsign: str | None = None
    alt_ft: float = NAN
    alt_time: float = -math.inf
    gs_kt: float = NAN
    track: float = NAN
    vrate_fpm: float = NAN
    vel_time: float = -math.inf
    on_ground: bool = False
    squawk: str | None = None


@dataclass
class SbsDecoder:
    """Merge BaseStation messages per aircraft into fixes.

    ``max_age_s``: an altitude or velocity older than this (data time) is not attached to a
    position. ``counts``: lines, positions, malformed, other.
    """

    feed: str = "sbs"
    max_age_s: float = 30.0
    counts: dict[str, int] = field(
        default_factory=lambda: {"lines": 0, "positions": 0, "malformed": 0, "other": 0}
    )
    last_error: str | None = None
    _state: dict[str, _Partial] = field(default_factory=dict)

    def line(self, line: str, received: float | None = None) -> Fix | None:
        """Feed one line; returns a Fix for a position message, else None."""
        self.counts["lines"] += 1
        try:
            rec = _fast_record(line)
        except ValueError:
            rec = None
        if rec is None:
            try:
                rec = parse_sbs_line(line)
            except (ValueError, IndexError) as exc:
                self.counts["malformed"] += 1
                self.last_error = str(exc)
                return None
            if rec is None:
                self.counts["other"] += 1
                return None
        now = _time.time() if received is None else received
        t = rec.time if rec.time is not None else now
        st = self._state.get(rec.icao24)
        if st is None:
            st = self._state[rec.icao24] = _Partial()
        if rec.callsign:
            st.callsign = rec.callsign
        if rec.squawk:
            st.squawk = rec.squawk
        if rec.on_ground is not None:
            st.on_ground = rec.on_ground
        if not math.isnan(rec.alt_ft):
            st.alt_ft, st.alt_time = rec.alt_ft, t
        if not (math.isnan(rec.gs_kt) and math.isnan(rec.track)):
            st.gs_kt, st.track, st.vel_time = rec.gs_kt, rec.track, t
            if not math.isnan(rec.vrate_fpm):
                st.vrate_fpm = rec.vrate_fpm
        if rec.kind not in (2, 3) or math.isnan(rec.lat):
            return None
        self.counts["positions"] += 1
        alt = st.alt_ft if t - st.alt_time <= self.max_age_s else NAN
        fresh = t - st.vel_time <= self.max_age_s
        return Fix(
            rec.icao24,
            t,
            rec.lat,
            rec.lon,
            alt_baro=alt * FT,
            gs=st.gs_kt * KT if fresh else NAN,
            track=st.track if fresh else NAN,
            vrate=st.vrate_fpm * FPM if fresh else NAN,
            callsign=st.callsign,
            on_ground=rec.kind == 2 or st.on_ground,
            feed=self.feed,
            received=now,
        )

    def forget(self, icao24: str) -> None:
        """Drop the merged state of an aircraft (after it expired)."""
        self._state.pop(icao24, None)


@dataclass
class LineSplitter:
    """Bytes from a stream -> complete text lines. A line longer than ``max_line`` bytes is
    dropped (counted in ``overlong``); :meth:`reset` drops an unfinished line (counted in
    ``partial``), e.g. when the connection breaks mid-line.

    >>> s = LineSplitter()
    >>> list(s.feed(b"a,b\\nc,")), list(s.feed(b"d\\n")), s.reset(), list(s.feed(b"x"))
    (['a,b'], ['c,d'], False, [])
    >>> s.reset(), s.partial
    (True, 1)
    """

    max_line: int = 4096
    partial: int = 0
    overlong: int = 0
    _buf: bytes = b""

    def feed(self, data: bytes) -> Iterator[str]:
        buf = self._buf + data
        lines = buf.split(b"\n")
        self._buf = lines.pop()
        if len(self._buf) > self.max_line:
            self._buf = b""
            self.overlong += 1
        for raw in lines:
            if len(raw) > self.max_line:
                self.overlong += 1
                continue
            text = raw.decode("ascii", "replace").strip()
            if text:
                yield text

    def reset(self) -> bool:
        had = bool(self._buf.strip())
        if had:
            self.partial += 1
        self._buf = b""
        return had


def format_sbs_line(
    kind: int,
    icao24: str,
    t: float,
    *,
    callsign: str | None = None,
    alt_ft: float | None = None,
    gs_kt: float | None = None,
    track: float | None = None,
    lat: float | None = None,
    lon: float | None = None,
    vrate_fpm: float | None = None,
    on_ground: bool = False,
) -> str:
    """Write one BaseStation ``MSG`` line (for replay files, tests and benchmarks).

    >>> format_sbs_line(3, "4ca2d6", 1558609413.5, alt_ft=36000, lat=53.1, lon=-2.1)[:42]
    'MSG,3,1,1,4CA2D6,1,2019/05/23,11:03:33.500'
    """
    ms = round(t * 1000.0)
    tm = _time.gmtime(ms // 1000)
    date = f"{tm.tm_year:04d}/{tm.tm_mon:02d}/{tm.tm_mday:02d}"
    clock = f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}.{ms % 1000:03d}"

    def num(v: float | None, fmt: str) -> str:
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)

    fields = [
        "MSG",
        str(kind),
        "1",
        "1",
        icao24.upper(),
        "1",
        date,
        clock,
        date,
        clock,
        callsign or "",
        num(alt_ft, ".0f"),
        num(gs_kt, ".1f"),
        num(track, ".1f"),
        num(lat, ".6f"),
        num(lon, ".6f"),
        num(vrate_fpm, ".0f"),
        "",
        "0",
        "0",
        "0",
        "-1" if on_ground else "0",
    ]
    return ",".join(fields)


class SbsFeed:
    """An SBS-1 TCP input (``host:port``, usually port 30003) with reconnect and backoff."""

    kind = "sbs1"

    def __init__(self, host: str, port: int, name: str | None = None, **tcp: float) -> None:
        from .feed import FeedStatus

        self.host, self.port = host, port
        self.name = name or f"sbs:{host}:{port}"
        self.status = FeedStatus(self.name, self.kind, f"{host}:{port}")
        self.decoder = SbsDecoder(feed=self.name)
        self.splitter = LineSplitter()
        self.tcp = tcp

    def feed_bytes(self, data: bytes, sink: Callable[[Fix], None]) -> None:
        """Decode a chunk of the stream, handing every fix to ``sink``."""
        now = _time.time()
        dec, st = self.decoder, self.status
        for text in self.splitter.feed(data):
            fix = dec.line(text, now)
            if fix is not None:
                st.last_message_time = fix.time
                sink(fix)
        c = dec.counts
        st.messages, st.positions = c["lines"], c["positions"]
        st.malformed = c["malformed"] + self.splitter.overlong
        st.other = c["other"]
        st.last_error = dec.last_error or st.last_error
        st.last_message_wall = now

    def disconnected(self) -> None:
        self.splitter.reset()
        self.status.partial = self.splitter.partial

    async def run(self, sink: Callable[[Fix], None]) -> None:
        from .feed import run_tcp

        await run_tcp(
            self.host,
            self.port,
            self.status,
            lambda data: self.feed_bytes(data, sink),
            self.disconnected,
            **self.tcp,
        )
