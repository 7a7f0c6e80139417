"""Benchmark of the core check: one aircraft for a day at 1 Hz (86,400 fixes) against 1,000
airspaces, with peers run in the same process on the same data.

    python benchmarks/check_bench.py [--fixes 86400] [--airspaces 1000] [--naive-fixes 2000]

Peers:
- naive: a per-fix Python loop of shapely point-in-polygon over every airspace (lon/lat polygons,
  samples only: no interpolated crossings), timed on a subset of fixes and scaled;
- shapely STRtree: one vectorised ``query(points, "within")`` (samples only);
- traffic (if installed): ``Flight.intersects(airspace)`` then ``Flight.clip(airspace)`` for each
  airspace it intersects (planar lon/lat geometry, flight levels).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).parent))

from _synthetic import airspaces, day_track

from overflight.analysis.check import check
from overflight.analysis.params import CheckParameters
from overflight.geometry.boundary import ring_points


def lonlat_polygons(zones):
    polys = []
    for a in zones:
        lon, lat = ring_points(a.polygons[0].exterior, "geodesic", 10.0)
        polys.append(shapely.Polygon(np.column_stack([lon, lat])))
    return polys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixes", type=int, default=86_400)
    ap.add_argument("--airspaces", type=int, default=1000)
    ap.add_argument("--naive-fixes", type=int, default=2000)
    args = ap.parse_args()

    zones = airspaces(args.airspaces)
    track = day_track(args.fixes)
    n = len(track)
    print(f"data: {n:,} fixes at 1 Hz x {len(zones):,} airspaces")

    t0 = time.perf_counter()
    out = check([track], zones, CheckParameters())
    t_of = time.perf_counter() - t0
    entered = {r.airspace.name for r in out.results if r.entered}
    lateral = {r.airspace.name for r in out.results if r.incursions or r.lateral_passes}
    n_inc = sum(len(r.incursions) for r in out.results)
    print(
        f"overflight check : {t_of:8.2f} s  {n / t_of:12,.0f} fixes/s  "
        f"{n * len(zones) / t_of:14,.0f} fix x airspace/s  "
        f"({len(out.results)} pairs within 50 km, {len(lateral)} footprints entered, "
        f"{len(entered)} airspaces entered, {n_inc} incursions)"
    )

    polys = lonlat_polygons(zones)
    m = min(args.naive_fixes, n)
    pts = [shapely.Point(x, y) for x, y in zip(track.lon[:m], track.lat[:m], strict=True)]
    t0 = time.perf_counter()
    hits = 0
    for p in pts:
        for poly in polys:
            if poly.contains(p):
                hits += 1
    t_naive = (time.perf_counter() - t0) * n / m
    print(
        f"naive per-fix    : {t_naive:8.2f} s  {n / t_naive:12,.0f} fixes/s  "
        f"(timed on {m:,} fixes, scaled)  overflight is {t_naive / t_of:6.1f}x faster"
    )

    tree = shapely.STRtree(polys)
    allpts = shapely.points(track.lon, track.lat)
    t0 = time.perf_counter()
    pi, _ = tree.query(allpts, predicate="within")
    t_tree = time.perf_counter() - t0
    print(
        f"shapely STRtree  : {t_tree:8.2f} s  {n / t_tree:12,.0f} fixes/s  (samples only, "
        f"{len(np.unique(pi)):,} fixes in a footprint)  ratio overflight/STRtree time "
        f"{t_of / t_tree:6.1f}"
    )

    try:
        import pandas as pd
        from traffic.core import Flight
        from traffic.core.airspace import Airspace as TAirspace
        from traffic.core.airspace import ExtrudedPolygon
    except Exception as exc:  # traffic is optional: pip install 'overflight[bench]'
        print(f"traffic          : not available ({type(exc).__name__}: {exc})")
        return
    df = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(track.time, unit="s", utc=True),
            "icao24": "abcdef",
            "callsign": "BENCH1",
            "latitude": track.lat,
            "longitude": track.lon,
            "altitude": track.alt_baro / 0.3048,
        }
    )
    flight = Flight(df)
    tzones = []
    for a, poly in zip(zones, polys, strict=True):
        lower = 0.0 if a.floor.reference.value == "SFC" else a.floor.value
        tzones.append(TAirspace(a.name, [ExtrudedPolygon(poly, lower, a.ceiling.value)]))
    t0 = time.perf_counter()
    t_entered = set()
    for a in tzones:
        if flight.intersects(a):
            t_entered.add(a.name)
            flight.clip(a)
    t_tr = time.perf_counter() - t0
    print(
        f"traffic          : {t_tr:8.2f} s  {n / t_tr:12,.0f} fixes/s  "
        f"({len(t_entered)} airspaces intersected)  overflight is {t_tr / t_of:6.1f}x faster"
    )
    print(
        f"agreement: airspaces entered by overflight and traffic {len(entered & t_entered)}, "
        f"overflight only {sorted(entered - t_entered)[:8]}, traffic only "
        f"{sorted(t_entered - entered)[:8]}"
    )


if __name__ == "__main__":
    main()
