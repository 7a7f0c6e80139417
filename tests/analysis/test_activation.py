"""Activation windows (OpenAir AA): an inactive airspace yields no infringement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from overflight import check, read_airspaces
from overflight.analysis.activation import parse_windows, split_by_activation
from overflight.model import Track

SLOVENIA = "openair/slovenia_2025-05-23_seeyou_v2.openair"


@pytest.fixture(scope="module")
def zones(shared_data: Path) -> list:
    return read_airspaces(shared_data / SLOVENIA)[0]


def _through(zone, t0: float) -> Track:
    """A 1 Hz straight flight through the Luka Koper TRA circle (2889 m radius) centre, 60 m/s,
    at 300 m, starting 5 km west of it."""
    c = zone.polygons[0].exterior
    g = Geod(ellps="WGS84")
    lon0, lat0, _ = g.fwd(c.center_lon, c.center_lat, 270.0, 5000.0)
    n = 170
    lon, lat, _ = g.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, 90.0), 60.0 * np.arange(n))
    alt = np.full(n, 300.0)
    return Track.from_arrays(
        "t", time=t0 + np.arange(n), lat=lat, lon=lon, alt_baro=alt, alt_geo=alt
    )


def _utc(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_flight_inside_the_window_is_an_infringement(zones) -> None:
    koper = next(a for a in zones if a.name == "Luka Koper TRA")
    assert koper.meta["activation"] == ("2025-05-21T09:00Z/2025-05-21T10:30Z",)
    (r,) = check([_through(koper, _utc("2025-05-21T10:00:00Z"))], [koper]).results
    (inc,) = r.incursions
    assert inc.activation == "active" and inc.vertical == "inside" and r.entered
    # entry 5000 - 2889.12 m from the start at 60 m/s
    assert inc.entry_time - _utc("2025-05-21T10:00:00Z") == pytest.approx(2110.88 / 60, abs=0.1)


def test_flight_outside_the_window_is_not(zones) -> None:
    koper = next(a for a in zones if a.name == "Luka Koper TRA")
    (r,) = check([_through(koper, _utc("2025-05-21T12:00:00Z"))], [koper]).results
    (inc,) = r.incursions
    assert inc.activation == "inactive" and not r.entered


def test_window_closing_mid_crossing_splits_the_incursion(zones) -> None:
    koper = next(a for a in zones if a.name == "Luka Koper TRA")
    t0 = _utc("2025-05-21T10:30:00Z") - 60.0  # window closes 60 s after the start
    (r,) = check([_through(koper, t0)], [koper]).results
    active, inactive = r.incursions
    assert (active.activation, inactive.activation) == ("active", "inactive")
    assert active.exit_time == inactive.entry_time == _utc("2025-05-21T10:30:00Z")
    assert active.exit_via == "activation" and inactive.entry_via == "activation"


def test_activation_by_notam_only_is_unknown(zones) -> None:
    ljr5 = next(a for a in zones if a.name.startswith("LJR5"))
    assert ljr5.meta["activation"] == ("NONE",)
    assert parse_windows(ljr5.meta["activation"]) is None
    assert split_by_activation(0.0, 10.0, None) == [(0.0, 10.0, "unknown")]


def test_open_bounds_and_day_end() -> None:
    w = parse_windows(
        ("NONE/2025-02-02T12:00Z", "2025-03-03T11:00Z/NONE", "2024-12-17T00:00Z/2024-12-17T24:00Z")
    )
    assert w is not None and w[0][0] == -np.inf and w[-1][1] == np.inf
    assert (_utc("2024-12-17T00:00:00Z"), _utc("2024-12-18T00:00:00Z")) in w
    with pytest.raises(ValueError, match="not start/end"):
        parse_windows(("2025-01-01T00:00Z",))
