"""Which pieces of a wide polygon's boundary may hold a point's nearest edge, found by cube of
space rather than by point: the search of :mod:`.distance_wide` without a k-d tree walk per
point.

Space (Earth-centred, metres) is cut into cubes of side ``s``. For a cube of centre ``C`` and
half-diagonal ``r`` whose nearest piece midpoint is ``dC`` away, every point ``P`` in it has a
midpoint within ``dC + r``, so its ball (every midpoint within ``arc_bound(dm) + h`` of it,
``dm`` its nearest midpoint's distance, ``h`` the largest piece's half-length) lies within
``arc_bound(dC + r) + h + r`` of ``C``: the cube's list, one k-d tree search, holds every ball
of its points, their nearest midpoints among them. Each point's ball is then taken from its
cube's list by straight-line distances (here in numpy; for calls of many points by
:mod:`.distance_wide_compiled`): the same pieces as one search per point.
Tracks follow airways, so a cube's list serves many points and is kept (up to a bound).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = ["CELL_M", "CubeLists"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

CELL_M = 3000.0
"""Side of the cubes (m): a point's ball is ~3 km of boundary wider in its cube's list, cut
by the compiled pass (:mod:`.distance_wide_compiled`) at a few nanoseconds a piece; an hour
against four countries' national airspaces, the ranking took 2.9 s with 1 km cubes (half of
it searching 94,511 new cubes), 2.4 s with 2 km, 2.2 s with 3, 4 or 6 km."""

_KEEP = 4_000_000
"""Piece indices kept in the lists of one polygon (32 MB) before they are dropped (at 2M, an
hour against Finland searched a third of its cubes again)."""

_SPAN = 1 << 15  # cube indices per axis, centred on the Earth's centre (+-49,152 km at 3 km)


class CubeLists:
    """The candidate pieces of each cube of space for one polygon's piece tree (``tree`` of
    midpoints, ``half`` the largest piece's half-length; ``arc`` the bound on a geodesic's
    length from its chord, :func:`~.distance_wide.arc_bound`)."""

    def __init__(
        self, tree: cKDTree, half: float, arc: Callable[[F64], F64], cell_m: float = CELL_M
    ) -> None:
        self.tree = tree
        mids = np.asarray(tree.data, dtype=float)
        self.mx, self.my, self.mz = (np.ascontiguousarray(mids[:, j]) for j in range(3))
        self.half = half
        self.arc = arc
        self.cell = cell_m
        self.lists: dict[int, I64] = {}
        self.kept = 0

    def _keys(self, pts: F64) -> tuple[I64, I64]:
        ijk = np.floor(pts / self.cell).astype(np.int64) + _SPAN // 2
        return (ijk[:, 0] * _SPAN + ijk[:, 1]) * _SPAN + ijk[:, 2], ijk

    def _lists(self, keys: I64, ijk: I64) -> list[I64]:
        """The lists of the cubes ``keys`` (indices ``ijk``), searched where not yet known.
        (Safe from several threads, as the Dask engine runs: a full store is replaced, not
        cleared under another thread's feet.)"""
        store = self.lists
        got = [store.get(k) for k in keys.tolist()]
        miss = np.fromiter((g is None for g in got), bool, len(got))
        if miss.any():
            if self.kept > _KEEP:
                store = self.lists = {}
                self.kept = 0
            centre = (ijk[miss] - _SPAN // 2 + 0.5) * self.cell
            r = 0.5 * np.sqrt(3.0) * self.cell
            dc, _ = self.tree.query(centre)
            radius = self.arc(dc + r) + self.half + 1.0 + r
            found = self.tree.query_ball_point(centre, radius, return_sorted=False)
            for i, lst in zip(np.flatnonzero(miss).tolist(), found, strict=True):
                got[i] = store[int(keys[i])] = np.sort(np.asarray(lst, dtype=np.int64))
                self.kept += len(lst)
        return got  # type: ignore[return-value]

    def of_points(self, pts: F64) -> tuple[I64, I64, I64, I64]:
        """The lists of the cubes of points ``pts`` (rows, at least one): every list once, end
        to end, each list's start and size there, and each point's list."""
        key, ijk = self._keys(pts)
        uk, first, inv = np.unique(key, return_index=True, return_inverse=True)
        lists = self._lists(uk, ijk[first])
        size = np.fromiter(map(len, lists), np.int64, uk.size)
        return np.concatenate(lists), np.cumsum(size) - size, size, inv.astype(np.int64)

    def balls(self, pts: F64) -> tuple[I64, I64]:
        """(point, piece) pairs: every piece midpoint within ``arc_bound(dm) + half + 1`` of
        each point (rows of ``pts``), ``dm`` the point's nearest midpoint's distance; in order
        of point, then of piece."""
        n = pts.shape[0]
        if n == 0:
            e = np.empty(0, np.int64)
            return e, e
        flat, start, size, inv = self.of_points(pts)
        cnt = size[inv]
        pi = np.repeat(np.arange(n), cnt)
        lead = np.cumsum(cnt) - cnt
        pk = flat[np.arange(pi.size) - np.repeat(lead - start[inv], cnt)]
        # by column: gathers of single values are ~2x faster than of rows of three
        px, py, pz = (np.ascontiguousarray(pts[:, j]) for j in range(3))
        dx, dy, dz = px[pi] - self.mx[pk], py[pi] - self.my[pk], pz[pi] - self.mz[pk]
        d2 = dx * dx + dy * dy + dz * dz
        dm = np.sqrt(np.minimum.reduceat(d2, lead))
        lim = self.arc(dm) + self.half + 1.0
        keep = d2 <= (lim * lim)[pi]
        return pi[keep], pk[keep]
