"""One timed ``scan`` in its own process, so its peak RSS (and its check workers') is its own.

    python _archive_scan_child.py DATA_DIR realistic|dense N_AIRSPACES CHECK_WORKERS

Prints one JSON line: seconds, rows, incursions, pieces checked, dropped rows, peak RSS of
this process and of its largest worker (MB), CPU seconds of both, and how many compiled
functions (signatures) the scan compiled rather than loaded from the cache.

A worker's peak is its own (``VmHWM`` in ``/proc/PID/status``, sampled every 0.1 s while it
runs): ``getrusage(RUSAGE_CHILDREN)`` would also count this process's pages at the moment it
forked the worker, before the worker's ``exec`` (the start method is spawn), i.e. report
the main process's size at that moment whenever that is larger. Elsewhere than Linux the
``getrusage`` figure is kept.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


class WorkerPeaks(threading.Thread):
    """The largest ``VmHWM`` (MB) seen among this process's children while it runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.seen = False
        self._done = threading.Event()

    def run(self) -> None:
        import glob
        import os

        tasks = f"/proc/{os.getpid()}/task/*/children"  # the children each thread started
        while not self._done.wait(0.1):
            pids: set[str] = set()
            for path in glob.glob(tasks):
                try:
                    with open(path) as f:
                        pids.update(f.read().split())
                except OSError:
                    continue
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
                                self.seen = True
                                break
                except OSError:
                    continue  # gone already

    def stop(self) -> None:
        self._done.set()
        self.join()


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _compiled() -> int:
    """How many compiled functions' machine code (one file each per signature) the cache holds."""
    from overflight.geometry.jit import cache_dir

    where = cache_dir()
    return len(list(Path(where).rglob("*.nbc"))) if where is not None else 0


def main() -> None:
    from _archive_airspaces import dense, realistic

    from overflight.archive.scan import scan

    folder, kind, n, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    zones = (realistic if kind == "realistic" else dense)(n)
    files = sorted(str(f) for f in Path(folder).glob("*.parquet"))
    peaks = WorkerPeaks()
    peaks.start()
    cached = _compiled()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = scan(files, zones, Path(tmp) / "inc.parquet", check_workers=workers)
        dt = time.perf_counter() - t0
        incursions = out.incursions  # counted from the output file, before it goes
    peaks.stop()
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": dt,
                "rows": out.rows_in,
                "incursions": incursions,
                "pieces": out.pieces_checked,
                "dropped": out.counts,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": peaks.peak_mb if peaks.seen else children_mb,
                # CPU seconds of this process and its (finished) check workers: steadier than
                # wall time on a shared machine
                "cpu_s": _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN),
                "cpu_main_s": _cpu(resource.RUSAGE_SELF),
                # compiled by this scan (by any of its processes), not loaded from the cache
                "compiled": _compiled() - cached,
            }
        )
    )


if __name__ == "__main__":
    main()
