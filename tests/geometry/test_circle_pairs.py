"""``circle_candidates`` (a circle's chords found from angles about its centre) returns every
(segment, chord) pair that ``near_pairs`` keeps among the pairs of the edge tree, so the pairs
tested for crossings are exactly the same either way. Circles of every size and region (near
the poles, across the antimeridian), segments of up to 20 km and points of no length, drawn
around the ring: crossing it, grazing it, inside, outside and through the centre."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints

from overflight.geometry.boundary import polygon_edges
from overflight.geometry.circle_pairs import circle_candidates, ring_angles
from overflight.geometry.crossing import (
    candidate_pairs,
    edge_boxes,
    edge_tree,
    near_pairs,
    segment_pad,
)
from overflight.geometry.frame import local_xy
from overflight.model import Circle, Polygon


def _tree_pairs(x, y, pe):
    x1, y1, x2, y2 = x[0::2], y[0::2], x[1::2], y[1::2]
    si, ej = edge_tree(pe).query(
        edge_boxes(x1, y1, x2, y2, segment_pad(x1, y1, x2, y2)), predicate="intersects"
    )
    keep = near_pairs(x1[si], y1[si], x2[si], y2[si], ej, pe)
    return set(zip(si[keep].tolist(), ej[keep].tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(fp=footprints(kinds=("circle",)).filter(lambda f: f.kind == "circle"), data=st.data())
def test_circle_candidates_hold_every_near_pair(fp, data) -> None:
    pe = polygon_edges(fp.polygon)
    ring = ring_angles(pe)
    assert ring is not None
    lat, lon = [], []
    for _ in range(20):
        az = data.draw(st.floats(0.0, 360.0))
        r = fp.radius_m * data.draw(st.sampled_from([0.0, 0.3, 0.9, 0.999, 1.0, 1.001, 1.1, 2.0]))
        a = direct(fp.clat, fp.clon, az, r)
        length = data.draw(st.sampled_from([0.0, 1.0, 250.0, 2_500.0, 20_000.0]))
        b = direct(a[0], a[1], data.draw(st.floats(0.0, 360.0)), length)
        lat += [a[0], b[0]]
        lon += [a[1], b[1]]
    x, y = local_xy(np.array(lon), np.array(lat), pe.center_lon, pe.center_lat)
    want = _tree_pairs(x, y, pe)
    n = len(lat) // 2
    seg, edge = circle_candidates(x[0::2], y[0::2], x[1::2], y[1::2], np.zeros(n, np.int64), [ring])
    got = set(zip(seg.tolist(), edge.tolist(), strict=True))
    assert want <= got
    assert np.all(np.diff(seg) >= 0)
    keep = near_pairs(x[0::2][seg], y[0::2][seg], x[1::2][seg], y[1::2][seg], edge, pe)
    assert set(zip(seg[keep].tolist(), edge[keep].tolist(), strict=True)) == want


def test_many_circles_at_once_and_far_fewer_pairs() -> None:
    """Several circles in one call; the pairs are a small fraction of the tree's boxes."""
    pes = [polygon_edges(Polygon(Circle(59.0 + i, 24.0, 5_000.0 * (i + 1)))) for i in range(3)]
    rings = [ring_angles(pe) for pe in pes]
    xs, ys, slot = [], [], []
    for i, pe in enumerate(pes):
        lon = np.array([23.5, 24.5, 24.0, 24.0])
        lat = np.array([59.0 + i, 59.0 + i, 58.8 + i, 59.0 + i])
        x, y = local_xy(lon, lat, pe.center_lon, pe.center_lat)
        xs.append(x)
        ys.append(y)
        slot += [i, i]
    x, y = np.concatenate(xs), np.concatenate(ys)
    seg, edge = circle_candidates(
        x[0::2],
        y[0::2],
        x[1::2],
        y[1::2],
        np.array(slot),
        rings,  # type: ignore[arg-type]
    )
    for i, pe in enumerate(pes):
        s = slice(4 * i, 4 * i + 4)
        want = {(2 * i + a, b) for a, b in _tree_pairs(x[s], y[s], pe)}
        sel = (seg >= 2 * i) & (seg < 2 * i + 2)
        ours = set(zip(seg[sel].tolist(), edge[sel].tolist(), strict=True))
        assert want <= ours and len(ours) < 40
    assert candidate_pairs is not None
