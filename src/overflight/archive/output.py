"""The scan's output on disk: the per-file row parts merged into one sorted Parquet file, and
the per-airspace summary, both in bounded memory whatever the number of incursions.

DuckDB sorts the parts (spilling to disk past its memory limit) and hands Arrow batches to a
Parquet writer, so writing ``incursions.parquet`` never holds every incursion at once; the
order is :func:`~.rows.sort_table`'s. The summary is one ``GROUP BY`` over a file or a table.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     out = Path(tmp) / "inc.parquet"
...     n = merge_sorted([], out)
...     n, pq.read_table(out).schema == SCHEMA, summary(out)
(0, True, [])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .duckdb import connect
from .rows import SCHEMA, SORT_KEYS

__all__ = ["merge_sorted", "summary"]


def merge_sorted(parts: Sequence[Path], out: Path, batch_rows: int = 65_536) -> int:
    """Write the rows of the Parquet files ``parts`` to ``out`` in the canonical order
    (through a temporary file and a rename); returns the number of rows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    n = 0
    with pq.ParquetWriter(tmp, SCHEMA) as writer:
        files = [str(p) for p in parts if pq.read_metadata(p).num_rows]
        if files:
            con = connect()
            con.execute("SET TimeZone = 'UTC'")
            order = ", ".join(f'"{k}" {d} NULLS LAST' for k, d in _SQL_KEYS)
            reader = con.execute(
                f"SELECT * FROM read_parquet(?, union_by_name = true) ORDER BY {order}", [files]
            ).to_arrow_reader(batch_rows)
            for batch in reader:
                t = pa.Table.from_batches([batch]).select(SCHEMA.names).cast(SCHEMA)
                writer.write_table(t)
                n += t.num_rows
            con.close()
    os.replace(tmp, out)
    return n


_SQL_KEYS = [(k, "ASC" if d == "ascending" else "DESC") for k, d in SORT_KEYS]

_SUMMARY = """
SELECT airspace_index,
       min(airspace_name) AS airspace,
       min(airspace_class) AS class,
       count(*) AS incursions,
       count(DISTINCT icao24) AS aircraft,
       count(*) FILTER (WHERE vertical = 'inside') AS inside,
       count(*) FILTER (WHERE vertical IS DISTINCT FROM 'inside') AS unknown,
       count(*) FILTER (WHERE entry_during_gap) AS entry_during_gap,
       count(*) FILTER (WHERE suspect) AS suspect
FROM {source}
GROUP BY airspace_index
ORDER BY incursions DESC, airspace_index
"""


def summary(source: pa.Table | Path) -> list[dict[str, Any]]:
    """Per airspace (most incursions first): incursions, aircraft, inside/unknown, entries
    during gaps, suspect; of an output file or table."""
    con = connect()
    if isinstance(source, pa.Table):
        con.register("incursions", source)
        rows = con.execute(_SUMMARY.format(source="incursions")).fetchall()
    else:
        rows = con.execute(_SUMMARY.format(source="read_parquet(?)"), [str(source)]).fetchall()
    con.close()
    names = ["airspace", "class", "incursions", "aircraft", "inside", "unknown"]
    names += ["entry_during_gap", "suspect"]
    return [dict(zip(names, r[1:], strict=True)) for r in rows]
