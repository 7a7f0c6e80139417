"""The scan's plan from Parquet footers (:func:`overflight.archive.duckdb.file_info` with
``footer``): the same row count and earliest time as a read of the time column; a file whose
row groups follow each other in time is read as in time order and its rows checked as they
come, and a row out of order undoes what the file did and reads it again sorted, with the
same result as a plan that had read every row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overflight.archive import duckdb as duckdb_module
from overflight.archive import kernel as kernel_module
from overflight.archive import scan as scan_module
from overflight.archive.duckdb import connect, file_info
from overflight.archive.scan import scan


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    times=st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=1, max_size=30),
    group=st.integers(1, 12),
    stamps=st.booleans(),
)
def test_the_footer_gives_the_time_columns_answers(tmp_path: Path, times, group, stamps) -> None:
    kind = pa.timestamp("ns", "UTC") if stamps else pa.int64()
    col = pa.array([None if t is None else t * 1_000_000_007 for t in times], pa.int64())
    n = len(times)
    table = pa.table(
        {"time": col.cast(kind), "icao24": ["abc123"] * n, "lat": [60.0] * n, "lon": [25.0] * n}
    )
    path = tmp_path / "states.parquet"
    pq.write_table(table, path, row_group_size=group)
    con = connect()
    full, quick = file_info(con, path), file_info(con, path, footer=True)
    assert (quick.rows, quick.t_min) == (full.rows, full.t_min)
    if quick.order_checked:  # the statistics proved it unsorted
        assert not quick.time_sorted and not full.time_sorted
    else:  # they could not: the rows are checked on reading
        assert quick.time_sorted
    if full.time_sorted:
        assert quick.time_sorted


def _disorder(path: Path, out: Path) -> None:
    """``path`` rewritten with the rows of its last whole row group (of 4096) reversed: the
    row groups still follow each other in time, the rows do not (found late: the pieces
    that the file's earlier rows finished are with the check workers by then)."""
    t = pq.read_table(path)
    idx = np.arange(t.num_rows)
    a = (t.num_rows // 4096 - 1) * 4096
    idx[a : a + 4096] = idx[a : a + 4096][::-1]
    pq.write_table(t.take(idx), out, row_group_size=4096)


@pytest.mark.parametrize("mode", ["inline", "workers", "checkpoint"])
def test_a_file_out_of_order_inside_its_row_groups_gives_the_sorted_plans_result(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    files = []
    for k, p in enumerate(archive):
        files.append(tmp_path / p.name)
        if k == 1:
            _disorder(p, files[-1])
        else:
            pq.write_table(pq.read_table(p), files[-1], row_group_size=4096)
    assert not file_info(connect(), files[1]).time_sorted
    assert file_info(connect(), files[1], footer=True).time_sorted  # by the footer
    zones = route_airspaces(archive, n=60, seed=5)
    data = [str(f) for f in files]
    kwargs = {
        "inline": {},
        "workers": {"check_workers": 1},
        "checkpoint": {"check_workers": 1, "checkpoint": tmp_path / "cp"},
    }[mode]
    monkeypatch.setattr(kernel_module, "CHECK_CHUNK", 4)  # chunks sent early and often
    raised = []
    real = duckdb_module._checked_order

    def spy(batches, path):
        try:
            yield from real(batches, path)
        except duckdb_module.NotInTimeOrder:
            raised.append(path)
            raise

    monkeypatch.setattr(duckdb_module, "_checked_order", spy)
    got = scan(data, zones, tmp_path / "got.parquet", **kwargs)
    assert raised == [files[1]]
    monkeypatch.setattr(scan_module, "file_info", lambda con, p, footer=False: file_info(con, p))
    kwargs.pop("checkpoint", None)
    want = scan(data, zones, tmp_path / "want.parquet", **kwargs)
    assert want.table.num_rows > 0
    assert got.table.equals(want.table)
    assert got.counts == want.counts
    assert got.rows_in == want.rows_in
