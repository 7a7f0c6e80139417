"""Memory of ``overflight scan`` as the archive grows: one day of hourly files, then the same
day again and again, each copy a day later with every aircraft's address and callsign
changed (as if the next days brought all new aircraft: the worst case for what the scan keeps
per aircraft). Prints the main process's resident memory at the end of each day, its peak,
and the growth per day after the first.

    python benchmarks/scan_days_bench.py --archive DAY_DIR --days 3 [--work DIR]
                                         [--airspaces 2000] [--check-workers -1]

``DAY_DIR``: a folder of hourly Parquet files (``scan_bench.py --hours 24 --archive DIR``
writes one). The copies of later days go to ``--work`` (default: a temporary folder) and
are kept there for the next run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

DAY = 86_400


def _shifted(src: Path, dst: Path, day: int) -> None:
    """``src`` a ``day`` later, with new addresses and callsigns (the same for the same
    aircraft of one day)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    f = pq.ParquetFile(src)
    t = f.read()
    cols = {}
    for name in t.column_names:
        col = t.column(name)
        if name == "time":
            col = pc.add(col, day * DAY)
        elif name in ("lastposupdate", "lastcontact"):
            col = pc.add(col, float(day * DAY))
        elif name == "icao24":
            enc = col.combine_chunks().dictionary_encode()
            names = [
                f"{(int(v, 16) + day * 0x10_0000) % 0x100_0000:06x}"
                for v in enc.dictionary.to_pylist()
            ]
            col = pa.array(names).take(enc.indices)
        elif name == "callsign":
            enc = col.combine_chunks().dictionary_encode()
            names = [(v[:7] + str(day % 10)) if v else v for v in enc.dictionary.to_pylist()]
            col = pa.array(names, pa.string()).take(enc.indices)
        cols[name] = col
    out = pa.table(cols)
    pq.write_table(out, dst, row_group_size=f.metadata.row_group(0).num_rows)


def _days(archive: Path, work: Path, days: int) -> list[list[str]]:
    """Each day's files: the archive's, then its shifted copies in ``work``."""
    first = sorted(archive.glob("*.parquet"))
    out = [[str(p) for p in first]]
    for d in range(1, days):
        folder = work / f"day{d}"
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for p in first:
            q = folder / f"d{d}_{p.name}"
            if not q.exists():
                tmp = q.with_suffix(".tmp")
                _shifted(p, tmp, d)
                tmp.rename(q)
            files.append(str(q))
        out.append(files)
    return out


def _heap_in_use() -> Callable[[], float]:
    """The C heap's bytes in use (MB; glibc's ``mallinfo2``: blocks handed out, small and
    mapped), apart from the free pages RSS also counts; NaN elsewhere."""
    import ctypes

    class Info(ctypes.Structure):
        _fields_ = [
            (n, ctypes.c_size_t)
            for n in [
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            ]
        ]

    try:
        f = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return lambda: float("nan")
    f.restype = Info

    def used() -> float:
        i = f()
        return (i.uordblks + i.hblkhd) / 2**20

    return used


def _child(days_file: str, n: int, workers: int) -> None:
    """The scan, printing the resident memory at the end of each day (one JSON line)."""
    import time

    from _archive_airspaces import realistic

    from overflight.archive.scan import scan

    days = json.loads(Path(days_file).read_text())
    files = [f for day in days for f in day]
    ends = {sum(len(d) for d in days[: i + 1]): i for i in range(len(days))}
    rss: list[float] = []

    def status(key: str) -> float:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
        return float("nan")

    heap: list[float] = []
    used = _heap_in_use()

    def on_file_done(k: int) -> None:
        if k in ends:
            rss.append(status("VmRSS:"))
            heap.append(used())

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = scan(
            files,
            realistic(n),
            Path(tmp) / "inc.parquet",
            check_workers=workers,
            on_file_done=on_file_done,
        )
        dt = time.perf_counter() - t0
        incursions = out.incursions
    print(
        json.dumps(
            {
                "seconds": dt,
                "rows": out.rows_in,
                "incursions": incursions,
                "rss_mb": rss,
                "heap_mb": heap,
                "peak_mb": status("VmHWM:"),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, required=True)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--airspaces", type=int, default=2000)
    ap.add_argument("--check-workers", type=int, default=-1)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child is not None:
        _child(a.child, a.airspaces, a.check_workers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = a.work or Path(tmp)
        days = _days(a.archive, work, a.days)
        import pyarrow.parquet as pq

        rows_per_day = sum(pq.ParquetFile(f).metadata.num_rows for f in days[0])
        print(f"{a.days} days of {len(days[0])} files, {rows_per_day:,} rows a day")
        listed = Path(tmp) / "days.json"
        listed.write_text(json.dumps(days))
        res = subprocess.run(
            [
                sys.executable,
                __file__,
                "--archive",
                str(a.archive),
                "--child",
                str(listed),
                "--airspaces",
                str(a.airspaces),
                "--check-workers",
                str(a.check_workers),
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            sys.exit(res.stderr)
    r = json.loads(res.stdout.strip().splitlines()[-1])
    rss = r["rss_mb"]
    growth = (rss[-1] - rss[0]) / (len(rss) - 1) if len(rss) > 1 else float("nan")
    total = rows_per_day * a.days
    print(
        f"overflight scan: {r['seconds']:.1f} s, {total / r['seconds']:,.0f} rows/s "
        f"({total:,} rows), {r['incursions']:,} incursions"
    )
    print("resident memory at the end of each day: " + ", ".join(f"{m:,.0f} MB" for m in rss))
    print(
        "C heap in use at the end of each day: " + ", ".join(f"{m:,.0f} MB" for m in r["heap_mb"])
    )
    print(f"peak {r['peak_mb']:,.0f} MB; growth per day after the first: {growth:+,.0f} MB")


if __name__ == "__main__":
    main()
