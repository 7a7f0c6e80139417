"""Open pieces of track and the one store that holds their fixes.

A scan keeps a *piece* open for every aircraft near some airspace, and each batch of rows
adds a few fixes to thousands of them. The fixes are not copied piece by piece: each batch
appends all the fixes it adds, to whichever pieces, to one :class:`FixStore` in a few array
operations, and a :class:`Piece` holds ranges of rows of that store. A finished piece's
columns are gathered once (:meth:`FixStore.gather_many`, for every piece finished together),
and its rows are then dead; the store is compacted (the open pieces' rows copied to new
columns, one range each) when more than half of it is dead, so its size follows the open
pieces, not the rows read.

>>> store = FixStore()
>>> a = store.append(*(np.arange(3.0),) * 5, np.zeros(3, np.uint8), np.full(3, -1), np.ones(3))
>>> p = Piece(7, 0.0, store)
>>> p.add(a, a + 3)
>>> b = store.append(*(np.arange(3.0, 5.0),) * 5, np.ones(2, np.uint8), np.full(2, -1), np.ones(2))
>>> p.add(b, b + 2)
>>> p.columns()[0].tolist(), p.columns()[5].tolist(), p.n
([0.0, 1.0, 2.0, 3.0, 4.0], [0, 0, 0, 1, 1], 5)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["COLUMNS", "FixStore", "Piece", "PieceColumns"]

COLUMNS = ("time", "lat", "lon", "baro", "geo", "flags", "cs", "dist")
"""A piece's columns, in the order of :meth:`Piece.columns`."""
_DTYPES = (np.float64,) * 5 + (np.uint8, np.int64, np.float64)

PieceColumns = tuple[np.ndarray, ...]
"""time, lat, lon, barometric and geometric altitude, flags (uint8), callsign code, and the
sphere distance from the fix before (m; NaN or anything for a piece's first fix)."""

_MIN_COMPACT = 1 << 16
"""Rows below which the store is never compacted (the copy would cost more than it saves)."""


class FixStore:
    """The fixes of open pieces, in columns that grow by appending (capacity doubling)."""

    def __init__(self, capacity: int = 1 << 14) -> None:
        self.cols: list[np.ndarray] = [np.empty(capacity, d) for d in _DTYPES]
        self.n = 0  # rows used
        self.dead = 0  # rows of finished pieces, until the next compaction
        self._spare: list[np.ndarray] | None = None  # the columns before the last compaction
        self._lent = False  # the columns are held by a copy too (:meth:`copy`)

    def __len__(self) -> int:
        return self.n

    def __getstate__(self) -> dict[str, object]:
        # not the spare room, nor the spare columns
        cols = [c[: self.n] for c in self.cols]
        return {**self.__dict__, "cols": cols, "_spare": None, "_lent": False}

    def __setstate__(self, state: dict[str, object]) -> None:
        cols = list(state["cols"])  # type: ignore[call-overload]
        if len(cols) < len(COLUMNS):  # checkpoints of versions without the distances
            cols.append(np.full(cols[0].shape[0], np.nan))
        self.__dict__.update({"_spare": None, "_lent": False, **state, "cols": cols})

    def fits(self, m: int) -> bool:
        """Whether ``m`` more rows fit in the columns as they are (no growth)."""
        return self.n + m <= self.cols[0].shape[0]

    def _reserve(self, m: int) -> int:
        """Room for ``m`` more rows (the columns grown by doubling); returns the first."""
        start = self.n
        if start + m > self.cols[0].shape[0]:
            size = max(2 * self.cols[0].shape[0], start + m)
            grown = [np.empty(size, d) for d in _DTYPES]
            for new, old in zip(grown, self.cols, strict=True):
                new[:start] = old[:start]
            self.cols, self._lent = grown, False
        self.n = start + m
        return start

    def append(self, *columns: np.ndarray) -> int:
        """Append rows (the :data:`COLUMNS`, equal lengths); returns the first one's row."""
        m = int(columns[0].shape[0])
        start = self._reserve(m)
        for col, v in zip(self.cols, columns, strict=True):
            col[start : start + m] = v
        return start

    def append_take(self, idx: NDArray[np.int64], *columns: np.ndarray) -> int:
        """:meth:`append` of rows ``idx`` of the :data:`COLUMNS` (taken straight into the
        store, without a gathered copy first); returns the first one's row."""
        m = int(idx.shape[0])
        start = self._reserve(m)
        for col, v in zip(self.cols, columns, strict=True):
            if v.dtype == col.dtype:  # mode "clip": not buffered (idx is in range)
                np.take(v, idx, out=col[start : start + m], mode="clip")
            else:
                col[start : start + m] = v[idx]
        return start

    def rows(self, ranges: Iterable[tuple[int, int]]) -> NDArray[np.int64]:
        """The row numbers of ``ranges``, in order."""
        r = np.array(list(ranges), np.int64).reshape(-1, 2)
        lens = r[:, 1] - r[:, 0]
        first = np.cumsum(lens) - lens  # where each range starts in the result
        return np.repeat(r[:, 0] - first, lens) + np.arange(int(lens.sum()))

    def gather(self, ranges: Sequence[tuple[int, int]]) -> PieceColumns:
        """Copies of the rows of ``ranges``, in order."""
        if len(ranges) == 1:
            a, b = ranges[0]
            return tuple(c[a:b].copy() for c in self.cols)
        idx = self.rows(ranges)
        return tuple(c[idx] for c in self.cols)

    def gather_many(self, pieces: Sequence[Piece]) -> list[PieceColumns]:
        """Each piece's columns, gathered for all together (views of one gathered copy); their
        rows are counted dead."""
        if not pieces:
            return []
        cols, lens = self.gather_concat(pieces)
        ends = np.cumsum(lens).tolist()
        return [tuple(c[a:z] for c in cols) for a, z in zip([0, *ends[:-1]], ends, strict=True)]

    def gather_concat(self, pieces: Sequence[Piece]) -> tuple[PieceColumns, NDArray[np.int64]]:
        """The pieces' columns end to end (one gathered copy) and each piece's number of
        rows; their rows are counted dead."""
        lens = np.array([p.n for p in pieces], np.int64)
        idx = self.rows(r for p in pieces for r in p.ranges)
        self.dead += int(lens.sum())
        return tuple(np.take(c, idx, mode="clip") for c in self.cols), lens

    def copy(self) -> FixStore:
        """A store to go back to: the same columns (appending writes only past ``n``, and a
        compaction or a growth makes new ones), but its own flags, which :class:`Piece`
        writes in place."""
        new = FixStore.__new__(FixStore)
        new.__dict__.update(self.__dict__)
        new.cols = list(self.cols)
        new.cols[5] = self.cols[5].copy()
        new._spare, new._lent = None, True  # (its columns are this store's)
        self._lent = True  # not written over by a later compaction while the copy may be used
        return new

    def _reusable(self, size: int) -> list[np.ndarray] | None:
        """The columns before the last compaction, to be written over by this one, if they
        have ``size`` rows and no copy holds them (:meth:`copy`: the store to go back to if
        a file breaks): each compaction's new columns came from fresh memory, which the
        kernel zeroes page by page and the heap does not give back in one piece."""
        spare, self._spare = self._spare, None
        return spare if spare is not None and spare[0].shape[0] == size else None

    def compact(self, pieces: Iterable[Piece], force: bool = False) -> None:
        """Copy the rows of ``pieces`` (every open piece) to new columns, one range each, when
        more than half of the store is dead (or with ``force``)."""
        if not force and (self.n < _MIN_COMPACT or 2 * self.dead <= self.n):
            return
        pieces = list(pieces)
        idx = self.rows(r for p in pieces for r in p.ranges)
        # the capacity is kept: appending does not grow the columns again soon (each growth
        # copies every row; compacting to twice the live rows made 12 growths in 24.7M rows)
        size = max(self.cols[0].shape[0], 2 * idx.size)
        cols = self._reusable(size) or [np.empty(size, d) for d in _DTYPES]
        for new, old in zip(cols, self.cols, strict=True):
            np.take(old, idx, out=new[: idx.size], mode="clip")  # (not buffered, as "raise")
        self._spare = None if self._lent else self.cols
        self.cols, self.n, self.dead, self._lent = cols, int(idx.size), 0, False
        start = 0
        for p in pieces:
            p.ranges = [(start, start + p.n)] if p.n else []
            start += p.n


@dataclass(eq=False)
class Piece:
    """Fixes of one aircraft near some airspace, accumulated across batches: ranges of rows
    of ``store``, in time order."""

    code: int
    track_start: float
    store: FixStore
    ranges: list[tuple[int, int]] = field(default_factory=list)
    n: int = 0
    _cols: PieceColumns | None = field(default=None, repr=False)
    _gathered: tuple[PieceColumns, int, int] | None = field(default=None, repr=False)

    def moved(self, store: FixStore) -> Piece:
        """A copy of this open piece on ``store`` (a :meth:`FixStore.copy` of its own)."""
        return Piece(self.code, self.track_start, store, list(self.ranges), self.n)

    def add(self, a: int, b: int) -> None:
        """Append the store's rows ``a:b``."""
        if b > a:
            self.ranges.append((a, b))
            self.n += b - a
            self.forget_columns()

    def prepend(self, a: int, b: int) -> None:
        """Put the store's rows ``a:b`` before the piece's."""
        if b > a:
            self.ranges.insert(0, (a, b))
            self.n += b - a
            self.forget_columns()

    def columns(self) -> PieceColumns:
        """The piece's :data:`COLUMNS` (copies; gathered once)."""
        if self._cols is None:
            g = self._gathered
            if g is not None:
                self._cols = tuple(c[g[1] : g[2]] for c in g[0])
            else:
                self._cols = self.store.gather(self.ranges)
        return self._cols

    def forget_columns(self) -> None:
        """Drop the copy of the columns :meth:`columns` keeps (the store's were changed)."""
        self._cols = self._gathered = None

    def gathered(self, cols: PieceColumns, a: int, b: int) -> None:
        """The piece is finished, its rows gathered as rows ``a:b`` of ``cols`` (its
        :meth:`columns` from now on: views of them)."""
        self._gathered = (cols, a, b)
        self._cols = None

    def or_last_flags(self, mask: int) -> None:
        """OR ``mask`` into the last fix's flags."""
        if mask and self.ranges:
            self.store.cols[5][self.ranges[-1][1] - 1] |= mask
            self.forget_columns()

    def flag_trailing(self, lat: float, lon: float, mask: int) -> None:
        """OR ``mask`` into the trailing fixes at exactly (lat, lon)."""
        la, lo, f = self.store.cols[1], self.store.cols[2], self.store.cols[5]
        for a, b in reversed(self.ranges):
            for r in range(b - 1, a - 1, -1):
                if la[r] != lat or lo[r] != lon:
                    return
                f[r] |= mask
                self.forget_columns()
