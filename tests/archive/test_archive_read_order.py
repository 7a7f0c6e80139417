"""Rows of one aircraft at one time (duplicates, or two aircraft sharing an address: the
generator's 100M-row archive has ~300 per hourly file) give one result in whatever order they
come: the kernel orders them by every column (``clean.canonical_order``) and never splits them
between batches (``Rows.split_last``), whether the file streams in time order or is sorted by
DuckDB, with any number of threads and any batch size."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.archive.clean import Rows, canonical_order
from overflight.archive.duckdb import connect, file_info
from overflight.archive.scan import scan
from overflight.model import Airspace, Circle, Polygon, VerticalLimit

# abc123 flies east along 60 N at ~100 m/s; at t=100 three rows put it at three latitudes
# 111 m apart. The first in canonical order (the lowest latitude) is kept, the others are
# `conflicting_position`; a 60 m circle around that one is entered only if it is kept.
# ghi789 has a row at t=100 too, between abc123's first and second.
TIES = [(59.999, 25.018), (60.000, 25.018), (60.001, 25.018)]
ZONE = Airspace(
    "TINY",
    "R",
    (Polygon(Circle(59.999, 25.018, 60.0)),),
    VerticalLimit.surface(),
    VerticalLimit.unlimited(),
)


def _table(order: tuple[int, ...], shuffle: bool) -> pa.Table:
    rows = [(90, "abc123", 60.0, 25.0), (95, "def456", 59.0, 24.0)]
    ties = [(100, "abc123", *TIES[k]) for k in order]
    # another aircraft at the same time between them: a batch may end on it, with abc123's
    # rows at that time on both sides of the cut (a time-sorted file streams in such batches)
    rows += [ties[0], (100, "ghi789", 59.5, 25.5), *ties[1:]]
    rows += [(105, "def456", 59.0, 24.01), (110, "abc123", 60.0, 25.036)]
    if shuffle:  # not in time order: the file is sorted on reading
        rows = [rows[k] for k in np.random.default_rng(len(order)).permutation(len(rows))]
    n = len(rows)
    return pa.table(
        {
            "time": [r[0] for r in rows],
            "icao24": [r[1] for r in rows],
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "baroaltitude": [1000.0] * n,
            "geoaltitude": [1050.0] * n,
            "velocity": [100.0] * n,
            "callsign": ["FIN1"] * n,
        }
    )


def _write(table: pa.Table, path: Path) -> None:
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=2)  # ties spread over row groups
    else:
        pcsv.write_csv(table, path)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_ties_in_icao24_and_time_give_one_result_in_any_order(tmp_path: Path, suffix: str) -> None:
    results = []
    for k, (order, shuffle) in enumerate(
        itertools.product(itertools.permutations(range(3)), (False, True))
    ):
        path = tmp_path / f"states{k}{suffix}"
        _write(_table(order, shuffle), path)
        assert file_info(connect(1), path).time_sorted is not shuffle
        for batch_rows in (1, 2, 3, 100):
            out = scan([str(path)], [ZONE], batch_rows=batch_rows)
            assert out.counts.get("conflicting_position") == 2
            results.append(out.table)
    assert results[0].num_rows == 1  # the kept fix is the lowest latitude: inside the circle
    assert results[0]["icao24"].to_pylist() == ["abc123"]
    for r in results[1:]:
        assert r.equals(results[0])


def test_file_info_tells_files_in_time_order(tmp_path: Path) -> None:
    def info(times: list, name: str) -> bool:
        n = len(times)
        t = pa.table(
            {
                "time": times,
                "icao24": ["abc123"] * n,
                "lat": [60.0] * n,
                "lon": [25.0] * n,
            }
        )
        path = tmp_path / name
        pq.write_table(t, path, row_group_size=2)
        return file_info(connect(2), path).time_sorted

    assert info([1, 2, 2, 3, 5], "a.parquet")
    assert info([1, None, 2, None, 3], "b.parquet")  # rows without a time do not count
    assert not info([1, 2, 4, 3, 5], "c.parquet")
    assert not info([5, 1], "d.parquet")  # across row groups too
    assert not info(["1", "2"], "e.parquet")  # text times: sorted on reading, to be safe
    stamps = pa.array([0, 1_000_000, 2_000_000], pa.timestamp("us", tz="UTC"))
    assert info(stamps, "f.parquet")


def test_canonical_order_is_the_same_for_every_permutation() -> None:
    rng = np.random.default_rng(3)
    n = 40
    base = Rows.of(
        code=rng.integers(0, 3, n),
        time=rng.integers(0, 4, n).astype(float),
        lat=rng.integers(0, 2, n).astype(float),
        lon=rng.integers(0, 2, n).astype(float),
        baro=np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 2, n)),
        cs=rng.integers(-1, 2, n),
    )
    names = ["ZZZ", "AAA"]

    def ordered(rows: Rows) -> list[tuple]:
        o = canonical_order(rows, np.arange(len(rows)), names)
        cs = [names[c] if c >= 0 else None for c in rows.cs[o].tolist()]
        return list(
            zip(
                rows.code[o].tolist(),
                rows.time[o].tolist(),
                rows.lat[o].tolist(),
                rows.lon[o].tolist(),
                np.nan_to_num(rows.baro[o], nan=-1.0).tolist(),
                cs,
                strict=True,
            )
        )

    want = ordered(base)
    for _ in range(20):
        assert ordered(base.take(rng.permutation(n))) == want
    # sorted by aircraft and time, then latitude, longitude, altitude, callsign by name
    key = [(c, t, la, lo, b if b >= 0 else np.inf, s or "\uffff") for c, t, la, lo, b, s in want]
    assert key == sorted(key)


def test_split_last_holds_back_the_rows_at_the_last_time() -> None:
    r = Rows.of(code=[0, 1, 1, 0, 1], time=[5.0, 6.0, 6.0, 6.0, np.nan], lat=[0] * 5, lon=[0] * 5)
    now, held = r.split_last()  # in time order: every aircraft at t=6 may go on
    assert held is not None
    assert (held.code.tolist(), held.time.tolist()) == ([1, 1, 0], [6.0, 6.0, 6.0])
    assert now.code.tolist() == [0, 1]
    one = Rows.of(code=[2, 2], time=[1.0, 1.0], lat=[0, 0], lon=[0, 0])
    now, held = one.split_last()  # a batch of one time is held back whole
    assert len(now) == 0 and held is not None and held.code.tolist() == [2, 2]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 2), st.sampled_from([1.0, 2.0, 2.0, np.nan]), st.integers(0, 9)),
        min_size=1,
        max_size=12,
    )
)
def test_split_last_holds_the_last_time_of_aircraft_that_may_go_on(rows: list) -> None:
    """The rows at the last time of a row with an aircraft and a time, of the aircraft with no
    later row: views when they come last, copies otherwise."""
    code, time, lat = (list(c) for c in zip(*rows, strict=True))
    r = Rows.of(code=code, time=time, lat=lat, lon=[0] * len(rows))
    now, held = r.split_last()
    ok = [i for i, (c, t, _) in enumerate(rows) if c >= 0 and np.isfinite(t)]
    if not ok:
        assert now is r and held is None
        return
    t = rows[ok[-1]][1]
    go_on = {x[0] for x in rows if x[1] > t}  # (NaN is not later)
    is_held = [x[0] >= 0 and x[1] == t and x[0] not in go_on for x in rows]
    assert held is not None
    assert held.lat.tolist() == [x[2] for x, h in zip(rows, is_held, strict=True) if h]
    assert now.lat.tolist() == [x[2] for x, h in zip(rows, is_held, strict=True) if not h]
    for part in (now, held):
        for f in ("code", "time", "lat", "lon", "baro", "geo", "vel", "ground", "cs", "lastpos"):
            assert len(getattr(part, f)) == len(part)


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_partitions_split_the_aircraft_by_the_exact_hash_modulo(tmp_path: Path, parts: int) -> None:
    """Partition ``i`` of ``n`` reads exactly the rows of the aircraft whose DuckDB hash of
    the normalised icao24 (a 64-bit unsigned integer, taken here as a Python int) is ``i``
    modulo ``n``: every row in one partition, an aircraft's spellings together. (A modulo
    taken in floating point would round the hashes past 2**53 and misplace aircraft.)"""
    from overflight.archive.duckdb import read_batches

    rng = np.random.default_rng(parts)
    names = [f"{k:06x}" for k in rng.choice(1 << 24, 300, replace=False)]
    icao = [names[k] for k in rng.integers(0, len(names), 3_000)]
    # the same aircraft spelled in upper case with spaces: it must stay in its partition
    icao = [f" {s.upper()} " if k % 5 == 0 else s for k, s in enumerate(icao)]
    n = len(icao)
    path = tmp_path / "mixed.parquet"
    pq.write_table(
        pa.table(
            {
                "time": np.arange(n, dtype=np.int64),
                "icao24": icao,
                "lat": np.full(n, 60.0),
                "lon": np.full(n, 25.0),
            }
        ),
        path,
    )
    con = connect()
    expected = {
        s: h % parts
        for s, h in con.execute(
            "SELECT DISTINCT lower(trim(icao24)), hash(lower(trim(icao24))) FROM read_parquet(?)",
            [str(path)],
        ).fetchall()
    }
    assert max(expected.values()) >= 1  # the aircraft do spread over the partitions
    info = file_info(con, path)
    seen: list[str] = []
    for part in range(parts):
        got = pa.concat_tables(
            [pa.Table.from_batches([b]) for b in read_batches(con, info, None, (part, parts))]
        )
        ids = [s.strip().lower() for s in got["icao24"].to_pylist()]
        assert all(expected[s] == part for s in ids)
        seen += ids
    assert sorted(seen) == sorted(s.strip().lower() for s in icao)
