"""The compiled cleaning pass gives what the vectorised rules it replaced give
(``clean_reference``): the same fixes, flags, breaks, previous fixes, track starts, drop counts
(in the same order), retro-frozen runs and carried state, batch after batch."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from clean_reference import clean_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overflight.archive.clean import Fixes, Rows, ScanParameters, clean
from overflight.archive.state import AircraftState

# one row: aircraft, time step, move, lastposupdate, ground, speed, altitude
_ROW = st.tuples(
    st.sampled_from([0, 0, 0, 1, 1, 2, -1]),
    st.sampled_from([0.0, 1.0, 1.0, 1.0, 5.0, 30.0, 30.0, 70.0, 700.0, -3.0]),
    st.sampled_from(["same", "same", "same", "step", "step", "jump", "nan", "far", "j-", "j+"]),
    st.sampled_from(["nan", "t", "t-1", "prev", "old", "late"]),
    st.booleans(),
    st.sampled_from([np.nan, 0.0, 50.0, 250.0, 1000.0]),
    st.sampled_from([np.nan, 1000.0, 11000.0, 40000.0]),
)


def _batches(rows: list[tuple], cuts: list[int]) -> list[Rows]:
    """Rows from the drawn tuples: each aircraft's own clock and position walk; cut into
    batches at ``cuts`` (each batch in arrival order, shuffled a little by the draws)."""
    t0 = 1.7e9
    clock = dict.fromkeys(range(-1, 4), t0)
    pos = {c: (25.0 + c, 60.0) for c in range(-1, 4)}
    last_lp = dict.fromkeys(range(-1, 4), np.nan)
    cols: dict[str, list] = {k: [] for k in ("code", "time", "lastpos", "lat", "lon", "baro",
                                              "geo", "vel", "ground", "cs")}  # fmt: skip
    for c, dt, move, lpk, ground, vel, alt in rows:
        clock[c] += dt
        t = clock[c]
        lon, lat = pos[c]
        if move == "step":
            lon, lat = lon + 0.01, lat + 0.005
        elif move == "jump":
            lon, lat = lon + 6.0, lat - 3.0
        elif move == "far":
            lon, lat = lon + 0.5, lat
        elif move in ("j-", "j+"):  # just under / over a jump in one second (2.2 km at 60 N)
            lon = lon + (0.0385 if move == "j-" else 0.0404)
        if move != "nan":
            pos[c] = (lon, lat)
        lp = {
            "nan": np.nan,
            "t": t,
            "t-1": t - 1.0,
            "prev": last_lp[c],
            "old": t - 100.0,
            "late": t + 1.0,
        }[lpk]
        last_lp[c] = lp
        cols["code"].append(c)
        cols["time"].append(t)
        cols["lastpos"].append(lp)
        cols["lat"].append(np.nan if move == "nan" else lat)
        cols["lon"].append(lon)
        cols["baro"].append(alt)
        cols["geo"].append(alt + 50.0)
        cols["vel"].append(vel)
        cols["ground"].append(ground)
        cols["cs"].append(c % 3 - 1)
    out = []
    bounds = [0, *sorted(c % (len(rows) + 1) for c in cuts), len(rows)]
    for a, b in itertools.pairwise(bounds):
        if b > a:
            out.append(Rows.of(**{k: v[a:b] for k, v in cols.items()}))
    return out


def _same_fixes(a: Fixes, b: Fixes) -> None:
    for f in dataclasses.fields(Fixes):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "retro":
            assert list(x.items()) == list(y.items())
        elif f.name == "dist":
            # the sphere distance may differ in its last bit from numpy's
            np.testing.assert_allclose(x, y, rtol=1e-14, equal_nan=True, err_msg=f.name)
        else:
            assert x.dtype == y.dtype, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)


def _same_state(a: AircraftState, b: AircraftState) -> None:
    for f in dataclasses.fields(AircraftState):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(_ROW, min_size=1, max_size=80),
    cuts=st.lists(st.integers(0, 60), max_size=4),
    frozen_s=st.sampled_from([60.0, 5.0]),
)
def test_compiled_clean_equals_the_vectorised_rules(
    rows: list[tuple], cuts: list[int], frozen_s: float
) -> None:
    params = ScanParameters(frozen_s=frozen_s, gap_s=600.0)
    s_new, s_ref = AircraftState(), AircraftState()
    c_new: dict[str, int] = {}
    c_ref: dict[str, int] = {}
    names = ["AAA", "BBB", "CCC"]
    for batch in _batches(rows, cuts):
        got = clean(batch, s_new, params, c_new, names)
        want = clean_reference(batch, s_ref, params, c_ref, names)
        _same_fixes(got, want)
        assert list(c_new.items()) == list(c_ref.items())
        _same_state(s_new, s_ref)


def test_a_frozen_run_across_batches_is_flagged_back() -> None:
    """A position repeated while the aircraft goes on transmitting, split over three batches:
    the carried fix is flagged from the hold (retro), as the reference does it."""
    t = 1.7e9 + np.arange(0.0, 200.0, 10.0)
    rows = Rows.of(
        code=np.zeros(t.size, np.int64), time=t, lat=np.full(t.size, 60.0),
        lon=np.full(t.size, 25.0), lastpos=t, baro=np.full(t.size, 3000.0),
    )  # fmt: skip
    params = ScanParameters()
    s_new, s_ref = AircraftState(), AircraftState()
    retro = []
    for part in (slice(0, 4), slice(4, 9), slice(9, 20)):
        b = rows.take(np.arange(t.size)[part])
        got = clean(b, s_new, params, {})
        _same_fixes(got, clean_reference(b, s_ref, params, {}))
        retro.append(got.retro)
    assert retro[1] == {0: (60.0, 25.0)}  # 70 s held by the end of the second batch
    assert bool(s_new.run_frozen[0])


def test_one_fix_held_past_the_limit_is_frozen_in_the_air_only() -> None:
    """A run of one fix (the next fix elsewhere) held 90 s by stale rows: frozen when the
    aircraft is airborne, not on the ground, as the reference has it."""
    from overflight.archive.state import FROZEN

    t = 1.7e9 + np.array([0.0, 30.0, 60.0, 90.0, 100.0])
    lastpos = np.array([t[0], t[0], t[0], t[0], t[4]])  # the middle rows stale
    for ground in (False, True):
        rows = Rows.of(
            code=np.zeros(5, np.int64), time=t, lat=np.full(5, 60.0),
            lon=np.array([25.0, 25.0, 25.0, 25.0, 25.01]), lastpos=lastpos,
            baro=np.full(5, 3000.0), ground=np.full(5, ground),
        )  # fmt: skip
        params = ScanParameters(frozen_s=60.0)
        got = clean(rows, AircraftState(), params, {})
        _same_fixes(got, clean_reference(rows, AircraftState(), params, {}))
        assert got.time.size == 2
        assert bool(got.flags[0] & FROZEN) is not ground


def test_without_a_writable_cache_folder_the_pass_still_compiles(monkeypatch) -> None:
    """numba refuses ``cache=True`` when it finds no writable folder (read-only package, no
    home): the pass is then compiled in each process, and cleans the same."""
    import importlib

    import numba

    from overflight.archive import clean_compiled

    real = numba.njit
    asked: list[bool] = []

    def no_cache(*args, **kw):
        asked.append(bool(kw.get("cache")))
        if kw.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'x'")
        return real(*args, **kw)

    monkeypatch.setattr(numba, "njit", no_cache)
    try:
        importlib.reload(clean_compiled)
        assert asked and asked[0] and not asked[1]  # cached first, then without
        t = 1.7e9 + np.arange(5.0)
        rows = Rows.of(
            code=np.zeros(5, np.int64), time=t, lat=np.full(5, 60.0),
            lon=25.0 + np.arange(5) * 0.01, lastpos=t, baro=np.full(5, 3000.0),
        )  # fmt: skip
        got = clean(rows, AircraftState(), ScanParameters(), {})
        _same_fixes(got, clean_reference(rows, AircraftState(), ScanParameters(), {}))
    finally:
        monkeypatch.undo()
        importlib.reload(clean_compiled)


def test_the_pass_sphere_distance_is_the_haversine() -> None:
    """The pass's distance (series below ~13 km of either difference, libm above) is the
    haversine formula's to a few ulps: 20,000 pairs of fixes 1 m to 350 km apart, in every
    direction, at every latitude."""
    from overflight.archive.clean_compiled import _RAD, _haversine
    from overflight.archive.index import haversine

    rng = np.random.default_rng(5)
    n = 20_000
    lat = rng.uniform(-85.0, 85.0, n)
    lon = rng.uniform(-180.0, 180.0, n)
    # degrees of arc, ~1 m to ~350 km, half of them about the switch to libm (~0.11 deg)
    d = np.r_[10 ** rng.uniform(-5, 0.5, n // 2), rng.uniform(0.05, 0.17, n - n // 2)]
    az = rng.uniform(0, 2 * np.pi, n)
    lat2 = lat + d * np.cos(az)
    lon2 = lon + d * np.sin(az) / np.cos(np.radians(lat))
    want = haversine(lon, lat, lon2, lat2)
    got = np.array(
        [
            _haversine(a, b, np.cos(b * _RAD), c, e, np.cos(e * _RAD))
            for a, b, c, e in zip(lon, lat, lon2, lat2, strict=True)
        ]
    )
    np.testing.assert_allclose(got, want, rtol=2e-15, atol=0.0)
