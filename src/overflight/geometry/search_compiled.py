""":func:`~.path.search_sorted` as one compiled loop (numba): the same binary search, value by
value, so the same integers; compiled on first use and cached on disk."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .jit import jit

__all__ = ["search_sorted_compiled"]


@jit()
def search_sorted_compiled(
    a: NDArray[np.float64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    v: NDArray[np.float64],
    right: bool,
) -> NDArray[np.int64]:
    """For each ``v[i]``: ``lo[i] + searchsorted(a[lo[i]:hi[i]], v[i], side)`` with ``side``
    "right" (``right``) or "left"."""
    last = max(a.shape[0] - 1, 0)
    out = np.empty(v.shape[0], np.int64)
    for i in range(v.shape[0]):
        low, high, x = lo[i], hi[i], v[i]
        while low < high:
            mid = (low + high) // 2
            y = a[min(mid, last)]
            if (y <= x) if right else (y < x):
                low = mid + 1
            else:
                high = mid
        out[i] = low
    return out
