"""A realistic synthetic ADS-B archive for tests and benchmarks: flights between real airports
along geodesics with climb, cruise and descent, 1-10 s sampling, dropouts, gaps, stale
repeats and position noise, many aircraft at once, written as hourly Parquet files in the
OpenSky state-vector schema. Deterministic for a given seed.

>>> import tempfile
>>> files = synthesize(tempfile.mkdtemp(), flights=3, hours=1, seed=1)
>>> import pyarrow.parquet as pq
>>> pq.read_schema(files[0]).names[:4]
['time', 'icao24', 'lat', 'lon']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import Geod

from ._airports import AIRPORTS

__all__ = ["Flight", "flights", "synthesize"]

GEOD = Geod(ellps="WGS84")
START = 1_717_200_000  # 2024-06-01 00:00:00 UTC
_CRUISE_MS = 230.0
_CLIMB_MS = 10.0
_DESCENT_MS = 8.0


@dataclass(frozen=True)
class Flight:
    """One synthetic flight's plan."""

    icao24: str
    callsign: str
    origin: int
    dest: int
    departure: float
    step: int
    seed: int


def flights(n: int, hours: float, seed: int = 0, start: int = START) -> list[Flight]:
    """``n`` flight plans departing within ``hours`` of ``start``."""
    rng = np.random.default_rng(seed)
    lat = np.array([a[2] for a in AIRPORTS])
    lon = np.array([a[3] for a in AIRPORTS])
    out = []
    for k in range(n):
        while True:
            o, d = rng.choice(len(AIRPORTS), 2, replace=False)
            dist = GEOD.inv(lon[o], lat[o], lon[d], lat[d])[2]
            if 250_000 < dist < 3_500_000:
                break
        dep = start + float(rng.uniform(-2.0, hours) * 3600.0)
        icao = f"{(0x3C0000 + k * 7919 + int(rng.integers(0, 7919))) & 0xFFFFFF:06x}"
        cs = f"{['DLH', 'AFR', 'BAW', 'KLM', 'SAS', 'RYR', 'EZY'][k % 7]}{100 + k % 9000}"
        out.append(
            Flight(icao, cs, int(o), int(d), dep, int(rng.integers(1, 11)), seed * 100_003 + k)
        )
    return out


def _samples(f: Flight) -> dict[str, np.ndarray]:
    """Every row of one flight (before cutting into hours)."""
    rng = np.random.default_rng(f.seed)
    a, b = AIRPORTS[f.origin], AIRPORTS[f.dest]
    az, _, dist = GEOD.inv(a[3], a[2], b[3], b[2])
    cruise = float(rng.uniform(9_000.0, 12_000.0))
    duration = dist / _CRUISE_MS + 600.0
    t = np.arange(np.ceil(f.departure), f.departure + duration, f.step)
    el = t - f.departure
    speed = np.minimum(_CRUISE_MS, 80.0 + el * 0.5)
    s = np.minimum(np.cumsum(speed * f.step) - speed[0] * f.step, dist)
    t_land = el[np.searchsorted(s, dist) if s[-1] >= dist else -1]
    alt = np.minimum.reduce(
        [np.full(el.shape, cruise), el * _CLIMB_MS, np.maximum(0.0, (t_land - el) * _DESCENT_MS)]
    )
    keep = (s < dist) & (el >= 0)
    t, s, alt, speed = t[keep], s[keep], alt[keep], speed[keep]
    n = t.size
    lon, lat, back = GEOD.fwd(np.full(n, a[3]), np.full(n, a[2]), np.full(n, az), s)
    noise = 10.0 / 111_000.0
    lat = lat + rng.normal(0.0, noise, n)
    lon = lon + rng.normal(0.0, noise, n) / np.cos(np.radians(lat))
    ok = rng.random(n) > 0.05  # dropouts
    if rng.random() < 0.3 and n > 100:  # one long gap (11-20 min)
        g0 = int(rng.integers(0, n - 1))
        ok &= ~((t >= t[g0]) & (t < t[g0] + rng.uniform(660.0, 1200.0)))
    lastpos = t - rng.uniform(0.0, 0.9, n)
    rows = {
        "time": t,
        "lat": lat,
        "lon": lon,
        "velocity": speed,
        "heading": (back + 180) % 360,
        "vertrate": np.gradient(alt) / f.step if n > 1 else np.zeros(n),
        "baroaltitude": np.round(alt / 7.62) * 7.62,
        "geoaltitude": alt + 45.0,
        "lastposupdate": lastpos,
    }
    rows = {k: v[ok] for k, v in rows.items()}
    # stale repeats: the receiver re-sends the last position a second later
    m = rows["time"].size
    rep = np.flatnonzero(rng.random(m) < 0.03)
    if f.step > 1 and rep.size:
        extra = {k: v[rep] for k, v in rows.items()}
        extra["time"] = extra["time"] + 1.0
        rows = {k: np.concatenate([rows[k], extra[k]]) for k in rows}
        order = np.argsort(rows["time"], kind="stable")
        rows = {k: v[order] for k, v in rows.items()}
    return rows


def _table(parts: list[tuple[Flight, dict[str, np.ndarray]]]) -> pa.Table:
    cols: dict[str, list[np.ndarray]] = {}
    icao, cs = [], []
    for f, r in parts:
        for k, v in r.items():
            cols.setdefault(k, []).append(v)
        icao.append(np.full(r["time"].size, f.icao24, object))
        cs.append(np.full(r["time"].size, f.callsign, object))
    cat = {k: np.concatenate(v) if v else np.empty(0) for k, v in cols.items()}
    n = cat["time"].size if cat else 0
    order = np.argsort(cat["time"], kind="stable") if n else np.empty(0, np.int64)
    ic = np.concatenate(icao)[order] if icao else np.empty(0, object)
    c = np.concatenate(cs)[order] if cs else np.empty(0, object)
    g = {k: v[order] for k, v in cat.items()}
    return pa.table(
        {
            "time": pa.array(g.get("time", np.empty(0)).astype(np.int64)),
            "icao24": pa.array(ic, pa.string()),
            "lat": g.get("lat", np.empty(0)),
            "lon": g.get("lon", np.empty(0)),
            "velocity": g.get("velocity", np.empty(0)),
            "heading": g.get("heading", np.empty(0)),
            "vertrate": g.get("vertrate", np.empty(0)),
            "callsign": pa.array(c, pa.string()),
            "onground": pa.array(np.zeros(n, bool)),
            "alert": pa.array(np.zeros(n, bool)),
            "spi": pa.array(np.zeros(n, bool)),
            "squawk": pa.array(["1000"] * n, pa.string()),
            "baroaltitude": g.get("baroaltitude", np.empty(0)),
            "geoaltitude": g.get("geoaltitude", np.empty(0)),
            "lastposupdate": g.get("lastposupdate", np.empty(0)),
            "lastcontact": g.get("time", np.empty(0)) - 0.05,
        }
    )


def synthesize(
    out_dir: str | PathLike[str],
    flights: int = 100,
    hours: int = 2,
    seed: int = 0,
    start: int = START,
) -> list[Path]:
    """Write ``hours`` hourly Parquet files of ``flights`` flights into ``out_dir`` (as
    ``states_YYYY-MM-DD-HH.parquet``); returns their paths."""
    plans = sorted(_plans(flights, hours, seed, start), key=lambda f: f.departure)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pending: dict[int, list[tuple[Flight, dict[str, np.ndarray]]]] = {h: [] for h in range(hours)}
    paths: list[Path] = []

    def flush(h: int) -> None:
        t0 = start + 3600 * h
        name = datetime.fromtimestamp(t0, UTC).strftime("states_%Y-%m-%d-%H.parquet")
        pq.write_table(_table(pending.pop(h)), out / name)
        paths.append(out / name)

    for f in plans:
        # hours that end before this departure can get no more rows: write them
        for h in [h for h in pending if start + 3600 * (h + 1) <= f.departure]:
            flush(h)
        r = _samples(f)
        hour = np.floor((r["time"] - start) / 3600.0).astype(np.int64)
        for h in np.unique(hour).tolist():
            if h in pending:
                sel = hour == h
                pending[h].append((f, {k: v[sel] for k, v in r.items()}))
    for h in sorted(pending):
        flush(h)
    return sorted(paths)


def _plans(n: int, hours: int, seed: int, start: int) -> list[Flight]:
    return flights(n, hours, seed, start)
