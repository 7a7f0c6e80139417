"""Benchmark of ``overflight scan``: N generated rows x 2,000 airspaces, end to end (DuckDB
engine), peak RSS, against DuckDB's own spatial join and a naive per-row shapely loop, on two
airspace sets.

    python benchmarks/scan_bench.py [--rows 10000000] [--airspaces 2000] [--hours 6]
                                    [--sets realistic,dense] [--check-workers -1]
                                    [--archive DIR]  (keep the generated archive, or reuse it)

Airspace sets (``_archive_airspaces``):
- ``realistic``: CTRs (10-20 km, surface to 2,500-5,000 ft) and two-ring TMAs (to FL95 and
  FL195) around the ~50 airports the traffic flies between, and restricted/danger areas of
  5-50 km, surface to FL100-FL660 (mostly low), scattered over Europe;
- ``dense`` (stress): 5-40 km areas with ceilings FL250-FL460 blanketing Europe, so a third of
  all rows are inside one.

The archive is generated first in a child process; each scan runs in its own child process
(its peak RSS, and its check workers', are its own), after every file has been read once (the
scan and the peers then read from the page cache alike) and a warm-up scan of the first file
that compiles the compiled functions on a new install (it prints what that took). Peers:
- DuckDB spatial: ``ST_Contains(polygon, ST_Point(lon, lat))`` join of every row against the
  airspace footprints (lon/lat polygons; inside/outside per row only, no crossing times, no
  altitude), with the spatial extension installed from the duckdb-extension-spatial package;
- naive: a per-row Python loop of shapely ``contains`` over every footprint, on a subsample.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import shapely

sys.path.insert(0, str(Path(__file__).parent))

from _archive_airspaces import dense, realistic

from overflight.geometry.boundary import ring_points

ROWS_PER_FLIGHT = {6: 1_230, 24: 1_410}
"""Rows per flight inside the archive's hours, measured on the generator (6 hours: 606
flights gave 745,033 rows; 24 hours: 2,000 flights gave 2,820,244 rows): departures spread
from 2 h before the first hour to the end of the last, so fewer flights are cut short by
the archive's ends as it gets longer."""


def _rows_per_flight(hours: int) -> float:
    return float(
        np.interp(
            hours, sorted(ROWS_PER_FLIGHT), [ROWS_PER_FLIGHT[h] for h in sorted(ROWS_PER_FLIGHT)]
        )
    )


def _generate(folder: Path, rows: int, hours: int, seed: int) -> list[Path]:
    flights = max(1, round(rows / _rows_per_flight(hours)))
    code = (
        "import sys; from overflight.archive.synth import synthesize; "
        f"synthesize(sys.argv[1], flights={flights}, hours={hours}, seed={seed})"
    )
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True)
    return sorted(folder.glob("*.parquet"))


def _footprints(zones):
    return [
        shapely.Polygon(np.column_stack(ring_points(a.polygons[0].exterior, "geodesic", 10.0)))
        for a in zones
    ]


def _duckdb_join(files: list[Path], polys) -> tuple[float, int, float]:
    import duckdb
    import duckdb_extension_spatial

    ext = next(Path(duckdb_extension_spatial.__file__).parent.rglob("spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"INSTALL '{ext}'")
    con.execute("LOAD spatial")
    con.execute("CREATE TABLE zones (id INTEGER, wkt VARCHAR)")
    con.executemany("INSERT INTO zones VALUES (?, ?)", [(i, p.wkt) for i, p in enumerate(polys)])
    con.execute("CREATE TABLE z AS SELECT id, ST_GeomFromText(wkt) AS geom FROM zones")
    t0, c0 = time.perf_counter(), time.process_time()  # (DuckDB's threads are this process's)
    n = con.execute(
        "SELECT count(*) FROM read_parquet(?) p JOIN z ON ST_Contains(z.geom, "
        "ST_Point(p.lon, p.lat))",
        [[str(f) for f in files]],
    ).fetchone()[0]
    return time.perf_counter() - t0, int(n), time.process_time() - c0


def _workers(asked: int, rows: int) -> str:
    """The check processes a scan of ``rows`` starts for ``--check-workers asked``."""
    from overflight.archive.scan import auto_check_workers, shares

    n = auto_check_workers(rows) if asked < 0 else asked
    helps = " and the main process while they are behind" if shares(n) else ""
    return f"{n}{helps}" + (" (automatic)" if asked < 0 else "")


def _scan(folder: Path, kind: str, n: int, workers: int) -> dict:
    child = Path(__file__).parent / "_archive_scan_child.py"
    res = subprocess.run(
        [sys.executable, str(child), str(folder), kind, str(n), str(workers)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        sys.exit(f"the scan failed (exit {res.returncode}):\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def read_through(files: list[Path]) -> float:
    """Read every file once, so that the scan (run first) and the join read them from the
    page cache alike, and return the seconds that took: a scan that followed other work
    that had evicted the archive read part of it from disk (51.8 s and 51 s of CPU in its
    main process, against 46.3 s and 46 s in the next two runs; the join 49.4 s)."""
    t0 = time.perf_counter()
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass
    return time.perf_counter() - t0


def _warm_up(first: Path, n: int, workers: int) -> None:
    """A scan of the first file alone: on a new install (or after a change to a compiled
    module) it compiles the compiled functions, once, so the timed scans measure the scan."""
    with tempfile.TemporaryDirectory() as one:
        (Path(one) / first.name).symlink_to(first.resolve())
        r = _scan(Path(one), "realistic", n, workers)
    what = (
        f"compiled {r['compiled']} functions (a first scan on this install)"
        if r["compiled"]
        else "nothing to compile"
    )
    print(f"warm-up scan of {first.name}: {r['seconds']:.1f} s, {what}")


def _naive(files: list[Path], polys, m: int) -> tuple[float, int]:
    t = pq.read_table(files[len(files) // 2], columns=["lon", "lat"])
    m = min(m, t.num_rows)
    lon = t["lon"].to_numpy()[:m]
    lat = t["lat"].to_numpy()[:m]
    t0 = time.perf_counter()
    for x, y in zip(lon, lat, strict=True):
        p = shapely.Point(x, y)
        for poly in polys:
            poly.contains(p)
    return (time.perf_counter() - t0) / m, m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--airspaces", type=int, default=2000)
    ap.add_argument("--hours", type=int, default=6)
    ap.add_argument("--naive-rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sets", default="realistic,dense")
    ap.add_argument(
        "--check-workers",
        type=int,
        default=-1,
        help="check processes (-1: the command's default, one per CPU but one, the main "
        "process checking too while they are behind)",
    )
    ap.add_argument("--skip-duckdb-join", action="store_true")
    ap.add_argument(
        "--archive",
        type=Path,
        help="generate the archive into this folder and keep it; a folder that already holds "
        "Parquet files is scanned as it is (no generation)",
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.archive or Path(scratch)
        t0 = time.perf_counter()
        files = sorted(tmp.glob("*.parquet"))
        made = "found"
        if not files:
            tmp.mkdir(parents=True, exist_ok=True)
            files, made = _generate(tmp, args.rows, args.hours, args.seed), "generated"
        n = sum(pq.read_metadata(f).num_rows for f in files)
        print(
            f"{made} {n:,} rows in {len(files)} hourly files ({time.perf_counter() - t0:.0f} s)"
            f"; {args.airspaces:,} airspaces; check workers: {_workers(args.check_workers, n)}"
        )
        print(f"read every file once (page cache) in {read_through(files):.1f} s")
        _warm_up(files[0], args.airspaces, args.check_workers)
        for kind in args.sets.split(","):
            zones = (realistic if kind == "realistic" else dense)(args.airspaces)
            r = _scan(tmp, kind, args.airspaces, args.check_workers)
            t_scan = r["seconds"]
            print(
                f"[{kind}] overflight scan  : {t_scan:8.1f} s  {n / t_scan:12,.0f} rows/s end to "
                f"end  peak RSS {r['rss_mb']:,.0f} MB (largest worker {r['worker_rss_mb']:,.0f} "
                f"MB)  ({r['incursions']:,} incursions, {r['pieces']:,} pieces checked)  CPU "
                f"{r['cpu_s']:,.1f} s ({r['cpu_s'] / n * 1e6:.1f} us/row, all processes; main "
                f"{r['cpu_main_s']:,.1f} s)"
                + (f"  compiled {r['compiled']}" if r["compiled"] else "")
            )
            polys = _footprints(zones)
            if not args.skip_duckdb_join:
                t_dj, hits, cpu_dj = _duckdb_join(files, polys)
                print(
                    f"[{kind}] duckdb ST_Contains: {t_dj:8.1f} s  {n / t_dj:12,.0f} rows/s  "
                    f"({hits:,} row x airspace hits, inside/outside only)  scan/join time "
                    f"ratio {t_scan / t_dj:.2f}  CPU {cpu_dj:,.1f} s (scan/join "
                    f"{r['cpu_s'] / cpu_dj:.2f})"
                )
            per_row, m = _naive(files, polys, args.naive_rows)
            t_naive = per_row * n
            print(
                f"[{kind}] naive per-row    : {t_naive:8.1f} s  {n / t_naive:12,.0f} rows/s  "
                f"(timed on {m:,} rows, scaled)  scan is {t_naive / t_scan:,.1f}x faster"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the benchmark process itself (peers): {rss:,.0f} MB")


if __name__ == "__main__":
    main()
