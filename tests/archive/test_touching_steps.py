"""The cap test of the finished pieces' airspaces (``nearby_compiled.touching``) steps over
fixes that cannot be within reach (the triangle inequality along the track): the same
answer as measuring every fix, for long pieces heading towards, past and away from caps,
with unknown positions and unknown segment lengths among them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.index import R_SPHERE, haversine
from overflight.archive.nearby import _segments, _unit, seg_half
from overflight.archive.nearby_compiled import touching
from overflight.geometry.geodesic import forward


def _pieces(rng: np.random.Generator, n_pieces: int, caps: np.ndarray):
    """Pieces flown along great circles past the caps (some straight at one), fixes every
    100 m to 5 km, a few positions unknown."""
    lons, lats, starts, ns = [], [], [], []
    at = 0
    for _ in range(n_pieces):
        m = int(rng.integers(1, 300))
        c = caps[rng.integers(len(caps))]
        d0 = rng.uniform(0.0, 150_000.0)
        lon0, lat0, _ = forward(c[0], c[1], rng.uniform(0, 360), d0)
        az = rng.uniform(0, 360)
        steps = np.cumsum(rng.uniform(100.0, 5_000.0, m)) - 1.0
        lon, lat, _ = forward(np.full(m, lon0), np.full(m, lat0), np.full(m, az), steps)
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        lost = rng.uniform(size=m) < rng.choice([0.0, 0.05])
        lon[lost], lat[lost] = np.nan, np.nan
        lons.append(lon)
        lats.append(lat)
        starts.append(at)
        ns.append(m)
        at += m
    return np.concatenate(lons), np.concatenate(lats), np.array(starts), np.array(ns)


def _every_fix(lon, lat, half, start, n, pp, kk, cap_lon, cap_lat, reach):
    out = np.zeros(pp.size, bool)
    for i, (p, k) in enumerate(zip(pp.tolist(), kk.tolist(), strict=True)):
        f = slice(start[p], start[p] + n[p])
        d = haversine(lon[f], lat[f], np.full(n[p], cap_lon[k]), np.full(n[p], cap_lat[k]))
        out[i] = bool(np.any(d - half[f] <= reach[k]))
    return out


def _case(seed: int, unknown: float) -> tuple[list[bool], list[bool]]:
    rng = np.random.default_rng(seed)
    caps = np.column_stack([rng.uniform(-10, 30, 6), rng.uniform(35, 70, 6)])
    reach = rng.uniform(2_000.0, 60_000.0, len(caps))
    lon, lat, start, n = _pieces(rng, 12, caps)
    half = seg_half(lon, lat, start)
    dist = np.r_[np.nan, haversine(lon[:-1], lat[:-1], lon[1:], lat[1:])]
    dist[rng.uniform(size=dist.size) < unknown] = np.nan  # lengths not known: no stepping
    pp = np.repeat(np.arange(n.size), len(caps))
    kk = np.tile(np.arange(len(caps)), n.size)
    cx, cy, cz = _unit(caps[:, 0], caps[:, 1])
    seg = _segments(dist, start)
    got = touching(lon, lat, half, seg, start, n, pp, kk, cx, cy, cz, reach, R_SPHERE)
    want = _every_fix(lon, lat, half, start, n, pp, kk, caps[:, 0], caps[:, 1], reach)
    return got.tolist(), want.tolist()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), unknown=st.sampled_from([0.0, 0.1]))
def test_stepping_over_fixes_gives_the_answer_of_every_fix(seed: int, unknown: float) -> None:
    got, want = _case(seed, unknown)
    assert got == want


def test_the_cases_hold_pieces_that_reach_caps_and_pieces_that_do_not() -> None:
    """(So that the property above tests both answers.)"""
    got, want = zip(*(_case(seed, 0.0) for seed in range(10)), strict=True)
    flat = [w for ws in want for w in ws]
    assert list(got) == list(want)
    assert 20 < sum(flat) < len(flat) - 20
