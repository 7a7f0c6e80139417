"""The ``traffic`` library's sample files: JSON (usually gzip-compressed) of ADS-B/FLARM state
vectors -> one Track per ``icao24``.

Two orientations, both as pandas writes them:

* records: ``[{"timestamp": 1543225095000, "icao24": "4ab179", "latitude": ..., ...}, ...]``;
* columns: ``{"timestamp": {"0": ..., "1": ...}, "icao24": {...}, ...}`` (or lists).

Columns use the traffic naming (``timestamp`` ms or s, ``latitude``, ``longitude``,
``altitude`` and ``geoaltitude`` in feet, ``callsign``, ``last_position``) and are converted
and cleaned by the same helpers as :mod:`.opensky` (time units, stale and duplicate rows,
time order, most common callsign). Errors name ``row N`` (from 1, in file order).

The decompressed size is capped at :data:`MAX_BYTES` (gzip bombs).

>>> import json, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "s.json")
>>> _ = open(p, "w").write(json.dumps([{"timestamp": 1543225095000 + 5000 * k, "icao24": "4ab179",
...     "latitude": 55.0 + k / 1e3, "longitude": 14.7, "altitude": 1000, "callsign": "CFL12"}
...     for k in range(3)]))
>>> (t,), w = read_traffic_json(p)
>>> t.id, t.callsign, len(t), t.duration, round(float(t.alt_baro[0]), 1)
('4ab179', 'CFL12', 3, 10.0, 304.8)
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ...errors import ParseError
from ...model import Track
from .opensky import (
    _Codes,
    _epoch,
    _floats,
    _one_aircraft,
    _pick_naming,
    _TimeUnit,
    aircraft_track,
)

__all__ = ["FORMAT", "MAX_BYTES", "iter_tracks", "looks_like_traffic_json", "read_traffic_json"]

FORMAT = "traffic-json"
MAX_BYTES = 512 * 1024 * 1024
"""Most bytes of JSON text accepted (after decompression)."""
_GZIP = b"\x1f\x8b"


_COLUMNS_HEAD = re.compile(r'^\{\s*"[A-Za-z_][A-Za-z_0-9]*"\s*:\s*\{\s*"0"\s*:')


def looks_like_traffic_json(head: str) -> bool:
    """True if the start of a JSON text names the traffic columns ``icao24`` and ``timestamp``
    (records or columns orientation).

    >>> looks_like_traffic_json('[{"timestamp":1543225095000,"icao24":"4ab179","latitude":55.0')
    True
    >>> looks_like_traffic_json('{"type": "FeatureCollection"}')
    False
    >>> looks_like_traffic_json('{"timestamp":{"0":1726560266000,"1":1726560267000')
    True
    """
    s = head.lstrip("\ufeff \t\r\n")
    if s[:1] in ("[", "{") and '"icao24"' in s and '"timestamp"' in s:
        return True
    # columns orientation of a long sample: the first column fills the head, so "icao24"
    # may not be in it yet; pandas writes each column as {"0": ..., "1": ...}
    return bool(_COLUMNS_HEAD.match(s)) and '"timestamp"' in s[:200]


def read_text(p: Path) -> str:
    """The JSON text of ``p``, gunzipped when it starts with the gzip magic, capped."""
    try:
        with p.open("rb") as fh:
            gz = fh.read(2) == _GZIP
            fh.seek(0)
            stream: Any = gzip.GzipFile(fileobj=fh) if gz else fh
            data = stream.read(MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        what = "gzip data" if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile) else "file"
        raise ParseError(p, None, f"cannot read {what}: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise ParseError(p, None, f"JSON text longer than {MAX_BYTES} bytes (limit)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(p, None, f"not UTF-8 JSON text (byte {exc.start})") from exc


def _table(p: Path, doc: Any) -> pa.Table:
    try:
        if isinstance(doc, list):
            if not all(isinstance(r, dict) for r in doc):
                i = next(i for i, r in enumerate(doc) if not isinstance(r, dict))
                raise ParseError(p, f"row {i + 1}", "not a JSON object (records orientation)")
            return pa.Table.from_pylist(doc)
        if isinstance(doc, dict) and doc and all(isinstance(v, dict | list) for v in doc.values()):
            first = next(iter(doc.values()))
            index = list(first) if isinstance(first, dict) else None
            cols = {}
            for name, col in doc.items():
                values = [col.get(k) for k in index] if isinstance(col, dict) and index else col
                if len(values) != len(first):
                    raise ParseError(p, None, f"column {name!r}: {len(values)} values, "
                                     f"expected {len(first)}")  # fmt: skip
                cols[name] = values
            return pa.table(cols)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ParseError(p, None, f"mixed value types in a column: {exc}") from exc
    raise ParseError(p, None, "JSON is neither a list of records nor an object of columns")


def iter_tracks(path: str | PathLike[str], warnings: list[str] | None = None) -> Iterator[Track]:
    """Yield one Track per aircraft (``id`` = icao24) in order of first appearance; warnings
    about dropped or re-ordered rows go to ``warnings`` (the whole file is read first)."""
    p = Path(path)
    text = read_text(p)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(p, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError:
        raise ParseError(p, None, "JSON nested too deeply") from None
    table = _table(p, doc)
    if table.num_rows == 0:
        raise ParseError(p, None, "no rows")
    naming, actual = _pick_naming(p, table.column_names)
    col = {k: table.column(actual[k]).combine_chunks() for k in actual}
    n = table.num_rows
    t = _epoch(p, col[naming.time], 0, naming.time, _TimeUnit())
    if np.isnan(t).any():
        raise ParseError(p, f"row {int(np.argmax(np.isnan(t))) + 1}", "no time")
    icao_codes, call_codes = _Codes(), _Codes()
    a: dict[str, Any] = {"time": t}
    a["icao"] = icao_codes.encode(col[naming.icao24].cast(pa.string()))
    a["lat"] = _floats(p, col[naming.lat], 0, naming.lat)
    a["lon"] = _floats(p, col[naming.lon], 0, naming.lon)
    for key, name in (("baro", naming.baro), ("geo", naming.geo)):
        a[key] = (_floats(p, col[name], 0, name) if name in col else np.full(n, np.nan)) * (
            naming.alt_factor
        )
    lp = col.get(naming.lastpos)
    a["lastpos"] = (
        np.full(n, np.nan) if lp is None else _epoch(p, lp, 0, naming.lastpos, _TimeUnit())
    )
    cs = col.get(naming.callsign)
    a["callsign"] = np.full(n, -1, dtype=np.int64) if cs is None else call_codes.encode(cs)
    yield from _split(p, naming.name, naming.lastpos, a, icao_codes, call_codes, warnings)


def _split(
    p: Path,
    naming: str,
    lastpos: str,
    a: dict[str, Any],
    icao_codes: _Codes,
    call_codes: _Codes,
    warnings: list[str] | None,
) -> Iterator[Track]:
    own: list[str] = []
    counts = {"duplicate": 0, "stale": 0}
    icao, lat, lon = a["icao"], a["lat"], a["lon"]
    ok = (icao >= 0) & np.isfinite(lat) & np.isfinite(lon)
    if (~ok).any():
        own.append(f"{p}: dropped {int((~ok).sum())} rows without icao24 or position")
    bad = ok & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    if bad.any():
        i = int(np.argmax(bad))
        raise ParseError(p, f"row {i + 1}", f"position out of range: lat={lat[i]}, lon={lon[i]}")
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        raise ParseError(p, None, f"no row with a position ({icao.shape[0]} rows read)")
    rows = rows[np.argsort(icao[rows], kind="stable")]
    starts = np.flatnonzero(np.r_[True, np.diff(icao[rows]) != 0])
    ends = np.r_[starts[1:], rows.size]
    names, calls = icao_codes.names(), call_codes.names()
    plans = []
    for s, e in zip(starts, ends, strict=True):
        name = names[int(icao[rows[s]])]
        plans.append((name, _one_aircraft(p, name, rows[s:e], a, counts, own), rows[s:e]))
    if counts["duplicate"]:
        own.append(f"{p}: dropped {counts['duplicate']} exact duplicate rows")
    if counts["stale"]:
        own.append(f"{p}: dropped {counts['stale']} stale rows (same {lastpos} as the row before)")
    if warnings is not None:
        warnings.extend(own)
    for name, keep, all_rows in sorted(plans, key=lambda x: int(x[2].min())):
        meta = {"format": FORMAT, "columns": naming, "rows": int(all_rows.size)}
        yield aircraft_track(p, name, keep, all_rows, a, calls, meta)


def read_traffic_json(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read every aircraft of a traffic sample file: ``(tracks, warnings)``."""
    warnings: list[str] = []
    tracks = list(iter_tracks(path, warnings))
    return tracks, warnings
