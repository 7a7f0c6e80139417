"""The distributed engine: the same kernel on dask.distributed, one task per icao24 hash
partition (every task reads every file, keeping its own aircraft in SQL), so each aircraft's
rows meet one kernel in time order and results equal the embedded engine's.

``scheduler`` is the address of a running cluster (``tcp://host:8786``); without it a
LocalCluster of ``workers`` threads runs in this process. Workers need overflight installed
and the input files at the same paths (a shared file system). Imported lazily.

With an output file, each partition writes its rows to disk as the embedded engine does
(its checkpoint folder, or a temporary folder beside the output for a LocalCluster) and the
client merges the partitions' files into the output, so no process holds every incursion.
A remote cluster without a checkpoint folder returns each partition's rows in memory (the
workers may not see the client's folders).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..analysis.params import CheckParameters
from ..model import Airspace
from .clean import ScanParameters
from .duckdb import BATCH_ROWS, FileInfo
from .scan import ScanOutcome, merge, run_partition

__all__ = ["run_dask"]


def run_dask(
    infos: Sequence[FileInfo],
    airspaces: Sequence[Airspace],
    params: ScanParameters,
    cparams: CheckParameters,
    scheduler: str | None = None,
    workers: int = 2,
    checkpoint: Path | None = None,
    bbox_filter: bool = True,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int, int], None] | None = None,
    partitions: int | None = None,
    out: Path | None = None,
) -> ScanOutcome:
    """Run one :func:`~.scan.run_partition` per partition on a Dask cluster and merge (into
    ``out`` on disk where the workers can write beside it or to the checkpoint)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None
        )
        client = Client(cluster)
    stack = contextlib.ExitStack()
    try:
        folder = None  # where the partitions write their rows, if on disk
        if out is not None and checkpoint is not None:
            folder = checkpoint
        elif out is not None and not scheduler:
            out.parent.mkdir(parents=True, exist_ok=True)
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=out.parent)))
        n = partitions or max(1, len(client.scheduler_info()["workers"]))
        futures = [
            client.submit(
                run_partition,
                list(infos),
                list(airspaces),
                params,
                cparams,
                (i, n),
                None if checkpoint is None else checkpoint / f"part-{i:04d}-of-{n:04d}",
                bbox_filter,
                batch_rows,
                None,
                None,
                1,
                out=None if folder is None else folder / f"rows-{i:04d}-of-{n:04d}.parquet",
                pure=False,
            )
            for i in range(n)
        ]
        total = sum(i.rows for i in infos)
        outcomes = []
        for k, fut in enumerate(as_completed(futures), 1):
            outcomes.append(fut.result())
            if progress:
                progress(total * k // n, total)
        outcome = merge(outcomes, out if folder is not None else None)
        outcome.counts["outside_bbox"] = outcome.counts.get("outside_bbox", 0) + max(
            0, outcome.rows_total - outcome.rows_in
        )
        return outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        stack.close()  # the temporary folder of the partitions' rows
