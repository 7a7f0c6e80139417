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
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .fix import Fix
from .tracker import R_EARTH, haversine_m

__all__ = ["Kinematics", "Projection", "bearing_deg", "ensemble", "kinematics", "nominal_units"]

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
    """Projected positions, shape (members, samples), ``t`` seconds ahead; the altitudes,
    shape (samples,), are the same for every member (constant climb)."""

    t: F64
    lat: F64
    lon: F64
    alt_baro: F64
    alt_geo: F64
    nominal: int


@lru_cache(maxsize=16)
def _times(lookahead: float, step: float) -> F64:
    t = np.arange(step, lookahead + 0.5 * step, step)
    t.flags.writeable = False
    return t


def ensemble(
    k: Kinematics,
    lookahead: float,
    *,
    step: float = 4.0,
    dturn: float = 0.5,
    dspeed: float = 0.1,
) -> Projection:
    """Fly the nine-member ensemble (see the module docstring) over ``lookahead`` seconds."""
    t = _times(lookahead, step)
    turns = [math.radians(k.turn - dturn), math.radians(k.turn), math.radians(k.turn + dturn)]
    w = np.array([a for a in turns for _ in range(3)])[:, None]
    v = k.gs * np.array([1.0 - dspeed, 1.0, 1.0 + dspeed] * 3)[:, None]
    th0 = math.radians(k.track)
    th = th0 + w * t
    if min(abs(a) for a in turns) >= 1e-6:
        x = v / w * (math.cos(th0) - np.cos(th))
        y = v / w * (np.sin(th) - math.sin(th0))
    else:
        small = np.abs(w) < 1e-6
        ws = np.where(small, 1.0, w)
        x = np.where(small, v * math.sin(th0) * t, v / ws * (math.cos(th0) - np.cos(th)))
        y = np.where(small, v * math.cos(th0) * t, v / ws * (np.sin(th) - math.sin(th0)))
    lat = k.lat + np.degrees(y / R_EARTH)
    lon = k.lon + np.degrees(x / (R_EARTH * max(math.cos(math.radians(k.lat)), 1e-6)))
    lon = (lon + 180.0) % 360.0 - 180.0
    climb = k.vrate * t
    return Projection(t, lat, lon, k.alt_baro + climb, k.alt_geo + climb, 4)


def nominal_units(ks: list[Kinematics], lookahead: float, *, step: float = 4.0) -> F64:
    """Unit vectors (aircraft x samples x 3, the start included) of the nominal member of
    each aircraft's ensemble, flown together: cheap cap tests before any ensemble is flown.

    >>> k = Kinematics(0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 90.0, 0.0, 0.0)
    >>> u = nominal_units([k, k], 120.0, step=10.0)
    >>> u.shape, round(float(np.degrees(np.arctan2(u[0, -1, 1], u[0, -1, 0]))), 3)
    ((2, 13, 3), 0.108)
    """
    t = np.arange(0.0, lookahead + 0.5 * step, step)
    w = np.radians(np.array([k.turn for k in ks]))[:, None]
    v = np.array([k.gs for k in ks])[:, None]
    th0 = np.radians(np.array([k.track for k in ks]))[:, None]
    lat0 = np.array([k.lat for k in ks])[:, None]
    lon0 = np.array([k.lon for k in ks])[:, None]
    small = np.abs(w) < 1e-6
    ws = np.where(small, 1.0, w)
    th = th0 + w * t
    x = np.where(small, v * np.sin(th0) * t, v / ws * (np.cos(th0) - np.cos(th)))
    y = np.where(small, v * np.cos(th0) * t, v / ws * (np.sin(th) - np.sin(th0)))
    lat = np.radians(lat0) + y / R_EARTH
    lon = np.radians(lon0) + x / (R_EARTH * np.maximum(np.cos(np.radians(lat0)), 1e-6))
    cl = np.cos(lat)
    return np.stack([cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)], axis=-1)
