"""Assemble and run the watch service from plain options (what ``overflight watch`` calls).

>>> cfg = WatchConfig(airspace=[], sbs=["127.0.0.1:30003"])
>>> cfg.http, cfg.lookahead
('127.0.0.1:8080', 120.0)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OverflightError
from .alerts import AlertEngine, AlertParameters
from .archive import FixArchive
from .broadcast import Broadcaster
from .hooks import AlertHook
from .ingest.feed import parse_hostport
from .store import AlertStore
from .tracker import Tracker
from .watch import Feed, Watch
from .zones import ZoneIndex

__all__ = ["WatchConfig", "build", "serve"]

MAX_SPEED_FOR_REACH = 350.0  # m/s: how far ahead zones are indexed


@dataclass
class WatchConfig:
    airspace: list[Path]
    sbs: list[str] = field(default_factory=list)
    beast: list[str] = field(default_factory=list)
    aircraft_json: list[str] = field(default_factory=list)
    replay: Path | None = None
    replay_speed: float = 1.0
    db: Path = Path("alerts.sqlite")
    http: str = "127.0.0.1:8080"
    token: str | None = None
    lookahead: float = 120.0
    archive: Path | None = None
    hook_command: str | None = None
    hook_url: str | None = None
    stale_s: float = 60.0
    poll_s: float = 1.0
    stream_queue: int = 256
    publish_every_s: float = 1.0


class ConfigError(OverflightError):
    """Options that cannot work together."""


def build(cfg: WatchConfig, warn: Callable[[str], None] = print) -> tuple[Any, str, int]:
    """Read the airspaces, open the store, set up feeds; returns ``(app, host, port)``."""
    from ..formats import read_airspaces
    from .api.app import create_app, is_local

    host, port = parse_hostport(cfg.http, 8080)
    if not is_local(host) and not cfg.token:
        raise ConfigError(
            f"--http {cfg.http}: binding to a non-loopback address needs --token "
            "(clients then send 'Authorization: Bearer <token>')"
        )
    if not (cfg.sbs or cfg.beast or cfg.aircraft_json or cfg.replay):
        raise ConfigError("no input: give --sbs, --beast, --aircraft-json or --replay")
    if not cfg.lookahead > 0:
        raise ConfigError("--lookahead must be > 0 seconds")
    airspaces = []
    for p in cfg.airspace:
        found, problems = read_airspaces(p)
        for e in problems:
            warn(f"warning: {e}")
        airspaces.extend(found)
    if not airspaces:
        warn("warning: no airspaces to watch; aircraft are tracked but no alert can arise")
    index = ZoneIndex(airspaces, reach_m=cfg.lookahead * MAX_SPEED_FOR_REACH + 5_000.0)
    for w in index.skipped:
        warn(f"warning: {w}")
    feeds: list[Feed] = []
    from .ingest.sbs1 import SbsFeed

    for s in cfg.sbs:
        h, p_ = parse_hostport(s, 30003)
        feeds.append(SbsFeed(h, p_))
    if cfg.beast:
        from .ingest.beast import BeastFeed

        for s in cfg.beast:
            h, p_ = parse_hostport(s, 30005)
            feeds.append(BeastFeed(h, p_))
    if cfg.aircraft_json:
        from .ingest.aircraft_json import AircraftJsonFeed

        for url in cfg.aircraft_json:
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"--aircraft-json {url}: expected an http:// or https:// URL")
            feeds.append(AircraftJsonFeed(url, cfg.poll_s))
    tracker = Tracker(stale_s=cfg.stale_s)
    store = AlertStore(cfg.db)
    engine = AlertEngine(index, AlertParameters(lookahead_s=cfg.lookahead))
    watch = Watch(
        store,
        tracker,
        engine,
        feeds=feeds,
        hook=AlertHook(command=cfg.hook_command, url=cfg.hook_url),
        archive=FixArchive(cfg.archive) if cfg.archive else None,
        broadcaster=Broadcaster(cfg.stream_queue),
        publish_every_s=cfg.publish_every_s,
    )
    if cfg.replay is not None:
        from .ingest.replay import ReplayFeed

        rf = ReplayFeed(cfg.replay, cfg.replay_speed)
        watch.feeds.append(rf)
        watch.time_scale = cfg.replay_speed if not rf.fast else float("inf")
    app = create_app(store, tracker, watch, token=cfg.token, host=host)
    return app, host, port


def serve(cfg: WatchConfig, warn: Callable[[str], None] = print) -> None:
    """Build and run until SIGTERM/SIGINT (uvicorn's handlers; the lifespan stops ingest,
    flushes the archive and closes the store cleanly)."""
    import uvicorn

    app, host, port = build(cfg, warn)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=3,
    )
    server = _Server(config)
    try:
        server.run()
    finally:
        app.state.store.close()
    w = app.state.watch
    warn(f"stopped cleanly: {w.counts['fixes']} fixes, {w.counts['alerts']} new alerts")


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):  # type: ignore[misc]
        """uvicorn's server, but SIGTERM/SIGINT end in exit status 0 after the graceful
        shutdown (uvicorn re-raises the signal, which makes a clean stop look killed)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            old = {s: signal.signal(s, self.handle_exit) for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for s, h in old.items():
                    signal.signal(s, h)

    return Server


def _Server(config: Any) -> Any:
    return _server_class()(config)
