"""Beast binary and AVR text frames -> Mode S messages -> fixes (pyModeS, CPR included).

Beast: ``0x1a`` then a type byte (``1`` Mode A/C, 2 data bytes; ``2`` Mode S short, 7; ``3``
Mode S long, 14; ``4`` status), a 6-byte 12 MHz receiver clock, a signal byte and the message;
``0x1a`` inside is doubled. AVR: text lines ``*8D...;`` or ``@<12 hex clock><message>;``.
Frames that break the rules are counted (``bad``) and skipped, resynchronising on the next
``0x1a``.

:class:`ModeSDecoder` keeps, per aircraft, the last even and odd airborne position messages:
the first position comes from an even/odd pair at most 10 s apart (global decode), later ones
are decoded locally against the last position (within 180 NM), as DO-260B describes. Only
DF17/18 with a valid CRC are used; altitude from TC 9-18 (barometric) or 20-22 (GNSS), speed,
track and vertical rate from TC 19, callsign from TC 1-4.

>>> list(BeastFramer().feed(bytes.fromhex("1a32000015a8877e0d20000ca8f70aa7")))[0].hex
'20000ca8f70aa7'
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ...model import FT
from ..fix import Fix
from .feed import FeedStatus

__all__ = ["BeastFeed", "BeastFramer", "Frame", "ModeSDecoder", "parse_avr"]

KT = 1852.0 / 3600.0
FPM = FT / 60.0
_LEN = {0x31: 2, 0x32: 7, 0x33: 14, 0x34: 14}


@dataclass(frozen=True)
class Frame:
    clock: float  # receiver seconds (12 MHz counter / 12e6)
    hex: str
    signal: int = 0


@dataclass
class BeastFramer:
    """Incremental Beast stream decoder (bytes in, frames out)."""

    bad: int = 0
    frames: int = 0
    _buf: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> Iterator[Frame]:
        buf = self._buf
        buf += data
        i, n = 0, len(buf)
        while True:
            j = buf.find(0x1A, i)
            if j < 0:
                if n > i:
                    self.bad += 1
                i = n
                break
            if j > i:
                self.bad += 1  # junk before a frame
            if j + 1 >= n:
                i = j
                break
            ln = _LEN.get(buf[j + 1])
            if ln is None:
                self.bad += 1
                i = j + 1
                continue
            out = bytearray()
            k = j + 2
            ok = True
            while len(out) < 7 + ln and k < n:
                b = buf[k]
                if b == 0x1A:
                    if k + 1 >= n:
                        break
                    if buf[k + 1] != 0x1A:
                        ok = False  # a new frame starts: this one was truncated
                        break
                    k += 1
                out.append(buf[k])
                k += 1
            if not ok:
                self.bad += 1
                i = k
                continue
            if len(out) < 7 + ln:
                i = j  # wait for more bytes
                break
            i = k
            if buf[j + 1] in (0x32, 0x33):
                self.frames += 1
                yield Frame(int.from_bytes(out[:6], "big") / 12e6, out[7:].hex(), out[6])
        del buf[:i]

    def reset(self) -> None:
        if self._buf:
            self.bad += 1
        self._buf.clear()


def parse_avr(line: str) -> tuple[float | None, str] | None:
    """``*hex;`` or ``@clockhex;`` -> (receiver seconds or None, message hex); None if bad.

    >>> parse_avr("*8D4840D6202CC371C32CE0576098;")
    (None, '8d4840d6202cc371c32ce0576098')
    """
    s = line.strip()
    if len(s) < 3 or s[-1] != ";" or s[0] not in "*@":
        return None
    body = s[1:-1].lower()
    clock = None
    if s[0] == "@":
        if len(body) < 12:
            return None
        clock, body = int(body[:12], 16) / 12e6, body[12:]
    if len(body) not in (14, 28) or any(c not in "0123456789abcdef" for c in body):
        return None
    return clock, body


@dataclass
class _Air:
    even: tuple[float, int, int] | None = None  # time, lat_cpr, lon_cpr
    odd: tuple[float, int, int] | None = None
    pos: tuple[float, float, float] | None = None  # time, lat, lon
    alt_baro: float = math.nan
    alt_geo: float = math.nan
    gs: float = math.nan
    track: float = math.nan
    vrate: float = math.nan
    callsign: str | None = None


@dataclass
class ModeSDecoder:
    """Messages (hex, time) -> fixes, per aircraft state with CPR decoding."""

    feed: str = "beast"
    pair_max_s: float = 10.0
    local_max_s: float = 60.0
    counts: dict[str, int] = field(
        default_factory=lambda: {"messages": 0, "positions": 0, "malformed": 0, "other": 0}
    )
    _air: dict[str, _Air] = field(default_factory=dict)

    def message(self, hexmsg: str, t: float, received: float | None = None) -> Fix | None:
        import pyModeS as pms
        from pyModeS.position import airborne_position_pair, airborne_position_with_ref

        self.counts["messages"] += 1
        try:
            d = pms.decode(hexmsg)
        except Exception:
            self.counts["malformed"] += 1
            return None
        if d.get("df") not in (17, 18) or not d.get("crc_valid"):
            self.counts["other"] += 1
            return None
        icao = str(d["icao"]).lower()
        a = self._air.setdefault(icao, _Air())
        tc = d.get("typecode") or 0
        if 1 <= tc <= 4 and d.get("callsign"):
            a.callsign = str(d["callsign"]).strip("_ ") or None
        if tc == 19:
            gs, trk, vr = d.get("groundspeed"), d.get("track"), d.get("vertical_rate")
            a.gs = gs * KT if gs is not None else math.nan
            a.track = float(trk) if trk is not None else math.nan
            a.vrate = vr * FPM if vr is not None else math.nan
        if not (9 <= tc <= 18 or 20 <= tc <= 22):
            return None
        alt = d.get("altitude")
        if alt is not None:
            if tc <= 18:
                a.alt_baro = alt * FT
            else:
                a.alt_geo = alt * FT
        fmt, la, lo = d.get("cpr_format"), d.get("cpr_lat"), d.get("cpr_lon")
        if fmt is None or la is None or lo is None:
            return None
        if fmt == 0:
            a.even = (t, la, lo)
        else:
            a.odd = (t, la, lo)
        pos = None
        if a.pos is not None and t - a.pos[0] <= self.local_max_s:
            pos = airborne_position_with_ref(fmt, la, lo, a.pos[1], a.pos[2])
        elif a.even and a.odd and abs(a.even[0] - a.odd[0]) <= self.pair_max_s:
            pos = airborne_position_pair(
                a.even[1], a.even[2], a.odd[1], a.odd[2], even_is_newer=fmt == 0
            )
        if pos is None:
            return None
        lat, lon = pos
        a.pos = (t, lat, lon)
        self.counts["positions"] += 1
        return Fix(
            icao,
            t,
            lat,
            lon,
            alt_baro=a.alt_baro,
            alt_geo=a.alt_geo,
            gs=a.gs,
            track=a.track,
            vrate=a.vrate,
            callsign=a.callsign,
            feed=self.feed,
            received=time.time() if received is None else received,
        )


class BeastFeed:
    """A Beast (or AVR text, detected from the first byte) TCP input, e.g. port 30005.
    Beast times are the receiver's 12 MHz clock anchored to the arrival wall clock (re-anchored
    when they drift apart by more than 5 s); AVR times are the arrival wall clock."""

    kind = "beast"

    def __init__(self, host: str, port: int, name: str | None = None, **tcp: float) -> None:
        self.host, self.port = host, port
        self.name = name or f"beast:{host}:{port}"
        self.status = FeedStatus(self.name, self.kind, f"{host}:{port}")
        self.framer = BeastFramer()
        self.decoder = ModeSDecoder(feed=self.name)
        self._avr: bool | None = None
        self._text = b""
        self._anchor: tuple[float, float] | None = None
        self.tcp = tcp

    def feed_bytes(self, data: bytes, sink: Callable[[Fix], None]) -> None:
        now = time.time()
        if self._avr is None and data:
            self._avr = data[:1] in (b"*", b"@")
        if self._avr:
            buf = self._text + data
            lines = buf.split(b"\n")
            self._text = lines.pop()[-4096:]
            msgs: list[object] = []
            for ln in lines:
                p = parse_avr(ln.decode("ascii", "replace"))
                if p is None:
                    if ln.strip():
                        self.decoder.counts["malformed"] += 1
                    continue
                msgs.append(p[1])  # type: ignore[arg-type]
        else:
            msgs = []
            for f in self.framer.feed(data):
                # place the 12 MHz receiver clock on the wall clock, re-anchored on drift
                if (
                    self._anchor is None
                    or abs(self._anchor[0] + f.clock - self._anchor[1] - now) > 5
                ):
                    self._anchor = (now, f.clock)
                msgs.append((f.hex, self._anchor[0] + f.clock - self._anchor[1]))
        for item in msgs:
            m, t = item if isinstance(item, tuple) else (item, now)
            fix = self.decoder.message(m, t, now)
            if fix is not None:
                self.status.last_message_time = fix.time
                sink(fix)
        c = self.decoder.counts
        st = self.status
        st.messages, st.positions, st.other = c["messages"], c["positions"], c["other"]
        st.malformed = c["malformed"] + self.framer.bad
        st.last_message_wall = now

    def disconnected(self) -> None:
        self.framer.reset()
        if self._text:
            self.status.partial += 1
        self._text = b""

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
