"""The embedded engine: DuckDB reads Parquet/CSV files (single files, globs, hive-partitioned
folders) with projection and a bounding-box predicate pushed down, in chronological order of
files, and hands Arrow record batches to the kernel.

A file whose rows are in time order (as OpenSky's hourly files are; the pre-pass reads the
``time`` column and checks) is streamed as it is, in chunks of rows: the kernel groups each
chunk by aircraft and carries every aircraft's last fix to the next, so no sort is needed and
memory does not follow the size of a file. Any other file is read ``ORDER BY time`` and
then streamed the same way: rows out of order *within a file* are sorted (the bounded window
is one file, DuckDB's sort spilling to disk past its memory limit). Files are taken in
order of their earliest ``time`` (the same pre-pass, with the row count). A row older than
the last one already seen for its aircraft (from an earlier file) is dropped and counted as
``time_order``.

The bounding box is the airspaces' reach plus ``bbox_pad_deg``; rows outside it never leave
DuckDB, except rows whose position is missing or out of range (so they are counted).

>>> expand_inputs(["/nonexistent/*.parquet"])[1]
['/nonexistent/*.parquet: no file matches']
"""

from __future__ import annotations

import glob
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ParseError
from ..formats.tracks._columns import _epoch, _TimeUnit
from .columns import ColumnSpec
from .parquet_stream import arrow_batches, arrow_source, footer_times

__all__ = [
    "BATCH_ROWS",
    "FileInfo",
    "NotInTimeOrder",
    "connect",
    "duckdb_batches",
    "expand_inputs",
    "file_info",
    "read_batches",
]

SUFFIXES = (".parquet", ".pq", ".csv", ".csv.gz")


BATCH_ROWS = 250_000
"""Rows per Arrow batch read: per-batch work (Python calls, the kernel's passes) amortised
over more rows; 250k measured ~7 % less CPU in the main process than 100k, and 500k no
better (with ~40 MB and ~120 MB more peak memory)."""

MEMORY_LIMIT = "256MB"
"""DuckDB's memory budget per connection: a file's ``ORDER BY`` beyond it spills to a temporary
folder instead of growing the process (so memory does not follow the size of a file)."""


def connect(threads: int | None = None, memory_limit: str = MEMORY_LIMIT) -> Any:
    """A new in-memory DuckDB connection (``threads``: DuckDB's worker threads) whose sorts
    spill to ``$TMPDIR/overflight-duckdb`` past ``memory_limit``."""
    import tempfile

    import duckdb

    con = duckdb.connect(":memory:")
    spill = Path(tempfile.gettempdir()) / "overflight-duckdb"
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(spill)])
    con.execute("SET preserve_insertion_order = true")  # time-sorted files stream in order
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _is_data(p: Path) -> bool:
    name = p.name.lower()
    return p.is_file() and name.endswith(SUFFIXES) and not name.startswith((".", "_"))


def expand_inputs(data: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files named by ``data`` (files, globs, folders searched recursively), and one error
    line per entry that names nothing."""
    files: list[Path] = []
    errors: list[str] = []
    for item in data:
        p = Path(item)
        if any(ch in item for ch in "*?["):
            found = sorted(Path(x) for x in glob.glob(item, recursive=True))
            found = [f for f in found if f.is_file()]
            if not found:
                errors.append(f"{item}: no file matches")
            files += found
        elif p.is_dir():
            found = sorted(f for f in p.rglob("*") if _is_data(f))
            if not found:
                errors.append(f"{item}: no Parquet or CSV file in this folder")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            errors.append(f"{item}: no such file or folder")
    return list(dict.fromkeys(files)), errors


CSV_ROW_BYTES = 100
"""Less than one row of an OpenSky state-vector CSV takes (~120 bytes in its own files,
~175-185 as pyarrow writes them): rows are over-counted rather than missed."""


def estimated_rows(paths: Sequence[Path]) -> int:
    """About how many rows the files hold, without reading them: a Parquet file's footer,
    else its size over :data:`CSV_ROW_BYTES` (compressed CSV counted as is); unreadable files
    count nothing (the scan's plan reports them)."""
    import pyarrow.parquet as pq

    n = 0
    for p in paths:
        try:
            n += (
                pq.read_metadata(p).num_rows
                if _is_parquet(p)
                else p.stat().st_size // CSV_ROW_BYTES
            )
        except (OSError, pa.ArrowException):
            continue
    return n


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _source(path: Path) -> str:
    if _is_parquet(path):
        return "read_parquet(?)"
    return "read_csv(?, header = true, auto_detect = true)"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class FileInfo:
    """One input file: its columns, rows and earliest time (for ordering)."""

    path: Path
    spec: ColumnSpec
    rows: int
    t_min: float
    size: int
    mtime_ns: int
    time_sorted: bool = False
    """Rows are in non-decreasing ``time`` (rows without a time aside): read unsorted."""
    order_checked: bool = True
    """``time_sorted`` was checked on every row; else only the Parquet footer's statistics
    say so, and :func:`read_batches` checks the rows as it reads them."""


class NotInTimeOrder(Exception):
    """A file planned from its footer as in time order has a row earlier than one before it
    (:func:`read_batches`): its reading is to be undone, and the file read sorted."""


def file_info(con: Any, path: Path, footer: bool = False) -> FileInfo:
    """Read the header, count the rows and find the earliest time (ParseError if unusable).
    With ``footer``, a Parquet file's count, earliest time and row groups' order are taken
    from its footer's statistics where it has them (:func:`.parquet_stream.footer_times`:
    no read of the time column; the rows' order is then checked as they are read).

    A numeric or timestamp time column is read once for all three answers (the count, the
    earliest time, whether it is in time order): a CSV file is parsed once here, not twice
    (6 hourly CSV files of 10M rows in all: the plan 6.8 -> 4.0 s). Text times take
    DuckDB's ``min`` and count as unsorted."""
    import duckdb

    try:
        src = _source(path)
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}", [str(path)]).fetchall()]
        spec = ColumnSpec.of(path, cols)
        quick = footer_times(path, spec.time) if footer and src.startswith("read_parquet") else None
        n, earliest, ordered = quick or _time_pass(con, src, path, spec.time)
        if earliest is None:
            tbl = con.execute(
                f"SELECT count(*) AS n, min({_q(spec.time)}) AS t FROM {src}", [str(path)]
            ).to_arrow_table()
            n = int(tbl.column("n")[0].as_py())
            earliest = tbl.column("t").combine_chunks()
    except duckdb.Error as exc:
        raise ParseError(path, None, f"unreadable: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise ParseError(path, None, f"unreadable: {exc}") from exc
    if n == 0:
        raise ParseError(path, None, "no rows")
    t = _epoch(path, earliest, 0, spec.time, _TimeUnit())
    st = path.stat()
    t0 = float(t[0]) if np.isfinite(t[0]) else float("inf")
    # (statistics that say the row groups overlap in time prove the file unsorted)
    checked = quick is None or not ordered
    return FileInfo(path, spec, n, t0, st.st_size, st.st_mtime_ns, ordered, checked)


def _time_pass(
    con: Any, src: str, path: Path, column: str, batch_rows: int = 1 << 20
) -> tuple[int, pa.Array | None, bool]:
    """One read of the time column ``column``: (rows, the earliest time as a one-value array
    of the column's type, whether it never decreases in file order, nulls and NaN aside).
    The earliest is None if the column is not numeric or a timestamp (text times: the
    caller asks DuckDB; such a file counts as unsorted and is sorted on reading)."""
    reader = con.execute(f"SELECT {_q(column)} FROM {src}", [str(path)]).to_arrow_reader(batch_rows)
    n, last, ordered = 0, -math.inf, True
    lows: list[pa.Scalar] = []
    kind: pa.DataType | None = None
    for batch in reader:
        arr = batch.column(0)
        kind = arr.type
        if pa.types.is_timestamp(arr.type):
            arr = arr.cast(pa.int64())
        elif not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
            return 0, None, False
        n += len(arr)
        lows.append(pc.min(arr))  # nulls and NaN aside, as DuckDB's min
        if ordered:
            ordered, last = _goes_on(arr, last)
    if kind is None:  # no rows
        return 0, pa.array([], pa.float64()), True
    values = [v for x in lows if x.is_valid and not math.isnan(v := x.as_py())]
    low = pa.array([min(values) if values else None], lows[0].type)
    return n, (low.cast(kind) if pa.types.is_timestamp(kind) else low), ordered


def _goes_on(arr: pa.Array, last: float) -> tuple[bool, float]:
    """Whether the times ``arr`` (numbers, or timestamps as integers) never decrease, nor
    start before ``last``, nulls and NaN aside; and the last of them (``last`` if none)."""
    # compared in the column's own numbers: nanosecond stamps do not fit a float
    if pa.types.is_integer(arr.type):
        v = arr.drop_null().to_numpy()
    else:
        v = arr.to_numpy(zero_copy_only=False)
        v = v[np.isfinite(v)]
    if v.size == 0:
        return True, last
    if v[0] < last or (v.size > 1 and bool((v[1:] < v[:-1]).any())):
        return False, last
    return True, v[-1].item()


def _checked_order(batches: Iterator[pa.RecordBatch], path: Path) -> Iterator[pa.RecordBatch]:
    """``batches``, raising NotInTimeOrder at the first row earlier than one before it."""
    last: float = -math.inf
    for batch in batches:
        arr = batch.column(batch.schema.get_field_index("time"))
        if pa.types.is_timestamp(arr.type):
            arr = arr.cast(pa.int64())
        ok, last = _goes_on(arr, last)
        if not ok:
            raise NotInTimeOrder(path)
        yield batch


def read_batches(
    con: Any,
    info: FileInfo,
    bbox: tuple[float, float, float, float] | None = None,
    part: tuple[int, int] = (0, 1),
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """Arrow batches of the file's needed columns (named by kernel name), rows inside
    ``bbox`` (lon_min, lat_min, lon_max, lat_max) or without a usable position, of aircraft
    with ``hash(icao24) % part[1] == part[0]``: in file order if ``info.time_sorted`` (a
    Parquet file by Arrow's Parquet reader where it can, :mod:`.parquet_stream`, whose rows
    outside ``bbox`` may be left to the kernel: pass it to :meth:`~.kernel.Kernel.process`), else
    ordered by time and streamed as such a file is (one key; sorted by icao24 first, a
    shuffled 10M-row archive took 13.6 s to scan, by time 10.2 s, the same output). Rows of
    one aircraft at one time may come in any order: the kernel orders them
    (:func:`~.clean.canonical_order`) and never splits them between batches
    (:meth:`~.clean.Rows.split_last`), so the result does not depend on it. A file whose
    order only its footer tells (``info.order_checked`` False) is checked as it is read:
    NotInTimeOrder at its first row out of order (the caller undoes what it did with the
    file's rows, and reads it again with ``time_sorted`` False)."""
    source = arrow_source(info) if part == (0, 1) else None
    if source is None:
        batches = duckdb_batches(con, info, bbox, part, batch_rows)
    else:
        batches = arrow_batches(source, info, batch_rows, bbox)
    if info.time_sorted and not info.order_checked:
        batches = _checked_order(batches, info.path)
    try:
        yield from batches
    except (OSError, pa.ArrowException) as exc:
        raise ParseError(info.path, None, f"unreadable: {_first_line(exc)}") from exc


def duckdb_batches(
    con: Any,
    info: FileInfo,
    bbox: tuple[float, float, float, float] | None = None,
    part: tuple[int, int] = (0, 1),
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pa.RecordBatch]:
    """:func:`read_batches` by DuckDB's query, whatever the file."""
    import duckdb

    spec = info.spec
    sel = spec.selected()
    proj = ", ".join(f"{_q(src)} AS {_q(key)}" for key, src in sel.items())
    where: list[str] = []
    args: list[Any] = [str(info.path)]
    if bbox is not None:
        lat = f"TRY_CAST({_q(spec.lat)} AS DOUBLE)"
        lon = f"TRY_CAST({_q(spec.lon)} AS DOUBLE)"
        where.append(
            f"(({lat} BETWEEN ? AND ? AND {lon} BETWEEN ? AND ?) OR {lat} IS NULL OR "
            f"{lon} IS NULL OR isnan({lat}) OR isnan({lon}) OR abs({lat}) > 90 OR "
            f"abs({lon}) > 180)"
        )
        args += [bbox[1], bbox[3], bbox[0], bbox[2]]
    icao = f"lower(trim(CAST({_q(spec.icao24)} AS VARCHAR)))"
    if part[1] > 1:
        # typed parameters: an untyped ``% ?`` makes the modulo HUGEINT, ~12x slower to read
        # (a 3.8M-row file: 3.4 s against 0.28 s); the partitions are the same
        where.append(f"hash({icao}) % CAST(? AS UBIGINT) = CAST(? AS UBIGINT)")
        args += [part[1], part[0]]
    sql = f"SELECT {proj} FROM {_source(info.path)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if not info.time_sorted:
        sql += f" ORDER BY {_q(spec.time)}"
    try:
        reader = con.execute(sql, args).to_arrow_reader(batch_rows)
        yield from reader
    except duckdb.Error as exc:
        raise ParseError(info.path, None, f"unreadable: {str(exc).splitlines()[0]}") from exc
