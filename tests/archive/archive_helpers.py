"""Fixtures of the archive tests: a small synthetic archive and airspaces on its routes, and
an oracle that runs the core ``check`` on each aircraft's whole (gap-split) track."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overflight.analysis.check import check
from overflight.archive.synth import synthesize
from overflight.formats.tracks.opensky import read_opensky
from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

GAP_S = 600.0
MAX_SPEED = 1200.0

ZONE = Airspace(
    "R1",
    "R",
    (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    VerticalLimit.surface(),
    VerticalLimit.unlimited(),
)
"""A 10 km circle at (0, 0), surface to unlimited: the check pool's tests' one airspace."""


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return synthesize(tmp_path_factory.mktemp("synth"), flights=24, hours=3, seed=7)


def route_airspaces(files: Sequence[Path], n: int = 14, seed: int = 3) -> list[Airspace]:
    """Circles and polygons centred on fixes of the archive (so they are entered), with
    varied floors and ceilings."""
    t = pa.concat_tables([pq.read_table(f, columns=["lat", "lon"]) for f in files])
    lat, lon = t["lat"].to_numpy(), t["lon"].to_numpy()
    rng = np.random.default_rng(seed)
    out = []
    for k, i in enumerate(rng.choice(len(lat), n, replace=False)):
        la, lo = float(lat[i]), float(lon[i])
        floor = VerticalLimit.surface() if k % 3 else VerticalLimit.flight_level(100)
        ceiling = VerticalLimit.flight_level(460) if k % 4 else VerticalLimit.flight_level(200)
        if k % 2:
            poly = Polygon(Circle(la, lo, float(rng.uniform(5_000, 30_000))))
        else:
            d = float(rng.uniform(0.05, 0.3))
            poly = Polygon(
                (
                    Vertex(la - d, lo - d),
                    Vertex(la - d, lo + 1.3 * d),
                    Vertex(la + d, lo + d),
                    Vertex(la + 0.8 * d, lo - d),
                )
            )
        out.append(Airspace(f"Z{k:02d}", "R" if k % 2 else "D", (poly,), floor, ceiling))
    return out


def split_track(t: Track) -> list[Track]:
    """Break at gaps > 10 min and at jumps faster than 1,200 m/s (independent of the kernel:
    geodesic distances from geographiclib)."""
    from geographiclib.geodesic import Geodesic

    if len(t) < 2:
        return [t]
    g = Geodesic.WGS84
    d = np.array(
        [
            g.Inverse(t.lat[i], t.lon[i], t.lat[i + 1], t.lon[i + 1])["s12"]
            for i in range(len(t) - 1)
        ]
    )
    dt = np.diff(t.time)
    cut = np.flatnonzero((dt > GAP_S) | (d > MAX_SPEED * dt + 1000.0)) + 1
    bounds = np.r_[0, cut, len(t)]
    return [t._select(slice(a, b)) for a, b in itertools.pairwise(bounds)]


def oracle(files: Sequence[Path], zones: Sequence[Airspace], tmp: Path) -> dict:
    """(icao24, airspace name) -> sorted [(entry, exit, vertical, entry_via, exit_via)] by
    ``check`` on each aircraft's whole track read by the OpenSky reader."""
    tables = [pq.read_table(f) for f in files]
    one = tmp / "all.parquet"
    pq.write_table(pa.concat_tables(tables, promote_options="default"), one)
    tracks, _ = read_opensky(one)
    pieces = [p for t in tracks for p in split_track(t)]
    out: dict = {}
    for r in check(pieces, zones).results:
        for i in r.incursions:
            out.setdefault((r.track_id, r.airspace.name), []).append(
                (i.entry_time, i.exit_time, i.vertical, i.entry_via, i.exit_via)
            )
    return {k: sorted(v) for k, v in out.items()}


def scanned(table: pa.Table) -> dict:
    out: dict = {}
    for r in table.to_pylist():
        out.setdefault((r["icao24"], r["airspace_name"]), []).append(
            (
                r["entry_time"].timestamp(),
                r["exit_time"].timestamp(),
                r["vertical"],
                r["entry_via"],
                r["exit_via"],
            )
        )
    return {k: sorted(v) for k, v in out.items()}


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for k in want:
        assert len(got[k]) == len(want[k]), k
        for a, b in zip(got[k], want[k], strict=True):
            assert abs(a[0] - b[0]) < 1e-3 and abs(a[1] - b[1]) < 1e-3, (k, a, b)
            assert a[2:] == b[2:], (k, a, b)


def assert_same_fixes(got: Sequence[dict], want: Sequence[dict]) -> None:
    """Batches' cleaned fixes (``vars`` of each :class:`~overflight.archive.clean.Fixes`)
    equal, field by field (NaN equal to NaN)."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for k in g:
            if k == "retro":
                assert g[k] == w[k]
            else:
                assert np.array_equal(g[k], w[k], equal_nan=g[k].dtype.kind == "f"), k


_KERNEL_COLUMNS = {
    "baro": "baroaltitude",
    "geo": "geoaltitude",
    "vel": "velocity",
    "ground": "onground",
    "lastpos": "lastposupdate",
}


def kernel_batches(files: Sequence[Path], rows: int) -> list[dict]:
    """The archive's rows in file order, in batches of ``rows``, as
    :meth:`~overflight.archive.kernel.Kernel.process_columns` arguments (writable arrays)."""
    t = pa.concat_tables([pq.read_table(f) for f in files])
    out = []
    for a in range(0, t.num_rows, rows):
        s = t.slice(a, rows)
        more = {k: np.array(s[v]) for k, v in _KERNEL_COLUMNS.items()}
        out.append(
            {
                "icao24": s["icao24"].to_pylist(),
                "callsign": s["callsign"].to_pylist(),
                "time": s["time"].to_numpy().astype(float),
                "lat": s["lat"].to_numpy().astype(float),  # (writable copies)
                "lon": s["lon"].to_numpy().astype(float),
                **more,
            }
        )
    return out
