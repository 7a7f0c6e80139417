"""The scan's heap kept for reuse (glibc): a large array freed and made again reuses the same
pages inside :func:`kept_heap` (few page faults); on leaving it, even by an exception, glibc's
default thresholds are set back."""

from __future__ import annotations

import resource

import numpy as np
import pytest

import overflight.archive.heap as heap
from overflight.archive.heap import keep_heap, kept_heap

SIZE = 8 << 20  # bytes: far above glibc's default mmap threshold (128 kB)


def _faults_of_a_fresh_array() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    a = np.ones(SIZE // 8)  # every page written
    del a
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_freed_arrays_are_reused_inside() -> None:
    if not keep_heap():
        pytest.skip("no glibc mallopt here")
    with kept_heap():
        _faults_of_a_fresh_array()  # the heap grows once
        inside = [_faults_of_a_fresh_array() for _ in range(3)]
    assert max(inside) < SIZE // resource.getpagesize() // 10, inside


def test_the_defaults_are_set_back_on_leaving(monkeypatch) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(heap, "_set", lambda m, t: calls.append((m, t)) or True)
    with pytest.raises(RuntimeError), kept_heap():
        raise RuntimeError("a scan that fails")
    assert calls == [
        (heap.MMAP_THRESHOLD, heap.TRIM_THRESHOLD),
        (heap.DEFAULT_THRESHOLD, heap.DEFAULT_THRESHOLD),
    ]
