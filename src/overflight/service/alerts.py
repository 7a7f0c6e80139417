"""Alerts from tracked aircraft against watched zones: predicted, entry, exit, cleared.

Rules (data time throughout, so a replay gives the same alerts as the live feed did):

* **entry**: the exact crossing of the core check pipeline (:mod:`.segment`: the lateral
  intervals and vertical pieces of :func:`~overflight.analysis.check.check_pair`, on the two-fix
  track from the previous to the current fix, with floor and ceiling) gives the interpolated
  entry time and point. The exact check runs whenever the cheap class of either fix
  is ``near`` or the classes differ (see :mod:`.zones`). Incursions with vertical status
  ``unknown`` (e.g. an AGL limit, or no altitude) count, flagged in ``details.vertical``. An
  aircraft first heard inside gets an entry with ``starts_inside`` at its first fix.
* **exit** (hysteresis): crossing out starts a *pending* exit at the exact exit time. It is
  confirmed only once the aircraft has stayed outside for ``exit_hold_s`` (default 15 s); a
  re-entry before that cancels it and the incursion goes on, with no new entry alert. So an
  aircraft flying along a boundary gives one entry and one exit, not a flapping series. The exit
  alert carries the duration and the maximum depth: the largest exact geodesic distance to the
  boundary over the incursion's fixes. An aircraft that goes silent while inside (expired)
  exits at its last fix with ``details.lost = true``.
* **predicted**: every ``predict_every_s`` per aircraft, the ensemble projection of
  :mod:`.predict` is flown over ``lookahead_s`` against zones within reach. When the nominal
  member enters and at least ``min_confidence`` of the members do, a predicted alert is raised
  once, with ``time_to_entry_s`` (refined by the exact check on the projected path) and the
  confidence. Later evaluations update it silently.
* **cleared**: a raised prediction that fails ``clear_after`` consecutive evaluations (or whose
  aircraft expires) is withdrawn. An entry fulfils it silently.

Alert ids are deterministic: a hash of icao24, zone key, kind and event time (ms).

>>> alert_id("4ca2d6", "R1", "entry", 1_700_000_000.1234)
'9af3843905755d61da69b46f'
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..model import Track
from .fix import Fix
from .predict import Projection, ensemble, kinematics
from .segment import Piece, max_depth, segment_incursions
from .tracker import AircraftState, haversine_m
from .zones import Zone, ZoneIndex

__all__ = ["KINDS", "Alert", "AlertEngine", "AlertParameters", "alert_id"]

Kind = Literal["predicted", "entry", "exit", "cleared"]
KINDS: tuple[str, ...] = ("predicted", "entry", "exit", "cleared")


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
class _Pair:
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

    @property
    def open(self) -> bool:
        return self.entry_time is not None

    def idle(self) -> bool:
        return not self.open and self.predicted is None and self.inside is not True


def _alt(f: Fix) -> float | None:
    a = f.alt_baro if f.alt_baro == f.alt_baro else f.alt_geo
    return None if a != a else a


def _track(fixes: Sequence[Fix], icao24: str) -> Track:
    return Track.from_arrays(
        icao24,
        time=[f.time for f in fixes],
        lat=[f.lat for f in fixes],
        lon=[f.lon for f in fixes],
        alt_baro=[f.alt_baro for f in fixes],
        alt_geo=[f.alt_geo for f in fixes],
    )


def _incursions(track: Track, zone: Zone) -> list[Piece]:
    return segment_incursions(track, zone.prepared)


class AlertEngine:
    """Turns each accepted fix into alerts (see the module docstring)."""

    def __init__(self, index: ZoneIndex, params: AlertParameters | None = None) -> None:
        self.index = index
        self.p = params or AlertParameters()
        self.pairs: dict[str, dict[int, _Pair]] = {}
        self._next_predict: dict[str, float] = {}
        self.counts = {"exact_checks": 0, "predictions": 0, "alerts": 0}

    # -- public ---------------------------------------------------------------------------
    def process(self, st: AircraftState) -> list[Alert]:
        """Alerts caused by the newest fix of ``st``."""
        fix = st.fixes[-1]
        prev = st.fixes[-2] if len(st.fixes) > 1 else None
        out: list[Alert] = []
        seg = haversine_m(prev.lat, prev.lon, fix.lat, fix.lon) if prev is not None else 0.0
        mine = self.pairs.get(fix.icao24)
        near = self.index.near(fix.lat, fix.lon, seg + 500.0)
        ks = set(near)
        if mine:
            ks.update(k for k, ps in mine.items() if not ps.idle())
        for k in sorted(ks):
            if mine is None:
                mine = self.pairs.setdefault(fix.icao24, {})
            ps = mine.get(k)
            if ps is None:
                ps = mine[k] = _Pair()
            self._step(self.index.zones[k], ps, prev, fix, seg, out)
        if self._next_predict.get(fix.icao24, -math.inf) <= fix.time:
            self._next_predict[fix.icao24] = fix.time + self.p.predict_every_s
            self._predict(st, out)
        if mine:
            for k in [k for k, ps in mine.items() if ps.idle() and k not in ks]:
                del mine[k]
        self.counts["alerts"] += len(out)
        return out

    def expire(self, st: AircraftState) -> list[Alert]:
        """Close everything of an aircraft that went silent."""
        out: list[Alert] = []
        mine = self.pairs.pop(st.icao24, {})
        self._next_predict.pop(st.icao24, None)
        last = st.fixes[-1] if st.fixes else None
        if last is None:
            return out
        for k, ps in sorted(mine.items()):
            z = self.index.zones[k]
            if ps.open:
                if ps.pending is None:
                    ps.pending = (last.time, last.lat, last.lon)
                    self._exit(z, ps, last, out, lost=True)
                else:
                    self._exit(z, ps, last, out)
            if ps.predicted is not None:
                out.append(self._alert("cleared", z, last, last.time, {"reason": "aircraft lost"}))
        self.counts["alerts"] += len(out)
        return out

    def state_of(self, icao24: str) -> dict[str, list[str]]:
        """Zone keys the aircraft is inside of / predicted to enter."""
        mine = self.pairs.get(icao24, {})
        zs = self.index.zones
        return {
            "inside": [zs[k].key for k, p in mine.items() if p.open and p.pending is None],
            "predicted": [zs[k].key for k, p in mine.items() if p.predicted is not None],
        }

    # -- entry / exit -----------------------------------------------------------------------
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
            _alt(fix),
            details,
            fix.received,
        )

    def _step(
        self, z: Zone, ps: _Pair, prev: Fix | None, fix: Fix, seg: float, out: list[Alert]
    ) -> None:
        cls = z.classify(fix.lat, fix.lon, fix.alt_baro, fix.alt_geo)
        if ps.open:
            ps.hist.append(fix)
            if len(ps.hist) > self.p.max_history:
                ps.hist = ps.hist[:1] + ps.hist[1:-1:2] + ps.hist[-1:]
        if prev is None:
            if cls == "in":
                self._entry(z, ps, None, fix, fix.time, fix.lat, fix.lon, "inside", True, out)
                ps.inside = True
            elif cls == "out":
                ps.inside = False
            ps.cls = cls
            return
        pcls = ps.cls
        if pcls is None:
            pcls = z.classify(prev.lat, prev.lon, prev.alt_baro, prev.alt_geo)
            if ps.inside is None and pcls == "out":
                ps.inside = False
        ps.cls = cls
        exact = cls == "near" or pcls == "near" or cls != pcls or ps.inside is None
        if not exact and cls == "out" and seg > self.p.long_segment_m:
            import shapely

            x, y = z.xy(np.array([prev.lat, fix.lat]), np.array([prev.lon, fix.lon]))
            exact = bool(shapely.intersects(z.outer, shapely.LineString(np.column_stack([x, y]))))
        if exact:
            self._exact(z, ps, prev, fix, out)
        else:
            ps.inside = cls == "in"
        if (
            ps.pending is not None
            and not ps.inside
            and fix.time - ps.pending[0] >= self.p.exit_hold_s
        ):
            self._exit(z, ps, fix, out)

    def _exact(self, z: Zone, ps: _Pair, prev: Fix, fix: Fix, out: list[Alert]) -> None:
        self.counts["exact_checks"] += 1
        incs = _incursions(_track([prev, fix], fix.icao24), z)
        inside = ps.inside
        for inc in incs:
            if inc.starts_inside:
                if inside is not True:
                    self._entry(
                        z,
                        ps,
                        prev,
                        fix,
                        inc.entry_time,
                        *inc.entry_point,
                        inc.vertical,
                        inside is None,
                        out,
                    )
            elif inside is not True:
                self._entry(
                    z, ps, prev, fix, inc.entry_time, *inc.entry_point, inc.vertical, False, out
                )
            inside = True
            if not inc.ends_inside:
                ps.pending = (inc.exit_time, *inc.exit_point)
                inside = False
        if not incs and inside:
            ps.pending = (prev.time, prev.lat, prev.lon)
            inside = False
        ps.inside = inside

    def _entry(
        self,
        z: Zone,
        ps: _Pair,
        prev: Fix | None,
        fix: Fix,
        t: float,
        lat: float,
        lon: float,
        vertical: str,
        starts_inside: bool,
        out: list[Alert],
    ) -> None:
        if ps.open and ps.pending is not None:
            ps.pending = None  # re-entry within the hold: the incursion goes on (hysteresis)
            return
        if ps.open:
            return
        details: dict[str, Any] = {"starts_inside": starts_inside, "vertical": vertical}
        if ps.predicted is not None:
            details["predicted_id"] = ps.predicted["id"]
            details["predicted_entry_time"] = ps.predicted["predicted_entry_time"]
            ps.predicted = None
            ps.miss = 0
        a = self._alert("entry", z, fix, t, details, lat, lon)
        ps.entry_time, ps.entry_id, ps.starts_inside, ps.vertical = t, a.id, starts_inside, vertical
        ps.hist = [f for f in (prev, fix) if f is not None]
        ps.pending = None
        out.append(a)

    def _exit(self, z: Zone, ps: _Pair, fix: Fix, out: list[Alert], lost: bool = False) -> None:
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

            trk = _track(hist, hist[0].icao24)
            path = TrackPath.build(trk.time, trk.lon, trk.lat)
            lon, lat = path.point_at(np.array([0.5 * (t0 + t1)]))
            return max_depth(lat, lon, z.prepared)
        return max_depth(np.array([f.lat for f in pts]), np.array([f.lon for f in pts]), z.prepared)

    # -- predictions ------------------------------------------------------------------------
    def _predict(self, st: AircraftState, out: list[Alert]) -> None:
        fix = st.fixes[-1]
        mine = self.pairs.setdefault(fix.icao24, {})
        k = kinematics(st.fixes) if not fix.on_ground else None
        hits: dict[int, tuple[float, float, float, float]] = {}
        if k is not None and k.gs > 1.0:
            self.counts["predictions"] += 1
            reach = k.gs * 1.1 * self.p.lookahead_s + 2_000.0
            cand = self.index.near(fix.lat, fix.lon, min(reach, self.index.reach_m))
            proj: Projection | None = None
            for zk in cand:
                ps = mine.get(zk)
                if ps is not None and (ps.open or ps.inside):
                    continue
                z = self.index.zones[zk]
                if proj is None:
                    proj = ensemble(k, self.p.lookahead_s)
                hit = self._evaluate(z, proj, fix, refine=ps is None or ps.predicted is None)
                if hit is not None:
                    hits[zk] = hit
        for zk, hit in hits.items():
            ps = mine.get(zk)
            if ps is None:
                ps = mine[zk] = _Pair()
            self._raise(self.index.zones[zk], ps, fix, hit, out)
        for zk, ps in list(mine.items()):
            if ps.predicted is not None and zk not in hits:
                ps.miss += 1
                if ps.miss >= self.p.clear_after:
                    z = self.index.zones[zk]
                    why = "entered" if ps.open else "no longer predicted"
                    if not ps.open:
                        out.append(
                            self._alert(
                                "cleared",
                                z,
                                fix,
                                fix.time,
                                {"reason": why, "predicted_id": ps.predicted["id"]},
                            )
                        )
                    ps.predicted = None
                    ps.miss = 0

    def _evaluate(
        self, z: Zone, proj: Projection, fix: Fix, refine: bool = True
    ) -> tuple[float, float, float, float] | None:
        """(time_to_entry, confidence, lat, lon) of the nominal member's entry, or None;
        ``refine``: time it with the exact crossing code on the projected path."""
        inside = z.contains(proj.lat.ravel(), proj.lon.ravel()).reshape(proj.lat.shape)
        if not inside[proj.nominal].any():
            return None
        fm, cm = z.margins(proj.alt_baro.ravel(), proj.alt_geo.ravel())
        with np.errstate(invalid="ignore"):
            vert = ~((fm < 0) | (cm < 0))  # NaN (unknown) counts as possibly inside
        ok = inside & vert.reshape(inside.shape)
        if not ok[proj.nominal].any():
            return None
        conf = float(ok.any(axis=1).mean())
        if conf < self.p.min_confidence:
            return None
        j = int(np.argmax(ok[proj.nominal]))
        tte = float(proj.t[j])
        lat, lon = float(proj.lat[proj.nominal, j]), float(proj.lon[proj.nominal, j])
        if not refine:
            return tte, conf, lat, lon
        try:
            sl = slice(0, j + 1)
            trk = Track.from_arrays(
                fix.icao24,
                time=np.concatenate([[fix.time], fix.time + proj.t[sl]]),
                lat=np.concatenate([[fix.lat], proj.lat[proj.nominal, sl]]),
                lon=np.concatenate([[fix.lon], proj.lon[proj.nominal, sl]]),
                alt_baro=np.concatenate([[fix.alt_baro], proj.alt_baro[proj.nominal, sl]]),
                alt_geo=np.concatenate([[fix.alt_geo], proj.alt_geo[proj.nominal, sl]]),
            )
            incs = [i for i in _incursions(trk, z) if not i.starts_inside]
            if incs:
                tte = incs[0].entry_time - fix.time
                lat, lon = incs[0].entry_point
        except ValueError:
            pass
        return tte, conf, lat, lon

    def _raise(
        self,
        z: Zone,
        ps: _Pair,
        fix: Fix,
        hit: tuple[float, float, float, float],
        out: list[Alert],
    ) -> None:
        tte, conf, lat, lon = hit
        ps.miss = 0
        info = {
            "time_to_entry_s": round(tte, 3),
            "predicted_entry_time": fix.time + tte,
            "confidence": round(conf, 3),
            "predicted_lat": lat,
            "predicted_lon": lon,
            "lookahead_s": self.p.lookahead_s,
        }
        if ps.predicted is None:
            a = self._alert("predicted", z, fix, fix.time, info)
            ps.predicted = {"id": a.id, **info}
            out.append(a)
        else:
            ps.predicted.update(info)
