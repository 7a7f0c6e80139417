"""Segments of a track that an entry must not rest on: gaps and implausible jumps.

The check interpolates between consecutive fixes along the geodesic at constant speed. Across a
long gap, or a jump faster than any aircraft (GNSS spoofing, a frozen position then a jump, a
mixed-up icao24), that interpolation is invented. :func:`suspect_segments` finds them so the
report can say so beside any crossing that falls inside one.

>>> from overflight.model import Track
>>> t = Track.from_arrays("a", time=[0, 10, 20], lat=[50, 50, 54], lon=[20, 20.01, 20])
>>> [(s.start, s.end, s.reason) for s in suspect_segments(t)]
[(10.0, 20.0, 'jump')]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.geodesic import inverse
from ..model import Track

__all__ = ["MAX_GAP_S", "MAX_SPEED_MPS", "SuspectSegment", "suspect_segments"]

MAX_SPEED_MPS = 1_200.0  # faster than any aircraft that reports ADS-B (Mach 3.5 at altitude)
MAX_GAP_S = 600.0


@dataclass(frozen=True)
class SuspectSegment:
    """Between fixes ``i`` and ``i + 1`` (times ``start``, ``end``): ``reason`` is ``"jump"``
    (implied ground speed over ``max_speed``) or ``"gap"`` (no fix for over ``max_gap`` s)."""

    i: int
    start: float
    end: float
    distance_m: float
    speed_mps: float
    reason: str


def suspect_segments(
    track: Track, max_speed: float = MAX_SPEED_MPS, max_gap: float = MAX_GAP_S
) -> list[SuspectSegment]:
    """The track's segments with an implausible speed or a long gap (timed tracks only)."""
    if len(track) < 2 or track.meta.get("timing") == "distance":
        return []
    _, _, d = inverse(track.lon[:-1], track.lat[:-1], track.lon[1:], track.lat[1:])
    dt = np.diff(track.time)
    speed = np.where(dt > 0, d / np.where(dt > 0, dt, 1.0), np.where(d > 0, np.inf, 0.0))
    jump = speed > max_speed
    gap = (dt > max_gap) & ~jump
    out = []
    for i in np.flatnonzero(jump | gap):
        out.append(
            SuspectSegment(int(i), float(track.time[i]), float(track.time[i + 1]),
                           float(d[i]), float(speed[i]), "jump" if jump[i] else "gap")
        )  # fmt: skip
    return out
