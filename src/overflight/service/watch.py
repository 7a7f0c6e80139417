"""The running service: feeds -> tracker -> alert engine -> store -> live clients and hook.

Everything runs in one asyncio event loop. A fix is processed synchronously where its message
is decoded (no queue between ingest and alerts, so nothing piles up); alerts are committed to
the store as soon as they arise and only then published to live clients and the hook, both
through bounded queues that never block. Predictions due while a received chunk is being
decoded are flown together right after it (:meth:`Watch.flush`, scheduled with
``loop.call_soon``; at most ``max_pending`` wait). Aircraft positions are published once a
second as one ``aircraft`` event. At start, open incursions are restored from the store
(:meth:`~overflight.service.alerts.AlertEngine.restore`).

>>> import tempfile, os
>>> from overflight.service.alerts import AlertEngine
>>> from overflight.service.store import AlertStore
>>> from overflight.service.tracker import Tracker
>>> from overflight.service.zones import ZoneIndex
>>> from overflight.service.fix import Fix
>>> w = Watch(AlertStore(os.path.join(tempfile.mkdtemp(), "a.sqlite")), Tracker(),
...           AlertEngine(ZoneIndex([])))
>>> w.on_fix(Fix("abc123", 0.0, 50.0, 8.0))
>>> w.counts["fixes"], len(w.tracker.aircraft)
(1, 1)
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from typing import Any, Protocol

from .alerts import Alert, AlertEngine
from .archive import FixArchive
from .broadcast import Broadcaster
from .fix import Fix
from .hooks import AlertHook
from .ingest.feed import FeedStatus
from .store import AlertStore
from .tracker import AircraftState, Tracker

__all__ = ["Feed", "Watch", "aircraft_dict"]

log = logging.getLogger("overflight.watch")


class Feed(Protocol):
    name: str
    status: FeedStatus

    async def run(self, sink: Any) -> None: ...


def _num(v: float) -> float | None:
    return None if v != v else round(v, 6)


def aircraft_dict(st: AircraftState) -> dict[str, Any]:
    f = st.last
    return {
        "icao24": st.icao24,
        "callsign": st.callsign,
        "time": f.time,
        "lat": round(f.lat, 6),
        "lon": round(f.lon, 6),
        "alt_baro_m": _num(f.alt_baro),
        "alt_geo_m": _num(f.alt_geo),
        "gs_ms": _num(f.gs),
        "track_deg": _num(f.track),
        "vrate_ms": _num(f.vrate),
        "on_ground": f.on_ground,
        "feed": f.feed,
        "messages": st.accepted,
    }


class Watch:
    """Glue and lifecycle (see the module docstring)."""

    def __init__(
        self,
        store: AlertStore,
        tracker: Tracker,
        engine: AlertEngine,
        *,
        feeds: list[Feed] | None = None,
        broadcaster: Broadcaster | None = None,
        hook: AlertHook | None = None,
        archive: FixArchive | None = None,
        publish_every_s: float = 1.0,
        expire_every_s: float = 5.0,
        max_pending: int = 256,
    ) -> None:
        self.store = store
        self.tracker = tracker
        self.engine = engine
        self.feeds: list[Feed] = list(feeds or [])
        self.broadcaster = broadcaster or Broadcaster()
        self.hook = hook or AlertHook()
        self.archive = archive
        self.publish_every_s = publish_every_s
        self.expire_every_s = expire_every_s
        self.time_scale = 1.0  # data seconds per wall second, for expiry when feeds fall silent
        self.counts = {"fixes": 0, "rejected": 0, "alerts": 0, "errors": 0}
        self.defer = False  # queue due predictions for flush() (set by start())
        self.max_pending = max_pending
        self._loop: asyncio.AbstractEventLoop | None = None
        self._flush_scheduled = False
        self.latency: list[float] = []  # message arrival -> alert committed (s), recent
        self._dirty: set[str] = set()
        self._gone: set[str] = set()
        self._next_expire = -math.inf
        self._last_fix_mono = time.monotonic()
        self.started = time.time()
        self.running = False
        self._tasks: list[asyncio.Task[Any]] = []
        self.counts["restored"] = engine.restore(store.open_incursions())

    # -- processing -------------------------------------------------------------------------
    def on_fix(self, fix: Fix) -> None:
        """Process one fix now (called by the feeds)."""
        self.counts["fixes"] += 1
        self._last_fix_mono = time.monotonic()
        try:
            st = self.tracker.update(fix)
            if st is None:
                self.counts["rejected"] += 1
                return
            if self.archive is not None:
                self.archive.add(fix)
            self._dirty.add(fix.icao24)
            alerts = self.engine.process(st, defer=self.defer)
            if alerts:
                self.emit(alerts)
            if self.engine.pending:
                if self.engine.pending >= self.max_pending:
                    self.flush()
                elif self._loop is not None and not self._flush_scheduled:
                    self._flush_scheduled = True
                    self._loop.call_soon(self.flush)
            if self.tracker.now >= self._next_expire:
                self._next_expire = self.tracker.now + self.expire_every_s
                self.expire(self.tracker.now)
        except Exception:  # a bug must not stop the feed: count it, log it
            self.counts["errors"] += 1
            log.exception("error processing fix of %s", fix.icao24)

    def flush(self) -> None:
        """Fly the queued predictions (all at once) and commit their alerts."""
        self._flush_scheduled = False
        try:
            alerts = self.engine.flush()
            if alerts:
                self.emit(alerts)
        except Exception:
            self.counts["errors"] += 1
            log.exception("error in the batched predictions")

    def expire(self, now: float) -> None:
        gone = self.engine.expire_restored(now, self.tracker.stale_s)
        if gone:
            self.emit(gone)
        for st in self.tracker.expire(now):
            self._gone.add(st.icao24)
            self._dirty.discard(st.icao24)
            alerts = self.engine.expire(st)
            if alerts:
                self.emit(alerts)

    def emit(self, alerts: list[Alert]) -> None:
        """Commit, then announce the alerts that are new."""
        new = self.store.add(alerts)
        now = time.time()
        for a in new:
            self.counts["alerts"] += 1
            if a.received == a.received:
                self.latency.append(now - a.received)
                if len(self.latency) > 10_000:
                    del self.latency[:5_000]
            d = self.store_row(a)
            self.broadcaster.publish("alert", json.dumps(d))
            self.hook.submit(d)

    def store_row(self, a: Alert) -> dict[str, Any]:
        from .store import _clean

        return _clean(a.to_dict())  # type: ignore[no-any-return]

    # -- periodic ---------------------------------------------------------------------------
    def publish_aircraft(self) -> None:
        if not self._dirty and not self._gone:
            return
        acs = self.tracker.aircraft
        items = []
        for icao in self._dirty:
            st = acs.get(icao)
            if st is not None and st.fixes:
                d = aircraft_dict(st)
                d.update(self.engine.state_of(icao))
                items.append(d)
        msg = {"aircraft": items, "gone": sorted(self._gone), "now": self.tracker.now}
        self._dirty.clear()
        self._gone.clear()
        self.broadcaster.publish("aircraft", json.dumps(msg))

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(self.publish_every_s)
            try:
                self.publish_aircraft()
                if self.archive is not None and self.archive.due():
                    await asyncio.to_thread(self.archive.flush)
                silent = time.monotonic() - self._last_fix_mono
                if math.isfinite(self.time_scale) and silent > self.expire_every_s:
                    self.expire(self.tracker.now + silent * self.time_scale)
            except Exception:
                self.counts["errors"] += 1
                log.exception("error in the periodic task")

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        self.running = True
        loop = asyncio.get_running_loop()
        self._loop, self.defer = loop, True
        for f in self.feeds:
            self._tasks.append(loop.create_task(self._run_feed(f), name=f.name))
        self._tasks.append(loop.create_task(self._ticker(), name="ticker"))
        if self.hook.enabled:
            self._tasks.append(loop.create_task(self.hook.run(), name="hook"))

    async def _run_feed(self, f: Feed) -> None:
        try:
            await f.run(self.on_fix)
            f.status.state = "done"
        except asyncio.CancelledError:
            f.status.state = "stopped"
            raise
        except Exception as exc:
            f.status.state = "failed"
            f.status.last_error = str(exc)
            log.exception("feed %s failed", f.name)

    async def stop(self) -> None:
        self.running = False
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        self.flush()
        self._loop, self.defer = None, False
        self.publish_aircraft()
        if self.archive is not None:
            self.archive.flush()

    def health(self) -> dict[str, Any]:
        lat = sorted(self.latency[-2000:])

        def pct(p: float) -> float | None:
            return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else None

        up = max(time.time() - self.started, 1e-9)
        return {
            "status": "ok" if self.running else "stopped",
            "uptime_s": up,
            "feeds": [f.status.to_dict() for f in self.feeds],
            "counters": {
                **self.counts,
                "fix_rate": self.counts["fixes"] / up,
                "tracker": dict(self.tracker.counts),
                "engine": dict(self.engine.counts),
                "aircraft": len(self.tracker.aircraft),
                "data_time": self.tracker.now if math.isfinite(self.tracker.now) else None,
                "store": {
                    "alerts": self.store.count(),
                    "inserted": self.store.inserted,
                    "duplicates_ignored": self.store.ignored,
                },
                "stream": self.broadcaster.stats(),
                "hook": self.hook.stats(),
                "archive": None
                if self.archive is None
                else {"files": self.archive.files, "rows": self.archive.rows},
                "zones": len(self.engine.index),
            },
            "alert_latency_s": {"p50": pct(0.5), "p99": pct(0.99), "n": len(lat)},
        }
