"""Chunks of jobs handed to the check workers through shared memory rather than a pipe.

A chunk's fixes (~1.5 MB for 512 pieces) pickled through the executor's pipe cost the main
process ~2 ms of CPU and the worker ~1 ms per chunk, in 64 KB writes each waking the other
side. :class:`Slots` are a few blocks of shared memory, as many as chunks may be in flight:
the main process writes a chunk's arrays into a free one (one copy, the one
:func:`~.pool.pack` made anyway) and sends only their places (:class:`Shared`, a few hundred
bytes); the worker reads them in place (:func:`arrays`) and the slot is free again once its
result is back.
A chunk too large for a slot, or met with none free, goes through the pipe as before.

>>> slots = Slots(1, 1 << 16)
>>> meta, off = [("abc123", None, 0.0, [0]), ("def456", None, 0.0, [1])], np.array([0, 2, 3])
>>> cols = [[np.array([0.0, 1.0]), np.array([2.0])],
...         [np.array([5, 6], np.uint8), np.array([7], np.uint8)]]
>>> s = slots.put(meta, off, cols)
>>> [a.tolist() for a in arrays(s)], slots.put(meta, off, cols) is None  # the slot is taken
([[0.0, 1.0, 2.0], [5, 6, 7]], True)
>>> slots.release(s.slot); slots.put(meta, off, cols) is not None
True
>>> slots.close()
"""

from __future__ import annotations

import contextlib
import os
import queue
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np
from numpy.typing import NDArray

__all__ = ["Shared", "Slots", "arrays"]

_ALIGN = 64


@dataclass(frozen=True)
class Shared:
    """A chunk of jobs whose arrays lie in slot ``slot`` (block ``name``): each array's
    dtype, byte offset and length in ``spans``; ``meta`` and ``off`` as :class:`Packed`'s."""

    meta: list[tuple[str, str | None, float, list[int]]]
    off: NDArray[np.int64]
    name: str
    slot: int
    spans: tuple[tuple[str, int, int], ...]


class Slots:
    """``n`` blocks of shared memory of ``size`` bytes each, made on first use; a block that
    cannot be made (no room in ``/dev/shm``) is not used again: its chunks take the pipe."""

    def __init__(self, n: int, size: int) -> None:
        self.size = size
        self._blocks: list[shared_memory.SharedMemory | None] = [None] * n
        self._free: queue.SimpleQueue[int] = queue.SimpleQueue()
        for k in range(n):
            self._free.put(k)
        self.used = 0
        """Chunks sent through the slots."""

    def put(
        self,
        meta: list[tuple[str, str | None, float, list[int]]],
        off: NDArray[np.int64],
        columns: Sequence[Sequence[np.ndarray]],
    ) -> Shared | None:
        """The jobs' arrays (``columns``: each column's arrays, job by job) written end to end
        into a free slot, or None (none free, or too large)."""
        n = int(off[-1])
        sizes = [-(-n * c[0].dtype.itemsize // _ALIGN) * _ALIGN for c in columns]
        if sum(sizes) > self.size:
            return None
        try:
            k = self._free.get_nowait()
        except queue.Empty:
            return None
        block = self._block(k)
        if block is None:
            return None  # the slot stays taken: never tried again
        spans = []
        at = 0
        for c, size in zip(columns, sizes, strict=True):
            dt = c[0].dtype
            np.concatenate(c, out=np.ndarray((n,), dt, buffer=block.buf, offset=at))
            spans.append((dt.str, at, n))
            at += size
        self.used += 1
        return Shared(meta, off, block.name, k, tuple(spans))

    def _block(self, k: int) -> shared_memory.SharedMemory | None:
        block = self._blocks[k]
        if block is None:
            try:
                block = shared_memory.SharedMemory(create=True, size=self.size)
                # reserve the pages now: a full /dev/shm fails here, not with a SIGBUS later
                os.posix_fallocate(block._fd, 0, self.size)  # type: ignore[attr-defined]
            except OSError:
                if block is not None:
                    _drop(block)
                return None
            self._blocks[k] = block
        return block

    def release(self, k: int) -> None:
        """Slot ``k`` is free again (its chunk's result is back)."""
        self._free.put(k)

    def close(self) -> None:
        for block in self._blocks:
            if block is not None:
                _drop(block)
        self._blocks = [None] * len(self._blocks)


def _drop(block: shared_memory.SharedMemory) -> None:
    with contextlib.suppress(OSError, BufferError):
        block.close()
    with contextlib.suppress(OSError):
        block.unlink()


_ATTACHED: dict[str, shared_memory.SharedMemory] = {}


def arrays(s: Shared) -> tuple[np.ndarray, ...]:
    """The arrays of ``s``, read in place (its block attached once per process)."""
    block = _ATTACHED.get(s.name)
    if block is None:
        block = _ATTACHED[s.name] = shared_memory.SharedMemory(s.name)
    return tuple(
        np.ndarray((n,), np.dtype(dt), buffer=block.buf, offset=at) for dt, at, n in s.spans
    )
