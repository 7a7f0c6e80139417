"""Rows of one aircraft at one time (duplicates, or two aircraft sharing an address: the
generator's 100M-row archive has ~300 per hourly file) come out of DuckDB in one order on
every run, so a scan's result never depends on how a sort broke its ties."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overflight.archive.duckdb import connect, file_info, read_batches


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_ties_in_icao24_and_time_are_ordered_by_every_column(tmp_path: Path, suffix: str) -> None:
    # three rows of abc123 at t=100, written in descending latitude, among other rows
    table = pa.table(
        {
            "time": [100, 90, 100, 100, 110, 100],
            "icao24": ["abc123", "abc123", "abc123", "abc123", "abc123", "def456"],
            "lat": [60.3, 60.0, 60.2, 60.1, 60.4, 59.0],
            "lon": [25.0, 25.0, 25.0, 25.0, 25.0, 24.0],
            "baroaltitude": [1000.0] * 6,
            "geoaltitude": [1050.0] * 6,
            "velocity": [100.0] * 6,
            "callsign": ["FIN1"] * 6,
        }
    )
    path = tmp_path / f"states{suffix}"
    if suffix == ".parquet":
        pq.write_table(table, path, row_group_size=2)  # ties spread over row groups
    else:
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, path)
    for threads in (1, 2):
        con = connect(threads)
        info = file_info(con, path)
        got = pa.Table.from_batches(list(read_batches(con, info)))
        assert got["icao24"].to_pylist() == ["abc123"] * 5 + ["def456"]
        assert got["time"].to_pylist()[:5] == [90, 100, 100, 100, 110]
        assert got["lat"].to_pylist()[:5] == [60.0, 60.1, 60.2, 60.3, 60.4]
