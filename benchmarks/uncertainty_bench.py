"""Benchmark of the Monte Carlo P(entry): 10,000 samples of a 2,000-fix track (1 Hz, 250 m/s)
against one airspace, in three geometries.

    python benchmarks/uncertainty_bench.py [--samples 10000] [--fixes 2000]

- crossing: the track flies straight through a 300 km-wide circle (every fix near or inside it);
- grazing: the track flies along a straight geodesic boundary 50 m outside it (every segment is
  uncertain: the worst case for the crossing tests);
- far: the track passes 5 km from the boundary (nothing to sample).

Prints samples x fixes per second (fixes of the whole track) and the number of sampled points.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pyproj import Geod

from overflight.analysis.error_model import ErrorModel
from overflight.analysis.uncertainty import entry_probability, planar_airspace
from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

GEOD = Geod(ellps="WGS84")


def line_track(n: int, lon0: float, lat0: float, az: float, name: str) -> Track:
    lon, lat, _ = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, az), 250.0 * np.arange(n))
    alt = np.full(n, 3000.0)
    return Track.from_arrays(
        name, time=1.7e9 + np.arange(n, dtype=float), lat=lat, lon=lon, alt_baro=alt, alt_geo=alt
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--fixes", type=int, default=2_000)
    args = ap.parse_args()
    n, s = args.fixes, args.samples
    circle = Airspace(
        "CIRCLE", "R", (Polygon(Circle(50.0, 10.0, 150_000.0)),),
        VerticalLimit.surface(), VerticalLimit.flight_level(200),
    )  # fmt: skip
    square = Airspace(
        "EQUATOR", "R",
        (Polygon((Vertex(0.0, 0.0), Vertex(0.0, 6.0), Vertex(-1.0, 6.0), Vertex(-1.0, 0.0))),),
        VerticalLimit.surface(), VerticalLimit.unlimited(),
    )  # fmt: skip
    _, lat50, _ = GEOD.fwd(0.5, 0.0, 0.0, 50.0)
    _, lat5k, _ = GEOD.fwd(0.5, 0.0, 0.0, 5_000.0)
    cases = [
        ("crossing", circle, line_track(n, 10.0 - 3.3, 50.0, 90.0, "cross")),
        ("grazing", square, line_track(n, 0.5, float(lat50), 90.0, "graze")),
        ("far", square, line_track(n, 0.5, float(lat5k), 90.0, "far")),
    ]
    model = ErrorModel(sigma_h_m=30.0, sigma_v_m=30.0, bias_fraction=0.5, tau_s=20.0)
    print(f"{s:,} samples x {n:,} fixes; model {model.to_dict()}")
    for name, zone, trk in cases:
        pa = planar_airspace(zone)
        t0 = time.perf_counter()
        r = entry_probability(trk, pa, model, samples=s, seed=1)
        dt = time.perf_counter() - t0
        print(
            f"{name:9s}: {dt:7.2f} s  {s * n / dt:14,.0f} samples x fixes/s  "
            f"P(entry)={r.p_entry:.4f} +- {r.stderr:.4f}"
        )


if __name__ == "__main__":
    main()
