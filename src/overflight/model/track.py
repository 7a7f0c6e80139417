"""Track: an aircraft's ordered fixes as numpy arrays.

>>> t = Track.from_arrays("abc123", time=[0, 1, 2], lat=[60, 60.001, 60.002], lon=[25, 25, 25])
>>> len(t), t.duration
(3, 2.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Track"]

F64 = NDArray[np.float64]


def _col(values: ArrayLike | None, n: int, name: str) -> F64:
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Track:
    """Ordered fixes of one aircraft.

    ``time`` is UTC seconds since the Unix epoch (float64, strictly increasing); ``lat``/``lon``
    degrees WGS84; ``alt_baro`` pressure altitude in metres (1013.25 hPa datum, NaN unknown);
    ``alt_geo`` geometric (GNSS) altitude in metres above mean sea level (NaN unknown);
    ``accuracy_h`` optional per-fix horizontal 1-sigma error in metres (NaN unknown).
    Between fixes the aircraft is taken to move along the geodesic at constant speed.
    """

    id: str
    time: F64
    lat: F64
    lon: F64
    alt_baro: F64
    alt_geo: F64
    accuracy_h: F64
    callsign: str | None = None
    source: str | None = None
    meta: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_arrays(
        cls,
        id: str,
        *,
        time: ArrayLike,
        lat: ArrayLike,
        lon: ArrayLike,
        alt_baro: ArrayLike | None = None,
        alt_geo: ArrayLike | None = None,
        accuracy_h: ArrayLike | None = None,
        callsign: str | None = None,
        source: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Track:
        """Build a Track, checking shapes, ranges and time order (raises ValueError)."""
        t = np.asarray(time, dtype=np.float64).reshape(-1)
        n = t.shape[0]
        t = _col(t, n, "time")
        la, lo = _col(lat, n, "lat"), _col(lon, n, "lon")
        if not np.all(np.isfinite(t)):
            raise ValueError(f"time is not finite at fix {int(np.argmin(np.isfinite(t)))}")
        if not (np.all(np.isfinite(la)) and np.all(np.isfinite(lo))):
            raise ValueError("lat/lon must be finite")
        if np.any(np.abs(la) > 90):
            raise ValueError(f"latitude out of range at fix {int(np.argmax(np.abs(la) > 90))}")
        if np.any(np.abs(lo) > 360):
            raise ValueError(f"longitude out of range at fix {int(np.argmax(np.abs(lo) > 360))}")
        if np.any((lo < -180.0) | (lo >= 180.0)):
            lo = np.where((lo < -180.0) | (lo >= 180.0), ((lo + 180.0) % 360.0) - 180.0, lo)
        lo.setflags(write=False)
        dt = np.diff(t)
        if np.any(dt <= 0):
            i = int(np.argmax(dt <= 0)) + 1
            what = "duplicated" if dt[i - 1] == 0 else "decreasing"
            raise ValueError(f"{what} timestamp at fix {i}")
        return cls(
            id=str(id),
            time=t,
            lat=la,
            lon=lo,
            alt_baro=_col(alt_baro, n, "alt_baro"),
            alt_geo=_col(alt_geo, n, "alt_geo"),
            accuracy_h=_col(accuracy_h, n, "accuracy_h"),
            callsign=callsign,
            source=source,
            meta=MappingProxyType(dict(meta or {})),
        )

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def duration(self) -> float:
        return float(self.time[-1] - self.time[0]) if len(self) else 0.0

    @property
    def is_empty(self) -> bool:
        return len(self) == 0

    def clip(self, start: float, end: float) -> Track:
        """Fixes with ``start <= time <= end`` as a new Track."""
        sel = (self.time >= start) & (self.time <= end)
        return self._select(sel)

    def _select(self, sel: NDArray[np.bool_] | slice) -> Track:
        return self.replaced(
            time=self.time[sel],
            lat=self.lat[sel],
            lon=self.lon[sel],
            alt_baro=self.alt_baro[sel],
            alt_geo=self.alt_geo[sel],
            accuracy_h=self.accuracy_h[sel],
        )

    def replaced(self, **changes: Any) -> Track:
        """A new Track with some columns or attributes replaced, checked like
        :meth:`from_arrays`.

        >>> Track.from_arrays("a", time=[0, 1], lat=[0, 0], lon=[0, 1]).replaced(id="b").id
        'b'
        """
        fields = {
            "time": self.time,
            "lat": self.lat,
            "lon": self.lon,
            "alt_baro": self.alt_baro,
            "alt_geo": self.alt_geo,
            "accuracy_h": self.accuracy_h,
            "callsign": self.callsign,
            "source": self.source,
            "meta": self.meta,
        }
        unknown = set(changes) - set(fields) - {"id"}
        if unknown:
            raise TypeError(f"unknown Track fields: {sorted(unknown)}")
        fields.update((k, v) for k, v in changes.items() if k != "id")
        return Track.from_arrays(changes.get("id", self.id), **fields)

    def reversed(self) -> Track:
        """The same path flown backwards in time (time mirrored about the start)."""
        t = self.time[0] + (self.time[-1] - self.time[::-1])
        back = slice(None, None, -1)
        return self.replaced(
            time=t,
            lat=self.lat[back],
            lon=self.lon[back],
            alt_baro=self.alt_baro[back],
            alt_geo=self.alt_geo[back],
            accuracy_h=self.accuracy_h[back],
        )

    def shifted(self, seconds: float) -> Track:
        """The same track with every time shifted by ``seconds``."""
        return self.replaced(time=self.time + seconds)
