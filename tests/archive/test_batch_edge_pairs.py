"""The scan's (segment, edge) candidates for polygons of few edges (every segment's padded
box against all its polygon's edges at once, in chunks) are exactly those of the per-polygon
path of the core check: the edge tree's box query, then ``near_pairs``; by the compiled pass
and by the numpy path, both in order of segment, then edge."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import direct
from strategies import footprints

from overflight.archive import batch_crossings
from overflight.geometry.boundary import polygon_edges
from overflight.geometry.crossing import edge_boxes, edge_tree, near_pairs, segment_pad
from overflight.geometry.frame import local_xy


@settings(max_examples=60, deadline=None)
@given(
    fps=st.lists(footprints(), min_size=1, max_size=3),
    chunk=st.sampled_from([7, 100, 500_000]),
    run=st.sampled_from([1, 3, 16]),
    data=st.data(),
)
def test_few_edge_pairs_equal_tree_query_then_near_pairs(fps, chunk, run, data) -> None:
    pes = [polygon_edges(fp.polygon) for fp in fps]
    n_edges = np.array([len(pe) for pe in pes], np.int64)
    x_l, y_l, seg_l, poly_l = [], [], [], []
    base = 0
    for k, fp in enumerate(fps):
        m = data.draw(st.integers(2, 40))  # a track of m fixes near polygon k
        pts = [
            direct(
                fp.clat,
                fp.clon,
                data.draw(st.floats(0.0, 360.0)),
                fp.radius_m * data.draw(st.floats(0.0, 1.6)),
            )
            for _ in range(m)
        ]
        x, y = local_xy(
            np.array([p[1] for p in pts]),
            np.array([p[0] for p in pts]),
            pes[k].center_lon,
            pes[k].center_lat,
        )
        x_l.append(x)
        y_l.append(y)
        seg_l.append(base + np.arange(m - 1))
        poly_l.append(np.full(m - 1, k))
        base += m
    x, y = np.concatenate(x_l), np.concatenate(y_l)
    seg, poly = np.concatenate(seg_l), np.concatenate(poly_l)
    found = []
    for compiled in (True, False):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(batch_crossings, "PAIRS", chunk)
            mp.setattr(batch_crossings, "RUN", run)  # runs of segments matched as one box
            mp.setattr(batch_crossings, "_compiled", lambda n, c=compiled: c)
            found.append(batch_crossings.few_edge_pairs(x, y, seg, poly, pes, n_edges))
    first = np.cumsum(n_edges) - n_edges
    want = set()
    for k, pe in enumerate(pes):
        sk = seg[poly == k]
        x1, y1, x2, y2 = x[sk], y[sk], x[sk + 1], y[sk + 1]
        boxes = edge_boxes(x1, y1, x2, y2, segment_pad(x1, y1, x2, y2))
        si, ej = edge_tree(pe).query(boxes, predicate="intersects")
        keep = near_pairs(x1[si], y1[si], x2[si], y2[si], ej, pe)
        want |= {(int(sk[a]), int(first[k] + b)) for a, b in zip(si[keep], ej[keep], strict=True)}
    for got_s, got_e in found:
        got = list(zip(got_s.tolist(), got_e.tolist(), strict=True))
        assert got == sorted(set(got))
        assert set(got) == want
