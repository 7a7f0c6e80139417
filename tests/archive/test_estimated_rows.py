"""The rows the automatic number of check workers is chosen for, guessed before the files
are read: a Parquet footer's count, a CSV's size over a row's least size."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from overflight.archive.duckdb import estimated_rows


def test_estimated_rows_of_real_state_vectors(shared_data: Path, tmp_path: Path) -> None:
    zurich = shared_data / "adsb/opensky_impala/state_vectors_EDW24_zurich_2024-04-06.parquet"
    table = pq.read_table(zurich).drop(["serials"])  # a list column: not in a CSV
    n = table.num_rows
    csv = tmp_path / "states.csv"
    pacsv.write_csv(table, csv)
    assert estimated_rows([zurich]) == n  # the footer's count, exactly
    guess = estimated_rows([csv])
    assert n <= guess <= 2 * n  # over-counted, never missed
    assert estimated_rows([zurich, csv]) == n + guess


def test_unreadable_files_count_nothing(tmp_path: Path) -> None:
    torn = tmp_path / "torn.parquet"
    torn.write_bytes(b"PAR1" + b"\0" * 64)  # a Parquet magic and no footer
    missing = tmp_path / "gone.csv"
    assert estimated_rows([torn, missing]) == 0
