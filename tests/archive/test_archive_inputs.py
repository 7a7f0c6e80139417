"""The scan reads an archive however it is laid out: a hive-partitioned folder tree
(``date=.../hour=.../part.parquet``, as Spark and DuckDB write them), CSV copies named by a
glob, a mix of both: the same incursions as the flat hourly Parquet files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from archive_helpers import route_airspaces

from overflight.archive.scan import scan


def test_a_hive_partitioned_tree_and_csv_copies_give_the_flat_files_rows(
    archive: list[Path], tmp_path: Path
) -> None:
    zones = route_airspaces(archive)
    flat = scan([str(p) for p in archive], zones, tmp_path / "flat.parquet")
    assert flat.incursions >= 5  # (the test means something)
    # a hive-partitioned tree: one folder per day and hour, the hour's file in two parts
    tree = tmp_path / "tree"
    for p in archive:
        stem = p.stem.removeprefix("states_")  # YYYY-MM-DD-HH
        day, hour = stem[:10], stem[11:]
        folder = tree / f"date={day}" / f"hour={hour}"
        folder.mkdir(parents=True)
        t = pq.read_table(p)
        half = t.num_rows // 2
        pq.write_table(t.slice(0, half), folder / "part-0.parquet")
        pq.write_table(t.slice(half), folder / "part-1.parquet")
    got = scan([str(tree)], zones, tmp_path / "tree.parquet")
    assert got.errors == []
    assert got.rows_in == flat.rows_in
    assert got.table.equals(flat.table)
    # CSV copies of the hourly files, named by a glob, with the first Parquet file beside them
    csvs = tmp_path / "csv"
    csvs.mkdir()
    for p in archive[1:]:
        pacsv.write_csv(pq.read_table(p), csvs / f"{p.stem}.csv")
    mixed = scan([str(archive[0]), str(csvs / "*.csv")], zones, tmp_path / "mixed.parquet")
    assert mixed.errors == []
    assert mixed.rows_in == flat.rows_in
    assert mixed.table.equals(flat.table)
