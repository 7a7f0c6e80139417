"""The scan's pre-pass (:func:`~overflight.archive.duckdb.file_info`) reads a numeric or
timestamp time column once for the row count, the earliest time and the time order: each
answer equals DuckDB's own ``count(*)`` and ``min`` (and the order of the values as
written), for every kind of time column, in batches of any size."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overflight.archive.duckdb import _time_pass, connect, file_info
from overflight.errors import ParseError
from overflight.formats.tracks._columns import _epoch, _TimeUnit

BASE_S = 1_717_200_000


def _reference(con, path: Path, src: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    tbl = con.execute(
        f"SELECT count(*) AS n, min(time) AS t FROM {src}", [str(path)]
    ).to_arrow_table()
    t = _epoch(path, tbl.column("t").combine_chunks(), 0, "time", _TimeUnit())
    return int(tbl.column("n")[0].as_py()), float(t[0]) if np.isfinite(t[0]) else math.inf


def _write(path: Path, time: pa.Array) -> None:
    n = len(time)
    t = pa.table({"time": time, "icao24": ["abc123"] * n, "lat": [60.0] * n, "lon": [25.0] * n})
    if path.suffix == ".csv":
        pcsv.write_csv(t, path)
    else:
        pq.write_table(t, path, row_group_size=3)


def _ordered(values: list) -> bool:  # type: ignore[type-arg]
    v = [x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))]
    return all(a <= b for a, b in itertools.pairwise(v))


KINDS = {
    "seconds": (pa.int64(), lambda k: BASE_S + k),
    "millis": (pa.int64(), lambda k: (BASE_S + k) * 1000),
    "float": (pa.float64(), lambda k: BASE_S + k / 4),
    "stamp_us": (pa.timestamp("us", tz="UTC"), lambda k: (BASE_S + k) * 1_000_000 + 7),
    "stamp_ns": (pa.timestamp("ns"), lambda k: (BASE_S + k) * 1_000_000_000 + 123),
}


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(
        st.one_of(st.none(), st.integers(-50, 50), st.just("nan")), min_size=1, max_size=12
    ),
    batch=st.integers(1, 5),
)
def test_one_pass_gives_duckdbs_count_and_min(
    tmp_path: Path,
    suffix: str,
    kind: str,
    offsets: list,
    batch: int,  # type: ignore[type-arg]
) -> None:
    typ, make = KINDS[kind]
    values = [
        None if o is None else (math.nan if kind == "float" else None) if o == "nan" else make(o)
        for o in offsets
    ]
    path = tmp_path / f"t{suffix}"
    _write(path, pa.array(values, typ))
    con = connect()
    src = "read_parquet(?)" if suffix == ".parquet" else "read_csv(?, header = true)"
    n, earliest, ordered = _time_pass(con, src, path, "time", batch_rows=batch)
    ref_n, ref_t = _reference(con, path, src)
    if earliest is None:  # the CSV reader took the column for text (all null, say)
        assert suffix == ".csv" and not ordered
        return
    t = _epoch(path, earliest, 0, "time", _TimeUnit())
    got_t = float(t[0]) if np.isfinite(t[0]) else math.inf
    assert n == ref_n == len(values)
    assert got_t == ref_t
    assert ordered == _ordered(values)
    info = file_info(con, path)  # the whole pre-pass: the same answers
    assert (info.rows, info.t_min, info.time_sorted) == (ref_n, ref_t, ordered)


def test_text_times_take_duckdbs_min_and_count_as_unsorted(tmp_path: Path) -> None:
    path = tmp_path / "text.parquet"
    _write(path, pa.array(["2024-06-01T10:00:05Z", "2024-06-01T10:00:01Z", None]))
    info = file_info(connect(), path)
    assert info.rows == 3 and not info.time_sorted
    assert info.t_min == BASE_S + 10 * 3600 + 1  # BASE_S is 2024-06-01T00:00Z


def test_a_file_without_rows_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    _write(path, pa.array([], pa.int64()))
    with pytest.raises(ParseError, match="no rows"):
        file_info(connect(), path)
