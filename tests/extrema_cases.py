"""Random polygons and stretches of track near them, for the depth search's tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from oracle import direct, inverse

from overflight.geometry.boundary import PolygonEdges, polygon_edges
from overflight.geometry.geodesic import forward
from overflight.geometry.path import TrackPath
from overflight.model import Polygon, Vertex

__all__ = [
    "R0007",
    "assert_compiled_is_numpy",
    "comb_stretches",
    "numpy_search",
    "random_path",
    "random_shape",
    "random_stretches",
    "star",
    "stretches_in_one_shape",
]


R0007 = (
    (53.36015126220033, -1.6969618946313683), (53.35176987428037, -1.6917259325421052),
    (53.33383898099469, -1.6322645776531395), (53.322976952555585, -1.6479173885068428),
    (53.31280770572207, -1.6341086194630445), (53.29040863313833, -1.6241907992235571),
    (53.28232215532603, -1.6334479235169672), (53.267468141468534, -1.666057402339551),
    (53.23498762693974, -1.6767097979559002), (53.2419402710581, -1.6831077717131877),
    (53.2343236970485, -1.7058388247917602), (53.247612452901436, -1.712242001464568),
    (53.23054039302802, -1.7193551104453362), (53.234635249876845, -1.7309946377274668),
    (53.230235307563454, -1.7369759793193842), (53.253588285038056, -1.7412336666789656),
    (53.260060834561564, -1.78654149830667), (53.2729192556509, -1.7979649924071033),
    (53.311433604767245, -1.8200743360624698), (53.3199023250701, -1.7978745111332548),
    (53.32212884727051, -1.7882067276528861), (53.32888703930052, -1.802553434869735),
    (53.352983837427104, -1.7739623510444942), (53.34862081542982, -1.7619887952717794),
)  # fmt: skip
"""R0007 of the benchmarks' realistic airspaces (`benchmarks/_archive_airspaces.py`), (lat,
lon): a star of 24 corners whose south side is a row of teeth; two of the depth search's
misses were tracks along it."""


def star(lat0: float, lon0: float, r: float, m: int, rng: np.random.Generator) -> Polygon:
    az = np.sort(rng.uniform(0, 360, m))
    lon, lat, _ = forward(np.full(m, lon0), np.full(m, lat0), az, r * rng.uniform(0.6, 1.0, m))
    return Polygon(tuple(Vertex(float(a), float(b)) for a, b in zip(lat, lon, strict=True)))


def random_shape(rng: np.random.Generator) -> PolygonEdges:
    """A random star of 4-23 vertices, 5-40 km across, between 60 S and 60 N."""
    return polygon_edges(
        star(
            float(rng.uniform(-60, 60)),
            float(rng.uniform(-20, 20)),
            float(rng.uniform(5_000, 40_000)),
            int(rng.integers(4, 24)),
            rng,
        )
    )


def random_path(lat0: float, lon0: float, rng: np.random.Generator) -> TrackPath:
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


def random_stretches(
    rng: np.random.Generator, shapes: int, most: int, instants: float = 0.0
) -> list[tuple[TrackPath, PolygonEdges, float, float]]:
    """1 to ``most - 1`` stretches of paths near ``shapes`` random stars, each from and to
    anywhere along its path; a share ``instants`` of them of no length (at a fix or between
    two)."""
    pes = [random_shape(rng) for _ in range(shapes)]
    out = []
    for _ in range(int(rng.integers(1, most))):
        pe = pes[int(rng.integers(0, len(pes)))]
        path = random_path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        if rng.uniform() < instants:
            a = b = float(path.time[int(rng.integers(0, path.time.size))] if a < b / 2 else a)
        out.append((path, pe, float(a), float(b)))
    return out


def stretches_in_one_shape(
    rng: np.random.Generator,
) -> tuple[PolygonEdges, list[tuple[TrackPath, PolygonEdges, float, float]]]:
    """A random star and 1-3 stretches of paths near it, each from and to anywhere along
    its path."""
    pe = random_shape(rng)
    stretches = []
    for _ in range(int(rng.integers(1, 4))):
        path = random_path(pe.center_lat, pe.center_lon, rng)
        a, b = np.sort(rng.uniform(path.time[0], path.time[-1], 2))
        stretches.append((path, pe, float(a), float(b)))
    return pe, stretches


def comb(
    rng: np.random.Generator, teeth: tuple[int, int] = (3, 8)
) -> tuple[PolygonEdges, Callable[[float, float], Vertex], float, float]:
    """A polygon whose south side is a row of ``teeth`` teeth (corners alternating between a base
    line and 300-800 m north of it, 300-1,000 m apart), its north side 4-8 km away, at a
    random latitude: (its edges, the point x m east and y m north of its first corner, the
    highest tooth's height). A track along such a border (as national borders are, and as
    aircraft fly them) meets peaks of depth a few hundred metres apart, some higher and
    narrower than their neighbours."""
    lat0, lon0 = float(rng.uniform(-60, 60)), float(rng.uniform(-20, 20))
    n = int(rng.integers(teeth[0], teeth[1] + 1))
    xs = np.cumsum(rng.uniform(300, 1_000, 2 * n + 1))
    xs -= xs[0]
    ys = np.where(np.arange(xs.size) % 2 == 1, rng.uniform(300, 800, xs.size), 0.0)
    top = float(rng.uniform(4_000, 8_000))

    def at(x: float, y: float) -> Vertex:
        lon, lat, _ = forward(lon0, lat0, 90.0, x)
        lon, lat, _ = forward(lon, lat, 0.0, y)
        return Vertex(float(lat), float(lon))

    corners = [at(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    corners += [at(float(xs[-1]), top), at(0.0, top)]
    return polygon_edges(Polygon(tuple(corners))), at, float(xs[-1]), float(ys.max())


def comb_stretches(
    rng: np.random.Generator, most: int, teeth: tuple[int, int] = (3, 8), outside: bool = False
) -> list[tuple[TrackPath, PolygonEdges, float, float]]:
    """1 to ``most - 1`` straight stretches along the teeth of :func:`comb` polygons, up to
    400 m north of their highest tooth, 0.5-8 km long, drifting by ~150 m over the stretch,
    at 200 m/s (with samples every 2 km, ~3 % of them met two peaks in one bracket and the
    search fell short of brute force by up to 20 m). 33 teeth or more: a polygon of many
    edges. ``outside``: south of the teeth instead, drifting away from them (for the
    closest approach)."""
    out = []
    for _ in range(int(rng.integers(1, most))):
        pe, at, width, high = comb(rng, teeth)
        # outside: 50-600 m south of the teeth's base line, where the least distance dips
        # towards each corner of the base
        y = -float(rng.uniform(50, 600)) if outside else high + float(rng.uniform(0, 400))
        x0 = float(rng.uniform(0, width / 2))
        x1 = float(rng.uniform(x0 + 500, min(width, x0 + 8_000)))
        drift = float(rng.normal(0, 150))
        a, b = at(x0, y), at(x1, y - abs(drift) if outside else y + drift)
        t1 = (x1 - x0) / 200.0
        path = TrackPath.build(
            np.array([0.0, t1]), np.array([a.lon, b.lon]), np.array([a.lat, b.lat])
        )
        out.append((path, pe, 0.0, t1))
    return out


def numpy_search(stretches: list, options: tuple) -> tuple[list, list[int]]:
    """The numpy path's results (the largest distances), and how many distances it took in
    the plane and exactly."""
    from overflight.geometry import extremum, extremum_rounds

    asked = [0, 0]
    real = extremum.boundary_distances

    def counted(lon, lat, which, pes, *, exact=True):  # type: ignore[no-untyped-def]
        asked[int(exact)] += len(lon)
        return real(lon, lat, which, pes, exact=exact)

    extremum.boundary_distances = extremum_rounds.boundary_distances = counted
    try:
        return extremum._extrema(stretches, True, *options), asked
    finally:
        extremum.boundary_distances = extremum_rounds.boundary_distances = real


def assert_compiled_is_numpy(stretches: list, options: tuple) -> None:
    """The compiled search (:func:`~overflight.geometry.extremum_rounds.deepest_compiled`)
    gives each stretch the numpy path's distance, time and position to the bit, having
    taken the same distances in the plane and exactly (the numpy path's distances compiled
    too: the same numbers)."""
    from switches import compiled_path

    from overflight.geometry.extremum_rounds import deepest_compiled

    work = np.zeros(2, np.int64)
    with compiled_path():
        got = deepest_compiled(stretches, *options, work=work)
        want, asked = numpy_search(stretches, options)
    assert got == want
    assert work.tolist() == asked


def track_across(
    lat: float, lon: float, radius: float, az: float, miss: float, rng: np.random.Generator
) -> TrackPath:
    """A track from 1.2 radii out on azimuth ``az`` to the far side, passing ``miss`` radii
    from the centre, in fixes 5-25 km apart with a few degrees of wander, at 250 m/s."""
    a = direct(lat, lon, az, 1.2 * radius)
    b = direct(lat, lon, az + 180.0 + np.degrees(np.arcsin(miss)), 1.2 * radius)
    az_ab, _, total = inverse(a[0], a[1], b[0], b[1])
    pts = [a]
    s = 0.0
    while s < total:
        s = min(total, s + rng.uniform(5_000, 25_000))
        p = direct(a[0], a[1], az_ab + rng.normal(0.0, 2.0), s)
        pts.append(p)
    lat_, lon_ = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    step = np.array([inverse(*pts[i], *pts[i + 1])[2] for i in range(len(pts) - 1)])
    t = 1.7e9 + np.r_[0.0, np.cumsum(step)] / 250.0
    return TrackPath.build(t, lon_, lat_)
