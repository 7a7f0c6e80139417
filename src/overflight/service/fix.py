"""One decoded position report of one aircraft, the unit that flows from ingest to alerts.

>>> f = Fix("4ca2d6", 1_700_000_000.0, 53.1, -2.1, alt_baro=10_972.8)
>>> f.icao24, round(f.alt_baro / 0.3048)
('4ca2d6', 36000)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Fix"]

NAN = math.nan


@dataclass(slots=True)
class Fix:
    """A position fix: ``time`` UTC epoch seconds, degrees WGS84, altitudes in metres
    (``alt_baro`` pressure altitude, ``alt_geo`` geometric; NaN unknown), ground speed m/s,
    track degrees true, vertical rate m/s; ``received`` is the wall-clock arrival
    (:func:`time.time`) of the message that completed it."""

    icao24: str
    time: float
    lat: float
    lon: float
    alt_baro: float = NAN
    alt_geo: float = NAN
    gs: float = NAN
    track: float = NAN
    vrate: float = NAN
    callsign: str | None = None
    on_ground: bool = False
    feed: str = ""
    received: float = NAN
