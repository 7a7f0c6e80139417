"""Without a checkpoint, files' output rows are held and written to a part file once they
reach ``SPILL_ROWS``, and the parts are merged at the end: the output is the same however
many parts there were."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces

from overflight.archive import scan as scan_module
from overflight.archive.scan import scan


def test_parts_of_any_size_merge_to_the_same_output(
    archive: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    one = scan(files, zones, tmp_path / "one.parquet")
    written: list[int] = []
    real = scan_module.pq.write_table

    def counted(table, where, *a, **k):  # type: ignore[no-untyped-def]
        if Path(where).name.startswith("part-"):
            written.append(table.num_rows)
        return real(table, where, *a, **k)

    monkeypatch.setattr(scan_module, "SPILL_ROWS", 1)
    monkeypatch.setattr(scan_module.pq, "write_table", counted)
    many = scan(files, zones, tmp_path / "many.parquet")
    assert len(written) >= 2 and sum(written) == one.incursions > 0
    assert pq.read_table(tmp_path / "many.parquet").equals(pq.read_table(tmp_path / "one.parquet"))
    assert many.table.equals(one.table)
