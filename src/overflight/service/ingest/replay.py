"""Replay of a recorded feed file at a chosen speed: SBS-1 lines, or Beast binary.

The format is told from the first byte (``0x1a`` starts a Beast frame; otherwise text lines).
``speed`` is data seconds per wall second (1 = real time, 10 = ten times faster); ``speed <= 0``
or infinite replays as fast as possible, yielding to the event loop every few hundred messages.
SBS lines are paced on their own timestamps; Beast frames on their 12 MHz receiver clock,
placed in UTC from ``start_time`` (default: the wall clock when the replay starts).

>>> import tempfile, os, asyncio
>>> from overflight.service.ingest.sbs1 import format_sbs_line
>>> p = os.path.join(tempfile.mkdtemp(), "rec.sbs")
>>> _ = open(p, "w").write("\\n".join(
...     format_sbs_line(3, "abc123", 100.0 + i, alt_ft=1000, lat=50.0, lon=8.0 + i / 1000)
...     for i in range(3)) + "\\n")
>>> feed = ReplayFeed(p, speed=0)
>>> feed.fast, feed.name
(True, 'replay:rec.sbs')
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from os import PathLike
from pathlib import Path

from ..fix import Fix
from .feed import FeedStatus
from .sbs1 import LineSplitter, SbsDecoder

__all__ = ["ReplayFeed"]


class ReplayFeed:
    kind = "replay"

    def __init__(
        self,
        path: str | PathLike[str],
        speed: float = 1.0,
        *,
        name: str | None = None,
        start_time: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.speed = speed
        self.name = name or f"replay:{self.path.name}"
        self.status = FeedStatus(self.name, self.kind, str(self.path))
        self.start_time = start_time

    @property
    def fast(self) -> bool:
        return not (self.speed > 0 and math.isfinite(self.speed))

    async def _pace(self, t: float, origin: list[float]) -> None:
        if self.fast:
            return
        if not origin:
            origin.extend([t, time.monotonic()])
            return
        due = origin[1] + (t - origin[0]) / self.speed
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def run(self, sink: Callable[[Fix], None]) -> None:
        data = self.path.read_bytes()
        self.status.state = "connected"
        self.status.connects = 1
        self.status.bytes = len(data)
        if data[:1] == b"\x1a":
            await self._run_beast(data, sink)
        else:
            await self._run_sbs(data, sink)
        self.status.state = "done"

    async def _run_sbs(self, data: bytes, sink: Callable[[Fix], None]) -> None:
        dec = SbsDecoder(feed=self.name)
        split = LineSplitter()
        origin: list[float] = []
        st = self.status
        for n, line in enumerate(split.feed(data + b"\n"), 1):
            fix = dec.line(line, time.time())
            if fix is not None:
                await self._pace(fix.time, origin)
                fix.received = time.time()
                st.last_message_time = fix.time
                st.last_message_wall = fix.received
                sink(fix)
            c = dec.counts
            st.messages, st.positions, st.malformed, st.other = (
                c["lines"],
                c["positions"],
                c["malformed"],
                c["other"],
            )
            if self.fast and n % 500 == 0:
                await asyncio.sleep(0)
        st.last_error = dec.last_error

    async def _run_beast(self, data: bytes, sink: Callable[[Fix], None]) -> None:
        from .beast import BeastFramer, ModeSDecoder

        framer = BeastFramer()
        dec = ModeSDecoder(feed=self.name)
        origin: list[float] = []
        base = self.start_time if self.start_time is not None else time.time()
        t_first: float | None = None
        st = self.status
        for n, frame in enumerate(framer.feed(data), 1):
            if t_first is None:
                t_first = frame.clock
            t = base + (frame.clock - t_first)
            fix = dec.message(frame.hex, t)
            if fix is not None:
                await self._pace(t, origin)
                fix.received = time.time()
                st.last_message_time = fix.time
                st.last_message_wall = fix.received
                sink(fix)
            st.messages, st.positions, st.malformed = (
                dec.counts["messages"],
                dec.counts["positions"],
                dec.counts["malformed"] + framer.bad,
            )
            if self.fast and n % 500 == 0:
                await asyncio.sleep(0)
