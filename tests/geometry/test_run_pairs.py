"""Ranking a run of consecutive points only against the edges that could be nearest to some
point of the run (``_run_pairs``) changes nothing: plane and exact distances are bit for bit
those of ranking every point against every edge of its polygon. Tracks of consecutive points
(the depth search's samples) crossing polygons of every kind, several polygons in one call."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import footprints, points_across
from switches import numpy_path

from overflight.geometry import distance_many
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.distance_many import EdgeTable, boundary_distances


def _all_pairs(x, y, which, table, eps):
    per = table.cnt[which]
    start = np.cumsum(per) - per
    pi = np.repeat(np.arange(x.size), per)
    ej = np.repeat(table.first[which], per) + np.arange(pi.size) - np.repeat(start, per)
    return pi, ej, start


@settings(max_examples=60, deadline=None)
@given(
    fps=st.lists(footprints(kinds=("convex", "concave", "arc_side")), min_size=1, max_size=3),
    data=st.data(),
)
def test_runs_rank_the_same_edges_as_all(fps, data) -> None:
    pes = [polygon_edges(fp.polygon) for fp in fps]
    lon, lat, which = points_across(data, fps)
    lon_a, lat_a, w = np.array(lon), np.array(lat), np.array(which, np.int64)
    table = EdgeTable(pes)
    with numpy_path():  # the compiled pass ranks every edge: runs are the numpy path's
        got = [boundary_distances(lon_a, lat_a, w, table, exact=e) for e in (False, True)]
        saved = distance_many._run_pairs
        distance_many._run_pairs = _all_pairs
        try:
            want = [boundary_distances(lon_a, lat_a, w, table, exact=e) for e in (False, True)]
        finally:
            distance_many._run_pairs = saved
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
