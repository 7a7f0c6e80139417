"""OpenSky state vectors (CSV or Parquet) -> one :class:`~overflight.model.Track` per aircraft.

Two column namings are recognised from the header:

* the OpenSky historical database (``state_vectors_data4``): ``time`` (epoch seconds or a
  timestamp), ``icao24``, ``lat``, ``lon``, ``baroaltitude`` and ``geoaltitude`` in metres,
  ``callsign``, ``lastposupdate`` (other columns are ignored);
* the ``traffic`` library: ``timestamp``, ``icao24``, ``latitude``, ``longitude``, ``altitude``
  and ``geoaltitude`` in feet, ``callsign``, ``last_position``.

Files are read through pyarrow in record batches. Times become float epoch seconds UTC:
timezone-aware timestamps are honoured, naive ones are taken as UTC, numbers are seconds (or
milliseconds when the first one is above 1e11, i.e. past the year 5138 in seconds).

Cleaning, reported as warnings (strings starting with the path):

* rows without a position (null/NaN lat or lon) or without icao24 are dropped and counted;
* an aircraft whose rows are not in time order is sorted (real Impala exports are not: the
  ``hour`` partitions may come out of order, e.g. the 11:00 block before the 10:00 one);
* exact duplicates (same time, same position) are dropped and counted;
* stale rows, whose ``lastposupdate`` equals the previous row's (the position was not updated,
  OpenSky repeats it every second), are dropped and counted; ``time`` stays the fix time.

Errors (:class:`~overflight.errors.ParseError`): missing required columns, no rows, a value
that is not a number, a position out of range, or one aircraft at two positions at the same
time. ``row N`` counts data rows from 1 in file order (in a CSV file: line N + 1).

>>> from overflight.formats.tracks.opensky import naming_of
>>> naming_of(["time", "icao24", "lat", "lon", "baroaltitude"])
'opensky'
>>> naming_of(["timestamp", "icao24", "latitude", "longitude"])
'traffic'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from ...errors import ParseError
from ...model import FT, Track
from ._columns import _Codes, _epoch, _floats, _TimeUnit

__all__ = [
    "FORMAT_CSV",
    "FORMAT_PARQUET",
    "iter_tracks",
    "looks_like_opensky_csv",
    "naming_of",
    "read_opensky",
]

FORMAT_CSV = "opensky-csv"
FORMAT_PARQUET = "opensky-parquet"

_BATCH_ROWS = 65_536


@dataclass(frozen=True)
class _Naming:
    name: str
    time: str
    icao24: str
    lat: str
    lon: str
    baro: str
    geo: str
    callsign: str
    lastpos: str
    alt_factor: float  # metres per altitude unit

    @property
    def required(self) -> tuple[str, ...]:
        return (self.time, self.icao24, self.lat, self.lon)

    @property
    def optional(self) -> tuple[str, ...]:
        return (self.baro, self.geo, self.callsign, self.lastpos)


_OPENSKY = _Naming(
    "opensky", "time", "icao24", "lat", "lon", "baroaltitude", "geoaltitude", "callsign",
    "lastposupdate", 1.0,
)  # fmt: skip
_TRAFFIC = _Naming(
    "traffic", "timestamp", "icao24", "latitude", "longitude", "altitude", "geoaltitude",
    "callsign", "last_position", FT,
)  # fmt: skip
_NAMINGS = (_OPENSKY, _TRAFFIC)


def naming_of(columns: Sequence[str]) -> str | None:
    """Which column naming a header uses: ``"opensky"``, ``"traffic"`` or None.

    >>> naming_of(["a", "b"]) is None
    True
    """
    have = {c.strip().lower() for c in columns}
    for n in _NAMINGS:
        if all(c in have for c in n.required):
            return n.name
    return None


def looks_like_opensky_csv(head: str) -> bool:
    """True if the first line of ``head`` is a comma-separated header with an ``icao24`` column.

    >>> looks_like_opensky_csv("time,icao24,lat,lon\\n1643816700,4d2271,45.8,4.9\\n")
    True
    >>> looks_like_opensky_csv("AC R\\nAN TEST\\n")
    False
    """
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    if "," not in first:
        return False
    cols = next(csv.reader(io.StringIO(first)), [])
    return "icao24" in {c.strip().lower() for c in cols}


def _pick_naming(path: Path, columns: Sequence[str]) -> tuple[_Naming, dict[str, str]]:
    """The naming of ``columns`` and a map canonical lower-case name -> actual column name."""
    actual = {c.strip().lower(): c for c in columns}
    for n in _NAMINGS:
        if all(c in actual for c in n.required):
            return n, actual
    best = max(_NAMINGS, key=lambda n: sum(c in actual for c in n.required))
    missing = [c for c in best.required if c not in actual]
    found = [str(c) for c in columns[:30]]
    more = f" (+{len(columns) - 30} more)" if len(columns) > 30 else ""
    raise ParseError(
        path,
        None,
        f"missing required column(s) {', '.join(missing)}; found columns: "
        f"{', '.join(found) or 'none'}{more} (expected OpenSky names "
        f"{', '.join(_OPENSKY.required)} or traffic names {', '.join(_TRAFFIC.required)})",
    )


# -- reading batches ----------------------------------------------------------------------------
def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        raw = fh.read(1 << 16)
    if not raw.strip():
        raise ParseError(path, None, "empty file")
    line = raw.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            path, 1, f"not a text CSV header (undecodable byte at {exc.start})"
        ) from exc
    if "\x00" in text:
        raise ParseError(path, 1, "not a text CSV header (binary data)")
    return next(csv.reader(io.StringIO(text)), [])


def _open(path: Path) -> tuple[str, _Naming, dict[str, str], Iterator[pa.RecordBatch]]:
    """Format, naming, column map and a batch iterator over the needed columns."""
    if _is_parquet(path):
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise ParseError(path, None, f"unreadable Parquet file: {exc}") from exc
        naming, actual = _pick_naming(path, pf.schema_arrow.names)
        cols = [actual[c] for c in (*naming.required, *naming.optional) if c in actual]
        return FORMAT_PARQUET, naming, actual, pf.iter_batches(_BATCH_ROWS, columns=cols)
    header = _csv_header(path)
    naming, actual = _pick_naming(path, header)
    cols = [actual[c] for c in (*naming.required, *naming.optional) if c in actual]
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(cols, pa.string()),
                include_columns=cols,
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, OSError) as exc:
        raise ParseError(path, None, f"unreadable CSV file: {exc}") from exc
    return FORMAT_CSV, naming, actual, iter(reader)


_KEPT = ("icao", "time", "lat", "lon", "baro", "geo", "lastpos", "callsign")


def _read_columns(
    path: Path,
) -> tuple[str, _Naming, dict[str, NDArray[np.float64] | NDArray[np.int64]], _Codes, _Codes]:
    """Every kept column of the file, batch by batch, concatenated."""
    fmt, naming, actual, batches = _open(path)
    icao_codes, call_codes = _Codes(), _Codes()
    unit, lp_unit = _TimeUnit(), _TimeUnit()  # decided per column
    acc: dict[str, list[NDArray[np.float64] | NDArray[np.int64]]] = {k: [] for k in _KEPT}
    row0 = 0
    try:
        for batch in batches:
            n = batch.num_rows
            cols = {k: batch.column(actual[k]) for k in (*naming.required, *naming.optional)
                    if k in actual}  # fmt: skip
            t = _epoch(path, cols[naming.time], row0, naming.time, unit)
            if np.isnan(t).any():
                i = int(np.argmax(np.isnan(t)))
                raise ParseError(path, f"row {row0 + i + 1}", f"column {naming.time!r}: no time")
            acc["time"].append(t)
            icao = pc.utf8_lower(pc.cast(cols[naming.icao24], pa.string()))
            acc["icao"].append(icao_codes.encode(icao))
            acc["lat"].append(_floats(path, cols[naming.lat], row0, naming.lat))
            acc["lon"].append(_floats(path, cols[naming.lon], row0, naming.lon))
            for key, name in (("baro", naming.baro), ("geo", naming.geo)):
                a = cols.get(name)
                vals = np.full(n, np.nan) if a is None else _floats(path, a, row0, name)
                acc[key].append(vals * naming.alt_factor)
            lp = cols.get(naming.lastpos)
            acc["lastpos"].append(
                np.full(n, np.nan)
                if lp is None
                else _epoch(path, lp, row0, naming.lastpos, lp_unit)
            )
            cs = cols.get(naming.callsign)
            acc["callsign"].append(
                np.full(n, -1, dtype=np.int64) if cs is None else call_codes.encode(cs)
            )
            row0 += n
    except pa.ArrowException as exc:
        raise ParseError(path, None, f"cannot read {fmt} data: {exc}") from exc
    if row0 == 0:
        raise ParseError(path, None, "no rows")
    arrays = {k: np.concatenate(v) for k, v in acc.items()}
    return fmt, naming, arrays, icao_codes, call_codes


# -- splitting into tracks ----------------------------------------------------------------------
def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _one_aircraft(
    path: Path,
    icao: str,
    idx: NDArray[np.intp],
    a: dict[str, NDArray[np.float64] | NDArray[np.int64]],
    counts: dict[str, int],
    warnings: list[str],
) -> NDArray[np.intp]:
    """Row indices to keep for one aircraft, in time order (``idx`` is in file order)."""
    t = a["time"][idx]
    if np.any(np.diff(t) < 0):
        first = int(np.argmax(np.diff(t) < 0)) + 1
        warnings.append(
            f"{path}: aircraft {icao}: rows not in time order (row {int(idx[first]) + 1} "
            f"goes back to {_iso(float(t[first]))}); sorted by time"
        )
        idx = idx[np.argsort(t, kind="stable")]
        t = a["time"][idx]
    lat, lon = a["lat"][idx], a["lon"][idx]
    same_t = np.diff(t) == 0
    same_pos = (np.diff(lat) == 0) & (np.diff(lon) == 0)
    clash = same_t & ~same_pos
    if clash.any():
        i = int(np.argmax(clash)) + 1
        raise ParseError(
            path,
            f"row {int(idx[i]) + 1}",
            f"aircraft {icao} at two positions at {_iso(float(t[i]))} "
            f"({lat[i - 1]:.6f}, {lon[i - 1]:.6f} in row {int(idx[i - 1]) + 1} and "
            f"{lat[i]:.6f}, {lon[i]:.6f})",
        )
    keep = np.ones(idx.shape[0], dtype=bool)
    keep[1:] = ~(same_t & same_pos)
    counts["duplicate"] += int((~keep).sum())
    idx = idx[keep]
    lp = a["lastpos"][idx]
    stale = np.zeros(idx.shape[0], dtype=bool)
    stale[1:] = np.diff(lp) == 0  # NaN never equals: unknown is never stale
    counts["stale"] += int(stale.sum())
    return idx[~stale]


def _most_common(codes: NDArray[np.int64], names: list[str]) -> str | None:
    codes = codes[codes >= 0]
    if codes.size == 0:
        return None
    values, n = np.unique(codes, return_counts=True)
    return names[int(values[int(np.argmax(n))])]  # ties: the first seen in the file


def iter_tracks(path: str | PathLike[str], warnings: list[str] | None = None) -> Iterator[Track]:
    """Yield one Track per aircraft (``id`` = icao24) in order of first appearance.

    Warnings about dropped or re-ordered rows are appended to ``warnings`` if given. The whole
    file is read (in batches) before the first Track is yielded, since an aircraft's rows may
    be anywhere in it.

    >>> import pyarrow as pa, pyarrow.csv as pacsv, tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "sv.csv")
    >>> pacsv.write_csv(pa.table({"time": [1643816700, 1643816701], "icao24": ["4d2271"] * 2,
    ...     "lat": [45.86, 45.85], "lon": [4.96, 4.95], "baroaltitude": [11277.6, 11277.6]}), p)
    >>> [(t.id, len(t), float(t.alt_baro[0])) for t in iter_tracks(p)]
    [('4d2271', 2, 11277.6)]
    """
    p = Path(path)
    if not p.is_file():
        raise ParseError(p, None, "no such file")
    fmt, naming, a, icao_codes, call_codes = _read_columns(p)
    own: list[str] = []
    counts = {"duplicate": 0, "stale": 0}
    icao, lat, lon = a["icao"], a["lat"], a["lon"]
    no_id = icao < 0
    no_pos = ~(np.isfinite(lat) & np.isfinite(lon)) & ~no_id
    if no_id.any():
        own.append(f"{p}: dropped {int(no_id.sum())} rows without icao24")
    if no_pos.any():
        own.append(f"{p}: dropped {int(no_pos.sum())} rows without position")
    ok = ~(no_id | no_pos)
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
    icao_names, call_names = icao_codes.names(), call_codes.names()
    rows_per_icao = np.bincount(icao[~no_id], minlength=len(icao_names))
    plans = []
    for s, e in zip(starts, ends, strict=True):
        code = int(icao[rows[s]])
        name = icao_names[code]
        keep = _one_aircraft(p, name, rows[s:e], a, counts, own)
        plans.append((code, name, keep, rows[s:e]))
    if counts["duplicate"]:
        own.append(f"{p}: dropped {counts['duplicate']} exact duplicate rows")
    if counts["stale"]:
        own.append(
            f"{p}: dropped {counts['stale']} stale rows (position not updated: same "
            f"{naming.lastpos} as the previous row)"
        )
    if warnings is not None:
        warnings.extend(own)
    for code, name, keep, all_rows in plans:
        meta = {"format": fmt, "columns": naming.name, "rows": int(rows_per_icao[code])}
        yield aircraft_track(p, name, keep, all_rows, a, call_names, meta)


def aircraft_track(
    p: Path,
    name: str,
    keep: NDArray[np.int64],
    all_rows: NDArray[np.int64],
    a: dict[str, NDArray[Any]],
    call_names: list[str],
    meta: dict[str, Any],
) -> Track:
    """One aircraft's Track from the cleaned row indices ``keep`` of the columns ``a``."""
    fix_time, timing = _fix_times(a["time"][keep], a["lastpos"][keep])
    try:
        return Track.from_arrays(
            name,
            time=fix_time,
            lat=a["lat"][keep],
            lon=a["lon"][keep],
            alt_baro=a["baro"][keep],
            alt_geo=a["geo"][keep],
            callsign=_most_common(a["callsign"][all_rows], call_names),
            source=str(p),
            meta={**meta, "fix_time": timing},
        )
    except ValueError as exc:
        raise ParseError(p, None, f"aircraft {name}: {exc}") from exc


def _fix_times(
    t: NDArray[np.float64], lastpos: NDArray[np.float64]
) -> tuple[NDArray[np.float64], str]:
    """The time each position was measured: ``lastposupdate`` where known (OpenSky's ``time`` is
    when the state vector was sampled, up to a second or more later), else ``time``. Falls back
    to ``time`` for the whole aircraft if that would not keep times strictly increasing.

    >>> _fix_times(np.array([10.0, 11.0]), np.array([9.4, 10.7]))
    (array([ 9.4, 10.7]), 'lastposupdate')
    >>> _fix_times(np.array([10.0, 11.0]), np.array([np.nan, np.nan]))[1]
    'time'
    """
    ok = np.isfinite(lastpos) & (lastpos <= t) & (lastpos > t - 60.0)
    if not ok.any():
        return t, "time"
    ft = np.where(ok, lastpos, t)
    if np.any(np.diff(ft) <= 0):
        return t, "time"
    return ft, "lastposupdate" if ok.all() else "lastposupdate where known, else time"


def read_opensky(path: str | PathLike[str]) -> tuple[list[Track], list[str]]:
    """Read every aircraft of an OpenSky CSV/Parquet file: ``(tracks, warnings)``.

    >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "sv.parquet")
    >>> pq.write_table(pa.table({"time": [0.0, 1.0, 1.0], "icao24": ["abc123"] * 3,
    ...     "lat": [60.0, 60.001, 60.001], "lon": [25.0, 25.0, 25.0]}), p)
    >>> tracks, warnings = read_opensky(p)
    >>> len(tracks[0]), warnings[0].endswith("dropped 1 exact duplicate rows")
    (2, True)
    """
    warnings: list[str] = []
    tracks = list(iter_tracks(path, warnings))
    return tracks, warnings
