"""Real tracks against real airspace files, end to end (expected values from the raw files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely

from overflight import check, read_airspaces, read_tracks
from overflight.model import FT

EDW = "adsb/opensky_impala/state_vectors_EDW24_zurich_2024-04-06.parquet"
RYR = "adsb/opensky_impala/state_vectors_RYR2RG_2022-02-02.parquet"
GERMANY = "openair/germany_2026-03_kemme.txt"


@pytest.fixture(scope="module")
def data(shared_data: Path) -> Path:
    return shared_data


@pytest.fixture(scope="module")
def germany(data: Path):
    airspaces, _problems = read_airspaces(data / GERMANY)
    return airspaces


def _raw_fixes(path: Path) -> dict[str, np.ndarray]:
    """Positions timed by lastposupdate, stale repeats removed, straight from the file."""
    t = pq.read_table(path)
    lpu = t["lastposupdate"].to_numpy(zero_copy_only=False).astype(float)
    geo = t["geoaltitude"].to_numpy(zero_copy_only=False).astype(float)
    lat = t["lat"].to_numpy(zero_copy_only=False).astype(float)
    lon = t["lon"].to_numpy(zero_copy_only=False).astype(float)
    ok = np.isfinite(lat) & np.isfinite(lpu)
    order = np.argsort(lpu[ok], kind="stable")
    cols = {k: v[ok][order] for k, v in dict(t=lpu, geo=geo, lat=lat, lon=lon).items()}
    fresh = np.r_[True, np.diff(cols["t"]) != 0]
    return {k: v[fresh] for k, v in cols.items()}


def test_edw24_departs_zurich_ctr_through_its_ceiling_into_the_tma(data: Path, germany) -> None:
    zones = [a for a in germany if a.name in ("CTR LSZH", "TMA LSZH 3A")]
    assert len(zones) == 2
    (track,), _ = read_tracks(data / EDW)
    out = check([track], zones)
    by_name = {r.airspace.name: r for r in out.results}
    ctr, tma = by_name["CTR LSZH"], by_name["TMA LSZH 3A"]

    # independent expectation: when the geometric altitude first reaches 4500 ft (the CTR
    # ceiling, an AMSL limit compared with geometric altitude), interpolated between raw fixes
    raw = _raw_fixes(data / EDW)
    geo = raw["geo"]
    i = int(np.nanargmax(np.nan_to_num(geo, nan=-1.0) >= 4500 * FT))
    t_up = raw["t"][i - 1] + (4500 * FT - geo[i - 1]) / (geo[i] - geo[i - 1]) * (
        raw["t"][i] - raw["t"][i - 1]
    )
    # the aircraft is well inside the CTR footprint then (coarse planar check, 11 km deep)
    ring = ctr.airspace.polygons[0].exterior
    assert shapely.Polygon([(v.lon, v.lat) for v in ring if hasattr(v, "lon")]).contains(
        shapely.Point(raw["lon"][i], raw["lat"][i])
    )

    (inc,) = ctr.incursions
    assert inc.vertical == "inside" and inc.starts_inside and inc.entry_via == "start"
    assert inc.entry_time == pytest.approx(track.time[0])
    assert inc.exit_via == "ceiling"
    assert inc.exit_time == pytest.approx(t_up, abs=0.1)
    assert ctr.altitude_source["ceiling"] == "alt_geo"
    assert [p.vertical for p in ctr.lateral_passes] == ["above"]

    (tma_in,) = tma.incursions
    assert tma_in.entry_via == "floor" and tma_in.entry_time == pytest.approx(t_up, abs=0.1)
    assert [p.vertical for p in tma.lateral_passes] == ["below"]
    # the CTR's exit point is where the TMA is entered
    assert inc.exit_point == pytest.approx(tma_in.entry_point, abs=1e-9)


def test_cruise_over_france_is_beyond_every_german_airspace(data: Path, germany) -> None:
    (track,), _ = read_tracks(data / RYR)
    out = check([track], germany)
    # 45.9N 5.0E -> 44.6N 2.3E is more than 50 km from any German airspace
    assert out.results == [] and out.beyond_search == len(germany) == out.pairs


# -- real airspace cases of the MANIFEST (asserted against the files and the oracle) ------------
def _utc(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_glider_crosses_para_rosenthal_matching_the_oracle(data: Path, germany) -> None:
    """gliders_franconia: D-6567 crosses "PARA Rosenthal EDQP" (Q, GND-FL100, a 2 NM circle)
    between 10:48:36 and 10:49:48 fixes; times must match the independent oracle within 0.1 s."""
    from oracle import TOL_TIME_S, OracleBoundary, OracleTrack, crossing_intervals

    zone = next(a for a in germany if a.name.startswith("PARA Rosenthal"))
    (track,), _ = read_tracks(data / "adsb/traffic_samples/gliders_franconia.json.gz")
    (r,) = check([track], [zone]).results
    (inc,) = r.incursions
    assert inc.vertical == "inside" and inc.entry_via == inc.exit_via == "lateral"
    # fixes either side (read from the sample): 10:48:36 out, 10:48:41 in; 10:49:20 in, :48 out
    assert _utc("2019-05-23T10:48:36Z") < inc.entry_time < _utc("2019-05-23T10:48:41Z")
    assert _utc("2019-05-23T10:49:20Z") < inc.exit_time < _utc("2019-05-23T10:49:48Z")
    near = track.clip(_utc("2019-05-23T10:45:00Z"), _utc("2019-05-23T10:52:00Z"))
    ((t_in, t_out),) = crossing_intervals(OracleTrack.of(near), OracleBoundary.of(zone))
    assert inc.entry_time == pytest.approx(t_in, abs=TOL_TIME_S)
    assert inc.exit_time == pytest.approx(t_out, abs=TOL_TIME_S)
    # a glider far below FL100: deep inside vertically (altitude from the sample, baro)
    assert r.altitude_source["ceiling"] == "alt_baro" and inc.vertical_margin_m > 1000


def test_benalla_glider_overflies_r364_above_its_ceiling(data: Path) -> None:
    """2009 Benalla IGC: laterally inside R364 (SFC-2000 FT) 02:23-02:30 UTC but never below
    ~4040 ft GNSS altitude: no incursion, the vertical separation is reported."""
    import re

    zones, _ = read_airspaces(data / "openair/australia_sua_2008_xcsoar.txt")
    r364 = [a for a in zones if a.name == "R364"]
    path = data / "igc/xcsoar_9crx3101_benalla_2009-12-27.igc"
    (track,), _ = read_tracks(path)
    (r,) = check([track], r364).results
    assert r.incursions == () and not r.entered
    assert r.lateral_passes and {p.vertical for p in r.lateral_passes} == {"above"}
    first, last = r.lateral_passes[0], r.lateral_passes[-1]
    assert _utc("2009-12-27T02:22:30Z") < first.entry_time < _utc("2009-12-27T02:23:30Z")
    assert _utc("2009-12-27T02:29:40Z") < last.exit_time < _utc("2009-12-27T02:30:40Z")
    ca = r.closest_approach
    assert ca is not None and ca.laterally_inside and ca.lateral_m == 0.0
    # independent: the lowest GNSS altitude of the B records (parsed from the text here) at
    # fixes within the footprint passes
    alts = {
        int(m.group(1)[:2]) * 3600 + int(m.group(1)[2:4]) * 60 + int(m.group(1)[4:]): int(
            m.group(2)
        )
        for m in re.finditer(r"^B(\d{6})\d{7}[NS]\d{8}[EW][AV]\d{5}(\d{5})", path.read_text(), re.M)
    }
    day = _utc("2009-12-27T00:00:00Z")
    inside = [
        alt
        for sec, alt in alts.items()
        if any(p.entry_time <= day + sec <= p.exit_time for p in r.lateral_passes)
    ]
    lowest_sep = min(inside) - 2000 * FT
    assert ca.vertical_m is not None
    # separations are evaluated on the interpolated track, at fixes and boundary crossings
    assert lowest_sep - 40 < ca.vertical_m <= lowest_sep + 1e-6
    assert ca.vertical_m > 500


def test_danube_glider_marginal_in_ctr_ingolstadt(data: Path, germany) -> None:
    """gliders_danube_valley: glider SS laterally inside "CTR Ingolstadt" (GND-3700ft MSL)
    11:03:33-11:05:30 UTC (+-1 fix) at about 3570-3700 ft: vertically marginal."""
    zone = [a for a in germany if a.name.startswith("CTR Ingolstadt")]
    (track,), _ = read_tracks(data / "adsb/traffic_samples/gliders_danube_valley.json.gz")
    (r,) = check([track], zone).results
    pieces = sorted(r.incursions + r.lateral_passes, key=lambda i: i.entry_time)
    start, end = pieces[0].entry_time, pieces[-1].exit_time
    assert _utc("2019-05-23T11:03:20Z") < start < _utc("2019-05-23T11:03:40Z")
    assert _utc("2019-05-23T11:05:20Z") < end < _utc("2019-05-23T11:05:45Z")
    assert {p.vertical for p in pieces} <= {"inside", "above"}
    # marginal: the deepest penetration below the 3700 ft ceiling is the lowest pressure
    # altitude of the interpolated track inside the footprint (fixes and the window's ends)
    t = track.time
    ts = np.concatenate([[start], t[(t > start) & (t < end)], [end]])
    ok = np.isfinite(track.alt_baro)
    lowest = np.interp(ts, t[ok], track.alt_baro[ok]).min()
    deepest = max(i.vertical_margin_m for i in r.incursions)
    assert deepest == pytest.approx(3700 * FT - lowest, abs=0.01)
    assert deepest < 250 * FT
    assert r.altitude_source["ceiling"] == "alt_baro"  # the sample has no geometric altitude
