"""The airspaces chosen for many finished pieces at once (archive.nearby.Nearby) are exactly,
in the same order, those the kernel used to choose piece by piece (the reference below)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces
from hypothesis import given, settings
from hypothesis import strategies as st

import overflight.archive.kernel as kernel_module
from overflight.archive.index import ALT_SLACK_M, AirspaceIndex, haversine
from overflight.archive.kernel import Kernel, Piece, _most_common
from overflight.archive.nearby import Nearby, seg_half
from overflight.archive.pool import Job
from overflight.geometry.vertical import LimitSeries, fill_altitude
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit

F64 = np.ndarray
Columns = tuple[F64, F64, F64, F64]
REGIONS = {  # (lat range, lon range): lon beyond 180 wraps over the antimeridian
    "europe": ((37.0, 63.0), (-9.0, 28.0)),
    "antimeridian": ((-20.0, 20.0), (178.5, 181.5)),
    "arctic": ((80.0, 89.9), (-180.0, 180.0)),
}


# -- the per-piece selection the kernel made before (Kernel._finalise, _touching, _in_band) ----
def _old_seg_half(lon: F64, lat: F64) -> F64:
    if lon.shape[0] < 2:
        return np.zeros(lon.shape[0])
    d = haversine(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return 0.5 * np.fmax(np.r_[d, 0.0], np.r_[0.0, d])


def reference_near(index: AirspaceIndex, lon: F64, lat: F64, baro: F64, geo: F64) -> list[int]:
    pad_lat = 0.5
    pad_lon = pad_lat / max(0.05, float(np.cos(np.radians(np.abs(lat).max()))))
    near = index.overlapping(
        float(lon.min()) - pad_lon,
        float(lat.min()) - pad_lat,
        float(lon.max()) + pad_lon,
        float(lat.max()) + pad_lat,
    )
    if not near:
        return []
    k = np.asarray(near)
    half = _old_seg_half(lon, lat)
    d = haversine(lon[:, None], lat[:, None], index.cap_lon[k][None, :], index.cap_lat[k][None, :])
    reach = index.cap_r[k] * 1.01 + 1_000.0
    near = k[((d - half[:, None]) <= reach[None, :]).any(axis=0)].tolist()
    alt = np.concatenate([baro, geo])
    alt = alt[np.isfinite(alt)]
    if alt.size == 0 or not near:
        return near
    k = np.asarray(near)
    lo, hi = float(alt.min()), float(alt.max())
    ok = (hi >= index.band_lo[k] - ALT_SLACK_M) & (lo <= index.band_hi[k] + ALT_SLACK_M)
    return [int(z) for z in k[ok] if not _beyond_limits(index.airspaces[z], baro, geo)]


def _beyond_limits(airspace: Airspace, baro: F64, geo: F64) -> bool:
    """Above the ceiling, or below the floor, at every fix by over a metre, by the check's
    own limit series (altitudes filled as the batched check fills them); compound limits
    never."""
    t = np.arange(baro.size, dtype=float)
    ab = fill_altitude(t, np.where(np.isfinite(baro), baro, np.nan))[0]
    ag = fill_altitude(t, np.where(np.isfinite(geo), geo, np.nan))[0]
    for limit, sign in ((airspace.ceiling, 1.0), (airspace.floor, -1.0)):
        if limit.is_compound:
            continue
        s = LimitSeries.build(limit, ab, ag)
        if s.state == 1 and bool((sign * s.margin > 1.0).all()):
            return True
    return False


# -- random airspaces and pieces ---------------------------------------------------------------
def _wrap(lon: F64) -> F64:
    return (np.asarray(lon) + 180.0) % 360.0 - 180.0


def _limits(rng: np.random.Generator) -> tuple[VerticalLimit, VerticalLimit]:
    floors = [
        VerticalLimit.surface(),
        VerticalLimit.parse("500ft AGL"),
        VerticalLimit.parse("2500ft AMSL"),
        VerticalLimit.flight_level(float(rng.integers(50, 200))),
    ]
    f = int(rng.integers(len(floors)))
    ceilings = [
        VerticalLimit.unlimited(),
        VerticalLimit.flight_level(float(rng.integers(200, 460))),
        VerticalLimit.parse("3000ft AGL"),
    ]
    if f == 0:
        ceilings.append(VerticalLimit.parse("4500ft AMSL"))
    return floors[f], ceilings[int(rng.integers(len(ceilings)))]


def _airspaces(rng: np.random.Generator, region: str, n: int) -> list[Airspace]:
    (la0, la1), (lo0, lo1) = REGIONS[region]
    out = []
    for k in range(n):
        lat, lon = float(rng.uniform(la0, la1)), float(_wrap(rng.uniform(lo0, lo1)))
        r = float(rng.uniform(2_000, 60_000))
        if k % 2:
            poly = Polygon(Circle(lat, lon, r))
        else:
            m = int(rng.integers(3, 12))
            az = np.sort(rng.uniform(0, 2 * np.pi, m))
            dlat = r / 111_000.0 * rng.uniform(0.3, 1.0, m)
            vlat = np.clip(lat + dlat * np.cos(az), -89.99, 89.99)
            vlon = _wrap(lon + dlat * np.sin(az) / max(0.05, np.cos(np.radians(lat))))
            ring = tuple(Vertex(float(a), float(b)) for a, b in zip(vlat, vlon, strict=True))
            poly = Polygon(ring)
        out.append(Airspace(f"Z{k:02d}", "R", (poly,), *_limits(rng)))
    return out


def _piece(rng: np.random.Generator, index: AirspaceIndex, region: str, n: int) -> Columns:
    (la0, la1), (lo0, lo1) = REGIONS[region]
    if len(index.airspaces) and rng.uniform() < 0.7:  # start near some airspace
        k = int(rng.integers(len(index.airspaces)))
        lat0 = index.cap_lat[k] + rng.normal(0, 0.3)
        lon0 = index.cap_lon[k] + rng.normal(0, 0.3)
    else:
        lat0, lon0 = rng.uniform(la0, la1), rng.uniform(lo0, lo1)
    step = rng.choice([0.005, 0.05, 0.4])  # degrees: long segments widen the padding
    lat = np.clip(lat0 + np.cumsum(rng.normal(0, step, n)), -89.99, 89.99)
    lon = _wrap(lon0 + np.cumsum(rng.normal(0, step, n)))
    if region == "antimeridian" and rng.uniform() < 0.5:
        lon = lon0 + np.cumsum(rng.normal(0, step, n))  # unwrapped, as a track may run
    baro = rng.uniform(-200, 16_000, n)
    geo = baro + rng.normal(0, 100, n)
    kind = rng.integers(5)
    if kind == 1:
        geo[:] = np.nan
    elif kind == 2:
        baro[:], geo[:] = np.nan, np.nan
    elif kind == 3:
        baro[rng.uniform(size=n) < 0.5] = np.nan
        geo[rng.uniform(size=n) < 0.3] = np.inf
    elif kind == 4:
        baro[:] = rng.uniform(0, 1_500)
    return lon, lat, baro, geo


def _case(seed: int, region: str, n_zones: int, n_pieces: int, max_fixes: int):
    rng = np.random.default_rng(seed)
    index = AirspaceIndex(_airspaces(rng, region, n_zones), max_cells=20_000)
    sizes = rng.integers(1, max_fixes + 1, n_pieces)
    return index, [_piece(rng, index, region, int(m)) for m in sizes]


def _with_dist(p: Columns, first: float) -> tuple[F64, ...]:
    """The piece with each fix's distance from the one before (the first's: ``first``, not
    read), as the kernel's store holds them."""
    lon, lat = p[0], p[1]
    d = haversine(lon[:-1], lat[:-1], lon[1:], lat[1:]) if lon.size > 1 else np.zeros(0)
    return (*p, np.r_[first, d][: lon.size])


def _same_as_reference(index: AirspaceIndex, pieces: list[Columns]) -> list[list[int]]:
    got = Nearby(index).select(pieces)
    want = [reference_near(index, *p) for p in pieces]
    assert got == want
    # with the distances given (the kernel's), not computed: the same
    for first in (np.nan, 1e9):
        assert Nearby(index).select([_with_dist(p, first) for p in pieces]) == want
    return got


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    region=st.sampled_from(sorted(REGIONS)),
    n_zones=st.integers(0, 40),
    n_pieces=st.integers(0, 14),
    max_fixes=st.sampled_from([1, 2, 5, 40]),
)
def test_bulk_selection_equals_piece_by_piece(
    seed: int, region: str, n_zones: int, n_pieces: int, max_fixes: int
) -> None:
    index, pieces = _case(seed, region, n_zones, n_pieces, max_fixes)
    _same_as_reference(index, pieces)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_many_pieces_select_some_and_drop_some(region: str) -> None:
    index, pieces = _case(11, region, 40, 300, 30)
    got = _same_as_reference(index, pieces)
    assert sum(map(bool, got)) > 30 and sum(not g for g in got) > 30
    assert sum(len(g) > 1 for g in got) > 5


def test_empty_single_fix_and_far_pieces() -> None:
    index, _ = _case(5, "europe", 30, 0, 1)
    near = Nearby(index)
    assert near.select([]) == []
    assert Nearby(AirspaceIndex([])).select(
        [_piece(np.random.default_rng(1), index, "europe", 3)]
    ) == [[]]
    k = 7
    one = np.ones(1)
    single = (one * index.cap_lon[k], one * index.cap_lat[k], one * np.nan, one * np.nan)
    far = (np.array([-60.0, -59.0]), np.array([10.0, 10.5]), np.zeros(2), np.zeros(2))
    none = (np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    got = _same_as_reference(index, [single, far])
    assert k in got[0] and got[1] == []
    assert near.select([none, single, none]) == [[], got[0], []]


def test_boxes_that_only_touch_still_overlap() -> None:
    """A piece whose padded box meets a reach box only at its edge is a box candidate, as with
    the index's closed comparisons."""
    index, _ = _case(3, "europe", 30, 0, 1)
    near = Nearby(index)
    tested = 0
    for k in range(len(index.airspaces)):
        x0, y0, x1, _ = index.box[k]
        lat = y0 - 0.5
        while lat + 0.5 < y0:
            lat = np.nextafter(lat, np.inf)
        if lat + 0.5 != y0:
            continue
        lon, la = np.array([0.5 * (x0 + x1)]), np.array([lat])
        pad = 0.5 / max(0.05, float(np.cos(np.radians(abs(lat)))))
        want = index.overlapping(lon[0] - pad, lat - 0.5, lon[0] + pad, lat + 0.5)
        assert k in want
        _, kk = near._overlapping(lon, la, np.zeros(1, np.int64))
        assert kk.tolist() == want
        tested += 1
    assert tested > 10


def test_seg_half_of_paths_end_to_end() -> None:
    rng = np.random.default_rng(2)
    n = [1, 4, 1, 2, 7]
    lon, lat = rng.uniform(-5, 5, sum(n)), rng.uniform(40, 50, sum(n))
    start = np.cumsum(n) - n
    want = np.concatenate(
        [_old_seg_half(lon[a : a + m], lat[a : a + m]) for a, m in zip(start, n, strict=True)]
    )
    assert np.array_equal(seg_half(lon, lat, start), want)


def test_kernel_jobs_are_those_of_the_per_piece_selection(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every finished piece, in order, gets a job with the reference's airspaces (none: no job),
    across batches, evictions and the end of the data."""
    # a wide grid margin: pieces that reach no cap (no job) as well as pieces that do
    index = AirspaceIndex(route_airspaces(archive, n=30, seed=5), margin_m=40_000.0)
    pieces: list[Piece] = []
    jobs: list[Job] = []
    finalise = Kernel._finalise

    def record(self: Kernel, p: Piece) -> None:
        pieces.append(p)
        finalise(self, p)

    def capture(ix: AirspaceIndex, batch: list[Job]) -> list[dict]:
        assert batch
        jobs.extend(batch)
        return []

    monkeypatch.setattr(Kernel, "_finalise", record)
    monkeypatch.setattr(kernel_module, "check_jobs", capture)
    k = Kernel(index)
    for f in archive:
        t = pq.read_table(f)
        time = t["time"].to_numpy().astype(float)
        k.process_columns(
            icao24=t["icao24"].to_pylist(),
            callsign=t["callsign"].to_pylist(),
            time=time,
            lat=t["lat"].to_numpy(zero_copy_only=False),
            lon=t["lon"].to_numpy(zero_copy_only=False),
            baro=t["baroaltitude"].to_numpy(zero_copy_only=False),
            geo=t["geoaltitude"].to_numpy(zero_copy_only=False),
        )
        assert k._done == []
        k.evict(float(time.max()))
    k.finish()
    assert k._done == [] and k.pieces_checked == len(pieces)
    assert k.fixes_checked == sum(p.n for p in pieces)
    want = []
    for p in pieces:
        t, lat, lon, baro, geo, *_ = p.columns()
        near = reference_near(index, lon, lat, baro, geo)
        if near:
            want.append((k.icao.names[p.code], p.track_start, near, t))
    assert 10 < len(want) < len(pieces), (len(want), len(pieces))
    assert len(jobs) == len(want)
    for j, (icao, start, near, t) in zip(jobs, want, strict=True):
        assert (j.icao24, j.track_start, j.near) == (icao, start, near)
        assert np.shares_memory(j.time, t) and np.array_equal(j.time, t)  # the same rows


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(-1, 4), min_size=0, max_size=12).map(lambda v: np.array(v, np.int64)),
        min_size=1,
        max_size=8,
    )
)
def test_callsigns_of_pieces_end_to_end_are_each_ones_most_common(pieces: list) -> None:
    names = ["DLH4", "BAW1", "AFR2", "KLM3", "EZY5"]
    lens = np.array([len(p) for p in pieces], np.int64)
    codes = np.concatenate(pieces) if lens.sum() else np.zeros(0, np.int64)
    want = [_most_common(p, names) if len(p) else None for p in pieces]
    assert kernel_module._callsigns(codes, lens, names) == want
