"""P(entry) of a track into an airspace under a stated position-error model, by Monte Carlo.

Method. The airspace's geodesic boundary (``prepare_airspace``, so ``params.edges`` applies) is
densified to chords of at most ``CHORD_M`` and laid in the local plane of
``overflight.geometry.frame`` about its centre; the track becomes its geodesic path (segments of at
most ``PATH_STEP_M``) in the same plane. Errors are drawn at the fixes (``ErrorModel``) and
interpolated in time along the path, so each sample's path is the straight line between its
perturbed fixes. Only the part of the path that may matter is sampled:

* points and segments farther than ``MARGIN_SIGMAS`` standard deviations from the boundary keep
  their nominal inside/outside state (the chance that they change is below 1e-11 per fix);
* the other ("uncertain") segments are intersected with the nearby boundary chords in every
  sample (vectorised over samples x segment-chord pairs), the inside state carried along by the
  parity of crossings from a point tested with ``shapely.contains_xy``;
* the vertical state comes from the interpolated (perturbed) altitude against floor and ceiling
  (``overflight.geometry.vertical``); an altitude limit that cannot be decided (AGL without
  terrain, no altitude) never counts as inside, like the core check.

A sample enters when some stretch of its path is laterally and vertically inside. Its duration is
the total time inside (summed over incursions). Its maximum depth is approximated: the largest
distance to the boundary at the path points inside, linearised in the error (nominal distance plus
the error along the boundary normal), so it is a lower bound, low by at most half the spacing of
the path points (``PATH_STEP_M`` or the fixes' spacing, if smaller) plus the linearisation error
near boundary corners; when only the interior of a segment is inside, the depth is 0.
Activation windows are not applied. The same inputs and ``seed`` give identical numbers (samples
are drawn in batches whose size depends on the problem size only).

>>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> trk = Track.from_arrays("t", time=[0, 100], lat=[0, 0], lon=[-0.2, 0.2])
>>> r = entry_probability(trk, zone, samples=200, seed=1)
>>> r.p_entry, r.stderr, round(r.duration_s.median)
(1.0, 0.0, 45)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ..geometry.boundary import densify_geodesic
from ..geometry.frame import local_xy
from ..geometry.path import TrackPath
from ..geometry.vertical import VerticalProfile, fill_altitude
from ..model import Airspace, Track
from .check import prepare_airspace
from .error_model import ErrorModel
from .params import CheckParameters
from .vertical_band import _Vertical

__all__ = [
    "EntryProbability",
    "PlanarAirspace",
    "Spread",
    "entry_probability",
    "planar_airspace",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B2 = NDArray[np.bool_]

MARGIN_SIGMAS = 7.0
CHORD_M = 1_000.0
PATH_STEP_M = 500.0
CHUNK_ELEMENTS = 3_000_000  # samples x (points + segment-chord pairs) per batch
METHOD = (
    "Monte Carlo over perturbed fixes; lateral state from exact crossings of the perturbed "
    "path with boundary chords in a local plane; depth linearised in the error"
)


@dataclass(frozen=True)
class Spread:
    """Median and 5-95 % interval of a quantity over the samples that entered."""

    median: float
    p05: float
    p95: float

    @classmethod
    def of(cls, values: F64) -> Spread | None:
        if values.size == 0:
            return None
        q = np.quantile(values, [0.5, 0.05, 0.95])
        return cls(float(q[0]), float(q[1]), float(q[2]))

    def to_dict(self) -> dict[str, float]:
        return {"median": self.median, "p05": self.p05, "p95": self.p95}


@dataclass(frozen=True)
class EntryProbability:
    """P(entry) of one track into one airspace with its binomial standard error.

    ``p_lateral``: share of samples laterally inside at some time (whatever the altitude);
    ``duration_s`` and ``max_depth_m``: spread over the samples that entered (None if none).
    """

    p_entry: float
    stderr: float
    samples: int
    seed: int
    model: ErrorModel
    p_lateral: float
    entered_samples: int
    duration_s: Spread | None
    max_depth_m: Spread | None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_entry": self.p_entry,
            "stderr": self.stderr,
            "samples": self.samples,
            "seed": self.seed,
            "model": self.model.to_dict(),
            "method": METHOD,
            "p_lateral": self.p_lateral,
            "entered_samples": self.entered_samples,
            "duration_s": self.duration_s.to_dict() if self.duration_s else None,
            "max_depth_m": self.max_depth_m.to_dict() if self.max_depth_m else None,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class PlanarAirspace:
    """An airspace's footprint in the local plane about its centre, ready for sampling."""

    airspace: Airspace
    center_lon: float
    center_lat: float
    radius_m: float  # every boundary point lies within this plane distance of the centre
    shape: Any  # shapely (Multi)Polygon, prepared
    boundary: Any  # its boundary
    ex1: F64
    ey1: F64
    ex2: F64
    ey2: F64
    tree: Any  # STRtree over the chords


def planar_airspace(airspace: Airspace, params: CheckParameters | None = None) -> PlanarAirspace:
    """Lay an airspace's (geodesic) boundary in the local plane, chords <= ``CHORD_M``.

    >>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
    >>> a = Airspace("C", "R", (Polygon(Circle(60.0, 25.0, 5_000.0)),),
    ...              VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> round(planar_airspace(a).radius_m)
    5000
    """
    prep = prepare_airspace(airspace, params or CheckParameters())
    c_lon, c_lat = prep.center_lon, prep.center_lat
    polys = []
    for pe in prep.polygons:
        rings = []
        for rlon, rlat in pe.rings:
            lo, la = densify_geodesic(rlon, rlat, CHORD_M)
            x, y = local_xy(lo, la, c_lon, c_lat)
            rings.append(np.column_stack([x, y]))
        polys.append(shapely.make_valid(shapely.Polygon(rings[0], rings[1:])))
    shape = shapely.union_all(polys)
    parts = [g for g in shapely.get_parts(shape) if isinstance(g, shapely.Polygon)]
    shape = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    x1: list[F64] = []
    y1: list[F64] = []
    x2: list[F64] = []
    y2: list[F64] = []
    for poly in parts:
        for ring in (poly.exterior, *poly.interiors):
            xy = shapely.get_coordinates(ring)
            x1.append(xy[:-1, 0])
            y1.append(xy[:-1, 1])
            x2.append(xy[1:, 0])
            y2.append(xy[1:, 1])
    ex1, ey1, ex2, ey2 = (np.concatenate(v) for v in (x1, y1, x2, y2))
    shapely.prepare(shape)
    boundary = shape.boundary
    shapely.prepare(boundary)
    tree = shapely.STRtree(
        shapely.box(
            np.minimum(ex1, ex2), np.minimum(ey1, ey2), np.maximum(ex1, ex2), np.maximum(ey1, ey2)
        )
    )
    radius = float(np.hypot(ex1, ey1).max())
    return PlanarAirspace(airspace, c_lon, c_lat, radius, shape, boundary, ex1, ey1, ex2, ey2, tree)


# -- vertical -------------------------------------------------------------------------------------


def _runs(mask: B2) -> list[tuple[int, int]]:
    """(start, end) inclusive of consecutive True values."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    br = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[br + 1]])
    ends = np.concatenate([idx[br], [idx[-1]]])
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _crossings(ax: F64, ay: F64, bx: F64, by: F64, pa: PlanarAirspace, edge: I64) -> tuple[F64, B2]:
    """Fractions along segments A-B (pairs x samples) where they cross chords ``edge`` (pairs)."""
    px, py = pa.ex1[edge][:, None], pa.ey1[edge][:, None]
    qx, qy = (pa.ex2[edge] - pa.ex1[edge])[:, None], (pa.ey2[edge] - pa.ey1[edge])[:, None]
    rx, ry = bx - ax, by - ay
    den = rx * qy - ry * qx
    wx, wy = px - ax, py - ay
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (wx * qy - wy * qx) / den
        u = (wx * ry - wy * rx) / den
    ok = (s >= 0) & (s < 1) & (u >= 0) & (u < 1)
    return s, ok


# -- the sampler ----------------------------------------------------------------------------------


def entry_probability(
    track: Track,
    airspace: Airspace | PlanarAirspace,
    model: ErrorModel | None = None,
    samples: int = 10_000,
    seed: int = 0,
    params: CheckParameters | None = None,
) -> EntryProbability:
    """P(entry) of ``track`` into ``airspace`` under ``model``, by ``samples`` Monte Carlo draws
    seeded with ``seed`` (see the module docstring for the method and its approximations).

    >>> from overflight.model import Airspace, Circle, Polygon, Track, VerticalLimit
    >>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
    ...                 VerticalLimit.surface(), VerticalLimit.unlimited())
    >>> far = Track.from_arrays("t", time=[0, 100], lat=[1, 1], lon=[-0.2, 0.2])
    >>> entry_probability(far, zone, samples=100).p_entry
    0.0
    """
    model = model or ErrorModel()
    if samples < 1:
        raise ValueError(f"samples must be >= 1, got {samples}")
    pa = airspace if isinstance(airspace, PlanarAirspace) else planar_airspace(airspace, params)
    n = len(track)
    if n == 0:
        return _result(model, samples, seed, ())
    ab, _ = fill_altitude(track.time, track.alt_baro)
    ag, _ = fill_altitude(track.time, track.alt_geo)
    path = TrackPath.build(track.time, track.lon, track.lat, ab, ag, PATH_STEP_M)
    profile = VerticalProfile.build(
        pa.airspace.floor, pa.airspace.ceiling, path.alt_baro, path.alt_geo
    )
    warnings = tuple(f"vertical status unknown: {r}" for r in profile.reasons())
    vert = _Vertical.build(profile)

    # fixes and path points in the plane; path point -> (fix, time fraction to the next fix)
    fx, fy = local_xy(track.lon, track.lat, pa.center_lon, pa.center_lat)
    x, y = local_xy(path.lon, path.lat, pa.center_lon, pa.center_lat)
    npath = len(path)
    if n > 1:
        fi = np.clip(np.searchsorted(track.time, path.time, side="right") - 1, 0, n - 2)
        w = np.clip((path.time - track.time[fi]) / (track.time[fi + 1] - track.time[fi]), 0, 1)
        vel = (np.gradient(fx, track.time), np.gradient(fy, track.time))
    else:
        fi, w = np.zeros(1, np.int64), np.zeros(1)
        vel = (np.zeros(1), np.zeros(1))
    sig_h = model.horizontal_sigma(track.accuracy_h)
    sig_fix = np.hypot(sig_h, np.hypot(*vel) * model.sigma_t_s)
    nxt = np.minimum(fi + 1, n - 1)
    margin = MARGIN_SIGMAS * np.maximum(sig_fix[fi], sig_fix[nxt]) + 1.0

    # nominal lateral state: far points and segments keep it in every sample
    r = np.hypot(x, y)
    near_pt = r <= pa.radius_m * 1.01 + margin + 10.0
    seg_len = np.hypot(np.diff(x), np.diff(y))
    seg_margin = np.maximum(margin[:-1], margin[1:])
    near_seg = np.minimum(r[:-1], r[1:]) <= pa.radius_m * 1.01 + seg_margin + seg_len + 10.0
    inside = np.zeros(npath, bool)
    dist = np.full(npath, np.inf)
    inside[near_pt] = shapely.contains_xy(pa.shape, x[near_pt], y[near_pt])
    pts_geom = shapely.points(x[near_pt], y[near_pt])
    dist[near_pt] = shapely.distance(pts_geom, pa.boundary)
    unc_seg = np.zeros(max(npath - 1, 0), bool)
    if near_seg.any():
        sidx = np.flatnonzero(near_seg)
        xy = np.column_stack([x, y])
        lines = shapely.linestrings(np.stack([xy[sidx], xy[sidx + 1]], axis=1))
        unc_seg[sidx] = shapely.distance(lines, pa.boundary) <= seg_margin[sidx]
    in_seg = ~unc_seg & inside[:-1] & near_seg
    unc_pt = dist <= margin
    # inward normal at the nearest boundary point, for linearised depths
    nx, ny = np.zeros(npath), np.zeros(npath)
    if near_pt.any():
        near_xy = shapely.get_coordinates(shapely.shortest_line(pts_geom, pa.boundary))
        qx, qy = near_xy[1::2, 0], near_xy[1::2, 1]
        dx, dy = x[near_pt] - qx, y[near_pt] - qy
        dd = np.hypot(dx, dy)
        sgn = np.where(inside[near_pt], 1.0, -1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            nx[near_pt] = np.where(dd > 0, sgn * dx / dd, 0.0)
            ny[near_pt] = np.where(dd > 0, sgn * dy / dd, 0.0)
    sdist = np.where(inside, dist, -dist)

    # active segments and points
    seg_unc = np.flatnonzero(unc_seg)
    seg_in = np.flatnonzero(in_seg)
    act_mask = np.zeros(npath, bool)
    for s in (seg_unc, seg_in):
        act_mask[s] = True
        act_mask[s + 1] = True
    act_mask |= (near_pt & inside) | unc_pt
    act = np.flatnonzero(act_mask)
    if act.size == 0:
        return _result(model, samples, seed, warnings)
    pos = np.full(npath, -1, np.int64)
    pos[act] = np.arange(act.size)
    u_seg, i_seg = pos[seg_unc], pos[seg_in]  # start points (into act) of the segments
    covered = np.zeros(npath, bool)
    covered[seg_unc] = True
    covered[seg_unc + 1] = True
    lone = pos[np.flatnonzero(unc_pt & ~covered)]

    # segment x chord candidate pairs (nominal boxes padded by the margin)
    pair_seg = np.empty(0, np.int64)
    pair_edge = np.empty(0, np.int64)
    if seg_unc.size:
        pad = seg_margin[seg_unc]
        boxes = shapely.box(
            np.minimum(x[seg_unc], x[seg_unc + 1]) - pad,
            np.minimum(y[seg_unc], y[seg_unc + 1]) - pad,
            np.maximum(x[seg_unc], x[seg_unc + 1]) + pad,
            np.maximum(y[seg_unc], y[seg_unc + 1]) + pad,
        )
        pair_seg, pair_edge = pa.tree.query(boxes, predicate="intersects")
        order = np.lexsort((pair_edge, pair_seg))
        pair_seg, pair_edge = pair_seg[order].astype(np.int64), pair_edge[order].astype(np.int64)
    counts = np.bincount(pair_seg, minlength=seg_unc.size)
    kmax = int(counts.max()) if counts.size else 0
    starts = np.cumsum(counts) - counts
    rank = np.arange(pair_seg.size) - np.repeat(starts, counts)
    has = counts > 0
    # runs of consecutive uncertain segments: state at their first point, then parity
    runs = _runs(unc_seg)
    run_id = np.full(seg_unc.size, -1, np.int64)
    run_first = np.empty(len(runs), np.int64)
    for k, (a, b) in enumerate(runs):
        lo_k = np.searchsorted(seg_unc, a)
        hi_k = np.searchsorted(seg_unc, b)
        run_id[lo_k : hi_k + 1] = k
        run_first[k] = lo_k

    # errors are drawn at the fixes the active points depend on
    need = np.unique(np.concatenate([fi[act], nxt[act]]))
    ia, ib = np.searchsorted(need, fi[act]), np.searchsorted(need, nxt[act])
    wa = w[act][:, None]
    vel_need = (vel[0][need], vel[1][need])
    ax0, ay0 = x[act][:, None], y[act][:, None]
    dt_in = np.diff(path.time)[seg_in][:, None]
    dt_unc = np.diff(path.time)[seg_unc][:, None]

    rng = np.random.default_rng(seed)
    vertical = bool(vert.floor or vert.ceiling)  # no vertical draws for SFC-UNL
    per_sample = act.size + need.size + pair_seg.size + seg_unc.size * (kmax + 2)
    chunk = max(1, min(samples, CHUNK_ELEMENTS // max(1, per_sample)))
    entered_all: list[B2] = []
    lateral_all: list[B2] = []
    dur_all: list[F64] = []
    depth_all: list[F64] = []
    done = 0
    while done < samples:
        m = min(chunk, samples - done)
        done += m
        ex, ey, ez = model.sample(track.time[need], sig_h[need], m, rng, vel_need, vertical)
        ex = (1 - wa) * ex[ia] + wa * ex[ib]
        ey = (1 - wa) * ey[ia] + wa * ey[ib]
        ez = (1 - wa) * ez[ia] + wa * ez[ib]
        px, py = ax0 + ex, ay0 + ey
        lat_pt = np.repeat(inside[act][:, None], m, axis=1)
        vert_pt = vert.at_points(act, ez)
        dur = np.zeros(m)
        ent = np.zeros(m, bool)
        lat_any = lat_pt.any(axis=0)
        if seg_in.size:
            lo, hi = vert.on_segments(act, ez, i_seg)
            ov = np.clip(hi - lo, 0.0, None)
            dur += (ov * dt_in).sum(axis=0)
            ent |= (ov > 0).any(axis=0)
        if seg_unc.size:
            s, ok = _crossings(
                px[u_seg][pair_seg], py[u_seg][pair_seg],
                px[u_seg + 1][pair_seg], py[u_seg + 1][pair_seg], pa, pair_edge,
            )  # fmt: skip
            ncross = np.zeros((seg_unc.size, m), np.int64)
            if pair_seg.size:
                ncross[has] = np.add.reduceat(ok.astype(np.int64), starts[has], axis=0)
            # state at each run's first point, then parity of crossings along the run
            first_pt = u_seg[run_first]
            st_first = np.repeat(inside[act][first_pt][:, None], m, axis=1)
            for k, p in enumerate(first_pt):
                if unc_pt[act[p]]:
                    st_first[k] = shapely.contains_xy(pa.shape, px[p], py[p])
            cum = np.cumsum(ncross, axis=0) - ncross  # crossings before each segment
            cum_run = cum - cum[run_first][run_id]
            st0 = st_first[run_id] ^ (cum_run % 2 == 1)
            st1 = st0 ^ (ncross % 2 == 1)
            lat_pt[u_seg] = st0
            lat_pt[u_seg + 1] = st1
            # pieces between sorted crossings; piece k is inside when st0 xor (k odd)
            # (segments, samples, crossings), crossings contiguous for the sort
            cr = np.full((seg_unc.size, m, kmax), 1.0)
            cr[pair_seg, :, rank] = np.where(ok, s, 1.0)
            cr.sort(axis=2)
            zero = np.zeros((seg_unc.size, m, 1))
            bnd = np.concatenate([zero, cr, zero + 1.0], axis=2)
            odd = np.arange(kmax + 1) % 2 == 1
            pin = st0[:, :, None] ^ odd
            plen = bnd[:, :, 1:] - bnd[:, :, :-1]
            lat_any |= ((plen > 0) & pin).any(axis=(0, 2))
            lo, hi = vert.on_segments(act, ez, u_seg)
            ov = np.minimum(bnd[:, :, 1:], hi[:, :, None])
            ov -= np.maximum(bnd[:, :, :-1], lo[:, :, None])
            ov = (np.maximum(ov, 0.0) * pin).sum(axis=2)
            dur += (ov * dt_unc).sum(axis=0)
            ent |= (ov > 0).any(axis=0)
        if lone.size:  # uncertain points on no uncertain segment (a one-fix track)
            lat_pt[lone] = shapely.contains_xy(pa.shape, px[lone], py[lone])
            lat_any |= lat_pt[lone].any(axis=0)
        both = lat_pt & vert_pt
        ent |= both.any(axis=0)
        lat_any |= lat_pt.any(axis=0)
        lin = sdist[act][:, None] + nx[act][:, None] * ex + ny[act][:, None] * ey
        depth = np.where(both, np.maximum(lin, 0.0), 0.0).max(axis=0)
        entered_all.append(ent)
        lateral_all.append(lat_any)
        dur_all.append(dur)
        depth_all.append(depth)
    cat = np.concatenate
    return _result(
        model, samples, seed, warnings, cat(entered_all), cat(lateral_all), cat(dur_all),
        cat(depth_all),
    )  # fmt: skip


def _result(
    model: ErrorModel,
    samples: int,
    seed: int,
    warnings: tuple[str, ...],
    entered: B2 | None = None,
    lateral: B2 | None = None,
    durations: F64 | None = None,
    depths: F64 | None = None,
) -> EntryProbability:
    """The summary; no arrays: nothing entered."""
    k = int(entered.sum()) if entered is not None else 0
    p = k / samples
    none = np.empty(0)
    return EntryProbability(
        p_entry=p,
        stderr=math.sqrt(p * (1.0 - p) / samples),
        samples=samples,
        seed=seed,
        model=model,
        p_lateral=float(lateral.mean()) if lateral is not None else 0.0,
        entered_samples=k,
        duration_s=Spread.of(durations[entered] if durations is not None else none),
        max_depth_m=Spread.of(depths[entered] if depths is not None else none),
        warnings=warnings,
    )
