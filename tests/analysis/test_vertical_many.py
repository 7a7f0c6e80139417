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

from overflight.analysis.check import vertical_pieces
from overflight.analysis.vertical_many import vertical_pieces_many
from overflight.geometry.path import TrackPath
from overflight.geometry.vertical import VerticalProfile
from overflight.model import VerticalLimit

LIMITS = [
    VerticalLimit.surface(),
    VerticalLimit.unlimited(),
    VerticalLimit.flight_level(30),
    VerticalLimit.flight_level(45),
    VerticalLimit.parse("2500ft AMSL"),
    VerticalLimit.parse("4000ft AMSL"),
    VerticalLimit.parse("1000ft AGL"),
    VerticalLimit(
        30,
        "FL",
        VerticalLimit.flight_level(30).reference,
        "FL30",
        VerticalLimit.parse("1000ft AGL"),
        "higher",
    ),
]


@st.composite
def tracks(draw: st.DrawFn) -> TrackPath:
    n = draw(st.integers(1, 10))
    steps = draw(st.lists(st.sampled_from([0.0, 1.0, 5.0, 20.0]), min_size=n, max_size=n))
    t = 1000.0 + np.cumsum(steps)
    alt = st.one_of(st.floats(0.0, 2000.0), st.just(float("nan")), st.sampled_from([914.4, 762.0]))
    baro = np.array(draw(st.lists(alt, min_size=n, max_size=n)))
    geo = np.array(draw(st.lists(alt, min_size=n, max_size=n)))
    if draw(st.booleans()):  # as the scan gives them: gaps filled in time
        ok = np.isfinite(baro)
        baro = np.interp(t, t[ok], baro[ok]) if ok.any() else baro
    return TrackPath(t, np.zeros(n), np.zeros(n), baro, geo, np.ones(n, bool))


@settings(max_examples=150, deadline=None)
@given(paths=st.lists(tracks(), min_size=1, max_size=4), data=st.data())
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
