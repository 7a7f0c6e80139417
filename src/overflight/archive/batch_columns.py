"""A batch's incursions as output columns, without an object per incursion.

:func:`~.batch.check_jobs` finds every incursion of a batch as arrays (times, ends, deepest
points, vertical margins, flags); :func:`incursion_columns` lays them out as the columns of
:data:`~.rows.SCHEMA`, with exactly the values :func:`~.rows.incursion_row` gives for the
core check's :class:`~overflight.model.Incursion` (the same float operations, the same
rounding to microseconds). :func:`columns_batch` makes them one Arrow record batch (a check
worker sends that), :func:`columns_rows` the rows as dicts.

>>> cols = incursion_columns(
...     [("abc123", None, 0.0)], [(7, "R1", "R", None, None, "SFC", "UNL")],
...     np.zeros(1, np.int64), np.zeros(1, np.int64),
...     (np.array([1.0]), np.array([2.5])), (np.array([0.0, 0.1]), np.array([0.0, 0.0])),
...     [(120.0, 2.0, 0.05, 0.0)], (["inside"], ["lateral"], ["lateral"], ["always"]),
...     [300.0], [None], [[]],
... )
>>> row = columns_rows(cols)[0]
>>> row["entry_time"], row["duration_s"], row["max_depth_lon"], row["suspect"]
(1000000, 1.5, 0.05, False)
>>> columns_batch(cols).num_rows
1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from .rows import SCHEMA

__all__ = ["columns_batch", "columns_rows", "incursion_columns"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Columns = dict[str, Any]

JobMeta = tuple[str, str | None, float]
"""(icao24, callsign, start of the gap-split track)."""
AirspaceMeta = tuple[int, str, str, str | None, str | None, str, str]
"""(index, name, class, id, source, floor, ceiling), the limits as text."""

_TS = pa.timestamp("us", tz="UTC")
_TIMES = {"entry_time", "exit_time", "max_depth_time", "track_start"}


def _us(t: F64) -> I64:
    """Seconds to whole microseconds, as :func:`~.rows.incursion_row` (``round``: to even)."""
    return np.rint(t * 1_000_000).astype(np.int64)


def incursion_columns(
    jobs: Sequence[JobMeta],
    spaces: Sequence[AirspaceMeta],
    job_of: I64,
    space_of: I64,
    times: tuple[F64, F64],
    ends: tuple[F64, F64],
    deep: Sequence[tuple[float, float, float, float]],
    kinds: tuple[Sequence[str], Sequence[str], Sequence[str], Sequence[str]],
    margins: Sequence[float | None],
    reasons: Sequence[str | None],
    flags: Sequence[list[str]],
) -> Columns:
    """The :data:`~.rows.SCHEMA` columns of incursions ``i``: of job ``jobs[job_of[i]]`` into
    airspace ``spaces[space_of[i]]``, over ``times`` (entry, exit), entering and leaving at
    ``ends`` (lon, lat: entry, exit, entry, exit...), deepest at ``deep[i]`` (depth, time,
    lon, lat); ``kinds``: vertical status, entry and exit via, activation; their vertical
    margins, vertical reasons and the flags of their fixes."""
    t0, t1 = times
    lon, lat = ends
    status, via0, via1, act = (list(k) for k in kinds)
    d = np.array(deep, dtype=np.float64).reshape(-1, 4)
    start = np.array([j[2] for j in jobs], dtype=np.float64)[job_of]
    jm = [jobs[i] for i in job_of.tolist()]
    sm = [spaces[i] for i in space_of.tolist()]
    entry_start = np.array([v == "start" for v in via0], bool)
    exit_end = np.array([v == "end" for v in via1], bool)
    none = [None] * len(jm)
    return {
        "icao24": [m[0] for m in jm],
        "callsign": [m[1] for m in jm],
        "airspace_index": np.array([s[0] for s in sm], np.int64),
        "airspace_name": [s[1] for s in sm],
        "airspace_class": [s[2] for s in sm],
        "airspace_id": [s[3] for s in sm],
        "airspace_source": [s[4] for s in sm],
        "airspace_floor": [s[5] for s in sm],
        "airspace_ceiling": [s[6] for s in sm],
        "entry_time": _us(t0),
        "exit_time": _us(t1),
        "duration_s": t1 - t0,
        "entry_lat": lat[0::2],
        "entry_lon": lon[0::2],
        "exit_lat": lat[1::2],
        "exit_lon": lon[1::2],
        "max_depth_m": d[:, 0],
        "max_depth_time": _us(d[:, 1]),
        "max_depth_lat": d[:, 3],
        "max_depth_lon": d[:, 2],
        "vertical": status,
        "entry_via": via0,
        "exit_via": via1,
        "starts_inside": entry_start,
        "ends_inside": exit_end,
        "vertical_margin_m": list(margins),
        "vertical_reason": list(reasons),
        "activation": act,
        "entry_distance_m": none,
        "exit_distance_m": none,
        "distance_inside_m": none,
        "max_depth_distance_m": none,
        "entry_elapsed_s": t0 - start,
        "exit_elapsed_s": t1 - start,
        "track_start": _us(start),
        "entry_during_gap": entry_start,
        "exit_during_gap": exit_end,
        "suspect": np.array([bool(f) for f in flags], bool),
        "suspect_reasons": [list(f) for f in flags],
    }


def columns_batch(cols: Columns) -> pa.RecordBatch:
    """The columns as one record batch of :data:`~.rows.SCHEMA`."""
    arrays = []
    for f in SCHEMA:
        c = cols[f.name]
        if f.name in _TIMES:
            arrays.append(pa.array(c, pa.int64()).cast(_TS))
        else:
            arrays.append(pa.array(c, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def columns_rows(cols: Columns) -> list[dict[str, Any]]:
    """The columns as rows (dicts of :data:`~.rows.SCHEMA` names; times in microseconds)."""
    names = SCHEMA.names
    lists = [c.tolist() if isinstance(c, np.ndarray) else c for c in (cols[n] for n in names)]
    return [dict(zip(names, vals, strict=True)) for vals in zip(*lists, strict=True)]
