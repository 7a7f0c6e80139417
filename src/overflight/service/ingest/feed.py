"""Feed status and the resilient TCP client every stream input uses.

:func:`run_tcp` connects to ``host:port``, hands every received chunk to ``on_data`` and, when
the connection fails or drops, calls ``on_disconnect`` (which drops an unfinished line or frame)
and reconnects after an exponential backoff (``backoff_min`` doubling up to ``backoff_max``,
reset after a connection that delivered data). It runs until cancelled.

>>> s = FeedStatus("sbs", "sbs1", "127.0.0.1:30003")
>>> s.to_dict()["state"]
'starting'
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FeedStatus", "parse_hostport", "run_tcp"]


@dataclass
class FeedStatus:
    """What one input is doing: connection state, counters, last message times."""

    name: str
    kind: str
    target: str
    state: str = "starting"  # starting | connecting | connected | backoff | done | stopped
    connects: int = 0
    failures: int = 0
    disconnects: int = 0
    bytes: int = 0
    messages: int = 0
    positions: int = 0
    malformed: int = 0
    partial: int = 0
    other: int = 0
    last_error: str | None = None
    last_message_wall: float | None = None
    last_message_time: float | None = None  # data time of the latest fix
    next_retry_s: float | None = None
    started: float = field(default_factory=time.time)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        now = time.time()
        up = max(now - self.started, 1e-9)
        return {
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "state": self.state,
            "connects": self.connects,
            "failures": self.failures,
            "disconnects": self.disconnects,
            "bytes": self.bytes,
            "messages": self.messages,
            "positions": self.positions,
            "malformed": self.malformed,
            "partial": self.partial,
            "other": self.other,
            "message_rate": self.messages / up,
            "last_error": self.last_error,
            "last_message_age_s": None
            if self.last_message_wall is None
            else now - self.last_message_wall,
            "lag_s": None
            if self.last_message_time is None or self.last_message_wall is None
            else self.last_message_wall - self.last_message_time,
            "next_retry_s": self.next_retry_s,
            **self.extra,
        }


def parse_hostport(text: str, default_port: int | None = None) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too) -> (host, port); raises ValueError.

    >>> parse_hostport("127.0.0.1:30003"), parse_hostport("[::1]:30005")
    (('127.0.0.1', 30003), ('::1', 30005))
    """
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_s = rest.lstrip(":")
    else:
        host, sep, port_s = text.rpartition(":")
        if not sep:
            host, port_s = text, ""
    if not port_s:
        if default_port is None:
            raise ValueError(f"{text!r}: expected host:port")
        return host or "127.0.0.1", default_port
    try:
        port = int(port_s)
    except ValueError:
        raise ValueError(f"{text!r}: port {port_s!r} is not a number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{text!r}: port {port} out of range")
    return host or "127.0.0.1", port


async def run_tcp(
    host: str,
    port: int,
    status: FeedStatus,
    on_data: Callable[[bytes], None],
    on_disconnect: Callable[[], None],
    *,
    backoff_min: float = 0.5,
    backoff_max: float = 30.0,
    connect_timeout: float = 10.0,
    chunk: int = 16384,
) -> None:
    """Read ``host:port`` forever with reconnect and exponential backoff (until cancelled).

    ``chunk``: the largest read. A read hands over whatever has arrived, up to this much, so
    under load it bounds the work done before the loop turns (and alerts of the chunk's
    queued predictions are committed): 16 KB is about 170 BaseStation lines."""
    delay = backoff_min
    while True:
        status.state = "connecting"
        got_data = False
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), connect_timeout
            )
        except (TimeoutError, OSError) as exc:
            status.failures += 1
            status.last_error = f"connect: {exc or type(exc).__name__}"
        else:
            status.connects += 1
            status.state = "connected"
            status.next_retry_s = None
            try:
                while True:
                    data = await reader.read(chunk)
                    if not data:
                        break
                    got_data = True
                    status.bytes += len(data)
                    on_data(data)
            except OSError as exc:
                status.last_error = f"read: {exc}"
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            status.disconnects += 1
            on_disconnect()
        if got_data:
            delay = backoff_min
        status.state = "backoff"
        status.next_retry_s = delay
        await asyncio.sleep(delay)
        delay = min(delay * 2.0, backoff_max)
