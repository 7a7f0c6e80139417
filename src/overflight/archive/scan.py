"""Scan archives: plan the files, run the kernel over them (DuckDB, or Dask per icao24 hash
partition), checkpoint per file, write ``incursions.parquet``.

>>> ScanOutcome(to_table([]), {}, [], 0, 0, 0).failed
False
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..analysis.params import CheckParameters
from ..errors import OverflightError
from ..model import Airspace
from .checkpoint import Checkpoint, atomic_write_table, quick_sha256
from .clean import ScanParameters
from .collector import settle, settled
from .duckdb import (
    BATCH_ROWS,
    FileInfo,
    NotInTimeOrder,
    connect,
    estimated_rows,
    expand_inputs,
    file_info,
)
from .heap import kept_heap
from .index import AirspaceIndex
from .kernel import Kernel
from .output import merge_sorted
from .pool import CheckPool
from .rows import SCHEMA, sort_table, to_table
from .streaming import Progress, stream_file, undone

__all__ = ["ScanOutcome", "auto_check_workers", "plan", "run_partition", "scan", "shares"]


@dataclass
class ScanOutcome:
    """Everything a scan found: incursion rows, dropped rows per reason, errors (one line per
    bad file or input), rows read/total, files scanned.

    A scan that wrote its output file (``path``) holds no rows in memory: :attr:`table`
    reads them from the file when asked, :attr:`incursions` counts them from its footer."""

    rows: pa.Table | None
    counts: dict[str, int]
    errors: list[str]
    rows_in: int
    rows_total: int
    files: int
    skipped_airspaces: dict[int, str] = field(default_factory=dict)
    pieces_checked: int = 0
    path: Path | None = None

    @property
    def table(self) -> pa.Table:
        """Every incursion row (read from :attr:`path` if not in memory)."""
        if self.rows is None:
            if self.path is None:
                raise ValueError("this outcome holds no rows and names no file")
            return pq.read_table(self.path)
        return self.rows

    @property
    def incursions(self) -> int:
        if self.rows is None and self.path is not None:
            return int(pq.read_metadata(self.path).num_rows)
        return self.table.num_rows

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def plan(data: Sequence[str], threads: int | None = None) -> tuple[list[FileInfo], list[str]]:
    """Input files in chronological order of their earliest row, and error lines for inputs
    and files that cannot be used."""
    paths, errors = expand_inputs(data)
    con = connect(threads)
    infos = []
    for p in paths:
        try:
            infos.append(file_info(con, p, footer=True))
        except OverflightError as exc:
            errors.append(str(exc))
    con.close()
    infos.sort(key=lambda i: (i.t_min, str(i.path)))
    return infos, errors


def _key(
    airspaces: Sequence[Airspace],
    params: ScanParameters,
    cparams: CheckParameters,
    part: tuple[int, int],
    bbox: bool,
) -> str:
    h = hashlib.sha256()
    h.update(repr((asdict(params), cparams.to_dict(), part, bbox)).encode())
    for a in airspaces:
        h.update(repr((a.name, a.kind, a.id, a.polygons, a.floor, a.ceiling)).encode())
    return h.hexdigest()


def run_partition(
    infos: Sequence[FileInfo],
    airspaces: Sequence[Airspace],
    params: ScanParameters,
    cparams: CheckParameters,
    part: tuple[int, int] = (0, 1),
    checkpoint: Path | None = None,
    bbox_filter: bool = True,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
    on_file_done: Callable[[int], None] | None = None,
    threads: int | None = None,
    check_workers: int = 0,
    out: Path | None = None,
    pool: CheckPool | None = None,
) -> ScanOutcome:
    """Run the kernel over every file for the aircraft of partition ``part`` (index, count).

    ``check_workers``: processes for the exact check of finished pieces (0: inline); or
    ``pool``, such processes already started for ``airspaces`` and ``cparams`` (closed at
    the end, as the ones started here). With
    ``out``, each file's rows go to disk (the checkpoint's parts, or a temporary folder beside
    ``out``) and are merged into ``out`` at the end (:func:`~.output.merge_sorted`): memory
    does not grow with the number of incursions; the outcome then reads ``out`` on demand."""
    if pool is None and check_workers > 0:
        pool = CheckPool(
            airspaces, cparams, check_workers, columns=True, share=shares(check_workers)
        )
    with contextlib.ExitStack() as stack:
        if pool is not None:
            stack.callback(pool.close)
        index = AirspaceIndex(airspaces, cparams)
        if pool is not None and pool.local is None:
            pool.local = index  # the chunks checked here (``share``): the same airspaces
        stack.enter_context(settled())  # each file's survivors frozen (:mod:`.collector`)
        spill = None
        if out is not None and checkpoint is None:
            out.parent.mkdir(parents=True, exist_ok=True)
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=out.parent)))
        return _run(
            infos,
            index,
            airspaces,
            params,
            cparams,
            part,
            checkpoint,
            bbox_filter,
            batch_rows,
            progress,
            on_file_done,
            threads,
            pool,
            out,
            spill,
        )


def _run(
    infos: Sequence[FileInfo],
    index: AirspaceIndex,
    airspaces: Sequence[Airspace],
    params: ScanParameters,
    cparams: CheckParameters,
    part: tuple[int, int],
    checkpoint: Path | None,
    bbox_filter: bool,
    batch_rows: int,
    progress: Progress | None,
    on_file_done: Callable[[int], None] | None,
    threads: int | None,
    pool: CheckPool | None,
    out: Path | None,
    spill: Path | None,
) -> ScanOutcome:
    bbox = _padded(index.bbox()) if bbox_filter else None
    cp = None
    kernel = Kernel(index, params, pool)
    if checkpoint is not None:
        records = [  # (only a checkpoint needs the files' hashes: ~1.4 ms a file)
            {
                "path": str(i.path),
                "size": i.size,
                "mtime_ns": i.mtime_ns,
                "sha256": quick_sha256(i.path),
            }
            for i in infos
        ]
        cp = Checkpoint(checkpoint, _key(airspaces, params, cparams, part, bbox_filter), records)
        loaded = cp.load_state()
        if loaded is not None:
            kernel = loaded
            kernel.index = index
            kernel.pool = pool
    start = cp.done if cp else 0
    total = sum(i.rows for i in infos)
    done_rows = sum(i.rows for i in infos[:start])
    errors: list[str] = list(getattr(kernel, "errors", []))
    tables: list[pa.Table] = []
    held_parts: list[pa.Table] = []  # (``spill``) files' rows not yet written
    unsettled = 0
    con = connect(threads)
    # without a checkpoint the workers go on with a file's pieces while the next file is read
    # (rows of a file may then be written with a later one's: the output is sorted at the end)
    overlap = pool if cp is None else None
    reading = (bbox, part, batch_rows)
    for n, info in enumerate(infos[start:], start):
        if overlap is not None:
            overlap.tag = n
        before = kernel.copy()
        rows: list[dict[str, Any] | pa.RecordBatch] = []  # record batches: from the pool

        try:
            try:
                row0 = stream_file(con, info, kernel, rows, reading, progress, done_rows, total)
            except NotInTimeOrder:
                # its footer said time order, a row said otherwise: what the file's rows did
                # is undone, and the file read again, sorted
                rows = undone(overlap, n, kernel, rows)
                kernel, before = before, before.copy()
                again = replace(info, time_sorted=False, order_checked=True)
                row0 = stream_file(con, again, kernel, rows, reading, progress, done_rows, total)
            if n + 1 < len(infos):
                rows += kernel.evict(infos[n + 1].t_min)
            rows += kernel.dispatch() if overlap is not None else kernel.drain()
            kernel.counts["outside_bbox"] = kernel.counts.get("outside_bbox", 0) + (
                max(0, info.rows - row0) if part[1] == 1 else 0
            )
        except OverflightError as exc:
            # the pieces of the failed file are dropped with it
            rows = undone(overlap, n, kernel, rows)
            kernel = before
            errors.append(str(exc))
        kernel.errors = errors
        unsettled += info.rows
        if unsettled >= SETTLE_ROWS:
            settle()
            unsettled = 0
        done_rows += info.rows
        if progress:
            progress(done_rows, total)
        table = to_table(rows)
        if cp is not None:
            cp.commit(table, kernel)
        elif spill is not None:
            held_parts.append(table)
            if sum(t.num_rows for t in held_parts) >= SPILL_ROWS:
                pq.write_table(
                    pa.concat_tables([t.cast(SCHEMA) for t in held_parts]),
                    spill / f"part-{n:06d}.parquet",
                )
                held_parts = []
        else:
            tables.append(table)
        if on_file_done is not None:
            on_file_done(n + 1)
    con.close()
    final = to_table(kernel.finish())
    settle()
    if held_parts:
        assert spill is not None
        pq.write_table(
            pa.concat_tables([t.cast(SCHEMA) for t in held_parts]),
            spill / f"part-{len(infos):06d}.parquet",
        )
    table: pa.Table | None = None
    if out is not None:
        folder = cp.folder if cp is not None else spill
        assert folder is not None
        last = folder / "final.parquet"  # not committed: the end of the data
        pq.write_table(final, last)
        done = cp.parts() if cp is not None else sorted(folder.glob("part-*.parquet"))
        merge_sorted([*done, last], out)
    else:
        parts = [pq.read_table(p) for p in cp.parts()] if cp is not None else tables
        table = sort_table(pa.concat_tables([*[t.cast(SCHEMA) for t in parts], final]))
    return ScanOutcome(
        table,
        dict(kernel.counts),
        errors,
        kernel.rows_in,
        total,
        len(infos),
        dict(index.skipped),
        kernel.pieces_checked,
        out,
    )


SETTLE_ROWS = 1_000_000
"""The survivors are frozen (:func:`~.collector.settle`) after files of this many rows: after
each hourly file, every ~36 one-minute files (each a full collection: ~1 ms)."""

SPILL_ROWS = 65_536
"""Without a checkpoint, files' output rows are written to a part once they reach this many
(one part per file cost 360 one-minute files ~1 s in writes and in the merge)."""


AUTO_MIN_ROWS = 1_000_000
"""Below this many input rows, starting check processes costs more than it saves."""


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, n or 1)


def auto_check_workers(rows: int, cpus: int | None = None) -> int:
    """Check processes for an archive of ``rows``: one per CPU this process may use but one
    (at least one), the main process checking too while they are all behind
    (:func:`shares`), or 0 (inline) for archives under :data:`AUTO_MIN_ROWS` rows.

    On two cores, one worker and a main process that helps it ran 100M rows in 51.2-52.9 s
    (CPU 97-100 s in all) against 53.1-55.7 s (CPU 101-105 s) for two workers beside the
    main process, alternated; the rows are the same.

    >>> auto_check_workers(10_000), auto_check_workers(50_000_000, cpus=2)
    (0, 1)
    >>> auto_check_workers(50_000_000, cpus=1), auto_check_workers(50_000_000, cpus=8)
    (1, 7)
    """
    if rows < AUTO_MIN_ROWS:
        return 0
    return max(1, (usable_cpus() if cpus is None else cpus) - 1)


def shares(check_workers: int, cpus: int | None = None) -> bool:
    """Whether the main process checks chunks too while ``check_workers`` are all behind
    (:class:`~.pool.CheckPool`'s ``share``): when some CPU is left to it.

    >>> shares(1, cpus=2), shares(2, cpus=2), shares(0, cpus=2)
    (True, False, False)
    """
    return 0 < check_workers < (usable_cpus() if cpus is None else cpus)


def _padded(b: tuple[float, float, float, float], pad: float = 1.0) -> tuple[float, ...]:
    return (
        max(-180.0, b[0] - pad),
        max(-90.0, b[1] - pad),
        min(180.0, b[2] + pad),
        min(90.0, b[3] + pad),
    )


def merge(outcomes: Sequence[ScanOutcome], out: Path | None = None) -> ScanOutcome:
    """One outcome from partitions, counts added: with ``out``, the partitions' output files
    merged into it on disk (:func:`~.output.merge_sorted`; every partition must have written
    one), else their rows concatenated in memory, in canonical order."""
    counts: dict[str, int] = {}
    for o in outcomes:
        for k, v in o.counts.items():
            counts[k] = counts.get(k, 0) + v
    errors = list(dict.fromkeys(e for o in outcomes for e in o.errors))
    table: pa.Table | None = None
    if out is not None:
        merge_sorted([o.path for o in outcomes if o.path is not None], out)
    else:
        table = sort_table(pa.concat_tables([o.table for o in outcomes]))
    skipped: dict[int, str] = {}
    for o in outcomes:
        skipped.update(o.skipped_airspaces)
    return ScanOutcome(
        table,
        counts,
        errors,
        sum(o.rows_in for o in outcomes),
        outcomes[0].rows_total if outcomes else 0,
        outcomes[0].files if outcomes else 0,
        skipped,
        sum(o.pieces_checked for o in outcomes),
        out,
    )


@kept_heap()  # the main process's freed arrays reused while it scans (:mod:`.heap`)
def scan(
    data: Sequence[str],
    airspaces: Sequence[Airspace],
    out: Path | None = None,
    *,
    engine: str = "duckdb",
    scheduler: str | None = None,
    workers: int = 2,
    params: ScanParameters | None = None,
    check_params: CheckParameters | None = None,
    checkpoint: Path | None = None,
    bbox_filter: bool = True,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
    on_file_done: Callable[[int], None] | None = None,
    check_workers: int = 0,
) -> ScanOutcome:
    """Scan the files named by ``data`` against ``airspaces``; write ``out`` (Parquet,
    atomically) if given. ``checkpoint``: a folder for resumable runs (per partition
    sub-folders with Dask). ``engine``: ``"duckdb"`` or ``"dask"`` (``scheduler`` the address
    of a running cluster, else a LocalCluster of ``workers`` threads). ``check_workers``
    (DuckDB engine): processes running the exact check while the main process reads (0:
    inline; negative: :func:`auto_check_workers` of the files' :func:`~.duckdb.estimated_rows`,
    with the main process checking too (:func:`shares`) if a CPU is left to it); the output is
    the same."""
    params = params or ScanParameters()
    cparams = check_params or CheckParameters()
    if engine == "duckdb" and check_workers < 0:
        check_workers = auto_check_workers(estimated_rows(expand_inputs(data)[0]))
    # the check workers start while the files are planned (each file's times are read)
    pool = None
    if engine == "duckdb" and check_workers > 0:
        pool = CheckPool(
            airspaces, cparams, check_workers, columns=True, share=shares(check_workers)
        )
    try:
        infos, errors = plan(data)
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    if engine == "duckdb":
        outcome = run_partition(
            infos,
            airspaces,
            params,
            cparams,
            (0, 1),
            checkpoint,
            bbox_filter,
            batch_rows,
            progress,
            on_file_done,
            check_workers=check_workers,
            out=out,
            pool=pool,
        )
    elif engine == "dask":
        from .dask import run_dask

        outcome = run_dask(
            infos,
            airspaces,
            params,
            cparams,
            scheduler,
            workers,
            checkpoint,
            bbox_filter,
            batch_rows,
            progress,
            out=out,
        )
    else:
        raise ValueError(f"unknown engine {engine!r} (expected 'duckdb' or 'dask')")
    outcome.errors = errors + outcome.errors
    if out is not None and outcome.path is None:
        atomic_write_table(outcome.table, out)
        outcome.path = out
    return outcome
