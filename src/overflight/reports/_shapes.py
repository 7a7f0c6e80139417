"""Shared drawing helpers for the figure and KML reports: outlines, labels, track pieces.

Nothing here imports matplotlib; positions are lon/lat degrees, altitudes metres, times UTC
epoch seconds.

>>> from overflight.model import Track
>>> t = Track.from_arrays("a", time=[0, 10], lat=[60, 60], lon=[25, 25.01],
...                       alt_baro=[100, 200], alt_geo=[float("nan"), 230])
>>> track_altitude(t)[0].tolist(), track_altitude(t)[1]
([100.0, 230.0], 'alt_geo, else alt_baro')
>>> hhmmss(3725.4)
'01:02:05Z'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from ..analysis.check import prepare_airspace
from ..analysis.params import CheckOutcome, CheckParameters
from ..geometry.boundary import densify_geodesic, ring_points
from ..geometry.distance import boundary_distance
from ..geometry.path import TrackPath
from ..model import Airspace, CheckResult, Reference, Track, VerticalLimit

__all__ = [
    "INSIDE",
    "LATERAL",
    "OUTSIDE",
    "TrackPieces",
    "airspace_rings",
    "as_results",
    "hhmmss",
    "limit_text",
    "signed_distance",
    "track_altitude",
    "track_pieces",
    "unique_airspaces",
    "vertical_text",
]

F64 = NDArray[np.float64]
OUTSIDE, LATERAL, INSIDE = 0, 1, 2
"""Track piece classes: outside, laterally inside but above/below, inside the volume."""


def as_results(outcome_or_results: CheckOutcome | Iterable[CheckResult]) -> list[CheckResult]:
    """The results of a :class:`CheckOutcome`, or the given results as a list."""
    if isinstance(outcome_or_results, CheckOutcome):
        return list(outcome_or_results.results)
    return list(outcome_or_results)


def unique_airspaces(results: Iterable[CheckResult]) -> list[Airspace]:
    """Each airspace of ``results`` once, in order of first appearance."""
    seen: dict[int, Airspace] = {}
    for r in results:
        seen.setdefault(id(r.airspace), r.airspace)
    return list(seen.values())


def airspace_rings(
    airspace: Airspace, tol_m: float = 5.0, max_len_m: float = 1000.0
) -> list[list[tuple[F64, F64]]]:
    """Per polygon, its rings (exterior first) as open lon/lat rings for drawing: arcs within
    ``tol_m`` of the true curve, geodesic edges split every ``max_len_m`` so they draw curved.

    >>> from overflight.model import Circle, Polygon
    >>> a = Airspace("C", "R", (Polygon(Circle(60.0, 25.0, 5000.0)),),
    ...              VerticalLimit.surface(), VerticalLimit.parse("FL65"))
    >>> [len(r) for r in airspace_rings(a)], len(airspace_rings(a)[0][0][0]) > 50
    ([1], True)
    """
    out = []
    for poly in airspace.polygons:
        rings = []
        for ring in (poly.exterior, *poly.holes):
            lon, lat = ring_points(ring, "geodesic", tol_m)
            lon, lat = densify_geodesic(lon, lat, max_len_m)
            rings.append((lon, lat))
        out.append(rings)
    return out


def limit_text(limit: VerticalLimit) -> str:
    """A vertical limit as printed on charts: ``GND``, ``2500ft MSL``, ``FL95``, ``UNL``.

    >>> limit_text(VerticalLimit.parse("2500 ft AMSL")), limit_text(VerticalLimit.surface())
    ('2500ft MSL', 'GND')
    """
    if limit.reference is Reference.SFC:
        head = "GND"
    elif limit.reference is Reference.UNL:
        head = "UNL"
    elif limit.unit == "FL":
        head = f"FL{limit.value:g}"
    else:
        ref = "MSL" if limit.reference is Reference.AMSL else limit.reference.value
        head = f"{limit.value:g}{limit.unit} {ref}"
    if limit.other is not None:
        word = "higher" if limit.rule == "higher" else "lower"
        head += f" or {limit_text(limit.other)}, whichever is {word}"
    return head


def vertical_text(airspace: Airspace) -> str:
    """``floor – ceiling`` of an airspace.

    >>> from overflight.model import Circle, Polygon
    >>> a = Airspace("C", "R", (Polygon(Circle(60.0, 25.0, 5000.0)),),
    ...              VerticalLimit.surface(), VerticalLimit.parse("FL65"))
    >>> vertical_text(a)
    'GND – FL65'
    """
    return f"{limit_text(airspace.floor)} – {limit_text(airspace.ceiling)}"


def hhmmss(t: float) -> str:
    """UTC epoch seconds as ``HH:MM:SSZ`` (rounded to the second)."""
    dt = datetime.fromtimestamp(round(t), tz=UTC)
    return dt.strftime("%H:%M:%SZ")


def track_altitude(track: Track) -> tuple[F64, str]:
    """Per fix the geometric altitude where known, else the pressure altitude (metres; NaN when
    neither is known), and a note saying so."""
    alt = np.where(np.isfinite(track.alt_geo), track.alt_geo, track.alt_baro)
    return alt.astype(np.float64), "alt_geo, else alt_baro"


def _intervals(results: Sequence[CheckResult], track: Track) -> list[tuple[float, float, int]]:
    out: list[tuple[float, float, int]] = []
    for r in results:
        if r.track_id != track.id:
            continue
        for inc in r.lateral_passes:
            out.append((inc.entry_time, inc.exit_time, LATERAL))
        for inc in r.incursions:
            inside = inc.vertical in ("inside", "unknown") and inc.activation != "inactive"
            out.append((inc.entry_time, inc.exit_time, INSIDE if inside else LATERAL))
    return out


@dataclass(frozen=True)
class TrackPieces:
    """A track's fixes with the entry/exit points inserted, and the class of each segment."""

    time: F64
    lon: F64
    lat: F64
    alt: F64
    cls: NDArray[np.int64]  # one per segment (len(time) - 1): OUTSIDE, LATERAL or INSIDE


def track_pieces(track: Track, results: Sequence[CheckResult]) -> TrackPieces:
    """Split ``track`` at every entry and exit of ``results`` (those of this track) and class
    each segment; positions at the inserted times lie on the geodesic between fixes.

    >>> from overflight.model import Circle, Polygon
    >>> from overflight.analysis.check import check
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
    >>> p = track_pieces(trk, check([trk], [zone]).results)
    >>> len(p.time), p.cls.tolist()
    (4, [0, 2, 0])
    """
    iv = _intervals(results, track)
    extra = np.array([t for a, b, _ in iv for t in (a, b)], dtype=np.float64)
    t = np.union1d(track.time, extra) if extra.size else np.asarray(track.time, dtype=np.float64)
    alt, _ = track_altitude(track)
    if len(track) >= 2:
        path = TrackPath.build(track.time, track.lon, track.lat, max_len_m=math.inf)
        lon, lat = path.point_at(t)
        ok = np.isfinite(alt)
        a = np.interp(t, track.time[ok], alt[ok]) if ok.sum() >= 1 else np.full(t.shape, np.nan)
        # keep the fixes' own values exactly
        k = np.searchsorted(t, track.time)
        lon[k], lat[k], a[k] = track.lon, track.lat, alt
    else:
        lon, lat, a = (np.array(track.lon), np.array(track.lat), np.array(alt))
    cls = np.zeros(max(len(t) - 1, 0), dtype=np.int64)
    if len(t) >= 2:
        mid = 0.5 * (t[:-1] + t[1:])
        for t0, t1, c in iv:
            sel = (mid > t0) & (mid < t1)
            cls[sel] = np.maximum(cls[sel], c)
    return TrackPieces(t, lon, lat, a, cls)


def signed_distance(result: CheckResult, track: Track) -> tuple[F64, F64, NDArray[np.int64]]:
    """Times, signed geodesic distance to the lateral boundary (m, positive laterally inside,
    the sign from the result's intervals) and the class of each segment between them.

    Sampled at the fixes, the entries and exits, and every 500 m along the path.

    >>> from overflight.model import Circle, Polygon
    >>> from overflight.analysis.check import check
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
    >>> t, d, cls = signed_distance(check([trk], [zone]).results[0], trk)
    >>> round(float(d.max())), round(float(d[0]))
    (10000, -12264)
    """
    pieces = track_pieces(track, [result])
    t = pieces.time
    if len(track) >= 2:
        dense = TrackPath.build(track.time, track.lon, track.lat, max_len_m=500.0).time
        if dense.size > 20_000:
            dense = dense[:: math.ceil(dense.size / 20_000)]
        t = np.union1d(t, dense)
        lon, lat = TrackPath.build(track.time, track.lon, track.lat, max_len_m=math.inf).point_at(t)
    else:
        lon, lat = np.asarray(track.lon), np.asarray(track.lat)
    pe = prepare_airspace(result.airspace, CheckParameters()).outline
    d, _, _ = boundary_distance(lon, lat, pe)
    inside = np.zeros(t.shape, bool)
    for inc in (*result.incursions, *result.lateral_passes):
        inside |= (t >= inc.entry_time) & (t <= inc.exit_time)
    sd = np.where(inside, d, -d)
    mid = 0.5 * (t[:-1] + t[1:])
    cls = np.zeros(mid.shape, np.int64)
    k = np.clip(np.searchsorted(pieces.time, mid, side="right") - 1, 0, max(len(pieces.cls) - 1, 0))
    if pieces.cls.size:
        cls = pieces.cls[k]
    return t, sd, cls
