"""Predicted and cleared alerts: the engine's predictions, flown for many aircraft at once.

Due predictions (one per aircraft every ``predict_every_s``) are tested together: the nominal
member of every aircraft's projection is flown in one array, and every (aircraft, nearby zone)
pair is tested against the zone's cap in one vectorised pass
(:meth:`~overflight.service.zones.ZoneIndex.on_paths`). Only zones that the nominal path meets
get the nine-member ensemble test of :func:`~overflight.service.forecast.evaluate`.

>>> from overflight.service.zones import ZoneIndex
>>> class E(PredictMixin):
...     pass
>>> e = E(ZoneIndex([]))
>>> e.counts["predictions"]
0
"""

from __future__ import annotations

import numpy as np

from .alertcore import Alert, Due, EngineCore, PairState
from .fix import Fix
from .forecast import Hit, evaluate
from .predict import Projection, ensemble, nominal_units
from .zones import Zone

__all__ = ["PredictMixin"]


class PredictMixin(EngineCore):
    """Predictions of :class:`~overflight.service.alerts.AlertEngine`."""

    def _predict_many(self, items: list[Due], out: list[Alert]) -> None:
        live = [d for d in items if d.k is not None and d.k.gs > 1.0]
        cands: dict[int, np.ndarray] = {}
        if live:
            self.counts["predictions"] += len(live)
            look = self.p.lookahead_s
            kin = [d.k for d in live if d.k is not None]
            reach = np.minimum(
                np.array([k.gs for k in kin]) * 1.1 * look + 2_000.0, self.index.reach_m
            )
            # zones within reach whose cap the nominal member's path meets (it must enter)
            found = self.index.on_paths(
                np.array([k.lat for k in kin]),
                np.array([k.lon for k in kin]),
                reach,
                nominal_units(kin, look),
            )
            cands = {id(d): c for d, c in zip(live, found, strict=True)}
        for d in items:
            self._predict(d, cands.get(id(d)), out)
            self._forget_idle(d.fix.icao24, d.ks)

    def _forget_idle(self, icao24: str, keep: set[int]) -> None:
        mine = self.pairs.get(icao24)
        if mine:
            for k in [k for k, ps in mine.items() if ps.idle() and k not in keep]:
                del mine[k]

    def _predict(self, d: Due, cand: np.ndarray | None, out: list[Alert]) -> None:
        fix, k = d.fix, d.k
        mine = self.pairs.get(fix.icao24)
        hits: dict[int, Hit] = {}
        if k is not None and cand is not None:
            proj: Projection | None = None
            for zk in cand.tolist():
                ps = mine.get(zk) if mine is not None else None
                if ps is not None and (ps.open or ps.inside):
                    continue
                z = self.index.zones[zk]
                if proj is None:
                    proj = ensemble(k, self.p.lookahead_s)
                fine = ps is None or ps.predicted is None
                hit = evaluate(z, proj, fix, self.p.min_confidence, fine)
                if hit is not None:
                    hits[zk] = hit
        if not hits and not mine:
            return
        if mine is None:
            mine = self.pairs.setdefault(fix.icao24, {})
        for zk, hit in hits.items():
            ps = mine.get(zk)
            if ps is None:
                ps = mine[zk] = PairState()
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

    def _raise(
        self,
        z: Zone,
        ps: PairState,
        fix: Fix,
        hit: Hit,
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
