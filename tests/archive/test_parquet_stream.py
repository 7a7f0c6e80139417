"""Time-ordered Parquet files read by Arrow's Parquet reader
(:mod:`overflight.archive.parquet_stream`) give the kernel exactly the rows DuckDB's query
gives: the same rows in the same order, the same values, the same aircraft and callsign
codes and names, whatever the bounding box, the row groups and the batch size."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive import duckdb as duckdb_module
from overflight.archive.clean import Rows
from overflight.archive.columns import BatchDecoder
from overflight.archive.duckdb import (
    FileInfo,
    connect,
    duckdb_batches,
    file_info,
    read_batches,
)
from overflight.archive.parquet_stream import arrow_source
from overflight.archive.scan import scan
from overflight.archive.state import Codes
from overflight.errors import ParseError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "adsb" / "opensky_impala"
REAL = sorted(SHARED.glob("state_vectors_*.parquet"))


def _decoded(batches: Iterable[pa.RecordBatch], info: FileInfo) -> tuple[Rows, Codes, Codes]:
    icao, calls = Codes(), Codes()
    dec = BatchDecoder(info.spec, icao, calls)
    parts, row0 = [], 0
    for b in batches:
        parts.append(dec.decode(b, row0))
        row0 += b.num_rows
    return Rows.concat(parts) if parts else Rows.of(code=[], time=[], lat=[], lon=[]), icao, calls


def _assert_same_rows(path: Path, bbox, batch_rows: int) -> int:
    """The Arrow reader's rows equal the query's; with ``bbox``, once the rows outside it
    (all read by Arrow, the kernel's to drop) are dropped as SQL states the query's filter:
    the aircraft and callsign codes then differ (the dropped rows' names were coded too), so
    their names are compared, row by row."""
    con = connect()
    info = file_info(con, path)
    assert arrow_source(info) is not None
    got, g_icao, g_calls = _decoded(read_batches(con, info, bbox, batch_rows=batch_rows), info)
    want, w_icao, w_calls = _decoded(duckdb_batches(con, info, bbox, batch_rows=batch_rows), info)
    coded = {"code": (g_icao, w_icao), "cs": (g_calls, w_calls)}
    if bbox is None:
        assert g_icao.names == w_icao.names
        assert g_calls.names == w_calls.names
    else:
        lat, lon = got.lat, got.lon
        with np.errstate(invalid="ignore"):
            kept = (lat >= bbox[1]) & (lat <= bbox[3]) & (lon >= bbox[0]) & (lon <= bbox[2])
            kept |= np.isnan(lat) | np.isnan(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
        got = got.take(np.flatnonzero(kept))
    assert len(got) == len(want)
    for name in Rows.__dataclass_fields__:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        if name in coded and bbox is not None:
            a, b = _names(a, coded[name][0]), _names(b, coded[name][1])
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    return len(got)


def _names(code: np.ndarray, codes: Codes) -> np.ndarray:
    """The name of each code (empty for -1)."""
    return np.array(["", *codes.names], dtype=object)[code + 1]


@pytest.mark.skipif(not REAL, reason="the shared OpenSky samples are not here")
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
@pytest.mark.parametrize("cut", [None, "half", "none"])
def test_real_opensky_files_read_as_duckdb_reads_them(path: Path, cut, tmp_path: Path) -> None:
    """Real exports (nanosecond timestamps, null callsigns; one not in time order, so
    rewritten in time order: DuckDB sorts it otherwise): all rows, the half of the track
    south of its median latitude, or no row at all in the box (rows without a position are
    kept)."""
    table = pq.read_table(path)
    if not file_info(connect(), path).time_sorted:
        path = tmp_path / path.name
        pq.write_table(table.take(np.argsort(table["time"].to_numpy(), kind="stable")), path)
    lat = table["lat"].to_numpy()
    med = float(np.nanmedian(lat))
    bbox = {None: None, "half": (-180.0, -90.0, 180.0, med), "none": (0.0, 0.0, 0.001, 0.001)}[cut]
    n = _assert_same_rows(path, bbox, batch_rows=300)
    missing = int(np.isnan(lat).sum())  # kept: the cleaning counts them
    if cut == "none":  # a box with (nearly) every row outside: the reader filters them
        con = connect()
        assert sum(b.num_rows for b in read_batches(con, file_info(con, path), bbox)) == missing
    assert n == {None: len(lat), "half": int((lat <= med).sum()) + missing, "none": missing}[cut]


def test_the_synthetic_archive_reads_as_duckdb_reads_it(archive: list[Path]) -> None:
    for path in archive:
        assert _assert_same_rows(path, (5.0, 45.0, 15.0, 55.0), batch_rows=4096) > 0


_ICAO = st.sampled_from(["abc123", "ABC123", " abc123", "4b1901\t", "4B1901", "", "  ", None])
_CALL = st.sampled_from(["RYR2RG", "ryr2rg ", "EDW24", "A-LONG-CALLSIGN", "Ärger", "", None])
_COORD = st.one_of(
    st.floats(-200, 200, allow_nan=False),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), None, 59.5, 25.0, 90.0]),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 3_000_000), _ICAO, _CALL, _COORD, _COORD, st.booleans()),
        min_size=1,
        max_size=60,
    ),
    nanoseconds=st.booleans(),
    group=st.integers(1, 25),
    batch=st.integers(1, 30),
    box=st.tuples(st.floats(-100, 50), st.floats(-100, 50), st.floats(0, 150), st.floats(0, 150)),
)
def test_any_time_ordered_file_reads_as_duckdb_reads_it(
    tmp_path_factory: pytest.TempPathFactory, rows, nanoseconds, group, batch, box
) -> None:
    """Generated files: addresses and callsigns in several spellings (case, whitespace,
    empty, null, long, non-ASCII), positions missing, impossible or infinite, times with
    sub-microsecond parts, row groups and batches of any size, boxes of any place."""
    rows = sorted(rows, key=lambda r: r[0])
    t = [r[0] * 1_000_003 if nanoseconds else r[0] // 1000 for r in rows]
    kind = pa.timestamp("ns", "UTC") if nanoseconds else pa.int64()
    table = pa.table(
        {
            "time": pa.array(t, pa.int64()).cast(kind),
            "icao24": pa.array([r[1] for r in rows], pa.string()),
            "callsign": pa.array([r[2] for r in rows], pa.string()),
            "lat": pa.array([r[3] for r in rows], pa.float64()),
            "lon": pa.array([r[4] for r in rows], pa.float64()),
            "baroaltitude": [1000.0 + i for i in range(len(rows))],
            "onground": pa.array([r[5] if i % 7 else None for i, r in enumerate(rows)], pa.bool_()),
        }
    )
    path = tmp_path_factory.mktemp("stream") / "states.parquet"
    pq.write_table(table, path, row_group_size=group)
    bbox = (box[0], box[1], box[0] + box[2], box[1] + box[3])
    _assert_same_rows(path, bbox, batch_rows=batch)
    _assert_same_rows(path, None, batch_rows=batch)


def _write(path: Path, **overrides) -> Path:
    cols = {
        "time": pa.array([1, 2, 3], pa.int64()),
        "icao24": ["abc123"] * 3,
        "lat": [60.0, 60.1, 60.2],
        "lon": [25.0, 25.0, 25.0],
    }
    cols.update(overrides)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols), path)
    return path


def test_files_arrow_cannot_read_as_duckdb_does_are_left_to_duckdb(tmp_path: Path) -> None:
    """Text positions (DuckDB casts them), a file not in time order (read sorted), a hive
    partition key among the needed columns, CSV: DuckDB's query reads them."""
    con = connect()
    plain = _write(tmp_path / "plain.parquet")
    assert arrow_source(file_info(con, plain)) is not None
    for path in (
        _write(tmp_path / "text.parquet", lat=["60.0", "60.1", "60.2"]),
        _write(tmp_path / "unsorted.parquet", time=pa.array([3, 1, 2], pa.int64())),
        _write(tmp_path / "icao24=abc123" / "part.parquet"),
    ):
        info = file_info(con, path)
        assert arrow_source(info) is None, path
        assert sum(b.num_rows for b in read_batches(con, info)) == 3
    csv = tmp_path / "states.csv"
    csv.write_text("time,icao24,lat,lon\n1,abc123,60.0,25.0\n")
    assert arrow_source(file_info(con, csv)) is None


def test_a_file_broken_after_its_time_column_is_one_clear_error(tmp_path: Path) -> None:
    """The plan reads only the time column; a broken page of another column is found while
    streaming, and is one error naming the file."""
    n = 5000
    path = tmp_path / "broken.parquet"
    pq.write_table(
        pa.table(
            {
                "time": pa.array(range(n), pa.int64()),
                "icao24": ["abc123"] * n,
                "lat": np.linspace(59.0, 60.0, n),
                "lon": np.linspace(24.0, 25.0, n),
            }
        ),
        path,
        compression="none",
    )
    meta = pq.read_metadata(path)
    lat = next(
        meta.row_group(0).column(i)
        for i in range(meta.num_columns)
        if meta.row_group(0).column(i).path_in_schema == "lat"
    )
    raw = bytearray(path.read_bytes())
    at = lat.data_page_offset
    raw[at : at + 32] = b"\xff" * 32  # the page header
    path.write_bytes(bytes(raw))
    con = connect()
    info = file_info(con, path)
    with pytest.raises(ParseError) as err:
        for _ in read_batches(con, info):
            pass
    text = str(err.value)
    assert text.startswith(str(path)) and "unreadable" in text and "\n" not in text


def test_a_scan_reading_by_arrow_equals_one_reading_by_duckdb(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole scan, with airspaces near part of the archive only (so that the kernel
    drops rows outside their bounding box): the same incursions, the same rows read and
    dropped per reason, as when DuckDB's query reads every file and filters the box."""
    zones = route_airspaces(archive, n=2, seed=11)
    files = [str(p) for p in archive]
    got = scan(files, zones)
    monkeypatch.setattr(duckdb_module, "arrow_source", lambda info: None)
    want = scan(files, zones)
    assert want.counts["outside_bbox"] > 0 and want.table.num_rows > 0
    assert got.table.equals(want.table)
    assert got.counts == want.counts
    assert got.rows_in == want.rows_in
