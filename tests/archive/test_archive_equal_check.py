"""Every aircraft's scan result equals ``overflight check`` on that aircraft alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from archive_helpers import assert_same, oracle, route_airspaces, scanned

from overflight.archive.scan import scan
from overflight.formats.tracks.opensky import read_opensky
from overflight.model import Airspace, Circle, Polygon, Vertex, VerticalLimit


def test_synthetic_archive_equals_check(archive: list[Path], tmp_path: Path) -> None:
    zones = route_airspaces(archive)
    out = scan([str(archive[0].parent)], zones, tmp_path / "inc.parquet")
    want = oracle(archive, zones, tmp_path)
    assert sum(len(v) for v in want.values()) >= 5  # the test means something
    assert_same(scanned(out.table), want)
    assert out.errors == []
    assert out.counts.get("stale", 0) > 0  # the generator's stale repeats are dropped


def test_batches_of_any_size_give_the_same_rows(archive: list[Path]) -> None:
    zones = route_airspaces(archive)
    big = scan([str(p) for p in archive], zones)
    small = scan([str(p) for p in archive], zones, batch_rows=777)
    assert small.table.num_rows == big.table.num_rows > 0
    assert small.table.equals(big.table)


def test_unsorted_file_order_and_rows_give_the_same_rows(
    archive: list[Path], tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    zones = route_airspaces(archive)
    ref = scan([str(p) for p in archive], zones)
    # rows shuffled within each file, files named in reverse chronological order
    rng = np.random.default_rng(0)
    names = []
    for k, p in enumerate(archive):
        t = pq.read_table(p)
        t = t.take(rng.permutation(t.num_rows))
        q = tmp_path / f"{len(archive) - k}.parquet"
        pq.write_table(t, q)
        names.append(str(q))
    got = scan(names, zones)
    assert got.table.equals(ref.table)


def _zones_on(lat: np.ndarray, lon: np.ndarray) -> list[Airspace]:
    i, j = len(lat) // 3, 2 * len(lat) // 3
    return [
        Airspace(
            "C1",
            "CTR",
            (Polygon(Circle(float(lat[i]), float(lon[i]), 8_000.0)),),
            VerticalLimit.surface(),
            VerticalLimit.unlimited(),
        ),
        Airspace(
            "P1",
            "R",
            (
                Polygon(
                    (
                        Vertex(float(lat[j]) - 0.1, float(lon[j]) - 0.1),
                        Vertex(float(lat[j]) - 0.1, float(lon[j]) + 0.1),
                        Vertex(float(lat[j]) + 0.1, float(lon[j])),
                    ),
                ),
            ),
            VerticalLimit.surface(),
            VerticalLimit.parse("FL400"),
        ),
        Airspace(
            "HIGH",
            "R",
            (Polygon(Circle(float(lat[j]), float(lon[j]), 30_000.0)),),
            VerticalLimit.flight_level(450),
            VerticalLimit.unlimited(),
        ),
    ]


@pytest.mark.parametrize(
    ("name", "in_time_order"),
    [
        ("state_vectors_RYR2RG_2022-02-02.parquet", True),  # streamed as it is
        ("state_vectors_EDW24_zurich_2024-04-06.parquet", False),  # an Impala export: sorted
    ],
)
def test_real_opensky_samples_equal_check(
    shared_data: Path, name: str, in_time_order: bool, tmp_path: Path
) -> None:
    from overflight.archive.duckdb import connect, file_info

    path = shared_data / "adsb" / "opensky_impala" / name
    assert file_info(connect(), path).time_sorted is in_time_order  # both read paths
    (track,), _ = read_opensky(path)
    zones = _zones_on(track.lat, track.lon)
    zones.append(
        Airspace(
            "LSZH-ish",
            "CTR",
            (Polygon(Circle(47.4647, 8.5492, 10_000.0)),),
            VerticalLimit.surface(),
            VerticalLimit.parse("FL100"),
        )
    )
    out = scan([str(path)], zones)
    want = oracle([path], zones, tmp_path)
    assert len(want) >= 2
    assert_same(scanned(out.table), want)
    assert "HIGH" not in {k[1] for k in want}  # the band prefilter must not invent one either
