"""``vertical_pieces_many`` (the vertical split of many lateral intervals at once, as the
archive scan uses it) gives every interval exactly what ``vertical_pieces`` gives it alone:
the same bounds to the last bit, statuses and vias. Drawn: flight levels and AMSL limits
crossed several times, SFC/UNL, AGL (unknown) and compound limits (which go through
``vertical_pieces`` itself), missing altitudes, repeated fix times, intervals of zero length,
intervals that start or end at a crossing, and several intervals per track."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from vertical_strategies import LIMITS, altitude_tracks

from overflight.analysis.check import vertical_pieces
from overflight.analysis.vertical_many import vertical_pieces_many
from overflight.geometry.vertical import VerticalProfile


@settings(max_examples=150, deadline=None)
@given(paths=st.lists(altitude_tracks(), min_size=1, max_size=4), data=st.data())
def test_many_equals_one_by_one(paths, data) -> None:
    profiles = []
    for p in paths:
        floor = data.draw(st.sampled_from(LIMITS))
        ceiling = data.draw(st.sampled_from(LIMITS))
        profiles.append(VerticalProfile.build(floor, ceiling, p.alt_baro, p.alt_geo))
    owner, ta, tb, tf, tl = [], [], [], [], []
    for _ in range(data.draw(st.integers(1, 8))):
        k = data.draw(st.integers(0, len(paths) - 1))
        t = paths[k].time
        crossings = profiles[k].crossing_times(t, -np.inf, np.inf)[0].tolist()
        ends = st.sampled_from([*t.tolist(), *crossings]) | st.floats(float(t[0]), float(t[-1]))
        a, b = sorted((data.draw(ends), data.draw(ends)))
        owner.append(k)
        ta.append(a)
        tb.append(b)
        tf.append(float(t[0]) if data.draw(st.booleans()) else a)
        tl.append(float(t[-1]) if data.draw(st.booleans()) else b)
    got = vertical_pieces_many(
        paths, profiles, np.array(owner), np.array(ta), np.array(tb), np.array(tf), np.array(tl)
    )
    for i, k in enumerate(owner):
        want = vertical_pieces(paths[k], profiles[k], ta[i], tb[i], tf[i], tl[i])
        assert got[i] == want
