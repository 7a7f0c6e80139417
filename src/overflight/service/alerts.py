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
  once, with ``time_to_entry_s`` (timed between projection samples on the zone's local-plane
  shape, to 1/16 s: :mod:`.forecast`) and the confidence. Later evaluations update it
  silently. Due predictions can be queued and flown for many aircraft at once
  (:mod:`.prediction`).
* **cleared**: a raised prediction that fails ``clear_after`` consecutive evaluations (or whose
  aircraft expires) is withdrawn. An entry fulfils it silently.

* **restart**: entries without an exit in the store are reopened (:mod:`.restore`), so an
  aircraft still inside after a restart gets no second entry.

Alert ids are deterministic: a hash of icao24, zone key, kind and event time (ms).

>>> alert_id("4ca2d6", "R1", "entry", 1_700_000_000.1234)
'9af3843905755d61da69b46f'
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from .alertcore import Alert, AlertParameters, Due, PairState, alert_id, fixes_track, incursions
from .fix import Fix
from .predict import kinematics
from .prediction import PredictMixin
from .restore import RestoreMixin
from .tracker import AircraftState, haversine_m
from .zones import Zone

__all__ = ["KINDS", "Alert", "AlertEngine", "AlertParameters", "alert_id"]


Kind = Literal["predicted", "entry", "exit", "cleared"]
KINDS: tuple[str, ...] = ("predicted", "entry", "exit", "cleared")


class AlertEngine(PredictMixin, RestoreMixin):
    """Turns each accepted fix into alerts (see the module docstring)."""

    # -- public ---------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Predictions queued by ``process(..., defer=True)``, waiting for :meth:`flush`."""
        return len(self._due)

    def process(self, st: AircraftState, *, defer: bool = False) -> list[Alert]:
        """Alerts caused by the newest fix of ``st``. With ``defer``, its prediction (when one
        is due) is queued for :meth:`flush`, which flies all queued ones together; a queued
        prediction also runs before its aircraft's next fix, so every aircraft sees the same
        sequence of steps as without ``defer``."""
        fix = st.fixes[-1]
        out: list[Alert] = []
        due = self._due.pop(fix.icao24, None)
        if due is not None:
            self._predict_many([due], out)
        if fix.icao24 in self._restored:
            self._settle_restored(fix)
        prev = st.fixes[-2] if len(st.fixes) > 1 else None
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
                ps = mine[k] = PairState()
            self._step(self.index.zones[k], ps, prev, fix, seg, out)
        if self._next_predict.get(fix.icao24, -math.inf) <= fix.time:
            self._next_predict[fix.icao24] = fix.time + self.p.predict_every_s
            d = Due(fix, kinematics(st.fixes) if not fix.on_ground else None, ks)
            if defer:
                self._due[fix.icao24] = d
            else:
                self._predict_many([d], out)
        else:
            self._forget_idle(fix.icao24, ks)
        self.counts["alerts"] += len(out)
        return out

    def flush(self) -> list[Alert]:
        """Run every queued prediction, in one vectorised pass over their candidate zones."""
        if not self._due:
            return []
        items = list(self._due.values())
        self._due.clear()
        out: list[Alert] = []
        self._predict_many(items, out)
        self.counts["alerts"] += len(out)
        return out

    def expire(self, st: AircraftState) -> list[Alert]:
        """Close everything of an aircraft that went silent."""
        out: list[Alert] = []
        due = self._due.pop(st.icao24, None)
        if due is not None:
            self._predict_many([due], out)
        self._restored.discard(st.icao24)
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
    def _step(
        self, z: Zone, ps: PairState, prev: Fix | None, fix: Fix, seg: float, out: list[Alert]
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
                if ps.open and ps.pending is None:  # a restored incursion, now outside
                    ps.pending = (fix.time, fix.lat, fix.lon)
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

    def _exact(self, z: Zone, ps: PairState, prev: Fix, fix: Fix, out: list[Alert]) -> None:
        self.counts["exact_checks"] += 1
        incs = incursions(fixes_track([prev, fix], fix.icao24), z)
        inside = ps.inside
        # a restored incursion first seen near the boundary: still inside at prev?
        if (
            inside is None
            and ps.open
            and ps.pending is None
            and not (incs and incs[0].starts_inside)
        ):
            ps.pending = (prev.time, prev.lat, prev.lon)
            inside = False
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
        ps: PairState,
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
