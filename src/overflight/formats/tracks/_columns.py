"""Column conversion for state-vector tables read through pyarrow: numbers, epoch times
(seconds, milliseconds, timestamps, ISO text) and dictionary codes, each failure naming the
file, row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from ...errors import ParseError

_MS_THRESHOLD = 1e11  # epoch numbers above this are milliseconds


# -- conversion --------------------------------------------------------------------------
def _first_bad(
    path: Path, arr: pa.Array, row0: int, column: str, parse: Callable[[str], object]
) -> ParseError:
    """The ParseError for the first value of ``arr`` that ``parse`` rejects (slow path)."""
    for i, v in enumerate(arr.to_pylist()):
        if v is None:
            continue
        try:
            parse(v)
        except (TypeError, ValueError):
            return ParseError(path, f"row {row0 + i + 1}", f"column {column!r}: bad value {v!r}")
    return ParseError(path, f"rows {row0 + 1}-{row0 + len(arr)}", f"column {column!r}: bad values")


def _floats(path: Path, arr: pa.Array, row0: int, column: str) -> NDArray[np.float64]:
    """Any numeric or numeric-text column as float64, null -> NaN."""
    t = arr.type
    if pa.types.is_null(t):
        return np.full(len(arr), np.nan)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        try:
            arr = pc.cast(pc.utf8_trim_whitespace(arr), pa.float64())
        except pa.ArrowInvalid:
            raise _first_bad(path, arr, row0, column, float) from None
    elif pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        arr = pc.cast(arr, pa.float64())
    else:
        raise ParseError(path, f"row {row0 + 1}", f"column {column!r}: not numeric ({t})")
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)


_UNIT_PER_S = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _text_time(v: str) -> float:
    s = v.strip()
    try:
        return float(s)
    except ValueError:
        pass
    d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.timestamp()


@dataclass
class _TimeUnit:
    """Decided once per file: are epoch numbers milliseconds?"""

    millis: bool | None = None


def _epoch(
    path: Path, arr: pa.Array, row0: int, column: str, unit: _TimeUnit
) -> NDArray[np.float64]:
    """A time column as float epoch seconds UTC (NaN for null)."""
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        arr = pc.utf8_trim_whitespace(arr)
        for target in (pa.float64(), pa.timestamp("ns", tz="UTC"), pa.timestamp("ns")):
            try:
                arr = pc.cast(arr, target)
                break
            except pa.ArrowInvalid:
                continue
        else:  # mixed forms: slow path, value by value
            out = np.full(len(arr), np.nan)
            for i, v in enumerate(arr.to_pylist()):
                if v is None:
                    continue
                try:
                    out[i] = _text_time(v)
                except ValueError:
                    raise ParseError(
                        path, f"row {row0 + i + 1}", f"column {column!r}: bad time {v!r}"
                    ) from None
            return out
        t = arr.type
    if pa.types.is_timestamp(t):
        per_s = _UNIT_PER_S[t.unit]
        ints = pc.cast(arr, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        out = (ints // per_s).astype(np.float64) + (ints % per_s) / per_s
        out[np.asarray(arr.is_null().to_numpy(zero_copy_only=False))] = np.nan
        return out
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        out = _floats(path, arr, row0, column)
        finite = out[np.isfinite(out)]
        if unit.millis is None and finite.size:
            unit.millis = bool(abs(finite[0]) > _MS_THRESHOLD)
        return out / 1000.0 if unit.millis else out
    raise ParseError(path, f"row {row0 + 1}", f"column {column!r}: not a time ({t})")


class _Codes:
    """Global integer codes for strings, in order of first appearance; -1 for null/empty."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, arr: pa.Array) -> NDArray[np.int64]:
        if pa.types.is_null(arr.type):
            return np.full(len(arr), -1, dtype=np.int64)
        arr = pc.utf8_trim_whitespace(pc.cast(arr, pa.string()))
        enc = pc.dictionary_encode(arr)
        values = enc.dictionary.to_pylist()
        lut = np.array(
            [self.ids.setdefault(v, len(self.ids)) if v else -1 for v in values] + [-1],
            dtype=np.int64,
        )
        idx = enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
        return lut[idx]

    def names(self) -> list[str]:
        return list(self.ids)
