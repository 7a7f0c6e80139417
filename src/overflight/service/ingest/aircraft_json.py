"""Polling a readsb / dump1090 ``aircraft.json`` URL (e.g. ``http://pi:8080/data/aircraft.json``).

The document holds ``now`` (epoch seconds) and ``aircraft``, a list of objects with ``hex``,
``flight`` (callsign), ``lat``/``lon``, ``seen_pos`` (seconds since that position was
received), ``alt_baro`` (ft, or ``"ground"``), ``alt_geom`` (ft), ``gs`` (kt), ``track`` (deg),
``baro_rate``/``geom_rate`` (ft/min); dump1090's older names ``altitude``, ``speed`` and
``vert_rate`` are read too. Each aircraft with a position makes a fix timed ``now - seen_pos``;
a position already seen (same time) is skipped (``unchanged``), one older than ``max_age_s`` is
skipped (``stale``). Non-ICAO addresses (``~`` prefix: TIS-B, anonymous) are counted as
``other``. A document that is not valid JSON, or entries with bad values, are counted as
``malformed`` and skipped. The URL is fetched every ``poll_s`` seconds; failures back off
exponentially (``backoff_min`` doubling to ``backoff_max``).

>>> feed = AircraftJsonFeed("http://127.0.0.1:8080/data/aircraft.json")
>>> fixes = feed.decode(b'{"now": 1700000000.5, "aircraft": [{"hex": "4ca2d6", '
...     b'"flight": "RYR2RG  ", "lat": 53.1, "lon": -2.1, "seen_pos": 0.5, '
...     b'"alt_baro": 36000, "gs": 450, "track": 90.0}, {"hex": "~2c0001"}]}', 0.0)
>>> [(f.icao24, f.time, f.callsign, round(f.alt_baro)) for f in fixes]
[('4ca2d6', 1700000000.0, 'RYR2RG', 10973)]
>>> feed.counts["other"], feed.decode(b"{not json", 0.0), feed.counts["malformed"]
(1, [], 1)
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from typing import Any

from ...model import FT
from ..fix import Fix
from .feed import FeedStatus

__all__ = ["AircraftJsonFeed"]

KT = 1852.0 / 3600.0
FPM = FT / 60.0
_HEX = frozenset("0123456789abcdef")
NAN = math.nan


def _num(ac: dict[str, Any], *keys: str) -> float:
    for k in keys:
        v = ac.get(k)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"{k} is not a number: {v!r}"[:80])
        return float(v)
    return NAN


class AircraftJsonFeed:
    """One polled ``aircraft.json`` URL."""

    kind = "aircraft_json"

    def __init__(
        self,
        url: str,
        poll_s: float = 1.0,
        *,
        name: str | None = None,
        max_age_s: float = 30.0,
        timeout: float = 5.0,
        backoff_min: float = 0.5,
        backoff_max: float = 30.0,
    ) -> None:
        self.url = url
        self.poll_s = poll_s
        self.name = name or f"aircraft_json:{url}"
        self.status = FeedStatus(self.name, self.kind, url)
        self.max_age_s = max_age_s
        self.timeout = timeout
        self.backoff_min, self.backoff_max = backoff_min, backoff_max
        self.counts = {
            "polls": 0,
            "messages": 0,
            "positions": 0,
            "malformed": 0,
            "other": 0,
            "unchanged": 0,
            "stale": 0,
        }
        self._last: dict[str, float] = {}

    def decode(self, body: bytes, received: float) -> list[Fix]:
        """Fixes of one document (new positions only); counts everything else."""
        c = self.counts
        c["polls"] += 1
        try:
            doc = json.loads(body)
            if not isinstance(doc, dict) or not isinstance(doc.get("aircraft", []), list):
                raise ValueError("not an aircraft.json document")
            now = doc.get("now", received)
            if isinstance(now, bool) or not isinstance(now, (int, float)):
                raise ValueError(f"'now' is not a number: {now!r}"[:80])
        except ValueError as exc:  # JSONDecodeError is a ValueError
            c["malformed"] += 1
            self.status.last_error = f"document: {exc}"
            return []
        out: list[Fix] = []
        for ac in doc.get("aircraft", []):
            c["messages"] += 1
            try:
                fix = self._fix(ac, float(now), received)
            except (ValueError, TypeError) as exc:
                c["malformed"] += 1
                self.status.last_error = f"aircraft: {exc}"
                continue
            if fix is not None:
                out.append(fix)
        if len(self._last) > 50_000:
            self._last.clear()
        return out

    def _fix(self, ac: Any, now: float, received: float) -> Fix | None:
        c = self.counts
        if not isinstance(ac, dict):
            raise ValueError("aircraft entry is not an object")
        hexid = ac.get("hex")
        if not isinstance(hexid, str):
            raise ValueError(f"bad hex {hexid!r}"[:80])
        hexid = hexid.strip().lower()
        if hexid.startswith("~"):
            c["other"] += 1
            return None
        if len(hexid) != 6 or not _HEX.issuperset(hexid):
            raise ValueError(f"bad hex {hexid!r}"[:80])
        lat, lon = _num(ac, "lat"), _num(ac, "lon")
        if lat != lat or lon != lon:
            return None  # no position (yet)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"position out of range: {lat}, {lon}")
        seen = _num(ac, "seen_pos", "seen")
        t = now - (seen if seen == seen else 0.0)
        if seen == seen and seen > self.max_age_s:
            c["stale"] += 1
            return None
        key = round(t * 1000.0) / 1000.0
        if self._last.get(hexid) == key:
            c["unchanged"] += 1
            return None
        self._last[hexid] = key
        raw_alt = ac.get("alt_baro", ac.get("altitude"))
        on_ground = raw_alt == "ground"
        alt = NAN if on_ground else _num({"a": raw_alt}, "a")
        geo = _num(ac, "alt_geom")
        gs = _num(ac, "gs", "speed")
        rate = _num(ac, "baro_rate", "geom_rate", "vert_rate")
        flight = ac.get("flight")
        c["positions"] += 1
        return Fix(
            hexid,
            t,
            lat,
            lon,
            alt_baro=alt * FT,
            alt_geo=geo * FT,
            gs=gs * KT,
            track=_num(ac, "track"),
            vrate=rate * FPM,
            callsign=flight.strip() or None if isinstance(flight, str) else None,
            on_ground=on_ground,
            feed=self.name,
            received=received,
        )

    def _publish(self, now: float) -> None:
        c, st = self.counts, self.status
        st.messages, st.positions = c["messages"], c["positions"]
        st.malformed, st.other = c["malformed"], c["other"]
        st.last_message_wall = now
        st.extra = {k: c[k] for k in ("polls", "unchanged", "stale")}

    async def run(self, sink: Callable[[Fix], None]) -> None:
        """Poll until cancelled, handing every new fix to ``sink``."""
        import httpx

        delay = self.backoff_min
        st = self.status
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            while True:
                st.state = "connecting" if st.connects == 0 else st.state
                try:
                    r = await client.get(self.url)
                    r.raise_for_status()
                    body = r.content
                except httpx.HTTPError as exc:
                    if st.state == "connected":
                        st.disconnects += 1
                    st.failures += 1
                    st.last_error = f"poll: {exc or type(exc).__name__}"
                    st.state = "backoff"
                    st.next_retry_s = delay
                    await asyncio.sleep(delay)
                    delay = min(delay * 2.0, self.backoff_max)
                    continue
                if st.state != "connected":
                    st.connects += 1
                st.state, st.next_retry_s = "connected", None
                delay = self.backoff_min
                st.bytes += len(body)
                now = time.time()
                for fix in self.decode(body, now):
                    st.last_message_time = fix.time
                    sink(fix)
                self._publish(now)
                await asyncio.sleep(self.poll_s)
