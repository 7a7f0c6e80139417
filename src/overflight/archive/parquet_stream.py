"""Time-ordered Parquet files read by Arrow's own Parquet reader, as DuckDB would hand them.

A file in time order is streamed as it is (:func:`~.duckdb.read_batches`); for a Parquet
file whose needed columns are plain (numbers, timestamps, text, a boolean ground flag),
Arrow's reader gives the same rows ~2x cheaper than DuckDB's (one hour of the 100M
benchmark, 4.1M rows: 0.29-0.38 s against 0.60-0.66 s of CPU), and its text columns can
come as their Parquet dictionaries: the aircraft and callsign codes are then the
dictionary's, looked up once per row group (:meth:`~.columns.BatchDecoder.decode`). The
batches are those of DuckDB's query, value for value: the same rows in file order, the
columns named by kernel name, times in microseconds (DuckDB's ``TIMESTAMP``: a nanosecond
timestamp is truncated as DuckDB truncates it), except that rows outside the bounding box
are left to the kernel's cleaning (:func:`~.clean.clean`), which drops them with a mask
rather than a copy of every column (which cost ~0.19 s of a 4.1M-row hour, a third of the
reading), unless most of a file's rows are outside the box (:func:`arrow_batches`). Any
other file (CSV, a column of another type, a hive partition key among the needed columns)
is left to DuckDB: :func:`arrow_source` is None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from .clean import not_outside

if TYPE_CHECKING:
    import pyarrow.parquet as pq

    from .duckdb import FileInfo

__all__ = ["arrow_batches", "arrow_source", "footer_times"]

_TEXT = ("icao24", "callsign")


def _plain(key: str, kind: pa.DataType) -> bool:
    """Whether Arrow's type ``kind`` of column ``key`` reaches the decoder as DuckDB's does."""
    t = pa.types
    if key in _TEXT:
        return bool(t.is_string(kind) or t.is_large_string(kind))
    if key == "ground":
        return bool(t.is_boolean(kind))
    if key in ("time", "lastpos") and t.is_timestamp(kind):
        return True
    return bool(t.is_floating(kind) or t.is_integer(kind))


def arrow_source(info: FileInfo) -> pq.ParquetFile | None:
    """The file opened by Arrow's Parquet reader, its text columns read as dictionaries, if
    it is a Parquet file in time order whose needed columns are all plain; else None."""
    import pyarrow.parquet as pq

    if not info.time_sorted or info.path.suffix.lower() not in (".parquet", ".pq"):
        return None
    selected = info.spec.selected()
    # a hive partition key (``.../icao24=abc/...``) is a column DuckDB adds from the path
    keys = {part.split("=", 1)[0] for part in info.path.parts if "=" in part}
    if keys & set(selected.values()):
        return None
    try:
        schema = pq.read_schema(info.path)
    except (OSError, pa.ArrowException):
        return None
    names = schema.names
    for key, src in selected.items():
        if names.count(src) != 1 or not _plain(key, schema.field(src).type):
            return None
    text = [selected[k] for k in _TEXT if k in selected]
    try:
        return pq.ParquetFile(info.path, read_dictionary=text)
    except (OSError, pa.ArrowException):
        return None


def arrow_batches(
    source: pq.ParquetFile,
    info: FileInfo,
    batch_rows: int,
    bbox: tuple[float, float, float, float] | None = None,
) -> Iterator[pa.RecordBatch]:
    """The file's batches as :func:`~.duckdb.read_batches` gives them (see the module). The
    rows outside ``bbox`` are the kernel's to drop, except in a file whose first batch has
    most of its rows outside (a small box: national airspaces, one region): there copying
    the few rows kept costs less than decoding them all, and the batches are filtered here
    as DuckDB's query filters them."""
    selected = info.spec.selected()
    keys, columns = list(selected), list(selected.values())
    filtering = None if bbox is not None else False
    for batch in source.iter_batches(batch_size=batch_rows, columns=columns, use_threads=False):
        if not batch.num_rows:
            continue
        out = pa.RecordBatch.from_arrays([_as_duckdb(a) for a in batch.columns], names=keys)
        if filtering is not False:
            assert bbox is not None
            lat, lon = (
                np.asarray(out.column(keys.index(k)).to_numpy(zero_copy_only=False), np.float64)
                for k in ("lat", "lon")
            )
            keep = not_outside(lat, lon, bbox)
            if filtering is None:
                filtering = keep is not None and 2 * int(keep.sum()) < keep.size
            if filtering and keep is not None:
                out = out.filter(pa.array(keep))
        if out.num_rows:
            yield out


def _as_duckdb(arr: pa.Array) -> pa.Array:
    """A nanosecond timestamp as DuckDB reads it: microseconds, truncated."""
    kind = arr.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        return arr.cast(pa.timestamp("us", kind.tz), safe=False)
    return arr


_PHYSICAL = ("INT32", "INT64", "FLOAT", "DOUBLE")


def footer_times(path: Path, column: str) -> tuple[int, pa.Array, bool] | None:
    """From a Parquet file's footer alone: (rows, the earliest value of ``column`` as a
    one-value array of its type, whether its row groups follow each other in time), by the
    column's statistics (nulls and NaN aside, as DuckDB's ``min``). Row groups that follow
    each other do not make the file in time order (a row group's rows may not be): a reader
    must check the rows. None where a row group has no statistics (or only NaN, or the
    column is not a signed integer, a float or a timestamp): the caller reads the column."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowException):
        return None
    schema = meta.schema.to_arrow_schema()
    if schema.get_field_index(column) < 0:  # (also when two columns have the name)
        return None
    kind = schema.field(column).type
    t = pa.types
    if not (t.is_signed_integer(kind) or t.is_floating(kind) or t.is_timestamp(kind)):
        return None
    leaf = [i for i in range(meta.num_columns) if meta.schema.column(i).path == column]
    if len(leaf) != 1:
        return None
    lows: list[float | int] = []
    highs: list[float | int] = []
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        stats = group.column(leaf[0]).statistics
        if group.num_rows == 0:
            continue
        if stats is None or stats.physical_type not in _PHYSICAL:
            return None
        if not stats.has_min_max:
            if stats.has_null_count and stats.null_count == group.num_rows:
                continue  # no time at all: aside
            return None
        lo, hi = stats.min_raw, stats.max_raw
        if lo != lo or hi != hi:  # NaN
            return None
        lows.append(lo)
        highs.append(hi)
    if t.is_timestamp(kind):  # in DuckDB's microseconds, as its reading would compare them
        earliest = _as_duckdb(pa.array([min(lows) if lows else None], pa.int64()).cast(kind))
        lows, highs = (
            _as_duckdb(pa.array(v, pa.int64()).cast(kind)).cast(pa.int64()).to_pylist()
            for v in (lows, highs)
        )
    else:
        earliest = pa.array([min(lows) if lows else None], kind)
    ordered = all(h <= lo for h, lo in zip(highs, lows[1:], strict=False))
    return meta.num_rows, earliest, ordered
