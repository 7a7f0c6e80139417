"""The per-batch kernel: cleaned fixes -> candidate pieces of track -> the core check.

For every batch (any number of aircraft, rows of one aircraft in time order across batches):

1. :func:`~.clean.clean` drops bad rows (counted per reason), keeps fixes, flags frozen
   positions, jumps and speed contradictions, and breaks tracks at gaps and jumps;
2. each segment between consecutive fixes of a track is tested against the airspace grid
   (:class:`~.index.AirspaceIndex`, lateral reach and altitude band), vectorised;
3. maximal runs of candidate segments (with the fixes at both ends, which lie outside every
   airspace's reach) are stitched across batches into *pieces*; a track's first fix that
   lies within reach starts a piece too;
4. a piece is finalised when its track breaks or leaves every reach (or at the end of the
   data). The airspaces near the pieces finished in one batch are chosen for all of them at
   once (:class:`~.nearby.Nearby`), and the pieces are checked together by the core check's
   steps (:func:`~.batch.check_jobs`), so a piece's incursions, with interpolated times, are
   those of ``check`` on the whole track.

An incursion whose entry is the first fix of a track (after a gap, a jump, or at the start of
the aircraft's data) is flagged ``entry_during_gap``; one that rests on flagged fixes (any
fix from the one before the entry to the one after the exit) is ``suspect``.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> k = Kernel(AirspaceIndex([zone]))
>>> rows = k.process_columns(icao24=["abc123"] * 2, time=[0.0, 100.0], lat=[0.0, 0.0],
...                          lon=[-0.2, 0.2], baro=[1000.0, 1000.0])
>>> rows += k.finish()
>>> [(r["airspace_name"], round(r["entry_time"] / 1e6, 2)) for r in rows]
[('R1', 27.54)]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .batch import check_jobs
from .clean import Fixes, Rows, ScanParameters, clean
from .index import AirspaceIndex
from .nearby import Nearby
from .pieces import COLUMNS, FixStore, Piece
from .pool import CheckPool, Job
from .state import AircraftState, Codes

__all__ = ["CHECK_CHUNK", "Kernel", "Piece"]


CHECK_CHUNK = 2048
"""Pieces checked together at most (inline, or per job sent to a check worker). Finished
pieces near some airspace are queued across batches until each worker (or the inline check)
has a whole chunk, or the data of a file ends, or a worker is idle: the vectorised check
costs about a fifth less per piece in chunks of 512 than in the ~100 one batch of 100,000
rows finishes per worker, and ~5 % less again in chunks of 2,048 (the 100M benchmark's
pieces replayed: 96-98 against 100-105 us per incursion; a 24.7M-row scan: ~3 % less CPU
in all, each check worker's peak memory ~450 MB against ~375)."""


RENUMBER_MIN = 1 << 16
"""Forgotten aircraft codes (and unused callsign codes) below which the codes are not given
again (:meth:`Kernel._forget`): a renumbering costs a few milliseconds per 100,000 codes."""


class Kernel:
    """Streaming scan state: feed batches with :meth:`process`, then call :meth:`finish`.

    The kernel is picklable (a checkpoint is its pickle); ``counts`` holds dropped rows per
    reason, ``rows_in`` the rows seen, ``pieces_checked`` the pieces sent to the check.
    """

    def __init__(
        self,
        index: AirspaceIndex,
        params: ScanParameters | None = None,
        pool: CheckPool | None = None,
    ) -> None:
        self.index = index
        self.params = params or ScanParameters()
        self.state = AircraftState()
        self.icao = Codes()
        self.calls = Codes()
        self.pieces: dict[int, Piece] = {}
        self.store = FixStore()  # the open pieces' fixes
        self.counts: dict[str, int] = {}
        self.rows_in = 0
        self.pieces_checked = 0
        self.fixes_checked = 0
        self.errors: list[str] = []
        self.pool = pool
        self._done: list[Piece] = []  # finished pieces waiting for the exact check
        self._queue: list[Job] = []  # their jobs, until a chunk per worker is ready
        self._nearby: Nearby | None = None  # built on first use

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.pop("_jobs", None)  # checkpoints of earlier versions
        self.__dict__.update({"_done": [], "_queue": [], "_nearby": None, **state})
        if "store" not in state:  # checkpoints of versions that copied fixes piece by piece
            self.store = FixStore()
            old = self.pieces
            self.pieces = {}
            for c, p in old.items():
                cols = [np.concatenate(col) for col in zip(*p.parts, strict=True)]
                cols += [np.full(cols[0].shape[0], np.nan)] * (len(COLUMNS) - len(cols))
                a = self.store.append(*cols)
                self.pieces[c] = Piece(p.code, p.track_start, self.store)
                self.pieces[c].add(a, a + int(cols[0].shape[0]))

    def __getstate__(self) -> dict[str, Any]:
        self.store.compact(self.pieces.values(), force=True)  # the open pieces' rows alone
        state = dict(self.__dict__)
        state["index"] = None  # large and rebuilt from the airspaces: reattach after loading
        state["pool"] = None  # processes: reattach too (pickle only when drained)
        state["_done"] = []  # empty whenever a call returns
        state["_queue"] = []  # empty whenever drained (pickle only then)
        state["_nearby"] = None  # rebuilt from the index
        return state

    def copy(self) -> Kernel:
        """A kernel to go back to if a file breaks midway (:func:`~.scan.run_partition`),
        taken between files: what the file's rows would change is copied (the carried state,
        the codes, the open pieces, the counts), and the store's rows are shared
        (:meth:`~.pieces.FixStore.copy`). Its pickle is the kernel's pickle at the time of
        the copy; it costs a few milliseconds where the pickle cost ~0.1 s per file. Only
        with nothing queued (after :meth:`dispatch` or :meth:`drain`)."""
        if self._done or self._queue:
            raise ValueError("a kernel with queued pieces cannot be copied: dispatch them first")
        new = Kernel.__new__(Kernel)
        new.__dict__.update(self.__dict__)
        new.store = self.store.copy()
        new.pieces = {c: p.moved(new.store) for c, p in self.pieces.items()}
        new.state = self.state.copy()
        new.icao, new.calls = self.icao.copy(), self.calls.copy()
        new.counts = dict(self.counts)
        new.errors = list(self.errors)
        new._done, new._queue = [], []  # (empty)
        return new

    # -- input -------------------------------------------------------------------------------
    def process_columns(
        self,
        *,
        icao24: Sequence[str | None],
        time: ArrayLike,
        lat: ArrayLike,
        lon: ArrayLike,
        callsign: Sequence[str | None] | None = None,
        **more: ArrayLike,
    ) -> list[dict[str, Any]]:
        """:meth:`process` on plain lists (icao24 and callsign as strings)."""
        names = list(dict.fromkeys(icao24))
        lut = dict(
            zip(
                names,
                self.icao.encode_unique([str(v).strip().lower() if v else None for v in names]),
                strict=True,
            )
        )
        code = np.array([lut[v] for v in icao24], np.int64)
        extra = dict(more)
        if callsign is not None:
            cn = list(dict.fromkeys(callsign))
            clut = dict(
                zip(
                    cn,
                    self.calls.encode_unique([str(v).strip() if v else None for v in cn]),
                    strict=True,
                )
            )
            extra["cs"] = np.array([clut[v] for v in callsign], np.int64)
        return self.process(Rows.of(code=code, time=time, lat=lat, lon=lon, **extra))

    def process(
        self,
        rows: Rows,
        bbox: tuple[float, float, float, float] | None = None,
        before: Rows | None = None,
    ) -> list[dict[str, Any]]:
        """One batch (codes from ``self.icao``/``self.calls``); returns the incursion rows
        checked so far: finished pieces wait in a queue until a chunk is full (inline) or a
        worker is free (with a pool, whose rows come back later); :meth:`evict`,
        :meth:`dispatch`, :meth:`drain` and :meth:`finish` check every queued piece. Rows
        whose position is outside ``bbox`` (lon_min, lat_min, lon_max, lat_max) are dropped
        as if never read (counted as ``outside_bbox``, not in ``rows_in``). ``before``: rows
        of the batch before, processed with these as one batch (not copied together)."""
        self._process(rows, bbox, before)
        out = self._flush()
        if self.pool is not None:
            out += self.pool.done()
        return out

    def _process(
        self,
        rows: Rows,
        bbox: tuple[float, float, float, float] | None,
        before: Rows | None = None,
    ) -> None:
        """Clean the batch, extend or start pieces and queue the finished ones."""
        outside = self.counts.get("outside_bbox", 0)
        self.store.compact(self.pieces.values())  # no finished piece waits: _done is empty
        f = clean(rows, self.state, self.params, self.counts, self.calls.names, bbox, before)
        n = len(rows) + (len(before) if before is not None else 0)
        self.rows_in += n - (self.counts.get("outside_bbox", 0) - outside)
        for c, (la, lo) in f.retro.items():
            if c in self.pieces:
                from .state import FROZEN

                self.pieces[c].flag_trailing(la, lo, FROZEN)
        if len(f) == 0:
            return
        cand = self._candidates(f)
        single = np.zeros(len(f), bool)
        b = np.flatnonzero(f.brk)
        if b.size:
            single[b] = self.index.point_candidates(f.lon[b], f.lat[b], f.baro[b], f.geo[b])
        nxt = np.zeros(len(f), bool)
        nxt[:-1] = cand[1:] & ~f.first[1:]
        member = cand | nxt | single
        # open pieces meet the first fix of their aircraft: update the last fix's flags, and
        # finalise them unless the segment to this fix is a candidate
        first = np.flatnonzero(f.first)
        if self.pieces and first.size:
            # only the aircraft with an open piece (about a quarter of them): found in one pass
            opened = np.fromiter(self.pieces, np.int64, len(self.pieces))
            first = first[np.isin(f.code[first], opened)]
        else:
            first = first[:0]
        for i in first.tolist():
            c = int(f.code[i])
            p = self.pieces[c]
            if f.has_prev[i]:
                p.or_last_flags(int(f.pflags[i]))
            if not cand[i]:
                self._finalise(self.pieces.pop(c))
        idx = np.flatnonzero(member)
        if idx.size == 0:
            return
        last = np.r_[f.code[1:] != f.code[:-1], True]
        starts = np.r_[
            True, ~cand[idx[1:]] | (f.code[idx[1:]] != f.code[idx[:-1]]) | (idx[1:] != idx[:-1] + 1)
        ]
        bounds = np.r_[np.flatnonzero(starts), idx.size].tolist()
        # the finished pieces' rows make room before the columns would grow: a growth copies
        # every row, dead or not, into columns twice as long, kept ever after (a day of
        # traffic doubled them once, ~250 MB of the main process's memory)
        if self.store.dead and not self.store.fits(idx.size + len(bounds)):
            self.store.compact([*self.pieces.values(), *self._done], force=True)
        # the batch's fixes of every piece, appended to the store at once: run [a, z) of idx
        # is rows base + a .. base + z
        base = self.store.append_take(
            idx, f.time, f.lat, f.lon, f.baro, f.geo, f.flags, f.cs, f.dist
        )
        carried: list[tuple[Piece, int]] = []  # new pieces that start at the carried fix
        for a, z in itertools.pairwise(bounds):
            s, e = int(idx[a]), int(idx[z - 1])
            c = int(f.code[s])
            p = self.pieces.pop(c, None) if cand[s] else None
            if p is None:
                p = Piece(c, float(f.tstart[s]), self.store)
                if cand[s]:  # joins the carried fix (s is the first fix of its aircraft here)
                    carried.append((p, s))
            p.add(base + a, base + z)
            if last[e]:
                self.pieces[c] = p
            else:
                self._finalise(p)
        if carried:
            q = np.array([s for _, s in carried], np.int64)
            b0 = self.store.append(
                f.ptime[q],
                f.plat[q],
                f.plon[q],
                f.pbaro[q],
                f.pgeo[q],
                f.pflags[q],
                f.pcs[q],
                np.full(q.size, np.nan),  # a piece's first fix: no distance from before
            )
            for k, (p, _) in enumerate(carried):
                p.prepend(b0 + k, b0 + k + 1)

    def _candidates(self, f: Fixes) -> NDArray[np.bool_]:
        """Whether the segment ending at each fix may touch an airspace (no segment: False)."""
        if len(f) == 0:
            return np.zeros(0, bool)
        return self.index.fix_candidates(
            f.has_prev,
            f.brk,
            (f.plon, f.plat, f.lon, f.lat),
            (f.baro, f.geo, f.pbaro, f.pgeo),
            f.dist,
        )

    def evict(self, before: float) -> list[dict[str, Any]]:
        """Finalise the open pieces of aircraft silent for longer than the eviction horizon
        at time ``before`` (every later row is at or after it): their next fix, if any, is
        after a gap, so the piece would be finalised then anyway. Only flags that such a
        much later row would set on the piece's last fix (a jump or a speed contradiction
        across the silence, a freeze extended by stale rows) are not applied. Every aircraft
        silent that long is then forgotten (:meth:`_forget`): its next row starts it afresh,
        so neither that row's fix nor the ones after it are compared with the fix before the
        silence (no jump or speed contradiction across it, no freeze going on through it).
        Checks every queued piece; returns the rows checked inline (with a pool: later
        from :meth:`drain`).

        >>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
        >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
        ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
        >>> k = Kernel(AirspaceIndex([zone]))
        >>> k.process_columns(icao24=["abc123"] * 2, time=[0.0, 100.0], lat=[0.0, 0.0],
        ...                   lon=[-0.2, 0.0], baro=[1000.0, 1000.0])
        []
        >>> len(k.evict(1000.0)), len(k.evict(5000.0)), len(k.pieces)
        (0, 1, 0)
        """
        horizon = max(self.params.evict_s, self.params.gap_s + 60.0)
        out: list[dict[str, Any]] = []
        if self.pieces:
            codes = np.fromiter(self.pieces, np.int64, len(self.pieces))
            last = self.state.row_t[codes]
            for c in np.sort(codes[last < before - horizon]).tolist():
                self._finalise(self.pieces.pop(c))
            out = self._flush(force=True)
        self._forget(before - horizon)
        return out

    def _forget(self, cutoff: float) -> None:
        """Forget the aircraft whose last row is before ``cutoff`` (none has an open piece):
        each one's next row starts it afresh, as a new aircraft's (its track breaks there
        anyway). Once the forgotten codes outnumber the others (and :data:`RENUMBER_MIN`),
        the codes are given again to the remembered names alone, and likewise the callsigns
        still in use: what the kernel keeps follows the aircraft heard lately, not every
        aircraft ever seen. The codes are the kernel's own (the output has names), so the
        rows are the same whatever their numbering."""
        s = self.state
        gone = np.flatnonzero(s.seen & (s.row_t < cutoff))
        if gone.size:
            s.forget(gone)
        live = np.flatnonzero(s.seen)
        if len(self.icao) - live.size >= max(live.size, RENUMBER_MIN):
            lut = np.full(max(s.size, len(self.icao)), -1, np.int64)
            lut[live] = np.arange(live.size)
            self.icao, self.state = self.icao.taken(live), s.taken(live)
            for p in self.pieces.values():
                p.code = int(lut[p.code])
            self.pieces = {p.code: p for p in self.pieces.values()}
        if len(self.calls) < 2 * RENUMBER_MIN:
            return
        cs = self.store.cols[6]
        held = self.store.rows(r for p in self.pieces.values() for r in p.ranges)
        used = np.unique(np.concatenate([self.state.fix_cs, cs[held]]))
        used = used[used >= 0]
        if len(self.calls) - used.size >= max(used.size, RENUMBER_MIN):
            lut = np.full(len(self.calls) + 1, -1, np.int64)  # (-1, no callsign: the last)
            lut[used] = np.arange(used.size)
            self.calls = self.calls.taken(used)
            self.state.fix_cs = lut[self.state.fix_cs]
            # a new column (a copy to go back to holds the old); the finished pieces' rows
            # are never read again
            self.store.cols[6] = new = np.full(cs.shape[0], -1, np.int64)
            new[held] = lut[cs[held]]
            for p in self.pieces.values():
                p.forget_columns()  # (any copy of its rows taken before holds old codes)

    def finish(self) -> list[dict[str, Any]]:
        """Finalise every open piece (the end of the data) and wait for the pool."""
        for c in sorted(self.pieces):
            self._finalise(self.pieces.pop(c))
        return self._flush(force=True) + self.drain()

    # -- the exact check ----------------------------------------------------------------------
    def _finalise(self, p: Piece) -> None:
        """Count the finished piece and queue it for :meth:`_flush`."""
        self.pieces_checked += 1
        self._done.append(p)

    def _flush(self, force: bool = False) -> list[dict[str, Any]]:
        """Choose the airspaces near each finished piece, all together
        (:class:`~.nearby.Nearby`), queue the pieces near some airspace, and once a chunk
        per worker is queued, a worker is idle, or with ``force``, check them together
        (:func:`~.batch.check_jobs`): inline, or sent to the pool in one chunk per worker."""
        done, self._done = self._done, []
        if done:
            self._queue += self._jobs(done)
        whole = CHECK_CHUNK * (self.pool.workers if self.pool is not None else 1)
        if force or (self.pool is not None and self.pool.idle()):
            n = len(self._queue)  # a worker waits: never let it (chunks grow while all work)
        else:
            n = len(self._queue) // whole * whole
        if n == 0:
            return []
        jobs, self._queue = self._queue[:n], self._queue[n:]
        if self.pool is None:
            out: list[dict[str, Any]] = []
            for a in range(0, len(jobs), CHECK_CHUNK):
                out += check_jobs(self.index, jobs[a : a + CHECK_CHUNK])
            return out
        self.pool.submit_many(jobs, CHECK_CHUNK)
        return []

    def _jobs(self, done: list[Piece]) -> list[Job]:
        """The jobs of the finished pieces near some airspace."""
        if self._nearby is None or self._nearby.index is not self.index:
            self._nearby = Nearby(self.index)
        # the pieces' columns end to end (their rows in the store are dead now)
        cols, lens = self.store.gather_concat(done)
        self.fixes_checked += int(lens.sum())
        near = self._nearby.select_concat(cols[2], cols[1], cols[3], cols[4], cols[7], lens)
        ends = np.cumsum(lens)
        starts = (ends - lens).tolist()
        calls = _callsigns(cols[6], lens, self.calls.names)
        names = self.icao.names
        arrays = cols[:6]
        out = []
        for p, k, cs, a, z in zip(done, near, calls, starts, ends.tolist(), strict=True):
            p.gathered(cols, a, z)
            if k:
                out.append(Job(names[p.code], cs, p.track_start, k, *(c[a:z] for c in arrays)))
        return out

    def dispatch(self) -> list[dict[str, Any]]:
        """Check every queued piece (inline: now; with a pool: sent, not waited for); returns
        the rows checked inline or collected from the pool so far."""
        out = self._flush(force=True)
        return out + (self.pool.done() if self.pool is not None else [])

    def drain(self) -> list[dict[str, Any]]:
        """Rows of every piece still being checked by the pool (none without a pool)."""
        out = self._flush(force=True)
        return out + (self.pool.drain() if self.pool is not None else [])


def _callsigns(codes: np.ndarray, lens: np.ndarray, names: list[str]) -> list[str | None]:
    """:func:`_most_common` of each of the pieces whose callsign codes are ``codes`` end to
    end (``lens`` each): where a piece has one callsign throughout (nearly always), for all
    at once."""
    out: list[str | None] = [None] * lens.size
    has = np.flatnonzero(lens > 0)
    if has.size == 0:
        return out
    first = (np.cumsum(lens) - lens)[has]
    hi = np.maximum.reduceat(codes, first)  # no callsign: -1, below every code
    lo = np.minimum.reduceat(np.where(codes >= 0, codes, np.iinfo(np.int64).max), first)
    for i, a, h, m in zip(has.tolist(), first.tolist(), hi.tolist(), lo.tolist(), strict=True):
        if h < 0:
            continue
        out[i] = names[h] if m == h else _most_common(codes[a : a + int(lens[i])], names)
    return out


def _most_common(codes: np.ndarray, names: list[str]) -> str | None:
    codes = codes[codes >= 0]
    if codes.size == 0:
        return None
    if (codes == codes[0]).all():  # the usual case: one callsign throughout the piece
        return names[int(codes[0])]
    values, n = np.unique(codes, return_counts=True)
    best = values[n == n.max()]
    # ties: the name first in alphabetical order (codes differ between processes)
    return min(names[int(v)] for v in best)
