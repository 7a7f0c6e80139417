"""What the reports need to know about a track's clock: its timing, and the distance flown
along it at any of its times.

A hand-digitised track without times is checked with ``time`` = metres along the track
(``meta["timing"] == "distance"``): its results carry distances, never times. A track timed
from a speed alone counts its times from the first point (``meta["time_origin"] ==
"first-point"``): durations are real, clock times are unknown.

>>> from overflight.model import Track
>>> t = Track.from_arrays("a", time=[10, 20], lat=[0, 0], lon=[0, 1])
>>> a = Along.of(t)
>>> a.timing, a.clock, round(a.distance_at(15.0), 3)
('measured', True, 55659.745)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..geometry.geodesic import inverse
from ..model import Track

__all__ = ["Along", "along_by_id"]


@dataclass(frozen=True)
class Along:
    """A track's timing (``measured``, ``distance``, ``speed``, ``start-end``, ``partial``),
    whether its times are clock times (``clock``), whether they are real durations
    (``timed``), and its cumulative geodesic distance at each fix."""

    timing: str
    clock: bool
    timed: bool
    time: NDArray[np.float64]
    distance: NDArray[np.float64]

    @classmethod
    def of(cls, track: Track) -> Along:
        """The clock and distances of ``track``."""
        timing = str(track.meta.get("timing", "measured"))
        timed = timing != "distance"
        clock = timed and track.meta.get("time_origin") != "first-point"
        if len(track) < 2:
            d = np.zeros(len(track))
        else:
            _, _, seg = inverse(track.lon[:-1], track.lat[:-1], track.lon[1:], track.lat[1:])
            d = np.concatenate([[0.0], np.cumsum(seg)])
        return cls(timing, clock, timed, np.asarray(track.time), d)

    def distance_at(self, t: float) -> float:
        """Metres along the track from its first fix at time ``t`` (constant speed along each
        geodesic segment, so distance is linear in time between fixes); NaN outside the
        track's times (or when the distances are unknown)."""
        if self.time.size == 0 or not self.time[0] - 1e-6 <= t <= self.time[-1] + 1e-6:
            return float("nan")
        return float(np.interp(t, self.time, self.distance))

    def elapsed(self, t: float) -> float | None:
        """Seconds since the first fix, or None when the times are distances."""
        return float(t - self.time[0]) if self.timed and self.time.size else None


def along_by_id(tracks: Iterable[Track]) -> dict[str, Along | None]:
    """:class:`Along` per track id. Results name tracks by id only, so for an id shared by
    several tracks distances are unknown: None when all of them have clock times, else an
    Along without distances whose clock is off (times are never shown for an untimed track).

    >>> from overflight.model import Track
    >>> t = Track.from_arrays("a", time=[0, 1], lat=[0, 0], lon=[0, 1])
    >>> sorted(along_by_id([t, t]).items())
    [('a', None)]
    """
    found: dict[str, list[Along]] = {}
    for t in tracks:
        found.setdefault(t.id, []).append(Along.of(t))
    out: dict[str, Along | None] = {}
    for key, alongs in found.items():
        if len(alongs) == 1:
            out[key] = alongs[0]
        elif all(a.clock for a in alongs):
            out[key] = None
        else:
            timed = all(a.timed for a in alongs)
            timing = "distance" if not timed else alongs[0].timing
            out[key] = Along(timing, False, timed, np.empty(0), np.empty(0))
    return out
