"""Exact incursions between two fixes (or along a short projected path), without the depth and
closest-approach work of the full check.

This is the core check's own pipeline (:func:`overflight.analysis.check.check_pair`) cut after
the incursion times: lateral intervals from the exact geodesic crossings
(:func:`overflight.analysis.lateral.inside_intervals`), split at floor/ceiling crossings by the
same vertical rules (``vertical_pieces`` of :mod:`overflight.analysis.check`, a
:class:`~overflight.geometry.vertical.VerticalProfile`) and by activation windows. Entry and exit
times are therefore those ``overflight check`` gives on the same fixes.

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> from overflight.analysis.check import prepare_airspace
>>> from overflight.analysis.params import CheckParameters
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
>>> p = segment_incursions(trk, prepare_airspace(zone, CheckParameters()))[0]
>>> round(p.entry_time, 2), round(p.exit_time, 2), p.vertical
(27.54, 72.46, 'inside')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.activation import split_by_activation
from ..analysis.check import MAX_SEGMENT_M, PreparedAirspace, vertical_pieces
from ..analysis.lateral import inside_intervals, union_intervals
from ..geometry.distance import boundary_distance
from ..geometry.path import TrackPath
from ..geometry.vertical import VerticalProfile, fill_altitude
from ..model import Track

__all__ = ["Piece", "max_depth", "segment_incursions"]


@dataclass(frozen=True)
class Piece:
    """An interval inside (laterally, and vertically ``inside`` or ``unknown``) while active."""

    entry_time: float
    exit_time: float
    entry_point: tuple[float, float]  # lat, lon
    exit_point: tuple[float, float]
    vertical: str
    starts_inside: bool
    ends_inside: bool


def segment_incursions(track: Track, prep: PreparedAirspace) -> list[Piece]:
    """Incursions (vertical inside/unknown, not in an inactive window) of ``track``."""
    ab, _ = fill_altitude(track.time, track.alt_baro)
    ag, _ = fill_altitude(track.time, track.alt_geo)
    path = TrackPath.build(track.time, track.lon, track.lat, ab, ag, MAX_SEGMENT_M)
    if len(path) == 0:
        return []
    near = np.arange(len(path), dtype=np.int64)
    lateral: list[tuple[float, float]] = []
    for pe in prep.polygons:
        lateral.extend(inside_intervals(path, pe, near)[0])
    lateral = union_intervals(lateral)
    if not lateral:
        return []
    a = prep.airspace
    profile = VerticalProfile.build(a.floor, a.ceiling, path.alt_baro, path.alt_geo)
    t_first, t_last = float(path.time[0]), float(path.time[-1])
    out: list[Piece] = []
    for ta, tb in lateral:
        for p0, p1, status, via0, via1 in vertical_pieces(path, profile, ta, tb, t_first, t_last):
            if status not in ("inside", "unknown"):
                continue
            for a0, a1, act in split_by_activation(p0, p1, prep.windows):
                if act == "inactive":
                    continue
                lon, lat = path.point_at(np.array([a0, a1]))
                out.append(
                    Piece(
                        a0,
                        a1,
                        (float(lat[0]), float(lon[0])),
                        (float(lat[1]), float(lon[1])),
                        status,
                        via0 == "start" and a0 == p0,
                        via1 == "end" and a1 == p1,
                    )
                )
    out.sort(key=lambda p: p.entry_time)
    return out


def max_depth(lat: np.ndarray, lon: np.ndarray, prep: PreparedAirspace) -> float | None:
    """Largest exact geodesic distance from the given (inside) points to the boundary.

    >>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
    >>> from overflight.analysis.check import prepare_airspace
    >>> from overflight.analysis.params import CheckParameters
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> round(max_depth(np.array([0.0]), np.array([0.0]), prepare_airspace(zone,
    ...       CheckParameters())))
    10000
    """
    if lat.size == 0:
        return None
    d, _, _ = boundary_distance(lon, lat, prep.outline)
    return float(np.max(d))
