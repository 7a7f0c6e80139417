"""Keep Python's cyclic garbage collector off the scan's long-lived objects.

A scan's processes hold many objects for the whole run: the airspace index and its prepared
airspaces, the names and codes of every aircraft seen. Each full (generation 2) collection
traverses all of them, and they only grow: on six hourly files (24.7M rows) ten full
collections cost each check worker ~0.8 s of its ~11.5 s, and seven the main process ~0.5 s
of ~13 s. :func:`settle` collects now and then freezes (:func:`gc.freeze`) what survived, so
that later collections see only the objects made since. Nothing else changes: reference
counting frees frozen objects as any other, and the collection before each freeze frees the
cycles made since the last one (only a cycle closed later among frozen objects would wait
for :func:`gc.unfreeze`).

>>> with settled() as settle:
...     settle()
...     gc.get_freeze_count() > 0
True
>>> gc.get_freeze_count()
0
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

__all__ = ["settle", "settled"]


def settle() -> None:
    """Collect cyclic garbage now, then move every object left out of later collections."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def settled() -> Iterator[Callable[[], None]]:
    """:func:`settle` to call within; at the end the frozen objects are handed back to the
    collector (unless some were frozen before: the caller's own policy is left alone)."""
    mine = gc.get_freeze_count() == 0
    try:
        yield settle
    finally:
        if mine:
            gc.unfreeze()
