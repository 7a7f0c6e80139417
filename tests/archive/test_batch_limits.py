"""The batched check's margins of simple (path, airspace) pairs (``batch_limits``) against
the core check's own profiles: a pair is simple exactly when its profile is (one part each,
known at every point or constant), its margins are the profile's to the bit over any window
of points, and the vertical split and margin top computed on the window around an interval
equal the core check's on the whole path."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from vertical_strategies import LIMITS, altitude_tracks

from overflight.analysis.check import margin_top, vertical_pieces
from overflight.analysis.vertical_many import piece_table
from overflight.archive.batch_limits import limit_plan, pair_margins
from overflight.archive.batch_records import tops_from_margins
from overflight.geometry.vertical import VerticalProfile, availability
from overflight.model import VerticalLimit


def _simple(p: VerticalProfile) -> bool:
    return len(p.floor) == 1 and len(p.ceiling) == 1 and p.floor[0].state != 0 != p.ceiling[0].state


@settings(max_examples=200, deadline=None)
@given(paths=st.lists(altitude_tracks(12), min_size=1, max_size=4), data=st.data())
def test_simple_pairs_margins_pieces_and_tops_equal_the_profiles(paths, data) -> None:
    off = np.r_[0, np.cumsum([len(p) for p in paths])].astype(np.int64)
    time = np.concatenate([p.time for p in paths])
    baro = np.concatenate([p.alt_baro for p in paths])
    geo = np.concatenate([p.alt_geo for p in paths])
    pairs, profiles, spans, plans = [], [], [], []
    for _ in range(data.draw(st.integers(1, 6))):
        j = data.draw(st.integers(0, len(paths) - 1))
        path = paths[j]
        floor = data.draw(st.sampled_from(LIMITS))
        ceiling = data.draw(st.sampled_from(LIMITS))
        prof = VerticalProfile.build(floor, ceiling, path.alt_baro, path.alt_geo)
        t = path.time
        crossings = prof.crossing_times(t, -np.inf, np.inf)[0].tolist()
        ends = st.sampled_from([*t.tolist(), *crossings]) | st.floats(float(t[0]), float(t[-1]))
        a, b = sorted((data.draw(ends), data.draw(ends)))
        pairs.append(j)
        profiles.append(prof)
        spans.append((a, b))
        plans.append(limit_plan(floor, ceiling))
    jj = np.array(pairs, np.int64)
    ta = np.array([s[0] for s in spans])
    tb = np.array([s[1] for s in spans])
    # each pair's window: from the last fix before its start to the first after its end
    lo = np.array([off[j] + max(np.searchsorted(paths[j].time, a, "left") - 1, 0)
                   for j, a in zip(pairs, ta, strict=True)], np.int64)  # fmt: skip
    hi = np.array([off[j] + min(np.searchsorted(paths[j].time, b, "right") + 1, len(paths[j]))
                   for j, b in zip(pairs, tb, strict=True)], np.int64)  # fmt: skip
    known = np.array([availability(paths[j].alt_baro, paths[j].alt_geo) for j in pairs], bool)
    pm = pair_margins(time, baro, geo, lo, hi, known, plans)
    assert [s >= 0 for s in pm.slot.tolist()] == [_simple(p) for p in profiles]
    fast = np.flatnonzero(pm.slot >= 0)
    for i in fast.tolist():
        s, prof = int(pm.slot[i]), profiles[i]
        a, b = int(lo[i] - off[pairs[i]]), int(hi[i] - off[pairs[i]])
        want_f = prof.floor[0].margin[a:b]
        want_c = prof.ceiling[0].margin[a:b]
        assert np.array_equal(pm.floor[pm.off[s] : pm.off[s + 1]], want_f)
        assert np.array_equal(pm.ceiling[pm.off[s] : pm.off[s + 1]], want_c)
        assert np.array_equal(pm.time[pm.off[s] : pm.off[s + 1]], paths[pairs[i]].time[a:b])
    if fast.size == 0:
        return
    s_of = pm.slot[fast]
    t_first = np.array([paths[j].time[0] for j in jj[fast].tolist()])
    t_last = np.array([paths[j].time[-1] for j in jj[fast].tolist()])
    got = piece_table(
        pm.time, pm.off, pm.floor, pm.ceiling, s_of, ta[fast], tb[fast], t_first, t_last
    ).lists(fast.size)
    tops = tops_from_margins(
        pm.time, pm.floor, pm.ceiling, pm.off[s_of], pm.off[s_of + 1], ta[fast], tb[fast]
    )
    for r, i in enumerate(fast.tolist()):
        path, prof = paths[pairs[i]], profiles[i]
        a, b = float(ta[i]), float(tb[i])
        assert got[r] == vertical_pieces(path, prof, a, b, float(t_first[r]), float(t_last[r]))
        if (np.diff(path.time) > 0).all():
            # the tops take the fixes inside as they are, the core check its interpolated
            # altitudes: the same where fix times never repeat, as in a scan's cleaned pieces
            # (fixes at one time with two altitudes: the core check sees one of them)
            want = margin_top(prof, path, a, b)
            assert np.array_equal(np.array([tops[r]]), np.array([want]), equal_nan=True)


def test_a_pair_without_the_altitude_its_limit_needs_keeps_its_profile() -> None:
    # FL95 with no pressure altitude falls back to the geometric one (a simple pair); with
    # neither, the pair keeps its profile (its margins unknown)
    t = np.array([0.0, 10.0])
    nan = np.full(2, np.nan)
    geo = np.array([100.0, 4000.0])
    plans = [limit_plan(VerticalLimit.surface(), VerticalLimit.flight_level(95))] * 2
    known = np.array([availability(nan, geo), availability(nan, nan)], bool)
    pm = pair_margins(
        np.r_[t, t], np.r_[nan, nan], np.r_[geo, nan], np.array([0, 2]), np.array([2, 4]),
        known, plans,
    )  # fmt: skip
    assert pm.slot.tolist() == [0, -1]
    assert pm.floor.tolist() == [np.inf, np.inf]
    assert pm.ceiling.tolist() == (geo - VerticalLimit.flight_level(95).metres()).tolist()
