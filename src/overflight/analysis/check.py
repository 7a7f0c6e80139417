"""The core check: tracks x airspaces -> incursions, depth, vertical position, closest approach.

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
>>> r = check([trk], [zone]).results[0]
>>> inc = r.incursions[0]
>>> round(inc.entry_time, 2), round(inc.exit_time, 2), round(inc.max_depth_m)
(27.54, 72.46, 10000)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import shapely
from numpy.typing import NDArray

from ..geometry.boundary import PolygonEdges, polygon_edges
from ..geometry.extremum import distance_extremum
from ..geometry.frame import local_xy
from ..geometry.geodesic import MEAN_RADIUS, inverse, unit_vectors
from ..geometry.path import TrackPath
from ..geometry.vertical import VerticalProfile, fill_altitude
from ..model import Airspace, CheckResult, ClosestApproach, Incursion, Track
from ..model.result import Activation
from .activation import Windows, parse_windows, split_by_activation
from .caps import airspace_cap
from .lateral import inside_intervals, near_runs, union_intervals
from .params import CheckOutcome, CheckParameters

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = [
    "PreparedAirspace",
    "check",
    "check_pair",
    "check_prepared",
    "make_incursion",
    "margin_top",
    "prepare_airspace",
    "vertical_margin",
    "vertical_pieces",
]

F64 = NDArray[np.float64]
MAX_SEGMENT_M = 20_000.0


@dataclass(frozen=True)
class PreparedAirspace:
    """An airspace with its boundary turned into geodesic edges, once per run."""

    airspace: Airspace
    polygons: tuple[PolygonEdges, ...]
    outline: PolygonEdges  # every ring of every polygon, for distances
    center_lon: float
    center_lat: float
    radius_m: float
    windows: Windows = None


def prepare_airspace(airspace: Airspace, params: CheckParameters) -> PreparedAirspace:
    """Densify an airspace's exact definition for the geometry (raises ValueError if unusable)."""
    polys = tuple(
        polygon_edges(p, params.edges, params.arc_tolerance_m, MAX_SEGMENT_M)
        for p in airspace.polygons
    )
    if len(polys) == 1:
        outline = polys[0]
    else:
        cat = np.concatenate
        outline = PolygonEdges(
            rings=tuple(r for p in polys for r in p.rings),
            lon1=cat([p.lon1 for p in polys]),
            lat1=cat([p.lat1 for p in polys]),
            lon2=cat([p.lon2 for p in polys]),
            lat2=cat([p.lat2 for p in polys]),
            center_lon=polys[0].center_lon,
            center_lat=polys[0].center_lat,
            radius_m=0.0,
        )
    # one cap around everything: centre of the first polygon, radius to the farthest vertex
    # (one polygon: its own radius, measured from that centre to the same vertices)
    c_lon, c_lat = polys[0].center_lon, polys[0].center_lat
    lon = outline.lon1
    lat = outline.lat1
    radius = (
        polys[0].radius_m
        if len(polys) == 1
        else float(
            inverse(c_lon, c_lat, np.append(lon, outline.lon2), np.append(lat, outline.lat2))[
                2
            ].max()
        )
    )
    outline = PolygonEdges(
        outline.rings,
        outline.lon1,
        outline.lat1,
        outline.lon2,
        outline.lat2,
        c_lon,
        c_lat,
        radius,
        outline.circle if len(polys) == 1 else None,
    )
    windows = parse_windows(airspace.meta.get("activation"))
    return PreparedAirspace(airspace, polys, outline, c_lon, c_lat, radius, windows)


@dataclass(frozen=True)
class _PreparedTrack:
    track: Track
    path: TrackPath
    tree: cKDTree | None
    filled: int


def _prepare_track(track: Track) -> _PreparedTrack:
    ab, nb = fill_altitude(track.time, track.alt_baro)
    ag, ng = fill_altitude(track.time, track.alt_geo)
    path = TrackPath.build(track.time, track.lon, track.lat, ab, ag, MAX_SEGMENT_M)
    from scipy.spatial import cKDTree  # (scipy's import: ~0.25 s, on first use)

    tree = cKDTree(unit_vectors(path.lon, path.lat)) if len(path) else None
    return _PreparedTrack(track, path, tree, nb + ng)


def _chord(dist_m: float) -> float:
    ang = min(math.pi, dist_m / MEAN_RADIUS)
    return 2.0 * math.sin(ang / 2.0)


def check_pair(
    track: Track, airspace: Airspace | PreparedAirspace, params: CheckParameters | None = None
) -> CheckResult | None:
    """Check one track against one airspace; None when they are farther apart than
    ``params.search_m``."""
    params = params or CheckParameters()
    prep = (
        airspace if isinstance(airspace, PreparedAirspace) else prepare_airspace(airspace, params)
    )
    pt = _prepare_track(track)
    return _check_prepared(pt, prep, params)


def check_prepared(
    track: Track,
    prepared_airspaces: Sequence[PreparedAirspace],
    params: CheckParameters | None = None,
    *,
    closest_approach: bool = True,
    lateral_passes: bool = True,
) -> list[CheckResult | None]:
    """Check one track against airspaces already prepared (:func:`prepare_airspace`, once per
    run): one result per airspace, None when they are farther apart than ``params.search_m``.

    The track is densified and indexed once for all of them. ``closest_approach=False``
    skips the closest-approach search (its cost is that of a second depth search): results
    then carry ``closest_approach=None``, and an airspace the track never enters laterally
    gives None whatever the search distance. ``lateral_passes=False`` leaves out the passes
    above or below (no depth search for them). Incursions are the same either way.

    >>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> params = CheckParameters()
    >>> prep = prepare_airspace(zone, params)
    >>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
    >>> [r.incursions[0].entry_time.__round__(2) for r in check_prepared(trk, [prep], params)]
    [27.54]
    >>> far = Track.from_arrays("f", time=[0, 100], lat=[1, 1], lon=[-0.2, 0.2])
    >>> check_prepared(far, [prep], params, closest_approach=False)
    [None]
    """
    params = params or CheckParameters()
    if len(track) == 0:
        return [None] * len(prepared_airspaces)
    pt = _prepare_track(track)
    return [
        _check_prepared(pt, prep, params, closest_approach, lateral_passes)
        for prep in prepared_airspaces
    ]


def _near_indices(pt: _PreparedTrack, prep: PreparedAirspace, reach_m: float) -> NDArray[np.int64]:
    if pt.tree is None:
        return np.empty(0, np.int64)
    c = unit_vectors([prep.center_lon], [prep.center_lat])[0]
    # the unit-sphere chord understates ellipsoidal distances by < 0.6 %: pad by 1 %
    idx = pt.tree.query_ball_point(c, _chord(reach_m * 1.01 + 1000.0))
    return np.asarray(sorted(idx), dtype=np.int64)


def _check_prepared(
    pt: _PreparedTrack,
    prep: PreparedAirspace,
    params: CheckParameters,
    closest_approach: bool = True,
    lateral_passes: bool = True,
) -> CheckResult | None:
    path = pt.path
    if len(path) == 0:
        return None
    near = _near_indices(pt, prep, prep.radius_m + MAX_SEGMENT_M)
    lateral: list[tuple[float, float]] = []
    warnings: list[str] = []
    if near.size:
        for pe in prep.polygons:
            iv, w = inside_intervals(path, pe, near)
            lateral.extend(iv)
            warnings.extend(w)
    lateral = union_intervals(lateral)
    if not closest_approach and not lateral:
        return None
    profile = VerticalProfile.build(
        prep.airspace.floor, prep.airspace.ceiling, path.alt_baro, path.alt_geo
    )
    t_first, t_last = float(path.time[0]), float(path.time[-1])
    incursions: list[Incursion] = []
    passes: list[Incursion] = []
    for ta, tb in lateral:
        for p0, p1, status, via0, via1 in vertical_pieces(path, profile, ta, tb, t_first, t_last):
            if not lateral_passes and status not in ("inside", "unknown"):
                continue
            for a0, a1, act in split_by_activation(p0, p1, prep.windows):
                inc = make_incursion(
                    path,
                    prep,
                    profile,
                    a0,
                    a1,
                    status,
                    via0 if a0 == p0 else "activation",
                    via1 if a1 == p1 else "activation",
                )
                inc = replace(inc, activation=act)
                (incursions if status in ("inside", "unknown") else passes).append(inc)
    if pt.filled:
        warnings.append(f"{pt.filled} missing altitudes interpolated in time")
    approach: ClosestApproach | None = None
    if not closest_approach:
        if not incursions and not passes:
            return None
    elif not any(i.vertical == "inside" and i.activation != "inactive" for i in incursions):
        approach = _closest_approach(pt, prep, profile, lateral, params)
        if approach is None or (approach.lateral_m > params.search_m and not incursions):
            return None
    reasons = profile.reasons()
    return CheckResult(
        track_id=pt.track.id,
        callsign=pt.track.callsign,
        airspace=prep.airspace,
        incursions=tuple(incursions),
        lateral_passes=tuple(passes),
        closest_approach=approach,
        altitude_source=profile.sources(),
        warnings=tuple(warnings + [f"vertical status unknown: {r}" for r in reasons if incursions]),
    )


def vertical_pieces(
    path: TrackPath, profile: VerticalProfile, ta: float, tb: float, t_first: float, t_last: float
) -> list[tuple[float, float, str, str, str]]:
    """Split a lateral interval where the altitude crosses floor or ceiling:
    (start, end, status, entry_via, exit_via)."""
    tc, kinds = profile.crossing_times(path.time, ta, tb)
    bounds = np.concatenate([[ta], tc, [tb]])
    vias = ["start" if ta == t_first else "lateral", *kinds, "end" if tb == t_last else "lateral"]
    mids = 0.5 * (bounds[:-1] + bounds[1:]) if bounds.size > 1 else bounds
    if ta == tb:
        mids = np.array([ta])
        bounds = np.array([ta, tb])
    status = profile.status_at(path.time, mids)
    pieces: list[tuple[float, float, str, str, str]] = []
    for k, st in enumerate(status):
        if pieces and pieces[-1][2] == st:
            s0, _, _, v0, _ = pieces[-1]
            pieces[-1] = (s0, float(bounds[k + 1]), str(st), v0, vias[k + 1])
        else:
            pieces.append((float(bounds[k]), float(bounds[k + 1]), str(st), vias[k], vias[k + 1]))
    return pieces


def vertical_margin(top: float, status: str) -> float | None:
    """An incursion's vertical margin from ``top``, the largest of the least margins to floor
    and ceiling at its ends and the fixes between (NaN-skipping; altitude is linear between
    fixes, so these hold the extremes): inside, the deepest vertical penetration; above or
    below, the least clearance (never negative); None when unknown or unbounded."""
    if not math.isfinite(top):
        return None
    vm = top if status == "inside" else -top
    return max(vm, 0.0)


def margin_top(profile: VerticalProfile, path: TrackPath, t0: float, t1: float) -> float:
    """The ``top`` of :func:`vertical_margin` over [t0, t1] (NaN when nothing is known)."""
    # the fixes strictly inside (t0, t1): times are sorted, so one slice
    inner = path.time[np.searchsorted(path.time, t0, "right") : np.searchsorted(path.time, t1)]
    ts = np.concatenate([[t0], inner, [t1]])
    fm, cm = profile.margins_at(path.time, ts)
    margin = np.fmin(fm, cm)
    return float(np.fmax.reduce(margin))  # fmax skips NaN


def make_incursion(
    path: TrackPath,
    prep: PreparedAirspace,
    profile: VerticalProfile,
    t0: float,
    t1: float,
    status: str,
    via0: str,
    via1: str,
    ends: tuple[F64, F64] | None = None,
    deepest: tuple[float, float, float, float] | None = None,
    activation: Activation = "always",
    top: float | None = None,
) -> Incursion:
    """The incursion over [t0, t1]; ``ends`` (lon, lat of both ends), ``deepest`` (the
    depth search's result) and ``top`` (:func:`margin_top`) when already computed for many
    at once (the archive scan)."""
    lon, lat = path.point_at(np.array([t0, t1])) if ends is None else ends
    depth, td, dlon, dlat = (
        distance_extremum(path, prep.outline, t0, t1, maximize=True) if deepest is None else deepest
    )
    vm = vertical_margin(margin_top(profile, path, t0, t1) if top is None else top, status)
    reasons = profile.reasons()
    return Incursion(
        entry_time=t0,
        exit_time=t1,
        entry_point=(float(lat[0]), float(lon[0])),
        exit_point=(float(lat[1]), float(lon[1])),
        max_depth_m=depth,
        max_depth_time=td,
        max_depth_point=(dlat, dlon),
        vertical=status,  # type: ignore[arg-type]
        entry_via=via0,  # type: ignore[arg-type]
        exit_via=via1,  # type: ignore[arg-type]
        starts_inside=via0 == "start",
        ends_inside=via1 == "end",
        vertical_margin_m=vm,
        vertical_reason="; ".join(reasons) if status == "unknown" and reasons else None,
        activation=activation,
    )


def _separation(profile: VerticalProfile, path: TrackPath, ts: F64) -> F64:
    fm, cm = profile.margins_at(path.time, ts)
    return np.maximum(np.maximum(-fm, -cm), 0.0)


def _closest_approach(
    pt: _PreparedTrack,
    prep: PreparedAirspace,
    profile: VerticalProfile,
    lateral: list[tuple[float, float]],
    params: CheckParameters,
) -> ClosestApproach | None:
    path = pt.path
    if lateral:
        best: tuple[float, float] | None = None
        for ta, tb in lateral:
            inner = path.time[(path.time > ta) & (path.time < tb)]
            ts = np.concatenate([[ta], inner, [tb]])
            sep = _separation(profile, path, ts)
            if np.isfinite(sep).any():
                k = int(np.nanargmin(sep))
                if best is None or sep[k] < best[0]:
                    best = (float(sep[k]), float(ts[k]))
        t = best[1] if best else lateral[0][0]
        lon, lat = path.point_at(np.array([t]))
        return ClosestApproach(
            0.0, best[0] if best else None, t, (float(lat[0]), float(lon[0])), True
        )
    near = _near_indices(pt, prep, prep.radius_m + params.search_m + MAX_SEGMENT_M)
    if near.size == 0:
        return None
    best_d, best_t, best_lon, best_lat = math.inf, 0.0, 0.0, 0.0
    for i0, i1 in near_runs(near, len(path)):
        d, t, lon, lat = distance_extremum(
            path, prep.outline, float(path.time[i0]), float(path.time[i1]), maximize=False
        )
        if d < best_d:
            best_d, best_t, best_lon, best_lat = d, t, lon, lat
    sep = _separation(profile, path, np.array([best_t]))[0]
    return ClosestApproach(
        best_d, float(sep) if math.isfinite(sep) else None, best_t, (best_lat, best_lon), False
    )


def _simple(prep: PreparedAirspace) -> bool:
    """Whether every polygon's rings are free of self-intersections (checked in the local
    plane, good enough to warn)."""
    for pe in prep.polygons:
        rings = [
            np.column_stack(local_xy(rlon, rlat, pe.center_lon, pe.center_lat))
            for rlon, rlat in pe.rings
        ]
        if not shapely.is_valid(shapely.Polygon(rings[0], rings[1:])):
            return False
    return True


def check(
    tracks: Sequence[Track],
    airspaces: Sequence[Airspace],
    params: CheckParameters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckOutcome:
    """Check every track against every airspace.

    Pairs whose closest approach is beyond ``params.search_m`` are counted in
    ``beyond_search``, not listed. An airspace whose boundary cannot be used is skipped with a
    warning naming it. ``progress(done, total)`` is called after each track x airspace pair.
    """
    params = params or CheckParameters()
    warnings: list[str] = []
    # cheap caps first; an airspace is densified only when a track comes near it
    caps = [airspace_cap(a) for a in airspaces]
    prepared: dict[int, PreparedAirspace | None] = {}

    def prepare(k: int) -> PreparedAirspace | None:
        if k not in prepared:
            a = airspaces[k]
            where = f"{a.source}:{a.line}: " if a.source else ""
            try:
                prep: PreparedAirspace | None = prepare_airspace(a, params)
            except ValueError as exc:
                warnings.append(f"{where}airspace {a.name!r} skipped: {exc}")
                prep = None
            if prep is not None and not _simple(prep):
                warnings.append(
                    f"{where}airspace {a.name!r}: its boundary crosses itself; inside is taken "
                    "by the even-odd rule (a point is inside when a path to it crosses the "
                    "boundary an odd number of times)"
                )
            prepared[k] = prep
        return prepared[k]

    results: list[CheckResult] = []
    beyond = 0
    total = len(tracks) * len(airspaces)
    done = 0
    if caps:
        centers = unit_vectors([c[0] for c in caps], [c[1] for c in caps])
        reach = np.array(
            [_chord(c[2] + params.search_m + MAX_SEGMENT_M + 1000.0) * 1.01 for c in caps]
        )
    for track in tracks:
        if len(track) == 0:
            warnings.append(f"track {track.id!r} has no fixes")
            beyond += len(airspaces)
            done += len(airspaces)
            continue
        pt = _prepare_track(track)
        assert pt.tree is not None
        # which airspaces come anywhere near this track (one query per airspace cap)
        hits = pt.tree.query_ball_point(centers, reach, return_length=True) if caps else []
        for k in range(len(airspaces)):
            prep = prepare(k) if hits[k] else None
            res = _check_prepared(pt, prep, params) if prep is not None else None
            if res is None:
                beyond += 1
            else:
                results.append(res)
            done += 1
            if progress is not None:
                progress(done, total)
    return CheckOutcome(
        results=results, parameters=params, beyond_search=beyond, pairs=total, warnings=warnings
    )
