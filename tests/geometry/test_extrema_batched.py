"""The batched depth search (distance_extrema over many stretches) gives each stretch exactly
what the one-stretch search (distance_extremum) gives it: same distance, time and point."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from switches import compiled_path, numpy_path

from overflight.geometry.boundary import PolygonEdges, polygon_edges
from overflight.geometry.distance import boundary_distance
from overflight.geometry.extremum import distance_extrema, distance_extremum
from overflight.geometry.geodesic import forward
from overflight.geometry.path import TrackPath
from overflight.model import Polygon, Vertex


def _star(lat0: float, lon0: float, r: float, m: int, rng: np.random.Generator) -> Polygon:
    az = np.sort(rng.uniform(0, 360, m))
    lon, lat, _ = forward(np.full(m, lon0), np.full(m, lat0), az, r * rng.uniform(0.6, 1.0, m))
    return Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))


def _shape(rng: np.random.Generator) -> PolygonEdges:
    """A random star of 4-23 vertices, 5-40 km across, between 60 S and 60 N."""
    return polygon_edges(
        _star(
            float(rng.uniform(-60, 60)),
            float(rng.uniform(-20, 20)),
            float(rng.uniform(5_000, 40_000)),
            int(rng.integers(4, 24)),
            rng,
        )
    )


def _path(lat0: float, lon0: float, rng: np.random.Generator) -> TrackPath:
    n = int(rng.integers(2, 30))
    az0 = rng.uniform(0, 360)
    lon, lat, _ = forward(lon0, lat0, az0 + 180.0, 40_000.0)
    lons, lats = [float(lon)], [float(lat)]
    az = az0
    for _ in range(n - 1):
        az += rng.normal(0, 15)
        lo, la, _ = forward(lons[-1], lats[-1], az, rng.uniform(500, 6_000))
        lons.append(float(lo))
        lats.append(float(la))
    t = np.cumsum(np.r_[0.0, rng.uniform(2, 30, n - 1)]) + 1.7e9
    return TrackPath.build(t, np.array(lons), np.array(lats))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_batched_search_equals_one_at_a_time(seed: int, maximize: bool) -> None:
    rng = np.random.default_rng(seed)
    shapes = [_shape(rng) for _ in range(3)]
    stretches = []
    for _ in range(int(rng.integers(1, 8))):
        pe = shapes[int(rng.integers(0, len(shapes)))]
        path = _path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        stretches.append((path, pe, float(a), float(b)))
    # with the compiled passes for every call, then the numpy paths for every call: calls
    # smaller than jit.COMPILED_MIN take the numpy path, whose distances differ from the
    # compiled ones by nanometres, so a batch and a stretch alone agree to the bit only on one
    for path_kind in (compiled_path, numpy_path):
        with path_kind():
            got = distance_extrema(stretches, maximize=maximize)
            for (path, pe, a, b), g in zip(stretches, got, strict=True):
                assert pe.circle is None  # (circles first try an exact shortcut, not batched)
                assert g == distance_extremum(path, pe, a, b, maximize=maximize)


def _brute_force(path: TrackPath, pe, a: float, b: float, sign: float) -> float:
    """The best exact distance (largest for ``sign`` 1, least for -1) among samples every
    5 m of track over [a, b], then every 0.5 mm over 10 m around each of the best three
    local optima of those."""
    n = max(200, int(path.distances().sum() / 5.0))
    ts = np.linspace(a, b, min(n, 20_000))
    v = sign * boundary_distance(*path.point_at(ts), pe)[0]
    peak = np.flatnonzero((v >= np.r_[-np.inf, v[:-1]]) & (v >= np.r_[v[1:], -np.inf]))
    best = v.max()
    for i in peak[np.argsort(-v[peak])][:3]:
        fine = np.linspace(ts[max(i - 1, 0)], ts[min(i + 1, ts.size - 1)], 20_001)
        best = max(best, (sign * boundary_distance(*path.point_at(fine), pe)[0]).max())
    return float(sign * best)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), maximize=st.booleans())
def test_the_extremum_is_a_true_point_and_beats_brute_force(seed: int, maximize: bool) -> None:
    """What the search returns is one point of the track, at its time, at exactly the
    distance returned, and brute force (samples every 5 m, then every 0.5 mm around the best
    ones) does not beat it by 0.5 mm."""
    rng = np.random.default_rng(seed)
    pe = _shape(rng)
    stretches = []
    for _ in range(int(rng.integers(1, 4))):
        path = _path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        stretches.append((path, pe, float(a), float(b)))
    got = distance_extrema(stretches, maximize=maximize)
    sign = 1.0 if maximize else -1.0
    for (path, _, a, b), (d, t, lon, lat) in zip(stretches, got, strict=True):
        assert a <= t <= b
        plon, plat = path.point_at(np.array([t]))
        assert (lon, lat) == (plon[0], plat[0])
        assert abs(boundary_distance(np.array([lon]), np.array([lat]), pe)[0][0] - d) < 1e-6
        assert sign * d >= sign * _brute_force(path, pe, a, b, sign) - 5e-4


def test_a_grid_straight_from_the_stretch_end_settles_there() -> None:
    from overflight.geometry.extremum import STRAIGHT_M, _straight_from_end

    t = np.arange(9.0)
    down = 100.0 - 0.8 * t  # best at the start, straight from it
    kinked = down.copy()
    kinked[1] += 2 * STRAIGHT_M  # a concave kink in the first interval could hide a top
    bent_later = down.copy()
    bent_later[4:] -= 0.3 * (t[4:] - 3)  # straight over the first three intervals only
    g = np.stack([down, kinked, bent_later, down[::-1], down, 50.0 + np.abs(t - 3)])
    j = np.argmax(g, axis=1)
    at_lo = np.array([True, True, True, False, False, True])
    at_hi = np.array([False, False, False, True, False, False])
    got = _straight_from_end(g, j, at_lo, at_hi)
    # straight from its own end (either end); a kink near the end; a best at a grid end
    # that is not the stretch's end; a valley whose far end is best (the grid straight from
    # its near end, which is not the best): only the first, third and fourth are settled
    assert got.tolist() == [True, False, True, True, False, False]
    assert not _straight_from_end(g[:, :3], np.zeros(6, np.int64), at_lo, at_hi).any()
