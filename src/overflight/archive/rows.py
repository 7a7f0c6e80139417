"""Output rows of a scan: one per incursion, the fields of the ``check`` report's incursion plus
aircraft, airspace and data-quality flags; the Arrow schema; the canonical order.

Times are ``timestamp[us, UTC]`` (the report's ISO strings, exact to the microsecond);
positions are split into ``*_lat``/``*_lon`` columns. The along-track fields of the report
(``entry_distance_m``...) need the whole track from its first fix and are null here;
``entry_elapsed_s``/``exit_elapsed_s`` count from the start of the (gap-split) track.

>>> sorted(SCHEMA.names)[:3]
['activation', 'airspace_ceiling', 'airspace_class']
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from ..model import Airspace, Incursion

__all__ = ["SCHEMA", "SORT_KEYS", "incursion_row", "sort_table", "to_table"]

_TS = pa.timestamp("us", tz="UTC")

SCHEMA = pa.schema(
    [
        ("icao24", pa.string()),
        ("callsign", pa.string()),
        ("airspace_index", pa.int32()),
        ("airspace_name", pa.string()),
        ("airspace_class", pa.string()),
        ("airspace_id", pa.string()),
        ("airspace_source", pa.string()),
        ("airspace_floor", pa.string()),
        ("airspace_ceiling", pa.string()),
        ("entry_time", _TS),
        ("exit_time", _TS),
        ("duration_s", pa.float64()),
        ("entry_lat", pa.float64()),
        ("entry_lon", pa.float64()),
        ("exit_lat", pa.float64()),
        ("exit_lon", pa.float64()),
        ("max_depth_m", pa.float64()),
        ("max_depth_time", _TS),
        ("max_depth_lat", pa.float64()),
        ("max_depth_lon", pa.float64()),
        ("vertical", pa.string()),
        ("entry_via", pa.string()),
        ("exit_via", pa.string()),
        ("starts_inside", pa.bool_()),
        ("ends_inside", pa.bool_()),
        ("vertical_margin_m", pa.float64()),
        ("vertical_reason", pa.string()),
        ("activation", pa.string()),
        ("entry_distance_m", pa.float64()),
        ("exit_distance_m", pa.float64()),
        ("distance_inside_m", pa.float64()),
        ("max_depth_distance_m", pa.float64()),
        ("entry_elapsed_s", pa.float64()),
        ("exit_elapsed_s", pa.float64()),
        ("track_start", _TS),
        ("entry_during_gap", pa.bool_()),
        ("exit_during_gap", pa.bool_()),
        ("suspect", pa.bool_()),
        ("suspect_reasons", pa.list_(pa.string())),
    ]
)


_FIELDS = [(f.name, f.type) for f in SCHEMA]
_VALUES = operator.itemgetter(*SCHEMA.names)
"""A row's values in schema order."""


def _us(t: float) -> int:
    return round(t * 1_000_000)


def incursion_row(
    icao24: str,
    callsign: str | None,
    k: int,
    airspace: Airspace,
    inc: Incursion,
    track_start: float,
    reasons: Sequence[str],
) -> dict[str, Any]:
    """One output row (a dict keyed by :data:`SCHEMA` names; times in microseconds)."""
    return {
        "icao24": icao24,
        "callsign": callsign,
        "airspace_index": k,
        "airspace_name": airspace.name,
        "airspace_class": airspace.kind,
        "airspace_id": airspace.id,
        "airspace_source": airspace.source,
        "airspace_floor": str(airspace.floor),
        "airspace_ceiling": str(airspace.ceiling),
        "entry_time": _us(inc.entry_time),
        "exit_time": _us(inc.exit_time),
        "duration_s": inc.duration_s,
        "entry_lat": inc.entry_point[0],
        "entry_lon": inc.entry_point[1],
        "exit_lat": inc.exit_point[0],
        "exit_lon": inc.exit_point[1],
        "max_depth_m": inc.max_depth_m,
        "max_depth_time": _us(inc.max_depth_time),
        "max_depth_lat": inc.max_depth_point[0],
        "max_depth_lon": inc.max_depth_point[1],
        "vertical": inc.vertical,
        "entry_via": inc.entry_via,
        "exit_via": inc.exit_via,
        "starts_inside": bool(inc.starts_inside),
        "ends_inside": bool(inc.ends_inside),
        "vertical_margin_m": inc.vertical_margin_m,
        "vertical_reason": inc.vertical_reason,
        "activation": inc.activation,
        "entry_distance_m": None,
        "exit_distance_m": None,
        "distance_inside_m": None,
        "max_depth_distance_m": None,
        "entry_elapsed_s": inc.entry_time - track_start,
        "exit_elapsed_s": inc.exit_time - track_start,
        "track_start": _us(track_start),
        "entry_during_gap": inc.entry_via == "start",
        "exit_during_gap": inc.exit_via == "end",
        "suspect": bool(reasons),
        "suspect_reasons": list(reasons),
    }


def to_batch(rows: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    """Rows -> one Arrow record batch of :data:`SCHEMA`, in their order (a check worker
    sends its rows so: a few buffers to pickle, not an object per value).

    >>> to_batch([]).num_rows
    0
    """
    # one C-level pass per row picks its values in schema order, one transposes them
    cols = list(zip(*map(_VALUES, rows), strict=True)) if rows else [()] * len(_FIELDS)
    arrays = [
        pa.array(c, pa.int64()).cast(_TS) if t == _TS else pa.array(c, t)
        for (_, t), c in zip(_FIELDS, cols, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def to_table(rows: Sequence[dict[str, Any] | pa.RecordBatch]) -> pa.Table:
    """Rows (dicts, or record batches of rows from :func:`to_batch`) -> an Arrow table of
    :data:`SCHEMA`, sorted (see :func:`sort_table`).

    >>> to_table([]).num_rows
    0
    """
    batches = [r for r in rows if isinstance(r, pa.RecordBatch)]
    dicts = [r for r in rows if not isinstance(r, pa.RecordBatch)] if batches else rows
    table = pa.Table.from_batches([to_batch(dicts), *batches], schema=SCHEMA)  # type: ignore[arg-type]
    return sort_table(table)


SORT_KEYS = [
    ("icao24", "ascending"),
    ("entry_time", "ascending"),
    ("airspace_index", "ascending"),
    ("exit_time", "ascending"),
    ("track_start", "ascending"),
    ("callsign", "ascending"),
]
"""The canonical order of output rows (nulls last); :mod:`.output` sorts files in it too."""


def sort_table(table: pa.Table) -> pa.Table:
    """The canonical order: icao24, entry time, airspace index, exit time (then track start
    and callsign, for two aircraft sharing an address)."""
    return table.sort_by(SORT_KEYS)
