"""The distributed engine: the same kernel on dask.distributed, one task per icao24 hash
partition (every task reads every file, keeping its own aircraft in SQL), so each aircraft's
rows meet one kernel in time order and results equal the embedded engine's.

``scheduler`` is the address of a running cluster (``tcp://host:8786``); without it a
LocalCluster of ``workers`` threads runs in this process. Workers need overflight installed
and the input files at the same paths (a shared file system). Imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..analysis.params import CheckParameters
from ..model import Airspace
from .clean import ScanParameters
from .duckdb import FileInfo
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
    batch_rows: int = 100_000,
    progress: Callable[[int, int], None] | None = None,
    partitions: int | None = None,
) -> ScanOutcome:
    """Run one :func:`~.scan.run_partition` per partition on a Dask cluster and merge."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None
        )
        client = Client(cluster)
    try:
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
        outcome = merge(outcomes)
        outcome.counts["outside_bbox"] = outcome.counts.get("outside_bbox", 0) + max(
            0, outcome.rows_total - outcome.rows_in
        )
        return outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
