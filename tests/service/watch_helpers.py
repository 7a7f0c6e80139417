"""Helpers for the watch-service tests (imported by the test modules): a fake feed server on
127.0.0.1, the service run in a thread (uvicorn on a free loopback port), BaseStation lines
written from real tracks."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

FT = 0.3048


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sbs_line(kind: int, icao: str, t: float, **f: Any) -> str:
    """A BaseStation MSG line written here, independently of the code under test."""
    ms = round(t * 1000)
    tm = time.gmtime(ms // 1000)
    date = time.strftime("%Y/%m/%d", tm)
    clock = time.strftime("%H:%M:%S", tm) + f".{ms % 1000:03d}"

    def v(key: str, fmt: str) -> str:
        x = f.get(key)
        return "" if x is None or x != x else format(x, fmt)

    return ",".join(
        [
            "MSG",
            str(kind),
            "111",
            "11111",
            icao.upper(),
            "111111",
            date,
            clock,
            date,
            clock,
            f.get("callsign") or "",
            v("alt_ft", ".0f"),
            v("gs", ".1f"),
            v("track", ".1f"),
            v("lat", ".6f"),
            v("lon", ".6f"),
            v("vrate", ".0f"),
            "",
            "0",
            "0",
            "0",
            "0",
        ]
    )


def track_lines(track: Any, icao: str | None = None, callsign: str | None = None) -> list[str]:
    """MSG,1 (callsign) then one MSG,3 per fix (altitude in feet from alt_baro)."""
    icao = icao or track.id
    out = []
    if callsign or track.callsign:
        out.append(
            sbs_line(1, icao, float(track.time[0]) - 0.5, callsign=callsign or track.callsign)
        )
    for t, la, lo, ab in zip(track.time, track.lat, track.lon, track.alt_baro, strict=True):
        out.append(
            sbs_line(
                3,
                icao,
                float(t),
                lat=float(la),
                lon=float(lo),
                alt_ft=float(ab) / FT if ab == ab else None,
            )
        )
    return out


class FakeFeed:
    """A TCP server on 127.0.0.1 that plays one script per connection: a list of byte chunks,
    ``None`` meaning "close the connection here" (the rest of that script is dropped), a
    ``threading.Event`` meaning "wait until it is set"."""

    def __init__(self, scripts: list[list[Any]], pause: float = 0.0) -> None:
        self.scripts = scripts
        self.pause = pause
        self.connections = 0
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                k = outer.connections
                outer.connections += 1
                script = outer.scripts[k] if k < len(outer.scripts) else []
                for chunk in script:
                    if chunk is None:
                        return
                    if isinstance(chunk, threading.Event):
                        chunk.wait(30.0)
                        continue
                    try:
                        self.request.sendall(chunk)
                    except OSError:
                        return
                    if outer.pause:
                        time.sleep(outer.pause)
                # keep the connection open (a live feed that goes quiet)
                while not outer.closed.is_set():
                    time.sleep(0.05)

        self.closed = threading.Event()
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeFeed:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running(cfg: Any) -> Iterator[tuple[str, Any]]:
    """Run the service of ``cfg`` (a WatchConfig) in a thread; yields (base url, app)."""
    import uvicorn

    from overflight.service.serve import build

    port = free_port()
    cfg.http = f"127.0.0.1:{port}"
    app, host, port = build(cfg, warn=lambda m: None)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
        )
    )
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    wait_for(lambda: server.started, 20.0, "server start")
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        th.join(20.0)
        app.state.store.close()


def wait_for(cond: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll ``cond`` until it is truthy (a wait, not a timing assertion)."""
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def get(url: str, **params: Any) -> Any:
    r = httpx.get(url, params=params, timeout=10.0)
    r.raise_for_status()
    return r.json()


R_EARTH = 6_371_008.8


def fly(
    icao: str,
    t0: float,
    lat: float,
    lon: float,
    track: float,
    gs: float,
    alt_ft: float,
    seconds: int,
    turn: Callable[[float], float] | None = None,
    callsign: str | None = None,
) -> list[tuple[float, str]]:
    """A synthetic flight, one MSG,3 and one MSG,4 per second: (time, line) pairs. Motion on
    the sphere by the test's own small steps; ``turn(t)`` gives the turn rate (deg/s)."""
    import math

    out = []
    if callsign:
        out.append((t0 - 0.5, sbs_line(1, icao, t0 - 0.5, callsign=callsign)))
    for k in range(seconds):
        t = t0 + k
        out.append((t, sbs_line(3, icao, t, lat=lat, lon=lon, alt_ft=alt_ft)))
        out.append((t + 0.2, sbs_line(4, icao, t + 0.2, gs=gs / 0.514444, track=track, vrate=0)))
        w = turn(k) if turn else 0.0
        for _ in range(10):  # 0.1 s steps
            d = gs * 0.1 / R_EARTH
            th = math.radians(track)
            lat += math.degrees(d * math.cos(th))
            lon += math.degrees(d * math.sin(th) / math.cos(math.radians(lat)))
            track = (track + w * 0.1) % 360.0
    return out


def run_async(coro: Any) -> Any:
    """Run a coroutine to completion in a fresh thread (the session's Playwright browser may
    own this thread's event loop)."""
    import asyncio

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["v"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller
            box["e"] = exc

    th = threading.Thread(target=target)
    th.start()
    th.join()
    if "e" in box:
        raise box["e"]
    return box.get("v")
