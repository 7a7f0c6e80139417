"""Watch-service benchmark: sustained SBS-1 messages/s on one core with 2,000 aircraft and
1,000 airspaces, and alert latency from message arrival to alert committed (i.e. visible in
/api/alerts, which reads the same SQLite database).

Run: ``python benchmarks/watch_bench.py [--seconds 60] [--rate 20000]``. The decode -> track ->
alert -> store pipeline runs in this process on one core, fed from an in-memory BaseStation
stream in the chunks the TCP client reads (``run_tcp``: at most 16 KB), each followed by the
batched predictions that ``Watch`` runs when the event loop turns.

* **throughput**: the whole stream as fast as it goes; messages per wall second and per CPU
  second (the machine may be shared).
* **latency**: the same stream offered at ``--rate`` messages per second (message *i* arrives at
  *i* / rate); each read takes what has arrived (up to 16 KB), so time spent queued behind
  earlier work counts. Latency of an alert = end of its commit - arrival of the message of the
  fix that raised it.
"""

from __future__ import annotations

import argparse
import calendar
import math
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit
from overflight.service.alerts import Alert, AlertEngine
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


CHUNK = 16384  # run_tcp's read size (--chunk)


def pipeline(index: ZoneIndex, db: Path) -> tuple[Watch, SbsFeed, dict[str, float]]:
    w = Watch(AlertStore(db), Tracker(), AlertEngine(index))
    w.defer = True  # as when running in the event loop: due predictions batched per read
    committed: dict[str, float] = {}
    add = w.store.add

    def timed_add(alerts: list[Alert]) -> list[Alert]:
        new = add(alerts)
        t = time.perf_counter()
        for a in new:
            committed[a.id] = t
        return new

    w.store.add = timed_add  # type: ignore[method-assign]
    return w, SbsFeed("127.0.0.1", 0), committed


def throughput(index: ZoneIndex, payload: bytes, n: int, tmp: Path) -> Watch:
    w, feed, _ = pipeline(index, tmp / "throughput.sqlite")
    t0, c0 = time.perf_counter(), time.process_time()
    for k in range(0, len(payload), CHUNK):
        feed.feed_bytes(payload[k : k + CHUNK], w.on_fix)
        w.flush()
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    assert feed.status.messages == n
    print(
        f"throughput: {n} messages in {dt:.2f} s wall ({dc:.2f} s CPU) = {n / dt:,.0f} msg/s "
        f"wall, {n / dc:,.0f} msg/s per CPU second"
    )
    print(
        f"  fixes: {w.counts['fixes']}, alerts committed: {w.counts['alerts']}, "
        f"exact checks: {w.engine.counts['exact_checks']}, "
        f"predictions: {w.engine.counts['predictions']}"
    )
    return w


def latency(index: ZoneIndex, lines: list[str], rate: float, tmp: Path) -> None:
    w, feed, committed = pipeline(index, tmp / "latency.sqlite")
    raw = [(s + "\n").encode() for s in lines]
    ends = np.cumsum([len(b) for b in raw])
    payload = b"".join(raw)
    arrival: dict[tuple[str, int], int] = {}  # (icao24, fix time ms) -> message index
    for i, s in enumerate(lines):
        if s.startswith("MSG,3"):
            f = s.split(",")
            t = time.strptime(f[6] + " " + f[7][:8], "%Y/%m/%d %H:%M:%S")
            ms = round((calendar.timegm(t) + float(f[7][8:] or 0)) * 1000)
            arrival[(f[4].lower(), ms)] = i
    n, i = len(lines), 0
    t0 = time.perf_counter()
    while i < n:
        arrived = min(n, int((time.perf_counter() - t0) * rate) + 1)
        if arrived <= i:
            time.sleep(max(0.0, i / rate - (time.perf_counter() - t0)))
            continue
        start = int(ends[i - 1]) if i else 0
        j = max(i + 1, int(np.searchsorted(ends, start + CHUNK, side="right")))
        j = min(j, arrived)
        feed.feed_bytes(payload[start : int(ends[j - 1])], w.on_fix)
        w.flush()
        i = j
    lat = []
    for a in w.store.query(limit=1_000_000):
        k = arrival.get((a["icao24"], round(a["fix_time"] * 1000)))
        if k is None or a["details"].get("lost"):
            continue
        lat.append(committed[a["id"]] - (t0 + k / rate))
    lat.sort()
    p50 = statistics.median(lat) * 1e3
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1e3
    print(
        f"latency at {rate:,.0f} msg/s offered: message arrival -> alert committed (visible in "
        f"the API): p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lat[-1] * 1e3:.1f} ms "
        f"over {len(lat)} alerts"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--aircraft", type=int, default=2000)
    ap.add_argument("--airspaces", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=60, help="data seconds of traffic")
    ap.add_argument("--rate", type=float, default=20_000.0, help="offered msg/s for latency")
    ap.add_argument("--chunk", type=int, default=CHUNK, help="largest read, bytes")
    args = ap.parse_args()
    globals()["CHUNK"] = args.chunk
    rng = random.Random(1)
    t_prep = time.perf_counter()
    index = ZoneIndex(zones(args.airspaces, rng), reach_m=120 * 350 + 5_000)
    lines = stream(args.aircraft, args.seconds, rng, 1_700_000_000.0)
    payload = ("\n".join(lines) + "\n").encode()
    prep_s = time.perf_counter() - t_prep
    print(f"prepared {len(index)} zones, {len(lines)} messages in {prep_s:.1f} s")
    tmp = Path(tempfile.mkdtemp())
    throughput(index, payload, len(lines), tmp)
    if args.rate > 0:
        latency(index, lines, args.rate, tmp)


if __name__ == "__main__":
    main()
