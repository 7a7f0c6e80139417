"""Optional Parquet archive of every accepted fix, in OpenSky state-vector columns.

Fixes are buffered and written as complete Parquet files
``fixes-<first time>-<session>-<n>.parquet`` in the archive folder every ``flush_rows`` fixes or
``flush_s`` seconds and on shutdown, so every file on disk is whole (a kill -9 loses at most the
unflushed buffer). The columns are those of the OpenSky historical database (``time``,
``icao24``, ``lat``, ``lon``, ``velocity``, ``heading``, ``vertrate``, ``callsign``,
``onground``, ``baroaltitude``, ``geoaltitude``, ``lastposupdate``; SI units), so
``overflight check archive/*.parquet zones.txt`` reads them.

>>> import tempfile, pathlib
>>> from overflight.service.fix import Fix
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> arc = FixArchive(d)
>>> arc.add(Fix("abc123", 100.0, 50.0, 8.0, alt_baro=1000.0))
>>> arc.flush(), len(list(d.glob("*.parquet")))
(1, 1)
"""

from __future__ import annotations

import time
from os import PathLike
from pathlib import Path

from .fix import Fix

__all__ = ["COLUMNS", "FixArchive"]

COLUMNS = (
    "time",
    "icao24",
    "lat",
    "lon",
    "velocity",
    "heading",
    "vertrate",
    "callsign",
    "onground",
    "baroaltitude",
    "geoaltitude",
    "lastposupdate",
)


class FixArchive:
    def __init__(
        self, folder: str | PathLike[str], *, flush_rows: int = 100_000, flush_s: float = 30.0
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.flush_rows = flush_rows
        self.flush_s = flush_s
        self._buf: list[Fix] = []
        self._last_flush = time.monotonic()
        self.files = 0
        self.rows = 0
        self._session = f"{int(time.time() * 1000):x}"

    def add(self, fix: Fix) -> None:
        self._buf.append(fix)
        if len(self._buf) >= self.flush_rows:
            self.flush()

    def due(self) -> bool:
        return bool(self._buf) and time.monotonic() - self._last_flush >= self.flush_s

    def flush(self) -> int:
        """Write the buffered fixes as one Parquet file; returns the rows written."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        buf, self._buf = self._buf, []
        self._last_flush = time.monotonic()
        if not buf:
            return 0
        buf.sort(key=lambda f: (f.icao24, f.time))
        cols = {
            "time": pa.array([f.time for f in buf], pa.float64()),
            "icao24": pa.array([f.icao24 for f in buf], pa.string()),
            "lat": pa.array([f.lat for f in buf], pa.float64()),
            "lon": pa.array([f.lon for f in buf], pa.float64()),
            "velocity": pa.array([f.gs for f in buf], pa.float64(), from_pandas=True),
            "heading": pa.array([f.track for f in buf], pa.float64(), from_pandas=True),
            "vertrate": pa.array([f.vrate for f in buf], pa.float64(), from_pandas=True),
            "callsign": pa.array([f.callsign for f in buf], pa.string()),
            "onground": pa.array([f.on_ground for f in buf], pa.bool_()),
            "baroaltitude": pa.array([f.alt_baro for f in buf], pa.float64(), from_pandas=True),
            "geoaltitude": pa.array([f.alt_geo for f in buf], pa.float64(), from_pandas=True),
            "lastposupdate": pa.array([f.time for f in buf], pa.float64()),
        }
        table = pa.table(cols)
        t0 = time.strftime("%Y%m%dT%H%M%S", time.gmtime(min(f.time for f in buf)))
        self.files += 1
        path = self.folder / f"fixes-{t0}-{self._session}-{self.files:05d}.parquet"
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)
        self.rows += len(buf)
        return len(buf)
