"""Watch-service benchmark: sustained SBS-1 messages/s on one core with 2,000 aircraft and
1,000 airspaces, and alert latency (message arrival -> alert committed, i.e. visible in
/api/alerts, which reads the same SQLite database).

Run: ``python benchmarks/watch_bench.py [--seconds 60]``. The decode -> track -> alert -> store
pipeline runs in this process on one core, fed from an in-memory BaseStation stream (what the
TCP client hands it in 64 KB chunks); per-alert latency is measured from the wall-clock arrival
stamp of the chunk holding the triggering message to the end of the alert's commit.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import tempfile
import time
from pathlib import Path

from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit
from overflight.service.alerts import AlertEngine
from overflight.service.ingest.sbs1 import SbsFeed, format_sbs_line
from overflight.service.store import AlertStore
from overflight.service.tracker import Tracker
from overflight.service.watch import Watch
from overflight.service.zones import ZoneIndex

R = 6_371_008.8


def zones(n: int, rng: random.Random) -> list[Airspace]:
    out = []
    for k in range(n):
        lat, lon = rng.uniform(44, 54), rng.uniform(0, 16)
        if k % 2:
            shape = Polygon(Circle(lat, lon, rng.uniform(3_000, 12_000)))
        else:
            d = rng.uniform(0.05, 0.15)
            shape = Polygon(
                (
                    Vertex(lat, lon),
                    Vertex(lat + d, lon),
                    Vertex(lat + d, lon + d),
                    Vertex(lat, lon + d),
                )
            )
        out.append(
            Airspace(f"Z{k}", "R", (shape,), VerticalLimit.surface(), VerticalLimit.parse("FL200"))
        )
    return out


def stream(n_ac: int, seconds: int, rng: random.Random, t0: float) -> list[str]:
    """Per aircraft per second: one MSG,3 and one MSG,4 (+ a MSG,5 every 5 s)."""
    ac = [
        [
            f"{0xA00000 + i:06x}",
            rng.uniform(44, 54),
            rng.uniform(0, 16),
            rng.uniform(0, 360),
            rng.uniform(120, 250),
            rng.uniform(3_000, 30_000),
            rng.uniform(-0.3, 0.3),
        ]
        for i in range(n_ac)
    ]
    lines = []
    for s in range(seconds):
        for a in ac:
            icao, lat, lon, trk, gs, alt, turn = a
            t = t0 + s + (int(icao, 16) % 1000) / 1000.0
            lines.append(format_sbs_line(3, icao, t, alt_ft=alt, lat=lat, lon=lon))
            lines.append(
                format_sbs_line(4, icao, t + 0.0005, gs_kt=gs / 0.514444, track=trk, vrate_fpm=0)
            )
            if s % 5 == 0:
                lines.append(format_sbs_line(5, icao, t + 0.0007, alt_ft=alt))
            d = gs / R
            a[1] = lat + math.degrees(d * math.cos(math.radians(trk)))
            a[2] = lon + math.degrees(d * math.sin(math.radians(trk)) / math.cos(math.radians(lat)))
            a[3] = (trk + turn) % 360.0
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aircraft", type=int, default=2000)
    ap.add_argument("--airspaces", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=60, help="data seconds of traffic")
    args = ap.parse_args()
    rng = random.Random(1)
    t_prep = time.perf_counter()
    index = ZoneIndex(zones(args.airspaces, rng), reach_m=120 * 350 + 5_000)
    lines = stream(args.aircraft, args.seconds, rng, 1_700_000_000.0)
    payload = ("\n".join(lines) + "\n").encode()
    prep_s = time.perf_counter() - t_prep
    print(f"prepared {len(index)} zones, {len(lines)} messages in {prep_s:.1f} s")
    db = Path(tempfile.mkdtemp()) / "bench.sqlite"
    w = Watch(AlertStore(db), Tracker(), AlertEngine(index))
    feed = SbsFeed("127.0.0.1", 0)
    chunk = 65536
    t0 = time.perf_counter()
    for k in range(0, len(payload), chunk):
        feed.feed_bytes(payload[k : k + chunk], w.on_fix)
    dt = time.perf_counter() - t0
    lat = sorted(w.latency)
    n = feed.status.messages
    print(f"messages: {n} in {dt:.2f} s = {n / dt:,.0f} msg/s on one core")
    print(
        f"fixes: {w.counts['fixes']}, alerts committed: {w.counts['alerts']}, "
        f"exact checks: {w.engine.counts['exact_checks']}"
    )
    if lat:
        p50 = statistics.median(lat) * 1e3
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1e3
        print(
            f"alert latency (arrival -> committed, visible in the API): p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms over {len(lat)} alerts"
        )


if __name__ == "__main__":
    main()
