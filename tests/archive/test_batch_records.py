"""The batch's vertical margins and flag masks, computed for all incursions at once, are
bit for bit what the core check computes for each alone (``margin_top``, ``row_of``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.analysis.check import margin_top
from overflight.archive.batch_records import flag_masks, margin_tops
from overflight.geometry.path import TrackPath, interp_many
from overflight.geometry.vertical import VerticalProfile
from overflight.model import VerticalLimit

_ALT = st.one_of(
    st.just(np.nan), st.floats(-500.0, 15_000.0, allow_nan=False, allow_infinity=False)
)
_LIMITS = ["SFC", "GND", "UNL", "FL95", "FL245", "2500ft", "4500 ft AMSL", "1000ft AGL", "3000m"]


@st.composite
def _path(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 12))
    steps = draw(st.lists(st.sampled_from([0.5, 1.0, 7.0, 60.0]), min_size=n - 1, max_size=n - 1))
    t = 1.7e9 + np.concatenate([[0.0], np.cumsum(steps)])
    known = st.floats(-500.0, 15_000.0, allow_nan=False, allow_infinity=False)
    alts = []
    for _ in range(2):  # barometric, geometric: all known, none, or some
        mode = draw(st.sampled_from(["all", "all", "none", "some"]))
        values = st.just(np.nan) if mode == "none" else known if mode == "all" else _ALT
        alts.append(np.array(draw(st.lists(values, min_size=n, max_size=n)), float))
    return t, alts[0], alts[1]


@settings(max_examples=300, deadline=None)
@given(
    xs=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=8, unique=True),
    ys=st.lists(
        st.one_of(st.floats(-1e4, 1e4, allow_nan=False), st.sampled_from([np.inf, -np.inf])),
        min_size=8,
        max_size=8,
    ),
    ts=st.lists(st.floats(-1.2e3, 1.2e3, allow_nan=False), min_size=1, max_size=6),
)
def test_interp_many_is_np_interp(xs: list[float], ys: list[float], ts: list[float]) -> None:
    xp = np.sort(np.array(xs))
    fp = np.array(ys[: xp.size])
    t = np.array(ts + [float(x) for x in xp])  # at the knots too
    # two copies end to end: each query on its own copy's range
    xx, ff = np.concatenate([xp, xp]), np.concatenate([fp, fp])
    lo = np.repeat([0, xp.size], t.size)
    hi = lo + xp.size
    got = interp_many(np.tile(t, 2), lo, hi, xx, ff)
    want = np.tile(np.interp(t, xp, fp), 2)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=200, deadline=None)
@given(
    paths=st.lists(_path(), min_size=1, max_size=4),
    data=st.data(),
)
def test_margin_tops_and_flag_masks_equal_one_by_one(paths: list, data: st.DataObject) -> None:
    time = np.concatenate([p[0] for p in paths])
    n = np.array([p[0].size for p in paths])
    off = np.r_[0, np.cumsum(n)]
    flags = np.array(data.draw(st.lists(st.integers(0, 7), min_size=time.size,
                                        max_size=time.size)), np.uint8)  # fmt: skip
    profiles, owner, t0s, t1s, lo, hi = [], [], [], [], [], []
    paths_of = []
    for j, (t, baro, geo) in enumerate(paths):
        path = TrackPath(t, np.zeros(t.size), np.zeros(t.size), baro, geo, np.ones(t.size, bool))
        for _ in range(data.draw(st.integers(1, 3))):  # airspaces near this path
            floor = VerticalLimit.parse(data.draw(st.sampled_from(_LIMITS)))
            ceiling = VerticalLimit.parse(data.draw(st.sampled_from(_LIMITS)))
            if data.draw(st.booleans()):  # compound: "... whichever is higher"
                other = VerticalLimit.parse(data.draw(st.sampled_from(_LIMITS)))
                ceiling = replace(ceiling, other=other, rule="higher")
            prof = VerticalProfile.build(floor, ceiling, baro, geo)
            profiles.append(prof)
            paths_of.append(path)
            for _ in range(data.draw(st.integers(1, 3))):  # incursions of this pair
                a = data.draw(st.floats(float(t[0]), float(t[-1])))
                kind = data.draw(st.sampled_from(["any", "knot", "point"]))
                if kind == "knot":
                    a = float(t[data.draw(st.integers(0, t.size - 1))])
                b = a if kind == "point" else data.draw(st.floats(a, float(t[-1])))
                owner.append(len(profiles) - 1)
                t0s.append(a)
                t1s.append(b)
                lo.append(off[j])
                hi.append(off[j + 1])
    which = np.array(owner)
    t0, t1 = np.array(t0s), np.array(t1s)
    lo_a, hi_a = np.array(lo, np.int64), np.array(hi, np.int64)
    tops, known = margin_tops(time, lo_a, hi_a, profiles, which, t0, t1)
    masks = flag_masks(time, flags, lo_a, hi_a, t0, t1)
    for i in range(t0.size):
        k = int(which[i])
        if known[i]:
            want = margin_top(profiles[k], paths_of[k], t0[i], t1[i])
            np.testing.assert_array_equal(tops[i], want)
        seg_t = time[lo_a[i] : hi_a[i]]
        i0 = max(0, int(np.searchsorted(seg_t, t0[i], "right")) - 1)
        i1 = min(seg_t.size - 1, int(np.searchsorted(seg_t, t1[i], "left")))
        want_mask = int(np.bitwise_or.reduce(flags[lo_a[i] : hi_a[i]][i0 : i1 + 1]))
        assert int(masks[i]) == want_mask


def test_compound_or_partly_unknown_profiles_are_left_to_the_core_check() -> None:
    t = 1.7e9 + np.array([0.0, 10.0, 20.0])
    baro = np.array([1000.0, np.nan, 3000.0])
    prof = VerticalProfile.build(
        VerticalLimit.surface(), VerticalLimit.parse("FL95"), baro, np.full(3, np.nan)
    )
    tops, known = margin_tops(t, np.array([0]), np.array([3]), [prof], np.array([0]), t[:1], t[2:])
    assert not known[0] and np.isnan(tops[0])
