#!/usr/bin/env python3
"""Write the bundled example data in examples/ (deterministic: same bytes on every run).

    python scripts/make_example.py [OUTDIR]     # default: examples/ next to this script

Writes:

- ``tallinn_airspace.txt``: OpenAir, Tallinn CTR and Tallinn TMA around Lennart Meri Tallinn
  airport (EETN). The aerodrome reference point 59°24'48"N 024°49'57"E and elevation 135 ft are
  from eAIP Estonia AD 2.EETN (https://eaip.eans.ee/, AD 2.2). The lateral and vertical limits
  here are a simplified shape *modelled on* the published CTR/TMA, not re-typed from AD 2.17 /
  ENR 2.1 (which could not be checked while writing this): illustrative, not for navigation.
- ``tallinn_flights.csv``: three made-up light aircraft as OpenSky historical state vectors
  (the database's columns), one fix every 5 s, each flown along one geodesic at constant
  speed (pyproj.Geod): ES-EXA transits the CTR at 1500 ft, ES-EXB passes south of it without
  entering, ES-EXC overflies it at 3500 ft inside the TMA.

Needs only the standard library and pyproj; no randomness.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pyproj import Geod

GEOD = Geod(ellps="WGS84")
FT = 0.3048
KT = 1852.0 / 3600.0

ARP = (59 + 24 / 60 + 48 / 3600, 24 + 49 / 60 + 57 / 3600)  # EETN ARP, eAIP AD 2.2
"""(lat, lon) of the EETN aerodrome reference point, degrees."""

# CTR corners (lat, lon) in degrees; all on whole minutes. The east side is an arc about the
# ARP (OpenAir DB) from NE to SE, clockwise; the west side is the meridian 024°30'E.
CTR_NW = (59 + 33 / 60, 24.5)
CTR_NE = (59 + 33 / 60, 25 + 10 / 60)
CTR_SE = (59 + 16.5 / 60, 25 + 10 / 60)
CTR_SW = (59 + 16.5 / 60, 24.5)
CTR_CEILING_FT = 2500  # AMSL

TMA = [
    (59 + 50 / 60, 24.0),
    (59 + 50 / 60, 25 + 40 / 60),
    (59 + 5 / 60, 25 + 40 / 60),
    (59 + 5 / 60, 24.0),
]
TMA_FLOOR_FT = 2500  # AMSL
TMA_CEILING_FL = 95

T0 = 1718442000  # 2024-06-15 09:00:00 UTC
STEP_S = 5


@dataclass(frozen=True)
class Flight:
    """One made-up flight: along the geodesic from ``start`` to ``end`` (lat, lon) at constant
    ground speed, starting at ``t0`` (UTC epoch s); climbs linearly from ``climb_from_ft`` to
    ``alt_ft`` over the first ``climb_s`` seconds. ``geo_minus_baro_ft`` is the (constant)
    difference geometric - barometric altitude."""

    icao24: str
    callsign: str
    start: tuple[float, float]
    end: tuple[float, float]
    speed_kt: float
    t0: int
    alt_ft: float
    climb_from_ft: float
    climb_s: float
    geo_minus_baro_ft: float = 75.0
    squawk: str = "7000"


FLIGHTS = [
    # enters the CTR over its west side (the meridian 024°30'E) and leaves over its north side
    Flight("511f01", "ESEXA", (59.18, 24.25), (59.62, 25.00), 100.0, T0, 1500, 1000, 60),
    # passes south of the CTR without entering (closest ~6 km), below the TMA
    Flight("511f02", "ESEXB", (59.20, 24.30), (59.23, 25.40), 90.0, T0 + 600, 1200, 1200, 0),
    # crosses the CTR north to south above its 2500 ft ceiling, inside the TMA
    Flight("511f03", "ESEXC", (59.70, 24.95), (59.12, 24.70), 110.0, T0 + 1200, 3500, 3500, 0),
]

COLUMNS = [
    "time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign", "onground",
    "alert", "spi", "squawk", "baroaltitude", "geoaltitude", "lastposupdate", "lastcontact",
]  # fmt: skip


def dms(value: float, pos: str, neg: str, width: int) -> str:
    """Degrees as ``DD:MM:SS H`` (whole seconds), e.g. ``059:24:48 N``."""
    hemi = pos if value >= 0 else neg
    total = round(abs(value) * 3600)
    d, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{d:0{width}d}:{m:02d}:{s:02d} {hemi}"


def point(lat: float, lon: float) -> str:
    return f"{dms(lat, 'N', 'S', 2)} {dms(lon, 'E', 'W', 3)}"


def openair() -> str:
    lines = [
        "* overflight example airspace: Tallinn (EETN), Estonia.",
        "* Written by scripts/make_example.py (do not edit by hand).",
        "* ARP 592448N 0244957E and elevation 135 ft from eAIP Estonia AD 2.EETN (AD 2.2),",
        "* https://eaip.eans.ee/ . The CTR and TMA limits below are a simplified shape modelled",
        "* on the published Tallinn CTR/TMA (eAIP AD 2.EETN AD 2.17, ENR 2.1), NOT re-typed",
        "* from them: the exact coordinates could not be confirmed. Illustrative only,",
        "* not for navigation.",
        "*",
        "AC C",
        "AY CTR",
        "AN TALLINN CTR",
        "AL GND",
        f"AH {CTR_CEILING_FT}ft MSL",
        f"DP {point(*CTR_SW)}",
        f"DP {point(*CTR_NW)}",
        f"DP {point(*CTR_NE)}",
        "V D=+",
        f"V X={point(*ARP)}",
        f"DB {point(*CTR_NE)}, {point(*CTR_SE)}",
        "*",
        "AC C",
        "AY TMA",
        "AN TALLINN TMA",
        f"AL {TMA_FLOOR_FT}ft MSL",
        f"AH FL{TMA_CEILING_FL}",
        *(f"DP {point(*p)}" for p in TMA),
        "",
    ]
    return "\n".join(lines)


def _fmt(x: float, nd: int) -> str:
    text = f"{x:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def flight_rows(f: Flight) -> list[list[str]]:
    az12, _, dist = GEOD.inv(f.start[1], f.start[0], f.end[1], f.end[0])
    speed = f.speed_kt * KT
    n = int(dist // (speed * STEP_S)) + 1
    rows = []
    for k in range(n):
        dt = k * STEP_S
        lon, lat, back = GEOD.fwd(f.start[1], f.start[0], az12, speed * dt)
        heading = (back + 180.0) % 360.0
        if dt < f.climb_s:
            alt_ft = f.climb_from_ft + (f.alt_ft - f.climb_from_ft) * dt / f.climb_s
            vrate = (f.alt_ft - f.climb_from_ft) * FT / f.climb_s
        else:
            alt_ft, vrate = f.alt_ft, 0.0
        t = f.t0 + dt  # when this position was measured (OpenSky's lastposupdate)
        rows.append(
            [
                str(t + 1),  # the state vector is sampled at the next whole second
                f.icao24,
                _fmt(lat, 7),
                _fmt(lon, 7),
                _fmt(speed, 2),
                _fmt(heading, 2),
                _fmt(vrate, 2),
                f.callsign.ljust(8),  # OpenSky pads callsigns to 8 characters
                "false",
                "false",
                "false",
                f.squawk,
                _fmt(alt_ft * FT, 2),
                _fmt((alt_ft + f.geo_minus_baro_ft) * FT, 2),
                _fmt(t, 1),
                _fmt(t + 0.6, 1),
            ]
        )
    return rows


def flights_csv() -> str:
    out = [",".join(COLUMNS)]
    for f in FLIGHTS:
        out.extend(",".join(row) for row in flight_rows(f))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "examples"
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "tallinn_airspace.txt").write_text(openair(), encoding="utf-8")
    (outdir / "tallinn_flights.csv").write_text(flights_csv(), encoding="utf-8")
    print(f"wrote {outdir / 'tallinn_airspace.txt'} and {outdir / 'tallinn_flights.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
