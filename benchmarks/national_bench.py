"""Benchmark of ``overflight scan`` against national airspaces (``overflight airspace national``:
thousands of coastline edges, hundreds of kilometres across), end to end through the CLI,
against DuckDB's own spatial join on the same polygons.

    python benchmarks/national_bench.py [--rows 10000000] [--hours 6]
                                        [--countries EST,LVA,FIN,POL]
                                        [--archive DIR] [--airspaces DIR]

Needs the national data (``pip install 'overflight[national]'`` and Debian's ``gmt-dcw``).
The archive is generated as by ``scan_bench.py`` (traffic between ~50 European airports,
Tallinn, Riga, Helsinki and Warsaw among them) and kept in ``--archive`` if given; the
airspaces are built once into ``--airspaces`` (Finland takes ~90 s) and reused. The scan runs
as a user runs it, ``overflight scan ... --no-checkpoint`` in a child process (automatic check
workers), after every file has been read once (page cache) and a warm-up scan of the first
file (which compiles the scan's passes on a new install); the peak RSS is that of its
largest process. Peer: DuckDB spatial,
``ST_Contains(polygon, ST_Point(lon, lat))`` of every row against the countries' polygons
(inside/outside per row only: no crossing times, depths or altitudes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import shapely

sys.path.insert(0, str(Path(__file__).parent))

from scan_bench import _duckdb_join, _generate, read_through

_MEASURED = """
import json, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(r.stderr.decode(errors="replace"))
print(json.dumps({"cpu": u.ru_utime + u.ru_stime, "rss_mb": u.ru_maxrss / 1024}))
sys.exit(r.returncode)
"""
"""Runs a command as its child and prints the CPU and peak RSS of it and its descendants (not
of the airspaces built before, which are this script's children too)."""


def _built(folder: Path, countries: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in countries:
        path = folder / f"{c}.geojson"
        if not path.is_file():
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "overflight", "airspace", "national", c, "--out", str(path)],
                check=True,
                capture_output=True,
            )
            print(f"built {c} in {time.perf_counter() - t0:.0f} s", flush=True)
        out.append(path)
    return out


def _polygons(paths: list[Path]) -> list[shapely.Geometry]:
    polys = []
    for p in paths:
        for feat in json.loads(p.read_text())["features"]:
            polys.append(shapely.geometry.shape(feat["geometry"]))
    return polys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--hours", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--countries", default="EST,LVA,FIN,POL")
    ap.add_argument("--archive", type=Path, help="keep the generated archive here, or reuse it")
    ap.add_argument("--airspaces", type=Path, help="keep the built airspaces here, or reuse them")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.archive or Path(tmp) / "archive"
        files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if not files:
            folder.mkdir(parents=True, exist_ok=True)
            files = _generate(folder, a.rows, a.hours, a.seed)
        import pyarrow.parquet as pq

        rows = sum(pq.read_metadata(f).num_rows for f in files)
        countries = [c.strip() for c in a.countries.split(",") if c.strip()]
        spaces = _built(a.airspaces or Path(tmp) / "airspaces", countries)
        edges = [len(shapely.get_coordinates(g)) for g in _polygons(spaces)]
        print(
            f"{rows:,} rows in {len(files)} files; {', '.join(countries)} "
            f"({min(edges):,}-{max(edges):,} vertices)",
            flush=True,
        )
        out = Path(tmp) / "incursions.parquet"
        print(f"read every file once (page cache) in {read_through(files):.1f} s", flush=True)
        zones = [a for s in spaces for a in ("--airspace", str(s))]
        first = [sys.executable, "-m", "overflight", "scan", str(files[0]), *zones]
        warm = subprocess.run([*first, "--out", str(out), "--no-checkpoint"], capture_output=True)
        if b"compiling" in warm.stderr:
            print("warm-up scan of the first file compiled the scan's passes", flush=True)
        cmd = [sys.executable, "-m", "overflight", "scan", *map(str, files), *zones]
        cmd += ["--out", str(out), "--no-checkpoint"]
        t0 = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-c", _MEASURED, *cmd], capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        if res.returncode != 0:
            sys.exit(f"the scan failed (exit {res.returncode}):\n{res.stderr}")
        ru = json.loads(res.stdout.strip().splitlines()[-1])
        n = pq.read_metadata(out).num_rows
        print(
            f"overflight scan   : {wall:8.1f} s  {rows / wall:12,.0f} rows/s end to end  "
            f"{n:,} incursions  CPU {ru['cpu']:.1f} s (all its processes)  "
            f"peak RSS {ru['rss_mb']:,.0f} MB (its largest process)",
            flush=True,
        )
        jw, hits, jc = _duckdb_join(files, _polygons(spaces))
        print(
            f"duckdb ST_Contains: {jw:8.1f} s  {rows / jw:12,.0f} rows/s  ({hits:,} row x "
            f"country hits, inside/outside only)  CPU {jc:.1f} s  scan/join time ratio "
            f"{wall / jw:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
