"""The exact check of finished pieces, inline or in worker processes.

A *job* is one finished piece with the airspaces it may touch; :func:`check_piece` turns it
into incursion rows with :func:`overflight.analysis.check.check_prepared` (incursions only: no
closest approach, no lateral passes). :class:`CheckPool` runs jobs in ``workers`` spawned
processes, each holding its own :class:`~.index.AirspaceIndex` (airspaces prepared on first
use), so the exact check, the expensive part of a scan, uses every core while the main
process reads and cleans the next batch.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> from overflight.archive.index import AirspaceIndex
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> job = Job("abc123", None, 0.0, [0], np.array([0.0, 100.0]), np.array([0.0, 0.0]),
...           np.array([-0.2, 0.2]), np.full(2, 1000.0), np.full(2, np.nan), np.zeros(2, np.uint8))
>>> [round(r["entry_time"] / 1e6, 2) for r in check_piece(AirspaceIndex([zone]), job)]
[27.54]
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import io
import multiprocessing
import os
import pickle
import tempfile
import threading
import time
import types
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ..analysis.check import PreparedAirspace, check_prepared
from ..analysis.params import CheckParameters
from ..geometry.jit import compiled_for_all
from ..model import Airspace, Incursion, Track
from .chunk_cost import ChunkCost
from .collector import settle
from .heap import keep_heap
from .index import AirspaceIndex
from .rows import incursion_row
from .shared_jobs import Shared, Slots, arrays
from .state import flag_names

__all__ = ["CheckPool", "Job", "check_piece", "row_of"]

F64 = NDArray[np.float64]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Job:
    """One finished piece of one aircraft and the airspaces (indices) it may touch."""

    icao24: str
    callsign: str | None
    track_start: float
    near: list[int]
    time: F64
    lat: F64
    lon: F64
    baro: F64
    geo: F64
    flags: NDArray[np.uint8]


def check_piece(index: AirspaceIndex, job: Job) -> Rows:
    """Incursion rows of ``job`` (the core check, incursions only, with the compiled passes
    for every call as the scan's batched check)."""
    t = job.time
    preps = [(k, prep) for k in job.near if (prep := index.prepared(k)) is not None]
    if not preps:
        return []
    track = Track.from_arrays(
        job.icao24,
        time=t,
        lat=job.lat,
        lon=job.lon,
        alt_baro=job.baro,
        alt_geo=job.geo,
        callsign=job.callsign,
    )
    # incursions do not depend on search_m (only the closest approach, not computed here)
    params = replace(index.params, search_m=0.0)
    with compiled_for_all():  # as the batched check: rows independent of the chunking
        results = check_prepared(
            track, [p for _, p in preps], params, closest_approach=False, lateral_passes=False
        )
    return [
        row_of(job, k, prep, inc)
        for (k, prep), res in zip(preps, results, strict=True)
        if res is not None
        for inc in res.incursions
    ]


def row_of(
    job: Job, k: int, prep: PreparedAirspace, inc: Incursion, mask: int | None = None
) -> dict[str, Any]:
    """The output row of incursion ``inc`` of ``job`` into airspace ``k``, flagged with every
    flag of the fixes from the one before the entry to the one after the exit (``mask``:
    those flags, when already gathered)."""
    if mask is None:
        t = job.time
        i0 = max(0, int(np.searchsorted(t, inc.entry_time, "right")) - 1)
        i1 = min(len(t) - 1, int(np.searchsorted(t, inc.exit_time, "left")))
        mask = int(np.bitwise_or.reduce(job.flags[i0 : i1 + 1]))
    return incursion_row(
        job.icao24, job.callsign, k, prep.airspace, inc, job.track_start, flag_names(mask)
    )


def _proxy(d: dict[str, Any]) -> types.MappingProxyType[str, Any]:
    return types.MappingProxyType(d)


def _dumps(obj: object) -> bytes:
    """Pickle with mapping proxies (airspace metadata) sent as plain dicts."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.dispatch_table = copyreg.dispatch_table.copy()
    p.dispatch_table[types.MappingProxyType] = lambda m: (_proxy, (dict(m),))
    p.dump(obj)
    return buf.getvalue()


_INDEX: AirspaceIndex | None = None


WARM_S = 3.0
"""How long at most a new check worker prepares airspaces (in a thread) while it waits for
its first job: the main process plans the files and reads the first batches meanwhile (at
the start of a 100M-row scan a core is idle for ~2 s), so what it prepares then costs no
time later. The first job stops it."""

_WARM: threading.Thread | None = None
_STOP = threading.Event()


def _init(path: str) -> None:
    global _INDEX, _WARM
    keep_heap()  # this process's freed arrays reused, not handed back (:mod:`.heap`)
    with open(path, "rb") as f:
        airspaces, params = pickle.load(f)
    _INDEX = AirspaceIndex(airspaces, params)
    settle()
    gc.disable()  # a check worker's own process: collected by settle() after each chunk
    _WARM = threading.Thread(target=_INDEX.warm, args=(WARM_S, _STOP.is_set), daemon=True)
    _WARM.start()


def _ready() -> AirspaceIndex:
    """The worker's index, its warming stopped (the jobs run alone)."""
    global _WARM
    if _WARM is not None:
        _STOP.set()
        _WARM.join()
        _WARM = None
    assert _INDEX is not None
    return _INDEX


def _run(job: Job) -> Rows:
    return check_piece(_ready(), job)


def _jobs(jobs: list[Job] | Packed | Shared) -> list[Job]:
    if isinstance(jobs, Shared):
        return unpack(Packed(jobs.meta, jobs.off, arrays(jobs)))
    return unpack(jobs) if isinstance(jobs, Packed) else jobs


def _run_many(jobs: list[Job] | Packed | Shared) -> tuple[Rows, float]:
    """The rows of a chunk, and the seconds (CPU) its check took."""
    from .batch import check_jobs

    _ready()
    assert _INDEX is not None
    t0 = time.thread_time()
    rows = check_jobs(_INDEX, _jobs(jobs))
    took = time.thread_time() - t0
    settle()  # a worker's own process: what it keeps (prepared airspaces) is frozen
    return rows, took


def _run_many_columns(jobs: Packed | Shared) -> tuple[list[pa.RecordBatch], float]:
    """:func:`_run_many`'s rows as record batches (:func:`~.batch.check_jobs_batches`)."""
    from .batch import check_jobs_batches

    index = _ready()
    t0 = time.thread_time()
    out = check_jobs_batches(index, _jobs(jobs))
    took = time.thread_time() - t0
    settle()
    return out, took


_ARRAYS = ("time", "lat", "lon", "baro", "geo", "flags")

SLOT_BYTES = 16 << 20
"""The shared memory for one chunk of jobs (:mod:`.shared_jobs`): a 100M-row scan's chunks
of 512 pieces took 1.5 MB (at most 3.2 MB), so those of 2,048 (``CHECK_CHUNK``) ~6 MB (at
most ~13 MB); a larger one goes through the pipe."""


@dataclass(frozen=True)
class Packed:
    """Jobs with their arrays end to end (job ``i``: ``off[i]:off[i + 1]``): pickled as a
    few large arrays, not six small ones per job."""

    meta: list[tuple[str, str | None, float, list[int]]]
    off: NDArray[np.int64]
    arrays: tuple[np.ndarray, ...]


def pack(jobs: Sequence[Job], slots: Slots | None = None) -> Packed | Shared:
    """The jobs as one :class:`Packed` (:func:`unpack` gives them back, equal), or with
    ``slots`` as a :class:`~.shared_jobs.Shared` in a free slot if one can take them."""
    n = np.array([len(j.time) for j in jobs], np.int64)
    meta = [(j.icao24, j.callsign, j.track_start, j.near) for j in jobs]
    off = np.r_[0, np.cumsum(n)].astype(np.int64)
    columns = [[getattr(j, a) for j in jobs] for a in _ARRAYS]
    shared = slots.put(meta, off, columns) if slots is not None else None
    if shared is not None:
        return shared
    return Packed(meta, off, tuple(np.concatenate(c) for c in columns))


def unpack(p: Packed) -> list[Job]:
    """The jobs of ``p`` (their arrays: views of its arrays)."""
    off = p.off.tolist()
    return [
        Job(*m, *(x[a:z] for x in p.arrays))
        for m, a, z in zip(p.meta, off[:-1], off[1:], strict=True)
    ]


RESULT_PIPE_BYTES = (1 << 20, 1 << 18)
"""Sizes to ask for the workers' result pipe, the first Linux allows (an unprivileged
process may ask up to ``/proc/sys/fs/pipe-max-size``, 1 MB by default)."""


def _widen_results(ex: ProcessPoolExecutor) -> None:
    """Let a worker write a chunk's rows (~230 KB of Arrow buffers) into the result pipe at
    once. Through Linux's default 64 KB it waited for the main process's reader thread to
    empty the pipe between writes, and that thread for the GIL held by the reading and
    cleaning: ~3-5 ms per chunk, 0.7 of them the worker's CPU (24.7M rows: 0.43-0.56 s of
    sending, 0.09-0.10 s once widened). Where the pipe cannot be widened it stays as it is."""
    try:
        import fcntl

        fd = ex._result_queue._reader.fileno()  # type: ignore[attr-defined]
        for size in RESULT_PIPE_BYTES:
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
                return
    except (ImportError, AttributeError, OSError, ValueError):
        return


def _executor(workers: int, ctx: Any, blob: str) -> ProcessPoolExecutor:
    """The workers' executor, with no chunk queued beyond one per worker: Python's executor
    moves one job more than it has workers into the workers' queue (``EXTRA_QUEUED_CALLS``),
    and a job there can no longer be cancelled. At the end of the data :meth:`CheckPool.drain`
    takes back the chunks a worker has not started and checks them itself; with one worker,
    one chunk running and two queued were out of its reach, and the main process waited
    ~0.5-1 s for them (a 24.7M-row scan: one of four chunks taken back). With one queued per
    worker the worker still never waits between chunks, and one more chunk is taken back."""
    from concurrent.futures import process

    extra = process.EXTRA_QUEUED_CALLS
    process.EXTRA_QUEUED_CALLS = 0  # (read once, by the executor's constructor)
    try:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(blob,))
    finally:
        process.EXTRA_QUEUED_CALLS = extra


class CheckPool:
    """``workers`` processes checking jobs; :meth:`submit`, then :meth:`done` (finished
    jobs' rows) or :meth:`drain` (wait for all). Close it with :meth:`close`.

    At most ``max_pending`` jobs (default ``4 * workers``) are in flight: :meth:`submit` waits
    for one to finish before queueing more, so a reader faster than the checks does not pile
    up pieces (memory stays bounded whatever the size of a file).

    Every job carries the pool's :attr:`tag` when it is submitted (a scan: the input file
    whose rows finished its piece). :meth:`done` returns only the rows of jobs tagged before
    the current tag, so that the jobs of the current file can still be dropped
    (:meth:`discard`) if the file turns out broken, while the workers go on with them
    across the file's end.

    ``columns``: the rows of each chunk of :meth:`submit_many` come back as one Arrow record
    batch (:func:`~.rows.to_batch`) in the lists of rows, not as dicts: pickled as a few
    buffers, and taken as they are by :func:`~.rows.to_table` (a scan uses this).

    ``share``: when ``max_pending`` chunks of :meth:`submit_many` are in flight, the calling
    process checks the next chunk itself (with :attr:`local`, an index of the same airspaces
    and parameters, or its own made on first use) rather than wait: for a machine with a
    core more than ``workers``. On two cores, two workers beside the reader (three busy
    processes) checked ~10-20 % slower per incursion (their slices of the cores, the caches
    refilled) than one worker beside a reader that checks while the worker is behind; the
    rows are the same either way."""

    def __init__(
        self,
        airspaces: Sequence[Airspace],
        params: CheckParameters,
        workers: int,
        max_pending: int | None = None,
        columns: bool = False,
        share: bool = False,
    ) -> None:
        ctx = multiprocessing.get_context("spawn")  # the parent runs DuckDB threads: no fork
        # the airspaces go to the workers in a file: through the start-up pipe the parent
        # would wait for each worker to import everything before it could read them
        fd, self._blob = tempfile.mkstemp(prefix="overflight-airspaces-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            f.write(_dumps((list(airspaces), params)))
        self._ex = _executor(workers, ctx, self._blob)
        _widen_results(self._ex)
        self._pending: list[tuple[int, Future[Rows]]] = []
        self._ready: list[tuple[int, Rows]] = []
        self._queued: dict[Future[Rows], Sequence[Job]] = {}  # (``share``) for :meth:`drain`
        self.max_pending = max_pending or 4 * max(1, workers)
        self.workers = max(1, workers)
        self.tag = 0
        self._many = _run_many_columns if columns else _run_many
        self.columns = columns
        self.share = share
        self.local: AirspaceIndex | None = None
        self._airspaces = airspaces
        self._params = params
        self.checked_here = 0
        """Jobs checked in the calling process (``share``)."""
        self.sent = 0
        """Jobs sent to the workers by :meth:`submit_many`."""
        self._slots = Slots(self.max_pending, SLOT_BYTES)
        self.cost = ChunkCost()  # (``submit_many``'s chunks cut to about a second each)
        self._fixes: dict[Future[Rows], int] = {}  # a chunk's fixes, until its cost is known
        # every worker started now (the executor would start each at its first job): their
        # start-up (imports, the index) runs while the caller plans and reads
        for _ in range(self.workers):
            self._ex.submit(int)

    def _room(self) -> None:
        """Wait while ``max_pending`` jobs are in flight."""
        while len(self._pending) >= self.max_pending:
            wait([f for _, f in self._pending], return_when=FIRST_COMPLETED)
            self._collect()

    def submit(self, job: Job) -> None:
        """Queue ``job``, first waiting while ``max_pending`` jobs are in flight."""
        self._room()
        self._pending.append((self.tag, self._ex.submit(_run, job)))

    def submit_many(self, jobs: Sequence[Job], chunk: int = 256) -> None:
        """Queue ``jobs`` to be checked together (:func:`~.batch.check_jobs`): split evenly
        over the workers, in chunks of at most ``chunk`` jobs (with ``share``, those met
        with ``max_pending`` in flight checked here and now), and of about
        :data:`~.chunk_cost.CHUNK_S` seconds' checking each (:class:`~.chunk_cost.ChunkCost`)."""
        if not jobs:
            return
        fixes = sum(len(j.time) for j in jobs)
        parts = self.cost.parts(len(jobs), fixes, self.workers, chunk)
        size = -(-len(jobs) // parts)
        for a in range(0, len(jobs), size):
            part = jobs[a : a + size]
            if self.share and self._in_flight() >= self.max_pending:
                self._pending.append((self.tag, self._here(part)))
                continue
            self._room()
            packed = pack(part, self._slots)
            f = self._ex.submit(self._many, packed)
            self._fixes[f] = sum(len(j.time) for j in part)
            if isinstance(packed, Shared):
                f.add_done_callback(lambda _, k=packed.slot: self._slots.release(k))
            if self.share:
                self._queued[f] = part
                f.add_done_callback(lambda g: self._queued.pop(g, None))
            self._pending.append((self.tag, f))
            self.sent += len(part)

    def _in_flight(self) -> int:
        return sum(not f.done() for _, f in self._pending)

    def _here(self, jobs: Sequence[Job]) -> Future[Rows]:
        """``jobs`` checked in this process: a future already done (tagged, collected and
        dropped as the workers' ones)."""
        from .batch import check_jobs, check_jobs_batches

        if self.local is None:
            self.local = AirspaceIndex(self._airspaces, self._params)
        check = check_jobs_batches if self.columns else check_jobs
        f: Future[Rows] = Future()
        t0 = time.thread_time()
        f.set_result(check(self.local, jobs))  # type: ignore[arg-type]
        self.cost.learn(sum(len(j.time) for j in jobs), time.thread_time() - t0)
        self.checked_here += len(jobs)
        return f

    def _rows(self, f: Future[Rows]) -> Rows:
        """The rows of finished job ``f`` (waits); a chunk's cost is learnt."""
        got = f.result()
        if isinstance(got, tuple):  # (a chunk of :meth:`submit_many`: rows and seconds)
            rows, seconds = got
            self.cost.learn(self._fixes.pop(f, 0), seconds)
            return rows  # type: ignore[no-any-return]
        return got

    def idle(self) -> int:
        """How many workers have no job in flight."""
        return max(0, self.workers - sum(not f.done() for _, f in self._pending))

    def done(self) -> Rows:
        """Rows of the finished jobs tagged before :attr:`tag` (no longer held)."""
        self._collect()
        out: Rows = []
        keep = []
        for tag, rows in self._ready:
            if tag < self.tag:
                out += rows
            else:
                keep.append((tag, rows))
        self._ready = keep
        return out

    def _collect(self) -> None:
        """Move the finished jobs' rows to the ready list."""
        keep = []
        for tag, f in self._pending:
            if f.done():
                self._ready.append((tag, self._rows(f)))
            else:
                keep.append((tag, f))
        self._pending = keep

    def drain(self) -> Rows:
        """Rows of every job, whatever its tag (waits). With ``share``, the chunks a worker
        has not started yet are taken back (last first) and checked here meanwhile: at the
        end of the data this process would otherwise wait while a worker works through its
        queue alone."""
        if self.share:
            for i in range(len(self._pending) - 1, -1, -1):
                tag, f = self._pending[i]
                jobs = self._queued.get(f)
                if jobs is not None and f.cancel():
                    self._fixes.pop(f, None)
                    self._pending[i] = (tag, self._here(jobs))
                    self.sent -= len(jobs)
        out = [r for _, rows in self._ready for r in rows]
        self._ready = []
        for _, f in self._pending:
            out += self._rows(f)
        self._pending = []
        return out

    def discard(self, tag: int) -> None:
        """Wait for the jobs tagged ``tag`` and drop their rows."""
        for t, f in self._pending:
            if t == tag:
                self._rows(f)
        self._pending = [(t, f) for t, f in self._pending if t != tag]
        self._ready = [(t, rows) for t, rows in self._ready if t != tag]

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)
        self._slots.close()
        with contextlib.suppress(OSError):
            os.unlink(self._blob)
