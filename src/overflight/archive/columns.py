"""Arrow batches in the OpenSky or ``traffic`` column naming -> the kernel's :class:`~.clean.Rows`.

The namings and conversions are those of :mod:`overflight.formats.tracks.opensky` (times in
seconds, milliseconds, timestamps or ISO text; altitudes in metres or feet); the scan also reads
the ground speed (``velocity`` m/s, or ``groundspeed`` kt) and ``onground``.

>>> import pyarrow as pa
>>> from overflight.archive.state import Codes
>>> b = pa.record_batch({"time": [1.0, 2.0], "icao24": ["ABC123", "abc123"],
...                      "lat": [60.0, 60.1], "lon": [25.0, 25.0], "baroaltitude": [1e3, 1e3]})
>>> spec = ColumnSpec.of("x.parquet", b.schema.names)
>>> rows = BatchDecoder(spec, Codes(), Codes()).decode(b, 0)
>>> rows.code.tolist(), rows.baro.tolist()
([0, 0], [1000.0, 1000.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..formats.tracks._columns import _epoch, _floats, _TimeUnit
from ..formats.tracks.opensky import _pick_naming
from .clean import Rows
from .state import Codes

__all__ = ["KT", "BatchDecoder", "ColumnSpec"]

KT = 1852.0 / 3600.0  # metres per second per knot


@dataclass(frozen=True)
class ColumnSpec:
    """Which source column feeds each kernel column (None: absent), and units."""

    path: str
    naming: str
    icao24: str
    time: str
    lat: str
    lon: str
    baro: str | None
    geo: str | None
    callsign: str | None
    lastpos: str | None
    velocity: str | None
    onground: str | None
    alt_factor: float
    vel_factor: float

    @classmethod
    def of(cls, path: str | Path, columns: Sequence[str]) -> ColumnSpec:
        """Pick the naming of ``columns`` (ParseError naming the file if none fits)."""
        naming, actual = _pick_naming(Path(path), list(columns))
        traffic = naming.name == "traffic"
        vel = "groundspeed" if traffic else "velocity"
        return cls(
            str(path),
            naming.name,
            actual[naming.icao24],
            actual[naming.time],
            actual[naming.lat],
            actual[naming.lon],
            actual.get(naming.baro),
            actual.get(naming.geo),
            actual.get(naming.callsign),
            actual.get(naming.lastpos),
            actual.get(vel),
            actual.get("onground"),
            naming.alt_factor,
            KT if traffic else 1.0,
        )

    def selected(self) -> dict[str, str]:
        """Kernel name -> source column, for the columns present."""
        pairs = {
            "icao24": self.icao24,
            "time": self.time,
            "lat": self.lat,
            "lon": self.lon,
            "baro": self.baro,
            "geo": self.geo,
            "callsign": self.callsign,
            "lastpos": self.lastpos,
            "vel": self.velocity,
            "ground": self.onground,
        }
        return {k: v for k, v in pairs.items() if v is not None}


class BatchDecoder:
    """Decode batches of one file (time units are decided once per file)."""

    def __init__(self, spec: ColumnSpec, icao: Codes, calls: Codes) -> None:
        self.spec = spec
        self.icao = icao
        self.calls = calls
        self.unit = _TimeUnit()
        self.lp_unit = _TimeUnit()
        # the previous batch's names and codes, per column: most names come again
        self._last: dict[bool, tuple[pa.Array, np.ndarray]] = {}
        # a dictionary-encoded column's dictionary and its values' codes (-2: not yet looked
        # up), per column: the batches of one Parquet row group share their dictionary
        self._luts: dict[bool, tuple[pa.Array, np.ndarray]] = {}

    def decode(self, batch: pa.RecordBatch, row0: int) -> Rows:
        """Columns of ``batch`` named by kernel name (see :meth:`ColumnSpec.selected`) or by
        source name; ``row0`` numbers rows in error messages."""
        path = Path(self.spec.path)
        names = batch.schema.names

        def col(key: str) -> pa.Array | None:
            src = self.spec.selected().get(key)
            if key in names:
                return batch.column(names.index(key))
            if src is not None and src in names:
                return batch.column(names.index(src))
            return None

        n = batch.num_rows
        icao = col("icao24")
        assert icao is not None
        code = self._codes(icao, self.icao, lower=True, last=self._last, luts=self._luts)
        t = col("time")
        assert t is not None
        time = _epoch(path, t, row0, self.spec.time, self.unit)
        lat = _floats(path, col("lat"), row0, self.spec.lat)  # type: ignore[arg-type]
        lon = _floats(path, col("lon"), row0, self.spec.lon)  # type: ignore[arg-type]

        def floats(key: str, factor: float = 1.0) -> np.ndarray:
            a = col(key)
            return np.full(n, np.nan) if a is None else _floats(path, a, row0, key) * factor

        lp = col("lastpos")
        lastpos = (
            np.full(n, np.nan) if lp is None else _epoch(path, lp, row0, "lastpos", self.lp_unit)
        )
        g = col("ground")
        ground = (
            np.zeros(n, bool)
            if g is None
            else np.asarray(
                pc.fill_null(pc.cast(g, pa.bool_()), False).to_numpy(zero_copy_only=False), bool
            )
        )
        cs = col("callsign")
        return Rows(
            code=code,
            time=time,
            lastpos=lastpos,
            lat=lat,
            lon=lon,
            baro=floats("baro", self.spec.alt_factor),
            geo=floats("geo", self.spec.alt_factor),
            vel=floats("vel", self.spec.vel_factor),
            ground=ground,
            cs=np.full(n, -1, np.int64)
            if cs is None
            else self._codes(cs, self.calls, lower=False, last=self._last, luts=self._luts),
        )

    @staticmethod
    def _codes(
        arr: pa.Array,
        codes: Codes,
        lower: bool,
        last: dict[bool, tuple[pa.Array, np.ndarray]] | None = None,
        luts: dict[bool, tuple[pa.Array, np.ndarray]] | None = None,
    ) -> np.ndarray:
        """Each value's code in ``codes``: a string column's from its bytes
        (:func:`_packed_codes`), a dictionary-encoded one's from its dictionary's
        (:func:`_given_dictionary_codes`, ``luts`` by ``lower``), any other's by
        :func:`_dictionary_codes`, whose ``last`` (the names and codes of the previous call,
        by ``lower``) is read and replaced: names found among them are not looked up again."""
        if pa.types.is_null(arr.type):
            return np.full(len(arr), -1, np.int64)
        if arr.type in (pa.string(), pa.large_string()) and len(arr):
            return _packed_codes(arr, codes, lower)
        if pa.types.is_dictionary(arr.type) and len(arr):
            return _given_dictionary_codes(arr, codes, lower, {} if luts is None else luts)
        return _dictionary_codes(arr, codes, lower, last)


def _dictionary_codes(
    arr: pa.Array,
    codes: Codes,
    lower: bool,
    last: dict[bool, tuple[pa.Array, np.ndarray]] | None = None,
) -> np.ndarray:
    """:meth:`BatchDecoder._codes` by Arrow's dictionary encoding of the whole column."""
    # the distinct raw values first, then each trimmed (and lowered) once: variants of one
    # name get one code, in order of first appearance, as when the column is normalised
    enc = pc.dictionary_encode(pc.cast(arr, pa.string()))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    names = pc.utf8_trim_whitespace(enc.dictionary)
    if lower:
        names = pc.utf8_lower(names)
    prev = last.get(lower) if last is not None else None
    if prev is None:
        known = codes.encode_unique(names.to_pylist())
    else:
        # names of the last call: their codes by one hash join; the others looked up (in
        # order, so new names are numbered in order of first appearance)
        at = pc.index_in(names, value_set=prev[0]).to_numpy(zero_copy_only=False)
        hit = ~np.isnan(at.astype(np.float64))
        known = np.empty(len(names), np.int64)
        known[hit] = prev[1][at[hit].astype(np.int64)]
        miss = np.flatnonzero(~hit)
        if miss.size:
            known[miss] = codes.encode_unique(names.take(miss).to_pylist())
    if last is not None:
        last[lower] = (names, known)
    lut = np.append(known, -1)
    idx = enc.indices.fill_null(len(enc.dictionary)).to_numpy(zero_copy_only=False)
    return lut[idx]


_UNSEEN = -2
"""A dictionary value's code before a batch uses it."""


def _given_dictionary_codes(
    arr: pa.DictionaryArray,
    codes: Codes,
    lower: bool,
    luts: dict[bool, tuple[pa.Array, np.ndarray]],
) -> np.ndarray:
    """:meth:`BatchDecoder._codes` of a dictionary-encoded column (a Parquet file's strings,
    read as their dictionary): each dictionary value is coded once, when a batch first uses
    it, in order of first appearance, as the same values as plain text would be; the batch's
    codes are then one gather. ``luts[lower]`` (the last dictionary and its values' codes) is
    read and replaced."""
    from .codes_compiled import first_seen

    d = arr.dictionary
    prev = luts.get(lower)
    if prev is not None and prev[0].equals(d):
        d, lut = prev
    else:
        lut = np.full(len(d) + 1, _UNSEEN, np.int64)
        lut[-1] = -1  # null
    idx = arr.indices
    idx = (idx.fill_null(len(d)) if idx.null_count else idx).to_numpy(zero_copy_only=False)
    out = lut[idx]
    miss = np.flatnonzero(out == _UNSEEN)
    if miss.size:
        new = first_seen(idx[miss], len(d))
        if new.size:
            names = d.take(pa.array(new))
            if names.type not in (pa.string(), pa.large_string()):
                names = pc.cast(names, pa.string())
            lut[new] = _packed_codes(names, codes, lower)
            out[miss] = lut[idx[miss]]
    luts[lower] = (d, lut)
    return out


def _packed_codes(arr: pa.Array, codes: Codes, lower: bool) -> np.ndarray:
    """:meth:`BatchDecoder._codes` of a string column: names of up to 8 ASCII bytes coded
    from their bytes (:mod:`.codes_compiled`), the others by Arrow's dictionary encoding;
    new names get codes in order of first appearance, as there."""
    from .codes_compiled import grown, lookup, packed_keys, settle_codes

    n = len(arr)
    wide = arr.type == pa.large_string()
    validity, offs, data = arr.buffers()
    offsets = np.frombuffer(
        offs, np.int64 if wide else np.int32, n + 1, arr.offset * (8 if wide else 4)
    )
    raw = np.frombuffer(data, np.uint8) if data is not None and data.size else np.zeros(8, np.uint8)
    if raw.ctypes.data % 8:  # (Arrow aligns its buffers)
        raw = raw.copy()
    words = raw[: raw.size // 8 * 8].view(np.uint64)
    valid = (
        np.frombuffer(validity, np.uint8)
        if validity is not None and arr.null_count
        else np.zeros(0, np.uint8)
    )
    keys, status = packed_keys(offsets, raw, words, valid, np.int64(arr.offset), lower)
    tk, tc, count = codes.packed_table()
    out = np.empty(n, np.int64)
    new_keys = np.empty(n, np.uint64)  # (pages touched only by the new keys)
    new_rows = np.empty(n, np.int64)
    row, m = 0, 0
    while row < n:
        row, m, count = lookup(keys, status, tk, tc, count, row, m, out, new_keys, new_rows)
        if 2 * count > tk.size:
            tk, tc = grown(tk, tc, 2 * tk.size)
    codes.set_packed_table(tk, tc, count)
    other = np.flatnonzero(out == -3)
    if m == 0 and other.size == 0:
        return out
    # the new names (and the unpacked values' names), in order of first appearance
    names = [k.to_bytes(8, "little").rstrip(b"\0").decode("ascii") for k in new_keys[:m].tolist()]
    firsts = [new_rows[:m]]
    if other.size:
        enc = pc.dictionary_encode(arr.take(pa.array(other)))
        idx = enc.indices.to_numpy()
        other_names = pc.utf8_trim_whitespace(enc.dictionary)
        if lower:
            other_names = pc.utf8_lower(other_names)
        names += other_names.to_pylist()
        firsts.append(other[np.unique(idx, return_index=True)[1]])
    order = np.argsort(np.concatenate(firsts), kind="stable")
    got = np.empty(order.size, np.int64)
    got[order] = codes.encode_unique([names[i] for i in order.tolist()])
    if m:
        settle_codes(out, tk, tc, new_keys[:m], got[:m])
    if other.size:
        out[other] = got[m:][idx]
    return out
