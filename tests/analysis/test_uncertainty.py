"""P(entry) by Monte Carlo against closed forms, a calibration run and the exact core.

Geometry: the airspace's north edge lies on the equator, a geodesic; a point at meridian
distance d north of it is exactly d from that edge, so with a per-axis Gaussian error sigma a
single fix enters with probability Phi(-d / sigma). A track parallel to the equator at d keeps
that distance everywhere (its 100 m-long geodesic segments bow by far less than a millimetre), and
a straight line between two points north of a straight boundary never crosses it, so only the
fixes matter: bias-only errors give Phi(-d/sigma), independent errors 1 - (1 - Phi(-d/sigma))^n.
Positions come from geographiclib; expected values from scipy's normal distribution.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from scipy.stats import norm

from overflight.analysis.check import check_pair
from overflight.analysis.error_model import ErrorModel, correlated_normal
from overflight.analysis.params import CheckParameters
from overflight.analysis.uncertainty import entry_probability, planar_airspace
from overflight.model import Airspace, Circle, Polygon, Track, Vertex, VerticalLimit

WGS84 = Geodesic.WGS84
T0 = 1_700_000_000.0
ZONE = Airspace(
    "EQ",
    "R",
    (Polygon((Vertex(0.0, 0.0), Vertex(0.0, 2.0), Vertex(-1.0, 2.0), Vertex(-1.0, 0.0))),),
    VerticalLimit.surface(),
    VerticalLimit.unlimited(),
)


@pytest.fixture(scope="module")
def eq():  # type: ignore[no-untyped-def]
    return planar_airspace(ZONE)


def _offset(d_north: float, lon: float, d_east: float = 0.0) -> tuple[float, float]:
    """(lat, lon) at meridian distance d_north from the equator (negative: south), then
    d_east along the parallel's tangent."""
    p = WGS84.Direct(0.0, lon, 0.0 if d_north >= 0 else 180.0, abs(d_north))
    if d_east:
        p = WGS84.Direct(p["lat2"], p["lon2"], 90.0, d_east)
    return p["lat2"], p["lon2"]


def _parallel(d: float, n: int, step_m: float = 100.0, dt: float = 1.0) -> Track:
    lat, _ = _offset(d, 1.0)
    lons = [WGS84.Direct(lat, 0.9, 90.0, k * step_m)["lon2"] for k in range(n)]
    return Track.from_arrays("par", time=T0 + dt * np.arange(n), lat=[lat] * n, lon=lons)


def _within(p: float, expected: float, samples: int, k: float = 3.0) -> None:
    se = math.sqrt(expected * (1 - expected) / samples)
    assert abs(p - expected) <= k * se, (p, expected, se)


# -- closed forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(("d", "sigma"), [(50.0, 40.0), (0.0, 30.0), (-60.0, 30.0), (90.0, 30.0)])
def test_single_fix_gaussian(eq, d: float, sigma: float) -> None:  # type: ignore[no-untyped-def]
    lat, lon = _offset(d, 1.0)
    trk = Track.from_arrays("one", time=[T0], lat=[lat], lon=[lon])
    n = 20_000
    r = entry_probability(trk, eq, ErrorModel(sigma_h_m=sigma), samples=n, seed=11)
    _within(r.p_entry, norm.cdf(-d / sigma), n)
    assert r.samples == n and r.seed == 11
    assert r.stderr == pytest.approx(math.sqrt(r.p_entry * (1 - r.p_entry) / n))


def test_track_accuracy_overrides_default_sigma(eq) -> None:  # type: ignore[no-untyped-def]
    lat, lon = _offset(50.0, 1.0)
    trk = Track.from_arrays("acc", time=[T0], lat=[lat], lon=[lon], accuracy_h=[25.0])
    n = 20_000
    r = entry_probability(trk, eq, ErrorModel(sigma_h_m=500.0), samples=n, seed=2)
    _within(r.p_entry, norm.cdf(-2.0), n)
    r = entry_probability(
        trk, eq, ErrorModel(sigma_h_m=50.0, use_track_accuracy=False), samples=n, seed=2
    )
    _within(r.p_entry, norm.cdf(-1.0), n)


@pytest.mark.parametrize(
    "model",
    [
        ErrorModel(sigma_h_m=40.0, bias_fraction=1.0, tau_s=0.0),
        ErrorModel(sigma_h_m=40.0, bias_fraction=0.0, tau_s=math.inf),
    ],
    ids=["bias", "gauss-markov-tau-inf"],
)
def test_fully_correlated_parallel_track(eq, model: ErrorModel) -> None:  # type: ignore[no-untyped-def]
    d, n_fix, n = 50.0, 40, 20_000
    r = entry_probability(_parallel(d, n_fix), eq, model, samples=n, seed=5)
    p = norm.cdf(-d / 40.0)
    _within(r.p_entry, p, n)
    # the whole track shifts: entered samples are inside for the whole track
    assert r.duration_s is not None and r.duration_s.p05 == pytest.approx(n_fix - 1.0)
    assert r.duration_s.p95 == pytest.approx(n_fix - 1.0)
    # depth = error across the edge minus d, given it exceeds d: median of a truncated normal
    med = 40.0 * norm.ppf(1 - norm.sf(d / 40.0) / 2) - d
    assert r.max_depth_m is not None
    assert r.max_depth_m.median == pytest.approx(med, abs=3.0)


def test_independent_errors_give_the_larger_value(eq) -> None:  # type: ignore[no-untyped-def]
    d, sigma, n_fix, n = 80.0, 40.0, 10, 20_000
    model = ErrorModel(sigma_h_m=sigma, bias_fraction=0.0, tau_s=0.0)
    r = entry_probability(_parallel(d, n_fix), eq, model, samples=n, seed=7)
    p1 = norm.cdf(-d / sigma)
    _within(r.p_entry, 1 - (1 - p1) ** n_fix, n)
    assert r.p_entry > p1 + 10 * math.sqrt(p1 * (1 - p1) / n)


def test_gauss_markov_lies_between_bias_and_independent(eq) -> None:  # type: ignore[no-untyped-def]
    d, sigma, n_fix, n = 80.0, 40.0, 10, 20_000
    p1 = norm.cdf(-d / sigma)
    p_ind = 1 - (1 - p1) ** n_fix
    model = ErrorModel(sigma_h_m=sigma, bias_fraction=0.0, tau_s=3.0)
    r = entry_probability(_parallel(d, n_fix), eq, model, samples=n, seed=7)
    assert p1 + 4 * r.stderr < r.p_entry < p_ind - 4 * r.stderr


def test_timing_error_adds_along_track_displacement(eq) -> None:  # type: ignore[no-untyped-def]
    # flying due south at 200 m/s, the last fix 100 m north of the edge: a timing error of
    # sigma_t moves it 200 * sigma_t along the track, across the edge
    lats = [_offset(d, 1.0)[0] for d in (700.0, 500.0, 300.0, 100.0)]
    trk = Track.from_arrays("south", time=T0 + np.arange(4.0), lat=lats, lon=[1.0] * 4)
    n = 20_000
    model = ErrorModel(sigma_h_m=30.0, bias_fraction=0.0, tau_s=0.0, sigma_t_s=0.2)
    r = entry_probability(trk, eq, model, samples=n, seed=3)
    _within(r.p_entry, norm.cdf(-100.0 / math.hypot(30.0, 200.0 * 0.2)), n)


def test_vertical_gaussian() -> None:
    # laterally deep inside a circle, 45 m above an FL100 ceiling (3048 m pressure altitude)
    zone = Airspace(
        "C",
        "R",
        (Polygon(Circle(0.0, 0.0, 20_000.0)),),
        VerticalLimit.surface(),
        VerticalLimit.flight_level(100),
    )
    trk = Track.from_arrays(
        "v", time=[T0, T0 + 10], lat=[0, 0], lon=[0, 0.01], alt_baro=[3093.0] * 2
    )
    n = 20_000
    model = ErrorModel(sigma_h_m=30.0, sigma_v_m=30.0, bias_fraction=1.0)
    r = entry_probability(trk, zone, model, samples=n, seed=4)
    _within(r.p_entry, norm.cdf(-45.0 / 30.0), n)
    assert r.p_lateral == 1.0
    # the altitude never crossed the ceiling: entered samples are inside all the way
    assert r.duration_s is not None and r.duration_s.median == pytest.approx(10.0)


def test_agl_floor_is_never_inside() -> None:
    zone = Airspace(
        "AGL",
        "R",
        (Polygon(Circle(0.0, 0.0, 20_000.0)),),
        VerticalLimit.parse("1000ft AGL"),
        VerticalLimit.unlimited(),
    )
    trk = Track.from_arrays(
        "a", time=[T0, T0 + 10], lat=[0, 0], lon=[0, 0.01], alt_baro=[900.0] * 2
    )
    r = entry_probability(trk, zone, samples=500)
    assert r.p_entry == 0.0 and r.p_lateral == 1.0
    assert any("AGL" in w or "above ground" in w for w in r.warnings)


# -- agreement with the exact core ------------------------------------------------------------


def test_small_errors_match_the_core() -> None:
    zone = Airspace(
        "R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),), VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )  # fmt: skip
    lon = np.linspace(-0.2, 0.2, 401)  # fixes every ~110 m
    trk = Track.from_arrays("c", time=T0 + np.linspace(0, 100, 401), lat=np.zeros(401), lon=lon)
    inc = check_pair(trk, zone).incursions[0]  # type: ignore[union-attr]
    r = entry_probability(trk, zone, ErrorModel(sigma_h_m=1.0), samples=300, seed=1)
    assert r.p_entry == 1.0 and r.stderr == 0.0
    assert r.duration_s is not None and r.max_depth_m is not None
    assert r.duration_s.median == pytest.approx(inc.duration_s, abs=0.05)
    # depth at path points (<= 55 m of path from the deepest point), linearised: within 60 m
    assert r.max_depth_m.median == pytest.approx(inc.max_depth_m, abs=60.0)


def test_edges_parameter_reaches_the_sampler() -> None:
    # the 60 N case: a ~111 km edge on the 60th parallel; the geodesic bulges ~420 m north
    line = WGS84.InverseLine(60.0, 24.0, 60.0, 26.0)
    lat_geo = line.Position(line.s13 / 2)["lat2"]
    turn = 60.0 + (lat_geo - 60.0) / 2
    ring = (Vertex(59.5, 24.0), Vertex(60.0, 24.0), Vertex(60.0, 26.0), Vertex(59.5, 26.0))
    zone = Airspace("F", "R", (Polygon(ring),), VerticalLimit.surface(), VerticalLimit.unlimited())
    trk = Track.from_arrays(
        "f", time=[T0, T0 + 120, T0 + 240], lat=[60.1, turn, 60.1], lon=[25.0] * 3
    )
    model = ErrorModel(sigma_h_m=10.0)
    geo = entry_probability(
        trk, zone, model, samples=2000, params=CheckParameters(edges="geodesic")
    )
    flat = entry_probability(trk, zone, model, samples=2000, params=CheckParameters(edges="planar"))
    assert geo.p_entry == 1.0 and flat.p_entry == 0.0


# -- reproducibility and reporting ------------------------------------------------------------


def test_same_seed_same_numbers_other_seed_within_stderr(eq) -> None:  # type: ignore[no-untyped-def]
    model = ErrorModel(sigma_h_m=40.0, bias_fraction=0.5, tau_s=5.0)
    trk = _parallel(60.0, 20)
    a = entry_probability(trk, eq, model, samples=5000, seed=21)
    b = entry_probability(trk, eq, model, samples=5000, seed=21)
    c = entry_probability(trk, eq, model, samples=5000, seed=22)
    assert a.to_dict() == b.to_dict()
    assert a.p_entry != c.p_entry or a.duration_s != c.duration_s
    assert abs(a.p_entry - c.p_entry) <= 4 * math.hypot(a.stderr, c.stderr)


def test_to_dict_is_json_and_names_every_parameter(eq) -> None:  # type: ignore[no-untyped-def]
    model = ErrorModel(sigma_h_m=12.0, sigma_v_m=8.0, bias_fraction=0.25, tau_s=math.inf)
    d = entry_probability(_parallel(10.0, 5), eq, model, samples=100, seed=9).to_dict()
    json.dumps(d, allow_nan=False)
    assert {"p_entry", "stderr", "samples", "seed", "model"} <= d.keys()
    assert d["samples"] == 100 and d["seed"] == 9
    assert d["model"] == {
        "kind": "bias + first-order Gauss-Markov",
        "sigma_h_m": 12.0,
        "sigma_v_m": 8.0,
        "bias_fraction": 0.25,
        "tau_s": None,
        "sigma_t_s": 0.0,
        "use_track_accuracy": True,
    }


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="bias_fraction"):
        ErrorModel(bias_fraction=1.5)
    with pytest.raises(ValueError, match="sigma_h_m"):
        ErrorModel(sigma_h_m=-1.0)
    with pytest.raises(ValueError, match="samples"):
        entry_probability(_parallel(10.0, 2), ZONE, samples=0)
    empty = Track.from_arrays("e", time=[], lat=[], lon=[])
    assert entry_probability(empty, ZONE, samples=10).p_entry == 0.0


def test_gauss_markov_statistics() -> None:
    z = correlated_normal(np.arange(200.0), 20_000, 0.0, 10.0, np.random.default_rng(0))
    assert z[[0, 50, 199]].var(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=0.05)
    assert np.corrcoef(z[100], z[110])[0, 1] == pytest.approx(math.exp(-1.0), abs=0.03)
    irregular = np.cumsum(np.r_[0.0, np.full(199, 1.0)] + np.r_[0.0, np.zeros(198), 1e-3])
    z2 = correlated_normal(irregular, 20_000, 0.0, 10.0, np.random.default_rng(0))
    assert np.corrcoef(z2[100], z2[110])[0, 1] == pytest.approx(math.exp(-1.0), abs=0.03)


# -- calibration ------------------------------------------------------------------------------


def test_calibration_reliability_table(eq, capsys) -> None:  # type: ignore[no-untyped-def]
    """True tracks of 3 fixes 300 m apart along the edge, each fix independently anywhere
    within 3 km either side of it (a prior flat at the scale of the errors), are observed
    through the model; the cases whose observed fixes all lie within [-120, 250] m of the edge
    are kept (a selection on the observations only, which leaves calibration intact). Among
    cases given P in a bin, the true entry frequency (exact core on the true track) must match
    the mean P within statistical tolerance."""
    rng = np.random.default_rng(2024)
    model = ErrorModel(sigma_h_m=40.0, bias_fraction=0.5, tau_s=10.0)
    n_fix, n_draw, n_cases = 3, 1_500_000, 200
    times = 5.0 * np.arange(n_fix)
    d_true = rng.uniform(-3000.0, 3000.0, (n_fix, n_draw))
    ex, ey, _ = model.sample(times, np.full(n_fix, 40.0), n_draw, rng)
    d_obs = d_true + ey
    keep = np.flatnonzero(((d_obs >= -120.0) & (d_obs <= 250.0)).all(axis=0))[:n_cases]
    assert keep.size == n_cases
    along = 300.0 * np.arange(n_fix)
    preds, truth = [], []
    for k in keep:
        true_pts = [_offset(d, 1.0, a) for d, a in zip(d_true[:, k], along, strict=True)]
        obs_pts = [
            _offset(d, 1.0, a + e) for d, a, e in zip(d_obs[:, k], along, ex[:, k], strict=True)
        ]
        true_trk = Track.from_arrays(
            "t", time=T0 + times, lat=[p[0] for p in true_pts], lon=[p[1] for p in true_pts]
        )
        obs_trk = Track.from_arrays(
            "o", time=T0 + times, lat=[p[0] for p in obs_pts], lon=[p[1] for p in obs_pts]
        )
        res = check_pair(true_trk, ZONE)
        truth.append(bool(res is not None and res.entered))
        preds.append(entry_probability(obs_trk, eq, model, samples=400, seed=1).p_entry)
    p, t = np.array(preds), np.array(truth)
    bins = [0.0, 0.1, 0.4, 0.7, 0.9, 1.0 + 1e-9]
    rows = []
    for lo, hi in itertools.pairwise(bins):
        sel = (p >= lo) & (p < hi)
        k = int(sel.sum())
        if k == 0:
            continue
        mean_p, freq = float(p[sel].mean()), float(t[sel].mean())
        rows.append((lo, hi, k, mean_p, freq))
        tol = 3 * math.sqrt(max(mean_p * (1 - mean_p), 0.02) / k) + 0.05
        assert abs(freq - mean_p) <= tol, (lo, hi, k, mean_p, freq, tol)
    with capsys.disabled():
        print("\nreliability: bin, cases, mean predicted P, observed entry frequency")
        for lo, hi, k, mp, fr in rows:
            print(f"  [{lo:.1f}, {min(hi, 1.0):.1f}) {k:4d} {mp:6.3f} {fr:6.3f}")
    # the middle bins are populated: the test says something about calibration
    assert sum(r[2] for r in rows if 0.1 <= r[0] < 0.9) >= 30
