"""Open incursions restored from the store after a restart (see :meth:`RestoreMixin.restore`).

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> from overflight.service.zones import ZoneIndex
>>> zone = Airspace("R1", "R", (Polygon(Circle(50.0, 8.0, 5_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> class E(RestoreMixin):
...     pass
>>> e = E(ZoneIndex([zone]))
>>> e.restore([{"id": "e1", "icao24": "abc123", "airspace": "R1", "event_time": 100.0,
...             "fix_time": 100.5, "lat": 50.0, "lon": 8.0, "alt_m": 900.0,
...             "callsign": None, "details": {"starts_inside": False, "vertical": "inside"}}])
1
>>> [a.kind for a in e.expire_restored(now=200.0, stale_s=60.0)]
['exit']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .alertcore import Alert, EngineCore, PairState
from .fix import Fix

__all__ = ["RestoreMixin"]


class RestoreMixin(EngineCore):
    """Restoration of open incursions for :class:`~overflight.service.alerts.AlertEngine`."""

    def restore(self, rows: Iterable[dict[str, Any]]) -> int:
        """Reopen incursions from the store (entry alerts without an exit, as
        :meth:`~overflight.service.store.AlertStore.open_incursions` gives them) after a
        restart, so that an aircraft still inside goes on with its incursion instead of getting
        a new entry. At the aircraft's first fix: a fix not after the entry's own fix means the
        feed re-delivers older data (a replay), so the restored state is dropped and the same
        alerts are re-derived (and ignored by the store); otherwise the incursion continues, and
        an aircraft heard outside exits at its first fix known outside (``details.restored``).
        One never heard again exits as lost at the entry's fix (:meth:`expire_restored`).
        Returns the number restored."""
        n = 0
        for r in rows:
            k = self.index.by_key.get(r["airspace"])
            if k is None:
                continue
            det = r.get("details") or {}
            alt = r.get("alt_m")
            ps = PairState(
                inside=None,
                entry_time=float(r["event_time"]),
                entry_id=r["id"],
                starts_inside=bool(det.get("starts_inside", False)),
                vertical=str(det.get("vertical", "inside")),
                restored=Fix(
                    r["icao24"],
                    float(r["fix_time"]),
                    float(r["lat"]),
                    float(r["lon"]),
                    alt_baro=math.nan if alt is None else float(alt),
                    callsign=r.get("callsign"),
                ),
            )
            self.pairs.setdefault(r["icao24"], {})[k] = ps
            self._restored.add(r["icao24"])
            n += 1
        self.counts["restored"] += n
        return n

    def expire_restored(self, now: float, stale_s: float) -> list[Alert]:
        """Exits (lost) of restored incursions whose aircraft has not been heard since the
        restart and whose entry fix is more than ``stale_s`` before data time ``now``."""
        out: list[Alert] = []
        for icao in sorted(self._restored):
            mine = self.pairs.get(icao, {})
            fixes = [ps.restored for ps in mine.values() if ps.restored is not None]
            if fixes and now - max(f.time for f in fixes) <= stale_s:
                continue
            self._restored.discard(icao)
            for k, ps in sorted(mine.items()):
                last = ps.restored
                if last is None or not ps.open:
                    continue
                ps.pending = (last.time, last.lat, last.lon)
                self._exit(self.index.zones[k], ps, last, out, lost=True)
            self.pairs.pop(icao, None)
        self.counts["alerts"] += len(out)
        return out

    def _settle_restored(self, fix: Fix) -> None:
        self._restored.discard(fix.icao24)
        mine = self.pairs.get(fix.icao24, {})
        for k, ps in list(mine.items()):
            if ps.restored is not None and fix.time <= ps.restored.time:
                mine[k] = PairState()  # older data again: re-derive from scratch
