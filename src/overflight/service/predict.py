"""Short-term projection of an aircraft: current ground track, speed, climb and turn rate.

The projection is a constant-turn, constant-speed, constant-climb arc on a local tangent plane
(good to metres over the two-minute look-ahead). :func:`ensemble` flies it for turn rates
``turn +- dturn`` and speeds ``gs * (1 +- dspeed)`` (nine members, the middle one nominal); the
share of members that enter a zone is the prediction's confidence.

>>> from collections import deque
>>> from overflight.service.fix import Fix
>>> k = kinematics(deque([Fix("a", 0.0, 50.0, 8.0, gs=100.0, track=90.0, vrate=0.0),
...                       Fix("a", 5.0, 50.0, 8.007, gs=100.0, track=90.0, vrate=0.0)]))
>>> k.gs, k.track, k.turn
(100.0, 90.0, 0.0)
>>> p = ensemble(k, 120.0, step=10.0)
>>> p.lat.shape, round(float(p.lon[4, -1] - 8.007), 3)  # 12 km east after 120 s
((9, 12), 0.168)
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .fix import Fix
from .tracker import R_EARTH, haversine_m

__all__ = ["Kinematics", "Projection", "bearing_deg", "ensemble", "kinematics"]

F64 = NDArray[np.float64]
MAX_TURN = 3.0  # deg/s, twice a standard-rate turn


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing (degrees true, 0-360).

    >>> round(bearing_deg(0.0, 0.0, 0.0, 1.0), 6)
    90.0
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def _adiff(a: float, b: float) -> float:
    return (a - b + 180.0) % 360.0 - 180.0


@dataclass(frozen=True)
class Kinematics:
    """State at the latest fix: speed m/s, track deg, climb m/s, turn deg/s."""

    time: float
    lat: float
    lon: float
    alt_baro: float
    alt_geo: float
    gs: float
    track: float
    vrate: float
    turn: float


def kinematics(fixes: deque[Fix], span_s: float = 4.0) -> Kinematics | None:
    """Speed, track, climb and turn rate at the newest fix (reported values first, else
    differenced positions over at least ``span_s``); None if speed or track is unknown."""
    last = fixes[-1]
    ref = None
    for f in reversed(fixes):
        if last.time - f.time >= span_s:
            ref = f
            break
    if ref is None and len(fixes) > 1:
        ref = fixes[0]
    gs, track, vrate, turn = last.gs, last.track, last.vrate, 0.0
    if ref is not None:
        dt = last.time - ref.time
        if gs != gs:
            gs = haversine_m(ref.lat, ref.lon, last.lat, last.lon) / dt
        if track != track and gs > 0:
            track = bearing_deg(ref.lat, ref.lon, last.lat, last.lon)
        if vrate != vrate:
            a0 = ref.alt_baro if ref.alt_baro == ref.alt_baro else ref.alt_geo
            a1 = last.alt_baro if last.alt_baro == last.alt_baro else last.alt_geo
            vrate = (a1 - a0) / dt if a0 == a0 and a1 == a1 else 0.0
        if last.track == last.track and ref.track == ref.track:
            turn = _adiff(last.track, ref.track) / dt
        else:
            mid = None
            for f in fixes:
                if ref.time + 0.4 * dt <= f.time <= ref.time + 0.6 * dt:
                    mid = f
                    break
            if mid is not None and mid.time - ref.time > 0.5 and last.time - mid.time > 0.5:
                b1 = bearing_deg(ref.lat, ref.lon, mid.lat, mid.lon)
                b2 = bearing_deg(mid.lat, mid.lon, last.lat, last.lon)
                turn = _adiff(b2, b1) / (0.5 * dt)
    if gs != gs or track != track:
        return None
    if vrate != vrate:
        vrate = 0.0
    turn = max(-MAX_TURN, min(MAX_TURN, turn))
    return Kinematics(
        last.time, last.lat, last.lon, last.alt_baro, last.alt_geo, gs, track, vrate, turn
    )


@dataclass(frozen=True)
class Projection:
    """Projected positions: arrays of shape (members, samples); ``t`` seconds ahead."""

    t: F64
    lat: F64
    lon: F64
    alt_baro: F64
    alt_geo: F64
    nominal: int


def ensemble(
    k: Kinematics,
    lookahead: float,
    *,
    step: float = 4.0,
    dturn: float = 0.5,
    dspeed: float = 0.1,
) -> Projection:
    """Fly the nine-member ensemble (see the module docstring) over ``lookahead`` seconds."""
    t = np.arange(step, lookahead + 0.5 * step, step)
    turns = np.radians(np.array([k.turn - dturn, k.turn, k.turn + dturn]))
    speeds = k.gs * np.array([1.0 - dspeed, 1.0, 1.0 + dspeed])
    w = np.repeat(turns, 3)[:, None]
    v = np.tile(speeds, 3)[:, None]
    th0 = math.radians(k.track)
    small = np.abs(w) < 1e-6
    ws = np.where(small, 1.0, w)
    th = th0 + w * t
    x = np.where(small, v * math.sin(th0) * t, v / ws * (math.cos(th0) - np.cos(th)))
    y = np.where(small, v * math.cos(th0) * t, v / ws * (np.sin(th) - math.sin(th0)))
    lat = k.lat + np.degrees(y / R_EARTH)
    lon = k.lon + np.degrees(x / (R_EARTH * max(math.cos(math.radians(k.lat)), 1e-6)))
    lon = (lon + 180.0) % 360.0 - 180.0
    climb = k.vrate * t
    shape = lat.shape
    return Projection(
        t,
        lat,
        lon,
        np.broadcast_to(k.alt_baro + climb, shape),
        np.broadcast_to(k.alt_geo + climb, shape),
        4,
    )
