"""The output on disk: per-file parts merged by DuckDB into one file in the canonical order
(the same rows and order as sorting them in memory), a scan that writes its output keeps no
rows in memory, and the per-airspace summary of a file equals the one of its rows."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces

from overflight.archive.output import merge_sorted, read_ahead, summary
from overflight.archive.rows import sort_table
from overflight.archive.scan import scan


def _reference_summary(table: pa.Table) -> list[dict[str, Any]]:
    """The summary computed row by row in Python (an independent reference)."""
    out: dict[int, dict[str, Any]] = {}
    for r in table.to_pylist():
        s = out.setdefault(
            r["airspace_index"],
            {
                "airspace": r["airspace_name"],
                "class": r["airspace_class"],
                "incursions": 0,
                "aircraft": set(),
                "inside": 0,
                "unknown": 0,
                "entry_during_gap": 0,
                "suspect": 0,
            },
        )
        s["incursions"] += 1
        s["aircraft"].add(r["icao24"])
        s["inside" if r["vertical"] == "inside" else "unknown"] += 1
        s["entry_during_gap"] += int(r["entry_during_gap"])
        s["suspect"] += int(r["suspect"])
    keys = sorted(out, key=lambda k: (-out[k]["incursions"], k))
    return [{**out[k], "aircraft": len(out[k]["aircraft"])} for k in keys]


def test_merged_parts_equal_the_rows_sorted_in_memory(archive: list[Path], tmp_path: Path) -> None:
    zones = route_airspaces(archive)
    ref = scan([str(p) for p in archive], zones)
    rows = ref.table
    assert rows.num_rows >= 5
    # the rows in shuffled parts of uneven sizes, one of them empty; plus a twin of a row
    # under another callsign and track start (two aircraft sharing an address)
    rng = np.random.default_rng(1)
    twin = rows.slice(0, 1).to_pylist()[0]
    twin.update(callsign="TWIN", track_start=twin["track_start"].replace(year=2000))
    shuffled = pa.concat_tables([rows, pa.Table.from_pylist([twin], schema=rows.schema)])
    shuffled = shuffled.take(rng.permutation(shuffled.num_rows))
    cuts = [0, 3, 3, shuffled.num_rows // 2, shuffled.num_rows]
    parts = []
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        p = tmp_path / f"part-{k}.parquet"
        pq.write_table(shuffled.slice(a, b - a), p)
        parts.append(p)
    out = tmp_path / "merged.parquet"
    assert merge_sorted(parts, out, batch_rows=4) == shuffled.num_rows
    got = pq.read_table(out)
    assert got.schema.equals(rows.schema)
    assert got.equals(sort_table(shuffled))
    assert not list(tmp_path.glob(".*tmp"))


def test_parts_of_other_column_types_are_cast_to_the_schema(
    archive: list[Path], tmp_path: Path
) -> None:
    """Parts whose columns DuckDB would write with other types (int64 airspace numbers,
    nanosecond times) go through Arrow's writer, cast: the same file as from the schema's."""
    rows = scan([str(p) for p in archive], route_airspaces(archive)).table
    assert rows.num_rows >= 5
    fields = [
        pa.field(f.name, pa.int64() if f.name == "airspace_index" else f.type)
        if not pa.types.is_timestamp(f.type)
        else pa.field(f.name, pa.timestamp("ns", tz="UTC"))
        for f in rows.schema
    ]
    other = rows.cast(pa.schema(fields))
    parts = [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    half = other.num_rows // 2
    pq.write_table(other.slice(half), parts[0])
    pq.write_table(other.slice(0, half), parts[1])
    out = tmp_path / "merged.parquet"
    assert merge_sorted(parts, out) == rows.num_rows
    got = pq.read_table(out)
    assert got.schema.equals(rows.schema)
    assert got.equals(sort_table(rows))


def test_scan_with_output_keeps_no_rows_in_memory(archive: list[Path], tmp_path: Path) -> None:
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones)
    out = tmp_path / "out" / "inc.parquet"
    got = scan(files, zones, out, batch_rows=5_000)
    assert got.rows is None and got.path == out  # rows went to disk, not to memory
    assert got.incursions == ref.table.num_rows > 0
    assert got.table.equals(ref.table) and pq.read_table(out).equals(ref.table)
    assert sorted(p.name for p in out.parent.iterdir()) == ["inc.parquet"]  # no leftovers


def test_summary_of_a_file_equals_the_summary_of_its_rows(
    archive: list[Path], tmp_path: Path
) -> None:
    zones = route_airspaces(archive)
    out = tmp_path / "inc.parquet"
    table = scan([str(p) for p in archive], zones, out).table
    want = _reference_summary(table)
    assert len(want) >= 2 and sum(s["incursions"] for s in want) == table.num_rows
    assert summary(out) == want
    assert summary(table) == want


def test_read_ahead_raises_a_reading_error_where_it_is_read() -> None:
    def batches():  # type: ignore[no-untyped-def]
        yield 1
        yield 2
        raise ValueError("broken part")

    got = []
    with pytest.raises(ValueError, match="broken part"):
        for b in read_ahead(batches()):
            got.append(b)
    assert got == [1, 2]


def test_read_ahead_stops_its_thread_when_the_caller_stops() -> None:
    made = []

    def batches():  # type: ignore[no-untyped-def]
        for k in range(1_000):
            made.append(k)
            yield k

    it = read_ahead(batches(), depth=2)
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    # the caller is done: the thread stops after at most the queue's depth more (closed in
    # a thread of its own: a reader that never stopped would hang the close)
    closing = threading.Thread(target=it.close, daemon=True)
    closing.start()
    closing.join(timeout=20)
    assert not closing.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "overflight-read-ahead"]
    assert len(made) <= 3 + 2 + 1
