"""Collect fixes one by one (as text readers meet them) and turn them into a Track.

The shared cleaning of the GPX, IGC, KML and GeoJSON readers:

* a fix at the same time and place as the one before it is dropped (counted in a warning);
* a fix at the same time as the one before but elsewhere is dropped too, with its own warning
  (loggers writing two fixes within one second; the first is kept);
* a fix whose time goes back is an error (``ParseError`` at that fix's line or record);
* a latitude outside [-90, 90] or a longitude outside [-180, 180] is an error.

Each fix may carry a flag (an IGC ``V`` fix, say); the kept flagged fixes are listed in
``meta["invalid_fixes"]`` as indices into the Track.

>>> from pathlib import Path
>>> buf = FixBuffer(Path("f.gpx"))
>>> for t in (0.0, 1.0, 1.0, 2.0):
...     buf.add(t, 60.0, 25.0 + t / 1000, where=f"pt {int(t)}")
>>> warnings = []
>>> track = buf.build("x", warnings=warnings)
>>> len(track), warnings
(3, ['f.gpx: x: dropped 1 duplicate fixes (same time and position)'])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ParseError
from ...model import Track

__all__ = ["FixBuffer", "iso_utc"]

_NAN = math.nan


def iso_utc(t: float) -> str:
    """Epoch seconds as ``YYYY-MM-DDThh:mm:ss[.ffffff]Z``.

    >>> iso_utc(1658000491.0)
    '2022-07-16T19:41:31Z'
    """
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


@dataclass
class FixBuffer:
    """Fixes of one track, in file order, each with where it came from (line or record)."""

    path: Path
    time: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    alt_baro: list[float] = field(default_factory=list)
    alt_geo: list[float] = field(default_factory=list)
    accuracy_h: list[float] = field(default_factory=list)
    flagged: list[bool] = field(default_factory=list)
    where: list[int | str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.time)

    def add(
        self,
        time: float,
        lat: float,
        lon: float,
        *,
        alt_baro: float = _NAN,
        alt_geo: float = _NAN,
        accuracy_h: float = _NAN,
        flagged: bool = False,
        where: int | str,
    ) -> None:
        """Append one fix; checks the position range at once (ParseError at ``where``)."""
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ParseError(self.path, where, f"position out of range: lat={lat}, lon={lon}")
        if not math.isfinite(time):
            raise ParseError(self.path, where, f"time is not finite: {time}")
        self.time.append(time)
        self.lat.append(lat)
        self.lon.append(lon)
        self.alt_baro.append(alt_baro)
        self.alt_geo.append(alt_geo)
        self.accuracy_h.append(accuracy_h)
        self.flagged.append(flagged)
        self.where.append(where)

    def extend(self, other: FixBuffer) -> None:
        """Append every fix of ``other``."""
        for name in ("time", "lat", "lon", "alt_baro", "alt_geo", "accuracy_h", "flagged"):
            getattr(self, name).extend(getattr(other, name))
        self.where.extend(other.where)

    def sort_by_time(self) -> bool:
        """Sort the fixes by time (stable); True if they were not in order."""
        order = sorted(range(len(self.time)), key=self.time.__getitem__)
        if order == list(range(len(order))):
            return False
        for name in ("time", "lat", "lon", "alt_baro", "alt_geo", "accuracy_h", "flagged", "where"):
            values = getattr(self, name)
            setattr(self, name, [values[i] for i in order])
        return True

    def build(
        self,
        id: str,
        *,
        warnings: list[str],
        callsign: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Track:
        """The Track of the collected fixes (see the module docstring for the cleaning)."""
        if not self.time:
            raise ParseError(self.path, None, f"{id}: no fix")
        t = np.asarray(self.time, dtype=np.float64)
        lat = np.asarray(self.lat, dtype=np.float64)
        lon = np.asarray(self.lon, dtype=np.float64)
        dt = np.diff(t)
        if np.any(dt < 0):
            i = int(np.argmax(dt < 0)) + 1
            raise ParseError(
                self.path,
                self.where[i],
                f"time goes back to {iso_utc(t[i])} after {iso_utc(t[i - 1])}",
            )
        same_t = dt == 0
        same_pos = (np.diff(lat) == 0) & (np.diff(lon) == 0)
        keep = np.ones(t.shape[0], dtype=bool)
        keep[1:] = ~same_t
        n_dup = int((same_t & same_pos).sum())
        n_clash = int((same_t & ~same_pos).sum())
        if n_dup:
            warnings.append(
                f"{self.path}: {id}: dropped {n_dup} duplicate fixes (same time and position)"
            )
        if n_clash:
            i = int(np.argmax(same_t & ~same_pos)) + 1
            warnings.append(
                f"{self.path}: {id}: dropped {n_clash} fixes timed in the same second as the "
                f"fix before them but elsewhere (first at {self.where[i]}, {iso_utc(t[i])})"
            )
        info = dict(meta or {})
        flags = np.asarray(self.flagged, dtype=bool)[keep]
        if flags.any():
            info["invalid_fixes"] = tuple(int(i) for i in np.flatnonzero(flags))
        try:
            return Track.from_arrays(
                id,
                time=t[keep],
                lat=lat[keep],
                lon=lon[keep],
                alt_baro=np.asarray(self.alt_baro, dtype=np.float64)[keep],
                alt_geo=np.asarray(self.alt_geo, dtype=np.float64)[keep],
                accuracy_h=np.asarray(self.accuracy_h, dtype=np.float64)[keep],
                callsign=callsign,
                source=str(self.path),
                meta=info,
            )
        except ValueError as exc:  # pragma: no cover - the checks above should catch it all
            raise ParseError(self.path, None, f"{id}: {exc}") from exc
