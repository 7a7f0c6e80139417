"""Fan-out of events to live clients through bounded queues that never block the producer.

Each subscriber has a queue of at most ``maxsize`` events. When it is full (a slow or stuck
client), the *oldest* queued event is dropped to make room, and the drop is counted for that
client and in total. Clients that need every alert re-read ``/api/alerts?after_seq=``.

>>> b = Broadcaster(maxsize=2)
>>> q = b.subscribe()
>>> for i in range(5):
...     b.publish("alert", str(i))
>>> q.dropped, b.dropped, [q.queue.get_nowait()[1] for _ in range(2)]
(3, 3, ['3', '4'])
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field

__all__ = ["Broadcaster", "Subscriber"]

_ids = itertools.count(1)


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[tuple[str, str]]
    id: int = field(default_factory=lambda: next(_ids))
    dropped: int = 0
    sent: int = 0


class Broadcaster:
    """Publish ``(event, data)`` strings to every subscriber without waiting."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self.subscribers: set[Subscriber] = set()
        self.published = 0
        self.dropped = 0

    def subscribe(self) -> Subscriber:
        s = Subscriber(asyncio.Queue(self.maxsize))
        self.subscribers.add(s)
        return s

    def unsubscribe(self, s: Subscriber) -> None:
        self.subscribers.discard(s)

    def publish(self, event: str, data: str) -> None:
        self.published += 1
        for s in self.subscribers:
            q = s.queue
            if q.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    q.get_nowait()
                s.dropped += 1
                self.dropped += 1
            q.put_nowait((event, data))

    def stats(self) -> dict[str, int]:
        return {
            "clients": len(self.subscribers),
            "published": self.published,
            "dropped": self.dropped,
            "queue_max": self.maxsize,
        }
