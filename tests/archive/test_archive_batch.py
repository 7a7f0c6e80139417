"""The batched exact check (archive.batch.check_jobs) gives exactly the rows of the core check
run piece by piece (archive.pool.check_piece): every field, to the last bit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pyarrow.parquet as pq
import pytest
from archive_helpers import route_airspaces
from switches import compiled_path, numpy_path

from overflight.archive import batch as batch_module
from overflight.archive import kernel as kernel_module
from overflight.archive.batch import check_jobs, check_jobs_batches
from overflight.archive.index import AirspaceIndex
from overflight.archive.kernel import Kernel
from overflight.archive.pool import Job, check_piece
from overflight.archive.rows import to_table
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit


def _key(r: dict) -> tuple:
    return (r["icao24"], r["airspace_index"], r["entry_time"], r["exit_time"])


def _same(got: list[dict], want: list[dict]) -> None:
    assert len(got) == len(want)
    for a, b in zip(sorted(got, key=_key), sorted(want, key=_key), strict=True):
        assert a == b


def _zones(files: list[Path]) -> list[Airspace]:
    zones = route_airspaces(files, n=14, seed=5)
    a, b = zones[0], zones[1]
    # two polygons in one airspace (the fallback path), an activation window, an AGL floor
    two = Airspace("TWO", "R", (*a.polygons, *b.polygons), b.floor, b.ceiling)
    windowed = replace(
        zones[2],
        name="WIN",
        meta=MappingProxyType({"activation": ("2024-06-01T01:00Z/2024-06-01T02:00Z",)}),
    )
    agl = replace(zones[3], name="AGL", floor=VerticalLimit.parse("500ft AGL"))
    return [*zones, two, windowed, agl]


def _jobs(files: list[Path], index: AirspaceIndex, monkeypatch: pytest.MonkeyPatch) -> list[Job]:
    seen: list[Job] = []

    def capture(ix: AirspaceIndex, jobs: list[Job]) -> list[dict]:
        seen.extend(jobs)
        return check_jobs(ix, jobs)

    monkeypatch.setattr(kernel_module, "check_jobs", capture)
    k = Kernel(index)
    for f in files:
        t = pq.read_table(f)
        k.process_columns(
            icao24=t["icao24"].to_pylist(),
            callsign=t["callsign"].to_pylist(),
            time=t["time"].to_numpy().astype(float),
            lat=t["lat"].to_numpy(zero_copy_only=False),
            lon=t["lon"].to_numpy(zero_copy_only=False),
            baro=t["baroaltitude"].to_numpy(zero_copy_only=False),
            geo=t["geoaltitude"].to_numpy(zero_copy_only=False),
        )
    k.finish()
    return seen


def test_batched_check_equals_piece_by_piece(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = AirspaceIndex(_zones(archive))
    jobs = _jobs(archive, index, monkeypatch)
    assert len(jobs) > 20
    # every field to the bit, with the compiled passes for every call and then the numpy
    # paths (calls under jit.COMPILED_MIN take the numpy path: nanometres apart)
    for path_kind in (compiled_path, numpy_path):
        with path_kind():
            want = [r for j in jobs for r in check_piece(index, j)]
            got = check_jobs(index, jobs)
        assert len(want) > 10
        names = {r["airspace_name"] for r in want}
        assert {"TWO", "WIN"} <= names  # both the fallback and the activation split
        assert any(r["activation"] == "inactive" for r in want)
        _same(got, want)


def test_long_segments_on_the_core_checks_path_and_single_fixes_batched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A piece with 44 km segments is checked in the batch on the path the core check
    builds (its inserted points); a piece of one fix goes to the core check itself: every
    row as the core check gives it, to the bit."""
    zone = Airspace(
        "R1",
        "R",
        (Polygon(Circle(0.0, 0.0, 30_000.0)),),
        VerticalLimit.surface(),
        VerticalLimit.unlimited(),
    )
    square = Airspace(
        "SQ",
        "D",
        (Polygon((Vertex(-0.1, -0.1), Vertex(-0.1, 0.1), Vertex(0.1, 0.1), Vertex(0.1, -0.1))),),
        VerticalLimit.surface(),
        VerticalLimit.flight_level(100),
    )
    index = AirspaceIndex([zone, square])

    def job(lon: list[float], alt: float) -> Job:
        n = len(lon)
        return Job(
            f"a{len(lon)}{alt:.0f}",
            "CS1",
            0.0,
            [0, 1],
            np.arange(n) * 60.0,
            np.zeros(n),
            np.array(lon),
            np.full(n, alt),
            np.full(n, np.nan),
            np.zeros(n, np.uint8),
        )

    jobs = [
        job([-0.6, -0.2, 0.2, 0.6], 1000.0),  # 44 km segments: the core check densifies them
        job([-0.4, -0.25, -0.05, 0.05, 0.25, 0.4], 2000.0),  # plain
        job([0.0], 1000.0),  # one fix inside
        job([-0.05, 0.0, 0.05], 5000.0),  # starts inside both, above the square
    ]
    # a flagged fix before the long segments' entries: their incursions carry it
    jobs[0] = replace(jobs[0], flags=np.array([0, 4, 0, 0], np.uint8))
    want = [r for j in jobs for r in check_piece(index, j)]
    assert len(want) >= 4
    assert any(r["icao24"] == jobs[0].icao24 and r["suspect"] for r in want)
    slow: list[str] = []

    def counted(ix: AirspaceIndex, j: Job) -> list[dict]:
        slow.append(j.icao24)
        return check_piece(ix, j)

    monkeypatch.setattr(batch_module, "check_piece", counted)
    with numpy_path():  # (small calls: the numpy paths, as check_piece's above)
        got = check_jobs(index, jobs)
    assert slow == []  # the one fix too: batched, as a stretch of no length
    _same(got, want)
    assert check_jobs(index, []) == []


def test_batches_equal_the_rows_column_by_column(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = AirspaceIndex(_zones(archive))
    jobs = _jobs(archive, index, monkeypatch)
    # some fixes flagged, some altitudes unknown: suspect reasons and vertical reasons too
    rng = np.random.default_rng(3)
    jobs = [
        replace(
            j,
            flags=rng.choice([0, 0, 0, 1, 2, 5], size=len(j.flags)).astype(np.uint8)
            if i % 2
            else j.flags,
            baro=np.where(rng.random(len(j.baro)) < 0.3, np.nan, j.baro) if i % 3 == 0 else j.baro,
            geo=np.full(len(j.geo), np.nan) if i % 3 == 0 else j.geo,
        )
        for i, j in enumerate(jobs)
    ]
    want = [r for j in jobs for r in check_piece(index, j)]
    assert any(r["suspect"] for r in want) and any(not r["suspect"] for r in want)
    assert any(r["vertical_reason"] for r in want)
    batches = check_jobs_batches(index, jobs)
    assert len(batches) == 2  # the core check's rows, then the batched path's columns
    got = to_table(batches)
    assert got.equals(to_table(want))
    _same(check_jobs(index, jobs), want)
    assert check_jobs_batches(index, []) == []


def test_single_fixes_batched_equal_the_core_check(
    archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # every fix of the archive's pieces as a piece of its own (inside or out; altitudes
    # missing; flagged; airspaces with activation windows, AGL floors, circles and polygons)
    index = AirspaceIndex(_zones(archive))
    pieces = _jobs(archive, index, monkeypatch)[:60]
    rng = np.random.default_rng(11)
    jobs = []
    for j in pieces:
        for i in range(0, len(j.time), 3):
            nan = rng.random() < 0.2
            jobs.append(
                replace(
                    j,
                    time=j.time[i : i + 1],
                    lat=j.lat[i : i + 1],
                    lon=j.lon[i : i + 1],
                    baro=np.full(1, np.nan) if nan else j.baro[i : i + 1],
                    geo=np.full(1, np.nan) if nan or rng.random() < 0.5 else j.geo[i : i + 1],
                    flags=np.full(1, rng.choice([0, 0, 1, 4]), np.uint8),
                )
            )
    want = [r for j in jobs for r in check_piece(index, j)]
    assert len(want) > 50
    assert any(r["vertical"] == "unknown" for r in want)
    assert any(r["suspect"] for r in want)
    for path_kind in (compiled_path, numpy_path):
        with path_kind():
            _same(check_jobs(index, jobs), want)
