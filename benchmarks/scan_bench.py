"""Benchmark of ``overflight scan``: N generated rows x 2,000 airspaces, end to end (DuckDB
engine), peak RSS, against DuckDB's own spatial join and a naive per-row shapely loop.

    python benchmarks/scan_bench.py [--rows 10000000] [--airspaces 2000] [--hours 6]

The archive is generated first in a child process (not counted in RSS or time). Peers:
- DuckDB spatial: ``ST_Contains(polygon, ST_Point(lon, lat))`` join of every row against the
  airspace footprints (lon/lat polygons; inside/outside per row only, no crossing times, no
  altitude), with the spatial extension installed from the duckdb-extension-spatial package;
- naive: a per-row Python loop of shapely ``contains`` over every footprint, on a subsample.
"""

from __future__ import annotations

import argparse
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

from _synthetic import airspaces

from overflight.archive.scan import scan
from overflight.geometry.boundary import ring_points

ROWS_PER_FLIGHT_HOUR = 1_100  # measured on the generator: mean of 1-10 s sampling, dropouts


def _generate(folder: Path, rows: int, hours: int, seed: int) -> list[Path]:
    flights = max(1, rows // (ROWS_PER_FLIGHT_HOUR * max(1, min(hours, 3))))
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


def _duckdb_join(files: list[Path], polys) -> tuple[float, int]:
    import duckdb
    import duckdb_extension_spatial

    ext = next(Path(duckdb_extension_spatial.__file__).parent.rglob("spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"INSTALL '{ext}'")
    con.execute("LOAD spatial")
    con.execute("CREATE TABLE zones (id INTEGER, wkt VARCHAR)")
    con.executemany("INSERT INTO zones VALUES (?, ?)", [(i, p.wkt) for i, p in enumerate(polys)])
    con.execute("CREATE TABLE z AS SELECT id, ST_GeomFromText(wkt) AS geom FROM zones")
    t0 = time.perf_counter()
    n = con.execute(
        "SELECT count(*) FROM read_parquet(?) p JOIN z ON ST_Contains(z.geom, "
        "ST_Point(p.lon, p.lat))",
        [[str(f) for f in files]],
    ).fetchone()[0]
    return time.perf_counter() - t0, int(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--airspaces", type=int, default=2000)
    ap.add_argument("--hours", type=int, default=6)
    ap.add_argument("--naive-rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-duckdb-join", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = _generate(Path(tmp), args.rows, args.hours, args.seed)
        n = sum(pq.read_metadata(f).num_rows for f in files)
        print(
            f"generated {n:,} rows in {len(files)} hourly files ({time.perf_counter() - t0:.0f} s)"
        )
        zones = airspaces(args.airspaces)

        t0 = time.perf_counter()
        out = scan([str(f) for f in files], zones, Path(tmp) / "inc.parquet")
        t_scan = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"overflight scan  : {t_scan:8.1f} s  {n / t_scan:12,.0f} rows/s end to end  "
            f"peak RSS {rss:,.0f} MB  ({out.table.num_rows:,} incursions, "
            f"{out.pieces_checked:,} pieces checked, dropped {out.counts})"
        )
        polys = _footprints(zones)
        if not args.skip_duckdb_join:
            t_dj, hits = _duckdb_join(files, polys)
            print(
                f"duckdb ST_Contains: {t_dj:8.1f} s  {n / t_dj:12,.0f} rows/s  ({hits:,} row x "
                f"airspace hits, inside/outside only)  scan/join time ratio {t_scan / t_dj:.2f}"
            )
        t = pq.read_table(files[len(files) // 2], columns=["lon", "lat"])
        m = min(args.naive_rows, t.num_rows)
        lon = t["lon"].to_numpy()[:m]
        lat = t["lat"].to_numpy()[:m]
        t0 = time.perf_counter()
        hits = 0
        for x, y in zip(lon, lat, strict=True):
            p = shapely.Point(x, y)
            for poly in polys:
                if poly.contains(p):
                    hits += 1
        t_naive = (time.perf_counter() - t0) * n / m
        print(
            f"naive per-row    : {t_naive:8.1f} s  {n / t_naive:12,.0f} rows/s  (timed on {m:,} "
            f"rows, scaled)  scan is {t_naive / t_scan:,.0f}x faster"
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the whole benchmark process: {rss:,.0f} MB")


if __name__ == "__main__":
    main()
