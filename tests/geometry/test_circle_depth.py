"""The deepest point of a stretch inside a circle (``deepest_in_circles``, which takes the
centre's foot on a segment to be that segment's end when the plane puts it well beyond
that end) is the one found by solving the centre's distance to every segment in full:
tracks of many short and long segments inside circles of every size and region, several
stretches at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct, inverse
from strategies import footprints

from overflight.geometry.distance import edge_distance
from overflight.geometry.extremum import deepest_in_circles
from overflight.geometry.path import TrackPath


def _full(path: TrackPath, circle: tuple[float, float, float]) -> float:
    """r less the least distance from the centre to the path's segments, each in full."""
    c_lon, c_lat, r = circle
    n = len(path) - 1
    d, _, _ = edge_distance(
        np.full(n, c_lon),
        np.full(n, c_lat),
        path.lon[:-1],
        path.lat[:-1],
        path.lon[1:],
        path.lat[1:],
    )
    return float(r - d.min())


CIRCLES = st.lists(
    footprints(kinds=("circle",)).filter(lambda f: f.kind == "circle"), min_size=1, max_size=3
)
"""One to three circles of every size and region."""


def _random_path(fp, data, reach: float) -> TrackPath:  # type: ignore[no-untyped-def]
    """2-30 fixes 10 s apart, each at a random bearing from the circle's centre and up to
    ``reach`` times its radius from it."""
    m = data.draw(st.integers(2, 30))
    pts = [
        direct(
            fp.clat,
            fp.clon,
            data.draw(st.floats(0.0, 360.0)),
            fp.radius_m * data.draw(st.floats(0.0, reach)),
        )
        for _ in range(m)
    ]
    t = 1.7e9 + np.cumsum(np.full(m, 10.0))
    lon = np.array([p[1] for p in pts])
    lat = np.array([p[0] for p in pts])
    return TrackPath(t, lon, lat, np.zeros(m), np.zeros(m), np.ones(m, bool))


@settings(max_examples=60, deadline=None)
@given(fps=CIRCLES, data=st.data())
def test_deepest_point_equals_every_segment_solved(fps, data) -> None:
    stretches = []
    for fp in fps:
        path = _random_path(fp, data, 0.95)
        t = path.time
        stretches.append((path, (fp.clon, fp.clat, fp.radius_m), float(t[0]), float(t[-1])))
    found = deepest_in_circles(stretches)
    for (path, circle, _, _), f in zip(stretches, found, strict=True):
        assert f is not None  # every fix is inside: so is every segment
        assert f[0] == pytest.approx(_full(path, circle), abs=1e-6)
        # the deepest point is that far from the centre
        assert abs(circle[2] - inverse(circle[1], circle[0], f[3], f[2])[2] - f[0]) < 1e-6


@settings(max_examples=60, deadline=None)
@given(fps=CIRCLES, data=st.data())
def test_plane_pruning_changes_nothing(fps, data) -> None:
    """Only the segments that may be nearest to the centre, and the knots that may lie
    outside, are solved: the answers (None for a stretch that leaves the circle) are those of
    solving every knot and segment, bit for bit; stretches start and end between fixes."""
    from overflight.geometry import extremum

    stretches = []
    for fp in fps:
        path = _random_path(fp, data, data.draw(st.sampled_from([0.3, 0.95, 1.2])))
        t = path.time
        a, b = sorted(data.draw(st.floats(float(t[0]), float(t[-1]))) for _ in range(2))
        stretches.append((path, (fp.clon, fp.clat, fp.radius_m), a, b))
    got = deepest_in_circles(stretches)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            extremum, "_may_matter", lambda x, y, owner, seg, r: (seg, np.ones(x.size, bool))
        )
        assert got == deepest_in_circles(stretches)
