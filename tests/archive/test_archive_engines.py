"""Dask equals DuckDB; an interrupted-then-resumed scan equals an uninterrupted one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces

from overflight.archive.clean import ScanParameters
from overflight.archive.kernel import Kernel
from overflight.archive.scan import scan
from overflight.model import Airspace, Circle, Polygon, VerticalLimit


def test_dask_local_cluster_equals_duckdb(archive: list[Path], tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    zones = route_airspaces(archive)
    ref = scan([str(p) for p in archive], zones)
    got = scan(
        [str(p) for p in archive], zones, engine="dask", workers=2, checkpoint=tmp_path / "cp"
    )
    assert ref.table.num_rows > 0
    assert got.table.equals(ref.table)
    assert {k: v for k, v in got.counts.items() if v} == {k: v for k, v in ref.counts.items() if v}
    assert got.rows_total == ref.rows_total
    assert got.rows_in == ref.rows_in


class Interrupted(Exception):
    pass


def test_interrupted_then_resumed_equals_uninterrupted(archive: list[Path], tmp_path: Path) -> None:
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones, tmp_path / "ref.parquet")
    out = tmp_path / "inc.parquet"
    cp = tmp_path / "inc.checkpoint"
    seen: list[int] = []

    def stop(n: int) -> None:
        seen.append(n)
        if n == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        scan(files, zones, out, checkpoint=cp, on_file_done=stop)
    assert not out.exists()  # no partial output
    assert not list(tmp_path.glob(".*tmp"))
    resumed: list[int] = []
    got = scan(files, zones, out, checkpoint=cp, on_file_done=resumed.append)
    assert resumed == [3]  # the two finished files were skipped
    assert pq.read_table(out).equals(pq.read_table(tmp_path / "ref.parquet"))
    assert got.table.equals(ref.table)
    # a third run with every file committed gives the same output again
    again = scan(files, zones, checkpoint=cp, on_file_done=resumed.append)
    assert resumed == [3] and again.table.equals(ref.table)


def test_check_workers_equal_inline_check(archive: list[Path], tmp_path: Path) -> None:
    """The exact check in two worker processes gives the same table as inline, also when
    resuming from checkpoints (the pool is drained before each file is committed)."""
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones)
    got = scan(files, zones, tmp_path / "inc.parquet", check_workers=2, checkpoint=tmp_path / "cp")
    assert ref.table.num_rows > 0
    assert got.table.equals(ref.table)
    assert pq.read_table(tmp_path / "inc.parquet").equals(ref.table)
    assert got.pieces_checked == ref.pieces_checked


def test_check_workers_drop_a_file_broken_midway(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that breaks after some of its batches were read is dropped whole, also when the
    workers go on with earlier files' pieces across file ends (no checkpoint): the rows of
    the other files are all kept, none of the broken file's, the same as inline."""
    import overflight.archive.streaming as streaming_module
    from overflight.errors import ParseError

    real = streaming_module.read_batches
    broken = archive[1]

    def reader(con, info, *args, **kwargs):  # type: ignore[no-untyped-def]
        for k, batch in enumerate(real(con, info, *args, **kwargs)):
            if info.path == broken and k == 2:
                raise ParseError(info.path, None, "unreadable: torn row group")
            yield batch

    monkeypatch.setattr(streaming_module, "read_batches", reader)
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones, batch_rows=2_000)
    got = scan(files, zones, tmp_path / "inc.parquet", check_workers=2, batch_rows=2_000)
    cp = scan(files, zones, check_workers=2, checkpoint=tmp_path / "cp", batch_rows=2_000)
    assert ref.errors == [f"{broken}: unreadable: torn row group"]
    assert ref.table.num_rows > 0
    assert got.errors == ref.errors and cp.errors == ref.errors
    assert got.table.equals(ref.table) and cp.table.equals(ref.table)
    whole = scan(files, zones)  # the broken file's pieces were checked: some rows differ
    assert not whole.table.equals(ref.table)
    # the scan went back to where it was before the file: as if it had never been there
    without = scan([f for f in files if f != str(broken)], zones, batch_rows=2_000)
    assert without.table.equals(ref.table)
    assert without.counts == ref.counts and without.rows_in == ref.rows_in


def _landing_zones(files: Sequence[Path]) -> list[Airspace]:
    """Circles of 20 km around where aircraft were last seen (mostly their destination
    airports): tracks end inside them, so their pieces stay open until evicted."""
    t = pa.concat_tables(
        [pq.read_table(f, columns=["icao24", "time", "lat", "lon"]) for f in files]
    )
    t = t.filter(pc.is_valid(t["lat"])).sort_by([("icao24", "ascending"), ("time", "ascending")])
    ic = t["icao24"].to_pylist()
    lat, lon = t["lat"].to_numpy(), t["lon"].to_numpy()
    ends = [i for i in range(len(ic)) if i == len(ic) - 1 or ic[i + 1] != ic[i]]
    return [
        Airspace(
            f"L{k}",
            "CTR",
            (Polygon(Circle(float(lat[i]), float(lon[i]), 20_000.0)),),
            VerticalLimit.surface(),
            VerticalLimit.unlimited(),
        )
        for k, i in enumerate(ends[:12])
    ]


def test_evicting_silent_aircraft_keeps_the_output(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces of aircraft silent past the horizon are finalised at file boundaries (bounded
    memory); the output equals holding them to the end of the data."""
    zones = route_airspaces(archive) + _landing_zones(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones, params=ScanParameters(evict_s=1e12))
    evicted: list[int] = []
    real = Kernel.evict

    def count(self: Kernel, before: float) -> list:
        n = len(self.pieces)
        out = real(self, before)
        evicted.append(n - len(self.pieces))
        return out

    monkeypatch.setattr(Kernel, "evict", count)
    got = scan(files, zones, params=ScanParameters(evict_s=0.0))
    assert len(evicted) == len(archive) - 1 and sum(evicted) > 0
    landed = [r for r in ref.table.to_pylist() if r["airspace_name"].startswith("L")]
    assert any(r["exit_during_gap"] for r in landed)
    assert got.table.equals(ref.table)
    assert got.pieces_checked == ref.pieces_checked


def test_automatic_check_workers(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's default (-1): in-process for small archives, past ``AUTO_MIN_ROWS`` one
    process per CPU but one (at least one), the main process sharing the check when a CPU
    is left to it; the rows are the same either way."""
    import overflight.archive.scan as scan_module
    from overflight.archive.pool import CheckPool

    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones)
    started: list[int] = []
    shared: list[bool] = []
    real_init = CheckPool.__init__

    def spy(self: CheckPool, airspaces, params, workers, **kw) -> None:  # type: ignore[no-untyped-def]
        started.append(workers)
        shared.append(kw.get("share", False))
        real_init(self, airspaces, params, workers, **kw)

    monkeypatch.setattr(CheckPool, "__init__", spy)
    small = scan(files, zones, check_workers=-1)
    assert started == [] and small.table.equals(ref.table)  # a small archive: in-process
    monkeypatch.setattr(scan_module, "AUTO_MIN_ROWS", 1)
    big = scan(files, zones, tmp_path / "inc.parquet", check_workers=-1)
    assert started == [scan_module.auto_check_workers(10**9)] and started[0] >= 1
    assert shared == [started[0] < scan_module.usable_cpus()]
    assert big.table.equals(ref.table)


@pytest.mark.parametrize("with_checkpoint", [False, True])
def test_main_process_sharing_the_check_equals_inline(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_checkpoint: bool
) -> None:
    """One worker and a main process that checks every chunk met with a chunk in flight
    (``share``, ``max_pending`` 1): some chunks are checked in each process, and the table
    is the inline check's, with or without checkpoints (each file drained before its
    commit)."""
    from overflight.archive.pool import CheckPool

    pools: list[CheckPool] = []
    real_init = CheckPool.__init__

    def one_ahead(self: CheckPool, airspaces, params, workers, **kw) -> None:  # type: ignore[no-untyped-def]
        real_init(self, airspaces, params, workers, **{**kw, "max_pending": 1, "share": True})
        # the worker up before the first chunk comes: a chunk it has not started by the end
        # of the data is taken back by the main process (CheckPool.drain), and on this small
        # archive a worker still importing would leave every chunk to the main process
        self._ex.submit(int).result()
        pools.append(self)

    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones, batch_rows=2_000)
    monkeypatch.setattr(CheckPool, "__init__", one_ahead)
    cp = tmp_path / "cp" if with_checkpoint else None
    got = scan(
        files, zones, tmp_path / "inc.parquet", check_workers=1, checkpoint=cp, batch_rows=2_000
    )
    assert ref.table.num_rows > 0 and got.table.equals(ref.table)
    assert got.pieces_checked == ref.pieces_checked
    (pool,) = pools
    assert pool.checked_here > 0 and pool.sent > 0


@pytest.mark.parametrize("with_checkpoint", [False, True])
def test_dask_writes_its_output_on_disk(
    archive: list[Path], tmp_path: Path, with_checkpoint: bool
) -> None:
    """With an output file the partitions write their rows to disk (the checkpoint, or a
    temporary folder beside the output) and the client merges them: no rows in memory, the
    same file as the embedded engine's."""
    pytest.importorskip("dask.distributed")
    zones = route_airspaces(archive)
    files = [str(p) for p in archive]
    ref = scan(files, zones, tmp_path / "ref" / "inc.parquet")
    out = tmp_path / "dask" / "inc.parquet"
    cp = tmp_path / "cp" if with_checkpoint else None
    got = scan(files, zones, out, engine="dask", workers=2, checkpoint=cp)
    assert got.rows is None and got.path == out
    assert got.incursions == ref.incursions > 0
    assert pq.read_table(out).equals(pq.read_table(tmp_path / "ref" / "inc.parquet"))
    assert sorted(p.name for p in out.parent.iterdir()) == ["inc.parquet"]  # no leftovers
    if cp is not None:
        assert sorted(p.name for p in cp.glob("rows-*.parquet")) == [
            "rows-0000-of-0002.parquet",
            "rows-0001-of-0002.parquet",
        ]
