"""Hand-digitised points (CSV of lat, lon[, alt][, time]) -> untimed Tracks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from overflight.errors import ParseError
from overflight.formats import read_tracks, sniff
from overflight.formats.tracks.digitised import iter_points, read_digitised

GEOD = Geod(ellps="WGS84")
T0 = 1717243200.0  # 2024-06-01T12:00:00Z


def _write(tmp_path: Path, text: str, name: str = "route.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _geod_cumulative(lon: list[float], lat: list[float]) -> np.ndarray:
    d = [GEOD.inv(lon[k], lat[k], lon[k + 1], lat[k + 1])[2] for k in range(len(lon) - 1)]
    return np.concatenate([[0.0], np.cumsum(d)])


@pytest.mark.parametrize(
    ("lat", "lon", "want"),
    [
        ("59°49'05\"N", "024°30'00\"E", (59 + 49 / 60 + 5 / 3600, 24.5)),
        ("59 49 05 N", "24 30 W", (59 + 49 / 60 + 5 / 3600, -24.5)),
        ("59:49.08N", "024:30E", (59 + 49.08 / 60, 24.5)),
        ("N59 49 05", "E024 30 00", (59 + 49 / 60 + 5 / 3600, 24.5)),
        ("S33°52′", "151.2E", (-(33 + 52 / 60), 151.2)),
        ("-33.5", "-70.25", (-33.5, -70.25)),
    ],
)
def test_coordinate_forms(tmp_path: Path, lat: str, lon: str, want: tuple[float, float]) -> None:
    path = _write(tmp_path, f"lat;lon\n{lat};{lon}\n")
    (p,) = list(iter_points(path))
    assert p.line == 2
    assert p.lat == pytest.approx(want[0], abs=1e-12) and p.lon == pytest.approx(want[1], abs=1e-12)


def test_untimed_track_time_is_geodesic_distance(tmp_path: Path) -> None:
    text = (
        "# read off the 1:500 000 chart\n"
        "latitude,longitude,alt_ft\n"
        "\n"
        "59.40,24.50,1500\n"
        "59.45,24.60,\n"
        "59.45,24.60,1500\n"  # same point again: dropped
        "59.55,24.90,2000\n"
    )
    path = _write(tmp_path, text)
    assert sniff(path) == "digitised-csv"
    (t,), warnings = read_tracks(path)
    assert t.id == "route" and t.source == str(path) and len(t) == 3
    assert t.meta["timing"] == "distance" and t.meta["format"] == "digitised-csv"
    assert warnings == [f"{path}: dropped 1 points repeating the point before them"]
    want = _geod_cumulative([24.50, 24.60, 24.90], [59.40, 59.45, 59.55])
    np.testing.assert_allclose(t.time, want, rtol=0, atol=1e-6)
    assert t.alt_geo[0] == 1500 * 0.3048 and math.isnan(t.alt_geo[1])
    assert t.alt_geo[2] == 2000 * 0.3048


def test_opensky_header_still_wins(tmp_path: Path) -> None:
    path = _write(tmp_path, "time,icao24,lat,lon\n1717243200,4d2271,59.4,24.5\n")
    assert sniff(path) == "opensky-csv"


def test_partial_times_bracketing_every_point_are_interpolated(tmp_path: Path) -> None:
    text = (
        "lat,lon,alt_m,time\n"
        "59.40,24.50,500,2024-06-01T12:00:00Z\n"
        "59.45,24.60,500,\n"
        "59.50,24.70,500,2024-06-01T12:10:00Z\n"
        "59.55,24.90,500,\n"
        "59.60,25.00,500,2024-06-01T12:20:00\n"
    )
    (t,), _ = read_digitised(_write(tmp_path, text))
    assert t.meta["timing"] == "partial"
    d = _geod_cumulative([24.5, 24.6, 24.7, 24.9, 25.0], [59.40, 59.45, 59.50, 59.55, 59.60])
    assert t.time[0] == T0 and t.time[2] == T0 + 600 and t.time[4] == T0 + 1200
    assert t.time[1] == pytest.approx(T0 + 600 * d[1] / d[2], abs=1e-6)
    assert t.time[3] == pytest.approx(T0 + 600 + 600 * (d[3] - d[2]) / (d[4] - d[2]), abs=1e-6)
    assert t.alt_geo[0] == 500.0


def test_partial_times_needing_a_speed_wait_for_one(tmp_path: Path) -> None:
    text = "lat,lon,time\n59.40,24.50,\n59.45,24.60,2024-06-01T12:00:00Z\n59.50,24.70,\n"
    path = _write(tmp_path, text)
    (t,), warnings = read_digitised(path)
    assert t.meta["timing"] == "distance" and t.meta["lines"] == (2, 3, 4)
    assert math.isnan(t.meta["known_times"][0]) and t.meta["known_times"][1] == T0
    assert "need a speed (--speed)" in warnings[0]


def test_every_point_timed_is_measured(tmp_path: Path) -> None:
    text = "lat,lon,time\n59.40,24.50,1717243200\n59.45,24.60,1717243260\n"
    (t,), _ = read_digitised(_write(tmp_path, text))
    assert t.meta["timing"] == "measured" and list(t.time) == [T0, T0 + 60]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("lat,alt_ft\n59.4,1000\n", 1, "header has no longitude column (found: lat, alt_ft)"),
        ("lat,lon,alt\n59.4,24.5,1000\n", 1,
         "altitude column 'alt' has no unit: name it alt_ft or alt_m"),
        ("lat,lon\n59.4,24.5\n59.5,24x6\n", 3,
         "bad coordinate '24x6': expected decimal degrees or D M S with N/S/E/W"),
        ("lat,lon\n59.4,24.5\n59 75 00 N,24.6\n", 3,
         "minutes 75 not below 60 in latitude '59:75:00N'"),
        ("lat,lon\n59.4,24.5\n24.6E,59.5N\n", 3,
         "longitude before latitude in coordinate '24.6E 59.5N'"),
        ("lat,lon\n59.4\n", 2, "1 columns, expected at least 2"),
        ("lat,lon,time\n59.4,24.5,2024-06-01T12:00:00Z\n59.5,24.6,2024-06-01T11:59:00Z\n", 3,
         "time goes back from the known time of point 1"),
        ("lat,lon,time\n59.4,24.5,noon\n", 2,
         "bad time 'noon': expected ISO 8601 or epoch seconds"),
    ],
)  # fmt: skip
def test_bad_input_names_path_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ParseError) as err:
        read_digitised(path)
    assert (err.value.path, err.value.line, err.value.reason) == (str(path), line, reason)


def test_header_only_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "# nothing yet\nlat,lon\n")
    with pytest.raises(ParseError) as err:
        read_digitised(path)
    assert str(err.value) == f"{path}: no point after the header"


def test_geojson_line_without_times_equals_the_csv(tmp_path: Path) -> None:
    import json

    coords = [[24.5, 59.4], [24.6, 59.45], [24.9, 59.55]]
    gj = tmp_path / "route.geojson"
    geometry = {"type": "LineString", "coordinates": coords}
    gj.write_text(
        json.dumps({"type": "Feature", "properties": {"name": "R"}, "geometry": geometry})
    )
    csv = _write(tmp_path, "lat,lon\n" + "".join(f"{la},{lo}\n" for lo, la in coords))
    (g,), _ = read_tracks(gj)
    (c,), _ = read_tracks(csv)
    assert g.meta["timing"] == c.meta["timing"] == "distance"
    assert list(g.time) == list(c.time) and list(g.lat) == list(c.lat)
