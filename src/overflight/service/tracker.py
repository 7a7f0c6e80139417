"""Per-aircraft state: recent fixes, plausibility filter, stale expiry.

A fix is *rejected* (and counted) when its time is not after the aircraft's last accepted fix
(``out_of_order``: duplicates from several feeds land here too) or when reaching it from the last
accepted fix needs more than ``max_speed_ms`` over more than ``jump_slack_m`` (``jumps``). If an
aircraft's fixes keep being rejected as jumps for ``reset_after_s`` of data time, the track
restarts from the new position (``resets``): the earlier fix was the bad one. Aircraft not heard
for ``stale_s`` of data time (the latest fix time over all aircraft) expire.

>>> from overflight.service.fix import Fix
>>> tr = Tracker()
>>> tr.update(Fix("abc123", 0.0, 50.0, 8.0)) is not None
True
>>> tr.update(Fix("abc123", 1.0, 55.0, 8.0)) is None  # 556 km in 1 s
True
>>> tr.counts["jumps"], len(tr.get("abc123").fixes)
(1, 1)
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from .fix import Fix

__all__ = ["AircraftState", "Tracker", "haversine_m"]

R_EARTH = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the mean sphere (m); used only for plausibility and ranking.

    >>> round(haversine_m(0.0, 0.0, 0.0, 1.0))
    111195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * R_EARTH * math.asin(min(1.0, math.sqrt(a)))


@dataclass(slots=True)
class AircraftState:
    """One aircraft: its last ``keep`` accepted fixes (newest last) and counters."""

    icao24: str
    fixes: deque[Fix]
    callsign: str | None = None
    first_seen: float = 0.0
    accepted: int = 0
    rejected: int = 0
    reject_since: float | None = None

    @property
    def last(self) -> Fix:
        return self.fixes[-1]


@dataclass
class Tracker:
    """All aircraft currently heard (see the module docstring for the rules)."""

    stale_s: float = 60.0
    max_speed_ms: float = 600.0
    jump_slack_m: float = 2_000.0
    reset_after_s: float = 30.0
    keep: int = 16
    aircraft: dict[str, AircraftState] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "fixes": 0,
            "accepted": 0,
            "out_of_order": 0,
            "jumps": 0,
            "resets": 0,
            "expired": 0,
        }
    )
    now: float = -math.inf  # data time: latest fix time seen

    def get(self, icao24: str) -> AircraftState | None:
        return self.aircraft.get(icao24)

    def update(self, fix: Fix) -> AircraftState | None:
        """Accept ``fix`` into its aircraft's state (returned) or reject it (None)."""
        c = self.counts
        c["fixes"] += 1
        st = self.aircraft.get(fix.icao24)
        if st is None:
            st = AircraftState(fix.icao24, deque(maxlen=self.keep), first_seen=fix.time)
            self.aircraft[fix.icao24] = st
        elif st.fixes:
            last = st.fixes[-1]
            dt = fix.time - last.time
            if dt <= 0:
                c["out_of_order"] += 1
                st.rejected += 1
                return None
            d = haversine_m(last.lat, last.lon, fix.lat, fix.lon)
            if d > self.jump_slack_m and d > self.max_speed_ms * dt:
                if st.reject_since is None:
                    st.reject_since = fix.time
                if fix.time - st.reject_since < self.reset_after_s:
                    c["jumps"] += 1
                    st.rejected += 1
                    return None
                c["resets"] += 1
                st.fixes.clear()
        st.reject_since = None
        if fix.callsign:
            st.callsign = fix.callsign
        elif st.callsign:
            fix.callsign = st.callsign
        st.fixes.append(fix)
        st.accepted += 1
        c["accepted"] += 1
        if fix.time > self.now:
            self.now = fix.time
        return st

    def expire(self, now: float | None = None) -> list[AircraftState]:
        """Remove and return aircraft whose last fix is older than ``stale_s`` before ``now``
        (default: the latest data time)."""
        now = self.now if now is None else now
        gone = [
            s for s in self.aircraft.values() if not s.fixes or now - s.last.time > self.stale_s
        ]
        for s in gone:
            del self.aircraft[s.icao24]
        self.counts["expired"] += len(gone)
        return gone
