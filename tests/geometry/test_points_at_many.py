"""``points_at`` (positions on many paths at once, every time's segment found by one binary
search run for all) gives each time exactly what ``TrackPath.point_at`` gives it on its own
path: the same segment, fraction and geodesic, bit for bit. Paths of one fix, repeated fix
times, times before the first and after the last fix, times exactly at fixes, and one path
object shared by several owners are all drawn."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from switches import compiled_path

from overflight.geometry.geodesic import forward, inverse
from overflight.geometry.path import (
    PathSet,
    PathStore,
    TrackPath,
    _search_sorted,
    points_at,
    search_sorted,
)


@st.composite
def paths(draw: st.DrawFn) -> TrackPath:
    n = draw(st.integers(1, 12))
    steps = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 7.25, 30.0]), min_size=n, max_size=n))
    t = 1.7e9 + np.cumsum(steps)
    lon0 = draw(st.floats(-179.0, 179.0))
    lat0 = draw(st.floats(-80.0, 80.0))
    dl = draw(st.lists(st.floats(-0.05, 0.05), min_size=n, max_size=n))
    lon = lon0 + np.cumsum(dl)
    lat = lat0 + np.cumsum(dl[::-1])
    return TrackPath(t, lon, lat, np.zeros(n), np.zeros(n), np.ones(n, bool))


@settings(max_examples=80, deadline=None)
@given(ps=st.lists(paths(), min_size=1, max_size=6), data=st.data())
def test_points_at_equals_point_at_path_by_path(ps, data) -> None:
    ps = [*ps, ps[0]]  # one path object under two owners
    owner, times = [], []
    for _ in range(25):
        k = data.draw(st.integers(0, len(ps) - 1))
        p = ps[k]
        if data.draw(st.booleans()):
            t = float(p.time[data.draw(st.integers(0, len(p) - 1))])  # exactly at a fix
        else:
            t = float(p.time[0]) + data.draw(st.floats(-20.0, float(p.time[-1] - p.time[0]) + 20))
        owner.append(k)
        times.append(t)
    lon, lat = points_at(ps, np.array(owner, np.int64), np.array(times))
    for i, (k, t) in enumerate(zip(owner, times, strict=True)):
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = ps[k].point_at(np.array([t]))
        np.testing.assert_array_equal([lon[i], lat[i]], [a[0], b[0]])


@settings(max_examples=100, deadline=None)
@given(
    blocks=st.lists(
        st.lists(st.integers(-5, 5), min_size=0, max_size=9).map(sorted), min_size=1, max_size=5
    ),
    side=st.sampled_from(["left", "right"]),
    data=st.data(),
)
def test_search_sorted_equals_searchsorted_in_each_block(blocks, side, data) -> None:
    a = np.array([v for b in blocks for v in b], dtype=float)
    off = np.r_[0, np.cumsum([len(b) for b in blocks])]
    which = np.array(data.draw(st.lists(st.integers(0, len(blocks) - 1), min_size=1, max_size=20)))
    v = np.array(data.draw(st.lists(st.integers(-6, 6), min_size=len(which), max_size=len(which))))
    want = [
        off[w] + np.searchsorted(np.array(blocks[w], float), x, side=side)
        for w, x in zip(which, v, strict=True)
    ]
    for compiled in (True, False):
        with compiled_path() if compiled else contextlib.nullcontext():
            got = search_sorted(a, off[which], off[which + 1], v.astype(float), side)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.int64
    # the numpy path itself, whatever the size
    got = _search_sorted(a, off[which], off[which + 1], v.astype(float), side)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=80, deadline=None)
@given(ps=st.lists(paths(), min_size=1, max_size=6), data=st.data())
def test_path_windows_equal_point_at(ps, data) -> None:
    """``PathSet`` with windows (each path laid out over [t0, t1] only) gives every time in
    its window what the whole path gives, bit for bit: windows at, before and after the
    fixes, of no length, and one path under several windows."""
    ps = [*ps, ps[0]]
    t0, t1, owner, times = [], [], [], []
    for p in ps:
        span = float(p.time[-1] - p.time[0])
        pick = [float(p.time[0]) + data.draw(st.floats(-5.0, span + 5.0)) for _ in range(2)]
        if data.draw(st.booleans()):
            pick[data.draw(st.integers(0, 1))] = float(
                p.time[data.draw(st.integers(0, len(p) - 1))]
            )
        a, b = min(pick), max(pick)
        t0.append(a)
        t1.append(b)
    for _ in range(25):
        k = data.draw(st.integers(0, len(ps) - 1))
        owner.append(k)
        times.append(t0[k] + data.draw(st.floats(0.0, 1.0)) * (t1[k] - t0[k]))
    windows = (np.array(t0), np.array(t1))
    lon, lat = PathSet(ps, windows=windows).points_at(np.array(owner, np.int64), np.array(times))
    for i, (k, t) in enumerate(zip(owner, times, strict=True)):
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = ps[k].point_at(np.array([t]))
        np.testing.assert_array_equal([lon[i], lat[i]], [a[0], b[0]])


@st.composite
def long_paths(draw: st.DrawFn) -> TrackPath:
    """Paths anywhere (poles, the antimeridian) with segments of up to ~200 km."""
    n = draw(st.integers(2, 8))
    t = 1.7e9 + np.cumsum(draw(st.lists(st.sampled_from([1.0, 10.0, 60.0]), min_size=n,
                                        max_size=n)))  # fmt: skip
    lat0 = draw(st.floats(-89.5, 89.5))
    lon0 = draw(st.floats(-180.0, 180.0))
    az = draw(st.lists(st.floats(0.0, 360.0), min_size=n - 1, max_size=n - 1))
    dist = draw(st.lists(st.sampled_from([0.0, 50.0, 2e3, 2e4, 2e5]), min_size=n - 1,
                         max_size=n - 1))  # fmt: skip
    lon, lat = [lon0], [lat0]
    for a, d in zip(az, dist, strict=True):
        x, y, _ = forward(lon[-1], lat[-1], a, d)
        lon.append(float(x))
        lat.append(float(y))
    return TrackPath(t, np.array(lon), np.array(lat), np.zeros(n), np.zeros(n), np.ones(n, bool))


@settings(max_examples=150, deadline=None)
@given(ps=st.lists(long_paths(), min_size=1, max_size=4), windows=st.booleans(), data=st.data())
def test_chord_positions_are_within_their_bound(ps, windows, data) -> None:
    owner = np.array([data.draw(st.integers(0, len(ps) - 1)) for _ in range(20)], np.int64)
    span = [(float(ps[k].time[0]), float(ps[k].time[-1])) for k in owner]
    t = np.array([a + data.draw(st.floats(0.0, 1.0)) * (b - a) for a, b in span])
    if windows:  # each time its own window (as the depth search lays its stretches out)
        pset = PathSet([ps[k] for k in owner], windows=(t, t))
        owner = np.arange(t.size)
    else:
        pset = PathSet(ps)
    lon, lat = pset.points_at(owner, t)
    alon, alat = pset.points_at(owner, t, exact=False)
    _, _, err = inverse(lon, lat, alon, alat)
    assert (err <= pset.chord_error()[owner]).all(), (err.max(), pset.chord_error())


@settings(max_examples=150, deadline=None)
@given(ps=st.lists(long_paths(), min_size=1, max_size=4), data=st.data())
def test_window_steps_and_chord_error_equal_the_solved_ones(ps, data) -> None:
    """Windows solve a segment's geodesic only when asked: the step counts of the depth
    search's sampling (decided from the mean sphere's bounds where they agree) and each
    window's chord error bound (only segments that may be the longest solved) are the ones
    every segment solved gives, including step lengths that divide a segment exactly."""
    t0, t1 = [], []
    for p in ps:
        span = float(p.time[-1] - p.time[0])
        a, b = sorted(float(p.time[0]) + data.draw(st.floats(-5.0, span + 5.0)) for _ in range(2))
        t0.append(a)
        t1.append(b)
    windows = (np.array(t0), np.array(t1))
    lazy = PathSet(ps, windows=windows)
    knots, owner = lazy.knots()
    seg = np.flatnonzero(owner[1:] == owner[:-1])
    whole = PathSet(ps)  # every path's segments solved, in the path itself
    d = whole.along(owner[seg], knots[seg], knots[seg + 1])
    step = data.draw(st.sampled_from([1.0, 50.0, 500.0, 2e3, 3e4]))
    if d.size and data.draw(st.booleans()):  # a step that divides one stretch exactly
        step = float(d[data.draw(st.integers(0, d.size - 1))]) / data.draw(st.integers(1, 4))
        step = step if step > 0 else 1.0
    got = lazy.steps(owner[seg], knots[seg], knots[seg + 1], step)
    np.testing.assert_array_equal(got, np.maximum(1, np.ceil(d / step)).astype(np.int64))
    solved = PathSet(ps, windows=windows)
    solved._solve(np.arange(solved._time.size - 1))
    np.testing.assert_array_equal(PathSet(ps, windows=windows).chord_error(), solved.chord_error())


@settings(max_examples=80, deadline=None)
@given(ps=st.lists(long_paths(), min_size=1, max_size=4), data=st.data())
def test_a_fix_time_gives_the_fix_itself(ps, data) -> None:
    """At the time of a fix (its segment's start, or the path's last fix) the position is
    that fix, bit for bit, with no geodesic in between: on the whole path, in a ``PathSet``
    and in windows that hold the fix."""
    owner = np.array([data.draw(st.integers(0, len(ps) - 1)) for _ in range(10)], np.int64)
    fix = [data.draw(st.integers(0, len(ps[k]) - 1)) for k in owner]
    t = np.array([ps[k].time[i] for k, i in zip(owner, fix, strict=True)])
    want_lon = np.array([ps[k].lon[i] for k, i in zip(owner, fix, strict=True)])
    want_lat = np.array([ps[k].lat[i] for k, i in zip(owner, fix, strict=True)])
    # times repeated at a fix (a stop in the path) are left out: their position is open
    ok = np.array(
        [
            np.count_nonzero(ps[k].time == ps[k].time[i]) == 1
            for k, i in zip(owner, fix, strict=True)
        ]
    )
    whole = [ps[k].point_at(t[j : j + 1]) for j, k in enumerate(owner)]
    sets = (
        PathSet(ps).points_at(owner, t),
        PathSet([ps[k] for k in owner], windows=(t - 1.0, t + 1.0)).points_at(np.arange(t.size), t),
        (np.array([w[0][0] for w in whole]), np.array([w[1][0] for w in whole])),
    )
    for lon, lat in sets:
        np.testing.assert_array_equal(lon[ok], want_lon[ok])
        np.testing.assert_array_equal(lat[ok], want_lat[ok])


@settings(max_examples=60, deadline=None)
@given(ps=st.lists(paths(), min_size=1, max_size=5), data=st.data())
def test_paths_from_one_store_give_the_same_windows(ps, data) -> None:
    """Paths that lie in one ``PathStore`` are laid out from it: the same positions (exact
    and on the chords), knots, steps and chord bounds as the paths themselves; a list
    mixing them with a path outside the store takes the paths themselves."""
    store = PathStore(
        np.concatenate([p.time for p in ps]),
        np.concatenate([p.lon for p in ps]),
        np.concatenate([p.lat for p in ps]),
        np.r_[0, np.cumsum([len(p) for p in ps])].astype(np.int64),
    )
    stored = [replace(p, at=(store, i)) for i, p in enumerate(ps)]
    pick = data.draw(st.lists(st.integers(0, len(ps) - 1), min_size=1, max_size=8))
    t0, t1 = [], []
    for k in pick:
        p = ps[k]
        a, b = sorted(float(p.time[0]) + data.draw(st.floats(-5.0, 40.0)) for _ in range(2))
        t0.append(a)
        t1.append(b)
    windows = (np.array(t0), np.array(t1))
    mixed = [stored[k] for k in pick]
    mixed[0] = ps[pick[0]] if data.draw(st.booleans()) else mixed[0]
    want = PathSet([ps[k] for k in pick], windows=windows)
    got = PathSet(mixed, windows=windows)
    owner = np.array(data.draw(st.lists(st.integers(0, len(pick) - 1), min_size=1, max_size=20)))
    t = windows[0][owner] + np.array(
        data.draw(st.lists(st.floats(0.0, 1.0), min_size=owner.size, max_size=owner.size))
    ) * (windows[1][owner] - windows[0][owner])
    with np.errstate(divide="ignore", invalid="ignore"):
        for exact in (True, False):
            np.testing.assert_array_equal(
                got.points_at(owner, t, exact=exact), want.points_at(owner, t, exact=exact)
            )
        for a, b in zip(got.knots(), want.knots(), strict=True):
            np.testing.assert_array_equal(a, b)
        kn, ko = want.knots()
        seg = np.flatnonzero(ko[1:] == ko[:-1])
        np.testing.assert_array_equal(
            got.steps(ko[seg], kn[seg], kn[seg + 1], 7.0),
            want.steps(ko[seg], kn[seg], kn[seg + 1], 7.0),
        )
        np.testing.assert_array_equal(got.chord_error(), want.chord_error())
