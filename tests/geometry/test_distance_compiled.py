"""The compiled distances to few-edge polygons (``distance_compiled``, calling PROJ's geodesics
through ``geodesic_c``) against the numpy path they replace: the same distances within a
micrometre (the plane's trigonometry may differ in the last bit), over tracks of consecutive
points and scattered points of every kind of polygon, and pair by pair on edges long enough
for the Newton steps to give way to the bracketed search."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints, points_across
from switches import compiled_path, numpy_path

from overflight.geometry import geodesic_c
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance import _bracketed_foot, _ends, edge_distance
from overflight.geometry.distance_compiled import _bracketed, _edge
from overflight.geometry.distance_many import EdgeTable, boundary_distances
from overflight.geometry.geodesic import inverse


def test_the_compiled_geodesics_are_available_and_pyprojs_to_the_bit() -> None:
    # else every compiled pass silently falls back and is not what these tests test
    assert geodesic_c.available()
    rng = np.random.default_rng(7)
    lon1, lat1 = rng.uniform(-180, 180, 500), rng.uniform(-89, 89, 500)
    lon2, lat2 = rng.uniform(-180, 180, 500), rng.uniform(-89, 89, 500)
    want = inverse(lon1, lat1, lon2, lat2)[2]
    got = [geodesic_c.reference_distance(*v) for v in zip(lon1, lat1, lon2, lat2, strict=True)]
    np.testing.assert_array_equal(got, want)


@settings(max_examples=60, deadline=None)
@given(
    fps=st.lists(footprints(kinds=("convex", "concave", "arc_side")), min_size=1, max_size=3),
    data=st.data(),
)
def test_compiled_distances_equal_the_numpy_paths(fps, data) -> None:
    pes = [polygon_edges(fp.polygon) for fp in fps]
    lon, lat, which = points_across(data, fps, max_track=30, max_scattered=10)
    lon_a, lat_a, w = np.array(lon), np.array(lat), np.array(which, np.int64)
    table = EdgeTable(pes)
    for exact in (False, True):
        with compiled_path():
            got = boundary_distances(lon_a, lat_a, w, table, exact=exact)
        with numpy_path():
            want = boundary_distances(lon_a, lat_a, w, table, exact=exact)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-6)


def _long_edges_and_points(n: int, seed: int):
    """Edges of 1 km to 9,000 km anywhere, points near and beyond their ends and off them by
    up to 0.3 of their length."""
    rng = np.random.default_rng(seed)
    plon, plat = rng.uniform(-170, 170, n), rng.uniform(-70, 70, n)
    az = rng.uniform(0, 360, n)
    length = 10 ** rng.uniform(3, 6.95, n)
    q = np.array([direct(plat[i], plon[i], az[i], length[i]) for i in range(n)])
    qlat, qlon = q[:, 0], q[:, 1]
    f = rng.choice([-0.05, 0.0, 0.001, 0.3, 0.5, 0.999, 1.0, 1.05], n)
    side = rng.uniform(-0.3, 0.3, n) * length
    along = np.array([direct(plat[i], plon[i], az[i], f[i] * length[i]) for i in range(n)])
    x = np.array([direct(along[i, 0], along[i, 1], az[i] + 90, side[i]) for i in range(n)])
    return x[:, 1], x[:, 0], plon, plat, qlon, qlat, f, rng


def test_pairs_equal_edge_distance() -> None:
    """Pair by pair, with the plane's hints (clear of the ends, beyond an end) where they are
    true: edge_distance's distance within 1e-6 m."""
    n = 400
    xlon, xlat, plon, plat, qlon, qlat, f, rng = _long_edges_and_points(n, 3)
    geo = inverse(plon, plat, qlon, qlat)
    clear = rng.random(n) < 0.3
    clear &= (f > 0.2) & (f < 0.8)  # "clear of the ends" must be true where it is said
    end = np.where(f < -0.01, -1, np.where(f > 1.01, 1, 0)).astype(np.int8)
    want, _, _ = edge_distance(
        xlon, xlat, plon, plat, qlon, qlat, f, geo, clear, end, distance_only=True
    )
    g = geodesic_c.geodesic_struct()
    buf = np.empty(3)
    got = [
        _edge(
            g.ctypes.data, buf.ctypes.data, buf, xlon[i], xlat[i], plon[i], plat[i],
            qlon[i], qlat[i], geo[0][i], geo[1][i], geo[2][i], f[i], bool(clear[i]), int(end[i]),
        )
        for i in range(n)
    ]  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_the_bracketed_search_equals_the_numpy_one() -> None:
    """The fallback where Newton steps do not settle (rare: not met on these pairs by
    edge_distance itself), on the same long edges: the same distance within 1e-6 m."""
    n = 200
    xlon, xlat, plon, plat, qlon, qlat, _, _ = _long_edges_and_points(n, 5)
    az_pq, az_q, length = inverse(plon, plat, qlon, qlat)
    _, _, g0, g1 = _ends(xlon, xlat, plon, plat, qlon, qlat, az_pq, az_q)
    inside = (g0 > 0) & (g1 < 0)
    assert inside.sum() > 50
    want = _bracketed_foot(xlon, xlat, plon, plat, az_pq, length, g0, g1)[0]
    g = geodesic_c.geodesic_struct()
    buf = np.empty(3)
    got = [
        _bracketed(
            g.ctypes.data, buf.ctypes.data, buf, xlon[i], xlat[i], plon[i], plat[i],
            az_pq[i], length[i], g0[i], g1[i],
        )
        for i in range(n)
    ]  # fmt: skip
    np.testing.assert_allclose(np.array(got)[inside], want[inside], rtol=0, atol=1e-6)


def test_without_the_compiled_pass_the_numpy_path_answers() -> None:
    code = (
        "import numpy as np\n"
        "from overflight.geometry import geodesic_c\n"
        "from overflight.geometry.distance_many import boundary_distances\n"
        "from overflight.geometry.boundary import polygon_edges\n"
        "from overflight.model import Polygon, Vertex\n"
        "pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))\n"
        "d = boundary_distances(np.array([0.5]), np.array([0.1]), np.zeros(1, np.int64), [pe])\n"
        "print(geodesic_c.available(), round(float(d[0]), 1))\n"
    )
    env = {**os.environ, "OVERFLIGHT_COMPILED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "11057.4"]


def test_small_calls_take_the_numpy_path_without_loading_numba() -> None:
    # one track's check makes calls of a few hundred points: the compiler's ~0.3 s and
    # ~50 MB are not paid there (jit.COMPILED_MIN)
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from overflight.geometry.distance_many import boundary_distances\n"
        "from overflight.geometry.path import search_sorted\n"
        "from overflight.geometry.boundary import polygon_edges\n"
        "from overflight.model import Polygon, Vertex\n"
        "pe = polygon_edges(Polygon((Vertex(0, 0), Vertex(0, 1), Vertex(1, 1), Vertex(1, 0))))\n"
        "n = 500\n"
        "d = boundary_distances(np.full(n, 0.5), np.full(n, 0.1), np.zeros(n, np.int64), [pe])\n"
        "i = search_sorted(np.arange(9.0), np.zeros(n, np.int64), np.full(n, 9), np.ones(n))\n"
        "print('numba' in sys.modules, round(float(d[0]), 1), int(i[0]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "11057.4", "2"]
