"""OpenSky state-vector reader: real Impala Parquet files, CSV in both namings, bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from overflight.errors import ParseError
from overflight.formats.tracks.opensky import iter_tracks, read_opensky

FT = 0.3048
KT = 1852.0 / 3600.0
RYR = "adsb/opensky_impala/state_vectors_RYR2RG_2022-02-02.parquet"
EDW = "adsb/opensky_impala/state_vectors_EDW24_zurich_2024-04-06.parquet"
KEEP = [
    "time",
    "icao24",
    "lat",
    "lon",
    "velocity",
    "heading",
    "vertrate",
    "callsign",
    "onground",
    "squawk",
    "baroaltitude",
    "geoaltitude",
    "lastposupdate",
    "lastcontact",
]


def _same_lon(actual: np.ndarray, expected: np.ndarray) -> None:
    """Track.from_arrays wraps longitudes to [-180, 180), which moves the last bits (1e-14 deg)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12)


def _utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _expected(table: pa.Table) -> dict[str, np.ndarray]:
    """What the reader should give, computed independently with numpy: rows with a position,
    sorted by time, without the rows whose lastposupdate repeats the previous row's."""
    t = np.array([d.timestamp() for d in table["time"].to_pylist()])
    lat = table["lat"].to_numpy(zero_copy_only=False).astype(float)
    lon = table["lon"].to_numpy(zero_copy_only=False).astype(float)
    lpu = table["lastposupdate"].to_numpy(zero_copy_only=False).astype(float)
    baro = table["baroaltitude"].to_numpy(zero_copy_only=False).astype(float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    order = np.argsort(t[ok], kind="stable")
    cols = {k: v[ok][order] for k, v in dict(t=t, lat=lat, lon=lon, lpu=lpu, baro=baro).items()}
    fresh = np.r_[True, np.diff(cols["lpu"]) != 0]
    out = {k: v[fresh] for k, v in cols.items()}
    # positions are timed by lastposupdate (when they were measured), where it is plausible
    t, lpu = out["t"], out["lpu"]
    fix = np.where(np.isfinite(lpu) & (lpu <= t) & (lpu > t - 60), lpu, t)
    out["fix"] = fix if np.all(np.diff(fix) > 0) else t
    return out


@pytest.fixture(scope="module")
def ryr_table(shared_data: Path) -> pa.Table:
    return pq.read_table(shared_data / RYR)


@pytest.fixture(scope="module")
def edw_table(shared_data: Path) -> pa.Table:
    return pq.read_table(shared_data / EDW)


# -- real Parquet files -------------------------------------------------------------------------
def test_ryr2rg_parquet_against_file_and_manifest(shared_data: Path, ryr_table: pa.Table) -> None:
    tracks, warnings = read_opensky(shared_data / RYR)
    assert len(tracks) == 1
    tr = tracks[0]
    exp = _expected(ryr_table)
    # MANIFEST: RYR2RG/4d2271, 1200 rows, 15:45-16:05 UTC, FL370 over France
    assert ryr_table.num_rows == 1200 and tr.meta["rows"] == 1200
    assert tr.id == "4d2271" and tr.callsign == "RYR2RG"
    assert tr.meta["format"] == "opensky-parquet" and tr.source == str(shared_data / RYR)
    assert _utc("2022-02-02T15:45:00") == exp["t"][0]
    assert _utc("2022-02-02T16:05:00") == exp["t"][-1]
    assert exp["t"][0] - 1.0 < tr.time[0] <= exp["t"][0]
    np.testing.assert_array_equal(tr.time, exp["fix"])
    np.testing.assert_array_equal(tr.lat, exp["lat"])
    _same_lon(tr.lon, exp["lon"])
    # first row of the file, read by pyarrow: 45.86N 4.96E; last: 44.57N 2.25E
    assert tr.lat[0] == ryr_table["lat"][0].as_py() == pytest.approx(45.8645, abs=1e-4)
    assert tr.lon[0] == ryr_table["lon"][0].as_py() == pytest.approx(4.9607, abs=1e-4)
    assert (round(tr.lat[-1], 2), round(tr.lon[-1], 2)) == (44.57, 2.25)
    # FL370 = 37000 ft = 11277.6 m; OpenSky baroaltitude is already in metres
    # (one row of the file has no baroaltitude: kept as NaN)
    assert np.nanmin(tr.alt_baro) == np.nanmax(tr.alt_baro) == pytest.approx(37000 * FT)
    np.testing.assert_array_equal(tr.alt_baro, exp["baro"])
    assert 11000 < np.nanmin(tr.alt_geo) <= np.nanmax(tr.alt_geo) < 12000
    stale = 1200 - len(exp["t"])
    assert stale == 20 and len(tr) == 1180
    assert warnings == [
        f"{shared_data / RYR}: dropped {stale} stale rows (position not updated: same "
        "lastposupdate as the previous row)"
    ]


def test_edw24_zurich_unsorted_with_null_positions(shared_data: Path, edw_table: pa.Table) -> None:
    tracks, warnings = read_opensky(shared_data / EDW)
    (tr,) = tracks
    exp = _expected(edw_table)
    no_pos = int(pc.sum(pc.is_null(edw_table["lat"], nan_is_null=True)).as_py())
    assert edw_table.num_rows == 1396 and no_pos == 31
    assert tr.id == "4b1901" and tr.callsign == "EDW24" and tr.meta["rows"] == 1396
    np.testing.assert_array_equal(tr.time, exp["fix"])
    np.testing.assert_array_equal(tr.lat, exp["lat"])
    assert np.all(np.diff(tr.time) > 0)
    # MANIFEST: 10:44-11:08 UTC (the 10:44:40 rows have no position yet)
    assert _utc("2024-04-06T10:44:00") <= tr.time[0] < _utc("2024-04-06T10:46:00")
    assert _utc("2024-04-06T11:08:04") - 1.0 < tr.time[-1] <= _utc("2024-04-06T11:08:04")
    # at LSZH: 47.45N 8.56E
    assert abs(tr.lat[0] - 47.458) < 0.02 and abs(tr.lon[0] - 8.548) < 0.02
    # MANIFEST: 1149 rows on ground, NaN altitude there (in the file: most, not all of them);
    # fixes without altitude are kept, with NaN, and all of them are on the ground
    onground = edw_table["onground"].to_numpy(zero_copy_only=False)
    assert int(onground.sum()) == 1149
    lpu = edw_table["lastposupdate"].to_numpy(zero_copy_only=False).astype(float)
    ground_times = set(lpu[onground].tolist())  # fixes are timed by lastposupdate
    no_alt = np.isnan(tr.alt_baro)
    assert no_alt.sum() > 100 and all(t in ground_times for t in tr.time[no_alt])
    np.testing.assert_array_equal(tr.alt_baro, exp["baro"])
    text = "\n".join(warnings)
    assert f"{shared_data / EDW}: dropped {no_pos} rows without position" in text
    assert "aircraft 4b1901: rows not in time order" in text and "sorted by time" in text
    assert f"dropped {1396 - no_pos - len(exp['t'])} stale rows" in text


def test_iter_tracks_appends_warnings(shared_data: Path) -> None:
    warnings: list[str] = []
    tracks = list(iter_tracks(shared_data / EDW, warnings))
    assert [t.id for t in tracks] == ["4b1901"]
    assert any("rows without position" in w for w in warnings)


# -- CSV written from the real files --------------------------------------------------------------
def _write_csv(table: pa.Table, path: Path) -> Path:
    pacsv.write_csv(table, path)
    return path


def test_csv_opensky_names_epoch_time(tmp_path: Path, ryr_table: pa.Table) -> None:
    t = ryr_table.select(KEEP)
    epoch = pc.divide(pc.cast(t["time"], pa.int64()), 1_000_000_000)
    t = t.set_column(0, "time", epoch)  # OpenSky's own CSV: integer unix seconds
    (tr,), _ = read_opensky(_write_csv(t, tmp_path / "sv.csv"))
    (ref,), _ = read_opensky(_write_csv(ryr_table.select(KEEP), tmp_path / "ts.csv"))
    exp = _expected(ryr_table)
    assert tr.meta["format"] == "opensky-csv" and tr.meta["columns"] == "opensky"
    for track in (tr, ref):
        np.testing.assert_array_equal(track.time, exp["fix"])
        np.testing.assert_array_equal(track.lat, exp["lat"])
        _same_lon(track.lon, exp["lon"])
        np.testing.assert_array_equal(track.alt_baro, exp["baro"])
        assert track.callsign == "RYR2RG"


def _traffic_table(table: pa.Table, time: pa.Array) -> pa.Table:
    """The same rows under the traffic library's names and units (ft, kt, ft/min)."""

    def num(name: str) -> np.ndarray:
        return table[name].to_numpy(zero_copy_only=False).astype(float)

    return pa.table(
        {
            "timestamp": time,
            "icao24": table["icao24"],
            "latitude": table["lat"],
            "longitude": table["lon"],
            "altitude": num("baroaltitude") / FT,
            "geoaltitude": num("geoaltitude") / FT,
            "groundspeed": num("velocity") / KT,
            "track": table["heading"],
            "vertical_rate": num("vertrate") / FT * 60,
            "callsign": table["callsign"],
            "onground": table["onground"],
            "last_position": table["lastposupdate"],
        }
    )


@pytest.mark.parametrize("time_form", ["iso-utc", "naive", "epoch-ms"])
def test_csv_traffic_names_feet_converted(
    tmp_path: Path, edw_table: pa.Table, time_form: str
) -> None:
    if time_form == "iso-utc":
        time = edw_table["time"]
    elif time_form == "naive":  # naive timestamps are taken as UTC
        time = pc.cast(edw_table["time"], pa.timestamp("ns"))
    else:
        time = pc.divide(pc.cast(edw_table["time"], pa.int64()), 1_000_000)
    path = _write_csv(_traffic_table(edw_table, time), tmp_path / "traffic.csv")
    (tr,), warnings = read_opensky(path)
    exp = _expected(edw_table)
    assert tr.meta["columns"] == "traffic" and tr.id == "4b1901" and tr.callsign == "EDW24"
    np.testing.assert_array_equal(tr.time, exp["fix"])
    np.testing.assert_array_equal(tr.lat, exp["lat"])
    np.testing.assert_allclose(tr.alt_baro, exp["baro"], rtol=1e-12, equal_nan=True)
    assert np.nanmax(tr.alt_baro) < 5000 and np.nanmin(tr.alt_baro) > 300  # metres, not feet
    assert any("dropped 31 rows without position" in w for w in warnings)
    assert any("same last_position as the previous row" in w for w in warnings)


def test_parquet_traffic_names(tmp_path: Path, ryr_table: pa.Table) -> None:
    path = tmp_path / "traffic.parquet"
    pq.write_table(_traffic_table(ryr_table, ryr_table["time"]), path)
    (tr,), _ = read_opensky(path)
    assert tr.meta == {
        "format": "opensky-parquet",
        "columns": "traffic",
        "rows": 1200,
        "fix_time": "lastposupdate",
    }
    assert tr.alt_baro[0] == pytest.approx(11277.6, rel=1e-12)


def test_several_aircraft_in_one_file(tmp_path: Path, ryr_table: pa.Table, edw_table) -> None:
    both = pa.concat_tables([edw_table.select(KEEP), ryr_table.select(KEEP)])
    # interleave the two aircraft row by row, as a real multi-aircraft export would
    n = min(ryr_table.num_rows, edw_table.num_rows)
    order = np.r_[
        np.ravel(np.c_[np.arange(n), np.arange(n) + edw_table.num_rows]),
        np.arange(n, edw_table.num_rows),
    ]
    path = _write_csv(both.take(pa.array(order)), tmp_path / "two.csv")
    tracks, warnings = read_opensky(path)
    assert [t.id for t in tracks] == ["4b1901", "4d2271"]  # order of first appearance
    for tr, table in zip(tracks, (edw_table, ryr_table), strict=True):
        exp = _expected(table)
        np.testing.assert_array_equal(tr.time, exp["fix"])
        _same_lon(tr.lon, exp["lon"])
        assert tr.meta["rows"] == table.num_rows
    assert any("dropped 31 rows without position" in w for w in warnings)
    assert any(f"dropped {20 + 578} stale rows" in w for w in warnings)


# -- cleaning rules on small files --------------------------------------------------------------
def _small(tmp_path: Path, text: str, name: str = "sv.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


HEADER = "time,icao24,lat,lon,baroaltitude,callsign,lastposupdate\n"


def test_rows_without_position_and_duplicates_counted(tmp_path: Path) -> None:
    path = _small(
        tmp_path,
        HEADER + "100,abc123,60.0,25.0,1000,FIN1 ,99.5\n"
        "101,abc123,,25.0,1000,FIN1,100.5\n"
        "101,abc123,60.1,25.1,1000,FIN1,100.6\n"
        "101,abc123,60.1,25.1,1000,FIN1,100.6\n"
        "102,abc123,NaN,25.1,1000,,100.6\n"
        "103,abc123,60.2,25.2,1000,XYZ,102.7\n",
    )
    (tr,), warnings = read_opensky(path)
    assert tr.time.tolist() == [99.5, 100.6, 102.7]  # when each position was measured
    assert tr.lat.tolist() == [60.0, 60.1, 60.2]
    assert tr.callsign == "FIN1"  # most common non-empty, stripped
    assert warnings == [
        f"{path}: dropped 2 rows without position",
        f"{path}: dropped 1 exact duplicate rows",
    ]


def test_stale_positions_dropped(tmp_path: Path) -> None:
    path = _small(
        tmp_path,
        HEADER + "100,abc123,60.0,25.0,1000,FIN1,99.5\n"
        "101,abc123,60.0,25.0,1000,FIN1,99.5\n"
        "102,abc123,60.0,25.0,1000,FIN1,99.5\n"
        "103,abc123,60.1,25.1,1000,FIN1,102.9\n",
    )
    (tr,), warnings = read_opensky(path)
    assert tr.time.tolist() == [99.5, 102.9]
    assert warnings == [
        f"{path}: dropped 2 stale rows (position not updated: same lastposupdate as the "
        "previous row)"
    ]


def test_same_time_two_positions_is_an_error(tmp_path: Path) -> None:
    path = _small(tmp_path, HEADER + "100,abc123,60.0,25.0,,,\n100,abc123,60.5,25.0,,,\n")
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert err.value.path == str(path) and err.value.line == "row 2"
    assert "aircraft abc123 at two positions at 1970-01-01T00:01:40Z" in err.value.reason


def test_unsorted_rows_sorted_with_warning(tmp_path: Path) -> None:
    path = _small(tmp_path, "icao24,time,lat,lon\nabc123,200,60.2,25\nabc123,100,60.1,25\n")
    (tr,), warnings = read_opensky(path)
    assert tr.time.tolist() == [100.0, 200.0] and tr.lat.tolist() == [60.1, 60.2]
    assert warnings == [
        f"{path}: aircraft abc123: rows not in time order (row 2 goes back to "
        "1970-01-01T00:01:40Z); sorted by time"
    ]


def test_timezone_offsets_honoured(tmp_path: Path) -> None:
    path = _small(
        tmp_path,
        "timestamp,icao24,latitude,longitude,altitude\n"
        "2022-02-02T16:45:00+01:00,abc123,60,25,1000\n"
        "2022-02-02T15:45:01Z,abc123,60.1,25,2000\n",
    )
    (tr,), _ = read_opensky(path)
    assert tr.time.tolist() == [_utc("2022-02-02T15:45:00"), _utc("2022-02-02T15:45:01")]
    assert tr.alt_baro.tolist() == [1000 * FT, 2000 * FT]


# -- bad input ----------------------------------------------------------------------------------
def test_missing_columns_named(tmp_path: Path) -> None:
    path = _small(tmp_path, "time,icao24,lat,alt\n1,abc123,60,100\n")
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: missing required column(s) lon; ")
    assert "found columns: time, icao24, lat, alt" in msg


def test_missing_columns_in_real_rollcall_parquet(shared_data: Path) -> None:
    path = shared_data / "adsb/opensky_impala/rollcall_raw_4b1901_2024-04-06.parquet"
    names = pq.read_schema(path).names
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert "missing required column(s) time, lat, lon" in str(err.value)
    assert f"found columns: {', '.join(names)}" in str(err.value)


def test_non_numeric_latitude_row_and_column(tmp_path: Path) -> None:
    path = _small(tmp_path, HEADER + "100,abc123,60.0,25.0,,,\n101,abc123,60.1x,25.0,,,\n")
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert err.value.path == str(path) and err.value.line == "row 2"
    assert err.value.reason == "column 'lat': bad value '60.1x'"


def test_bad_time_row(tmp_path: Path) -> None:
    path = _small(tmp_path, HEADER + "100,abc123,60.0,25.0,,,\nyesterday,abc123,60.1,25,,,\n")
    with pytest.raises(ParseError, match=r":row 2: column 'time': bad time 'yesterday'$"):
        read_opensky(path)


def test_latitude_out_of_range(tmp_path: Path) -> None:
    path = _small(tmp_path, HEADER + "100,abc123,60.0,25.0,,,\n101,abc123,91.0,25.0,,,\n")
    with pytest.raises(ParseError, match=r":row 2: position out of range: lat=91.0"):
        read_opensky(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n", "empty file"),
        (HEADER.encode(), "no rows"),
        (HEADER.encode() + b"100,abc123,,,,,\n", "no row with a position (1 rows read)"),
    ],
)
def test_empty_inputs(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "sv.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert str(err.value) == f"{path}: {reason}"


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "sv.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert err.value.path == str(path) and err.value.line == 1
    assert "not a text CSV header" in err.value.reason


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "sv.parquet"
    path.write_bytes(b"PAR1" + b"\x01" * 100 + b"PAR1")
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert err.value.path == str(path) and "unreadable Parquet file" in err.value.reason
    assert isinstance(err.value.__cause__, pa.ArrowException)


def test_ragged_csv_wraps_pyarrow_error(tmp_path: Path) -> None:
    path = _small(tmp_path, "time,icao24,lat,lon\n1,abc123,60,25\n2,abc123\n")
    with pytest.raises(ParseError) as err:
        read_opensky(path)
    assert err.value.path == str(path) and "Expected 4 columns, got 2" in err.value.reason
    assert isinstance(err.value.__cause__, pa.ArrowException)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as err:
        read_opensky(tmp_path / "nope.parquet")
    assert str(err.value) == f"{tmp_path / 'nope.parquet'}: no such file"
