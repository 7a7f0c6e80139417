"""The compiled test of both segment ends against the airspace grid equals the vectorised
cells and tests it replaced, on random grids, positions and altitude bands (cell borders,
the antimeridian, unknown altitudes)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.grid_compiled import ends_pass
from overflight.archive.index import ALT_SLACK_M, AirspaceIndex, haversine
from overflight.model import Airspace, Circle, Polygon, VerticalLimit


def _index(rng: np.random.Generator, n: int, world: bool) -> AirspaceIndex:
    zones = []
    for k in range(n):
        lat = float(rng.uniform(-60, 60))
        lon = float(rng.uniform(-180, 180) if world else rng.uniform(5, 15))
        if world and k == 0:
            lon = 179.9  # its box crosses the antimeridian: the grid wraps around the globe
        floor = VerticalLimit.surface() if k % 2 else VerticalLimit.flight_level(100)
        ceil = VerticalLimit.flight_level(float(rng.integers(120, 400)))
        r = float(rng.uniform(2_000, 60_000))
        zones.append(Airspace(f"Z{k}", "R", (Polygon(Circle(lat, lon, r)),), floor, ceil))
    return AirspaceIndex(zones)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.booleans())
def test_compiled_ends_equal_the_vectorised_test(seed: int, n: int, world: bool) -> None:
    rng = np.random.default_rng(seed)
    ix = _index(rng, n, world)
    m = 400
    box = ix.bbox()
    lon0 = rng.uniform(box[0] - 1, box[2] + 1, m)
    lat0 = rng.uniform(box[1] - 1, box[3] + 1, m)
    # some ends exactly on cell borders, some the next segment's start
    lon0[::7] = ix.lon0 + ix.cell * rng.integers(-2, ix.ncol + 2, lon0[::7].size)
    lat0[::5] = ix.lat0 + ix.cell * rng.integers(-2, ix.nrow + 2, lat0[::5].size)
    lon0[1::9] = rng.choice([-180.2, -179.95, 179.95, 180.0, 180.3], lon0[1::9].size)
    lat0[1::9] = ix.cap_lat[0] + rng.normal(0, 0.3, lat0[1::9].size)
    lon1, lat1 = lon0 + rng.normal(0, 0.2, m), lat0 + rng.normal(0, 0.2, m)
    lon1[::3], lat1[::3] = np.roll(lon0, 1)[::3], np.roll(lat0, 1)[::3]
    lo = rng.uniform(-500, 15_000, m)
    hi = lo + rng.uniform(0, 3_000, m)
    lo[::11], hi[::13] = np.nan, np.nan
    c = np.maximum(ix.cells(lon1, lat1), 0)  # bands that just meet a cell's, +- the slack
    lo[2::17] = ix.hi[c[2::17]] + ALT_SLACK_M
    hi[4::17] = ix.lo[c[4::17]] - ALT_SLACK_M
    k = min(n, 10)  # the first ends at airspace centres, altitude unknown: candidates
    lon0[:k], lat0[:k], lo[:k], hi[:k] = ix.cap_lon[:k], ix.cap_lat[:k], np.nan, np.nan
    want = ix._test(ix.cells(lon0, lat0), lo, hi) | ix._test(ix.cells(lon1, lat1), lo, hi)
    got = ends_pass(
        lon0, lat0, lon1, lat1, lo, hi, ix.lon0, ix.lat0, ix.cell, ix.ncol, ix.nrow,
        ix.ncol * ix.cell >= 360.0 - 1e-9, ix.near, ix.lo, ix.hi, ALT_SLACK_M,
    )  # fmt: skip
    assert np.array_equal(got, want)
    assert want[:k].all() and not want.all()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_fix_candidates_equal_the_segments_own(seed: int, n: int) -> None:
    # each fix's segment from the fix before (where it has one and no break), its band from
    # both ends' altitudes (NaN-skipping), long segments sampled: as segment_candidates on
    # the gathered segments
    rng = np.random.default_rng(seed)
    ix = _index(rng, n, False)
    m = 300
    box = ix.bbox()
    lon, lat = rng.uniform(box[0] - 1, box[2] + 1, m), rng.uniform(box[1] - 1, box[3] + 1, m)
    plon, plat = lon + rng.normal(0, 0.05, m), lat + rng.normal(0, 0.05, m)
    far = rng.random(m) < 0.2  # long segments: sampled between their ends
    plon[far] = lon[far] + rng.normal(0, 0.5, far.sum())
    plat[far] = lat[far] - rng.uniform(0.1, 1.5, far.sum())
    alts = [rng.uniform(-300, 14_000, m) for _ in range(4)]
    for a in alts:
        a[rng.random(m) < 0.3] = np.nan
    has_prev, brk = rng.random(m) < 0.9, rng.random(m) < 0.1
    dist = haversine(plon, plat, lon, lat)
    baro, geo, pbaro, pgeo = alts
    seg = np.flatnonzero(has_prev & ~brk)
    want = np.zeros(m, bool)
    lo = np.fmin(np.fmin(baro[seg], geo[seg]), np.fmin(pbaro[seg], pgeo[seg]))
    hi = np.fmax(np.fmax(baro[seg], geo[seg]), np.fmax(pbaro[seg], pgeo[seg]))
    want[seg] = ix.segment_candidates(plon[seg], plat[seg], lon[seg], lat[seg], lo, hi, dist[seg])
    got = ix.fix_candidates(has_prev, brk, (plon, plat, lon, lat), (baro, geo, pbaro, pgeo), dist)
    assert np.array_equal(got, want)


def test_the_grid_is_made_in_small_pages_and_the_setting_restored() -> None:
    # the grid's large arrays are made without numpy's huge-page hint, which is put back
    # as it was, whatever it was, also when the block raises
    from numpy._core.multiarray import _set_madvise_hugepage

    from overflight.archive.index import _small_pages

    first = _set_madvise_hugepage(True)
    try:
        for before in (True, False):
            _set_madvise_hugepage(before)
            with _small_pages():
                inside = _set_madvise_hugepage(False)
            assert inside is False
            assert _set_madvise_hugepage(before) is before
            try:
                with _small_pages():
                    raise KeyError
            except KeyError:
                pass
            assert _set_madvise_hugepage(before) is before
    finally:
        _set_madvise_hugepage(first)
