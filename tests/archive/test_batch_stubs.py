"""The batched check's lateral intervals (``batch_stubs.lateral_intervals``) against the core
check's way, pair by pair: the stretches between consecutive boundaries (the track's start
if it starts inside, each crossing, its end if it ends inside), merged where they touch by
``union_intervals``. Drawn: crossings at equal times, at the track's ends, none at all."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.analysis.lateral import union_intervals
from overflight.archive.batch_stubs import lateral_intervals


def _one_by_one(times: list[float], inside: bool, t_first: float, t_last: float):
    lateral = []
    start = t_first if inside else None
    for tc in times:
        if inside:
            lateral.append((start, tc))
        start = None if inside else tc
        inside = not inside
    if inside:
        lateral.append((start, t_last))
    return union_intervals(lateral)


@st.composite
def pair(draw: st.DrawFn) -> tuple[list[float], bool, float, float]:
    t_first = draw(st.sampled_from([0.0, 5.0]))
    t_last = t_first + draw(st.sampled_from([0.0, 10.0, 100.0]))
    inner = st.sampled_from([t_first, t_last, 0.5 * (t_first + t_last)]) | st.floats(
        t_first, t_last
    )
    times = sorted(draw(st.lists(inner, max_size=7)))
    return times, draw(st.booleans()), t_first, t_last


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(pair(), min_size=1, max_size=6))
def test_lateral_intervals_equal_the_core_checks(pairs) -> None:
    cpair = np.array([p for p, (ts, *_) in enumerate(pairs) for _ in ts], np.int64)
    ctime = np.array([t for ts, *_ in pairs for t in ts], np.float64)
    inside0 = np.array([p[1] for p in pairs], bool)
    t_first = np.array([p[2] for p in pairs])
    t_last = np.array([p[3] for p in pairs])
    owner, ta, tb = lateral_intervals(cpair, ctime, inside0, t_first, t_last)
    got = list(zip(owner.tolist(), ta.tolist(), tb.tolist(), strict=True))
    want = [
        (p, a, b)
        for p, (ts, inside, tf, tl) in enumerate(pairs)
        for a, b in _one_by_one(ts, inside, tf, tl)
    ]
    assert got == want
