"""One timed ``scan`` in its own process, so its peak RSS (and its check workers') is its own.

    python _archive_scan_child.py DATA_DIR realistic|dense N_AIRSPACES CHECK_WORKERS

Prints one JSON line: seconds, rows, incursions, pieces checked, dropped rows, peak RSS of
this process and of its largest worker (MB), CPU seconds of both.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def main() -> None:
    from _archive_airspaces import dense, realistic

    from overflight.archive.scan import scan

    folder, kind, n, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    zones = (realistic if kind == "realistic" else dense)(n)
    files = sorted(str(f) for f in Path(folder).glob("*.parquet"))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = scan(files, zones, Path(tmp) / "inc.parquet", check_workers=workers)
        dt = time.perf_counter() - t0
        incursions = out.incursions  # counted from the output file, before it goes
    print(
        json.dumps(
            {
                "seconds": dt,
                "rows": out.rows_in,
                "incursions": incursions,
                "pieces": out.pieces_checked,
                "dropped": out.counts,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                # CPU seconds of this process and its (finished) check workers: steadier than
                # wall time on a shared machine
                "cpu_s": sum(
                    r.ru_utime + r.ru_stime
                    for r in (
                        resource.getrusage(resource.RUSAGE_SELF),
                        resource.getrusage(resource.RUSAGE_CHILDREN),
                    )
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
