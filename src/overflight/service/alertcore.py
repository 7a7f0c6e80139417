"""What the alert engine is made of: alerts and their ids, the tunables, the per aircraft and
zone state, and the engine's shared core (alert construction, exits with their maximum depth).
The rules themselves are described in :mod:`overflight.service.alerts`.

>>> alert_id("4ca2d6", "R1", "entry", 1_700_000_000.1234)
'9af3843905755d61da69b46f'
>>> PairState().idle(), PairState(entry_time=1.0).open
(True, True)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Track
from .fix import Fix
from .predict import Kinematics
from .segment import Piece, max_depth, segment_incursions
from .zones import Zone, ZoneIndex

__all__ = [
    "Alert",
    "AlertParameters",
    "Due",
    "EngineCore",
    "PairState",
    "alert_id",
    "alt_of",
    "fixes_track",
    "incursions",
]


def alert_id(icao24: str, zone: str, kind: str, event_time: float) -> str:
    """Deterministic alert id (24 hex digits)."""
    key = f"{icao24}|{zone}|{kind}|{round(event_time * 1000.0)}"
    return hashlib.sha1(key.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Alert:
    """One alert. ``event_time``: entry/exit time (interpolated), or the time of the fix the
    prediction or its withdrawal was made at; ``fix_time``: the fix that produced the alert;
    ``received``: wall-clock arrival of that fix's message."""

    id: str
    kind: str
    icao24: str
    callsign: str | None
    airspace: str
    airspace_name: str
    event_time: float
    fix_time: float
    lat: float
    lon: float
    alt_m: float | None
    details: dict[str, Any]
    received: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "icao24": self.icao24,
            "callsign": self.callsign,
            "airspace": self.airspace,
            "airspace_name": self.airspace_name,
            "event_time": self.event_time,
            "fix_time": self.fix_time,
            "lat": self.lat,
            "lon": self.lon,
            "alt_m": self.alt_m,
            "details": self.details,
        }


@dataclass(frozen=True)
class AlertParameters:
    """Tunables of the alert rules (see the module docstring)."""

    lookahead_s: float = 120.0
    predict_every_s: float = 2.0
    min_confidence: float = 0.3
    clear_after: int = 2
    exit_hold_s: float = 15.0
    long_segment_m: float = 1_000.0
    max_history: int = 4_000


@dataclass
class PairState:
    """One aircraft against one zone: last class, inside or not, the open incursion (entry,
    fixes since, pending exit), the raised prediction."""

    cls: str | None = None
    inside: bool | None = None
    entry_time: float | None = None
    entry_id: str | None = None
    starts_inside: bool = False
    vertical: str = "inside"
    hist: list[Fix] = field(default_factory=list)
    pending: tuple[float, float, float] | None = None  # exit time, lat, lon
    predicted: dict[str, Any] | None = None
    miss: int = 0
    restored: Fix | None = None  # the entry's fix, for an incursion restored from the store

    @property
    def open(self) -> bool:
        return self.entry_time is not None

    def idle(self) -> bool:
        return not self.open and self.predicted is None and self.inside is not True


@dataclass
class Due:
    """A prediction due at ``fix`` (kinematics taken then); ``ks``: the zones its step saw."""

    fix: Fix
    k: Kinematics | None
    ks: set[int]


def alt_of(f: Fix) -> float | None:
    a = f.alt_baro if f.alt_baro == f.alt_baro else f.alt_geo
    return None if a != a else a


def fixes_track(fixes: Sequence[Fix], icao24: str) -> Track:
    return Track.from_arrays(
        icao24,
        time=[f.time for f in fixes],
        lat=[f.lat for f in fixes],
        lon=[f.lon for f in fixes],
        alt_baro=[f.alt_baro for f in fixes],
        alt_geo=[f.alt_geo for f in fixes],
    )


def incursions(track: Track, zone: Zone) -> list[Piece]:
    return segment_incursions(track, zone.prepared)


class EngineCore:
    """State and shared helpers of :class:`~overflight.service.alerts.AlertEngine`."""

    def __init__(self, index: ZoneIndex, params: AlertParameters | None = None) -> None:
        self.index = index
        self.p = params or AlertParameters()
        self.pairs: dict[str, dict[int, PairState]] = {}
        self._next_predict: dict[str, float] = {}
        self._due: dict[str, Due] = {}
        self._restored: set[str] = set()  # aircraft with restored incursions, not heard yet
        self.counts = {"exact_checks": 0, "predictions": 0, "alerts": 0, "restored": 0}

    def _alert(
        self,
        kind: str,
        z: Zone,
        fix: Fix,
        t: float,
        details: dict[str, Any],
        lat: float | None = None,
        lon: float | None = None,
    ) -> Alert:
        return Alert(
            alert_id(fix.icao24, z.key, kind, t),
            kind,
            fix.icao24,
            fix.callsign,
            z.key,
            z.airspace.name,
            t,
            fix.time,
            fix.lat if lat is None else lat,
            fix.lon if lon is None else lon,
            alt_of(fix),
            details,
            fix.received,
        )

    def _exit(self, z: Zone, ps: PairState, fix: Fix, out: list[Alert], lost: bool = False) -> None:
        assert ps.pending is not None and ps.entry_time is not None
        t_exit, lat, lon = ps.pending
        depth = self._depth(z, ps.hist, ps.entry_time, t_exit)
        details = {
            "entry_time": ps.entry_time,
            "entry_id": ps.entry_id,
            "duration_s": t_exit - ps.entry_time,
            "max_depth_m": depth,
            "starts_inside": ps.starts_inside,
            "lost": lost,
        }
        if ps.restored is not None:
            details["restored"] = True
            ps.restored = None
        out.append(self._alert("exit", z, fix, t_exit, details, lat, lon))
        ps.entry_time = ps.entry_id = None
        ps.pending = None
        ps.hist = []
        ps.inside = False if not lost else ps.inside

    def _depth(self, z: Zone, hist: list[Fix], t0: float, t1: float) -> float | None:
        """Maximum depth over the incursion's fixes that are inside (exact distances)."""
        pts = [
            f
            for f in hist
            if t0 <= f.time <= t1 and z.classify(f.lat, f.lon, f.alt_baro, f.alt_geo) != "out"
        ]
        if not pts and len(hist) >= 2:
            from ..geometry.path import TrackPath

            trk = fixes_track(hist, hist[0].icao24)
            path = TrackPath.build(trk.time, trk.lon, trk.lat)
            lon, lat = path.point_at(np.array([0.5 * (t0 + t1)]))
            return max_depth(lat, lon, z.prepared)
        return max_depth(np.array([f.lat for f in pts]), np.array([f.lon for f in pts]), z.prepared)

    # -- predictions ------------------------------------------------------------------------
