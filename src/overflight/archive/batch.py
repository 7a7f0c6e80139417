"""The exact check of many finished pieces at once: one batch of a scan in few vectorised calls.

:func:`overflight.archive.pool.check_piece` runs the core check piece by piece; its cost is
mostly Python and per-call overhead of small geodesic computations. :func:`check_jobs` gives
the same rows for a whole batch of pieces (*jobs*) by doing the expensive steps of the core
check for every (piece, airspace) pair together:

- the segments' geodesic lengths and azimuths, once;
- the exact crossings of the segments with the polygons' geodesic edges: candidate
  (segment, edge) pairs from each polygon's cached edge tree (the same padded boxes as
  :func:`overflight.geometry.crossing.candidate_pairs`), then the exact side predicates and
  the crossing root search of :mod:`overflight.geometry.crossing` over all of them at once;
- where each piece starts (outside the polygon's cap, or ``crossing.is_inside``);
- the deepest point: inside circles the exact search of
  :mod:`overflight.geometry.extremum`, elsewhere its sampled search
  (:func:`~overflight.geometry.extremum.distance_extrema`), for all incursions together.

Every computation is element-wise the one of the core check, so times and positions are the
same to the last bit where the steps are shared: the vertical split is
:func:`~overflight.analysis.vertical_many.vertical_pieces_many` (the core check's split for
many intervals at once, element-wise the same), activation and incursion records are the core
check's own functions. Pieces the batched path does not take
(several polygons, segments longer than the check's densification step) go through
:func:`check_piece` unchanged.

>>> from overflight.model import Airspace, Circle, Polygon, VerticalLimit
>>> from overflight.archive.index import AirspaceIndex
>>> from overflight.archive.pool import Job
>>> zone = Airspace("R1", "R", (Polygon(Circle(0.0, 0.0, 10_000.0)),),
...                 VerticalLimit.surface(), VerticalLimit.unlimited())
>>> job = Job("abc123", None, 0.0, [0], np.array([0.0, 100.0]), np.array([0.0, 0.0]),
...           np.array([-0.2, 0.2]), np.full(2, 1000.0), np.full(2, np.nan), np.zeros(2, np.uint8))
>>> [round(r["entry_time"] / 1e6, 2) for r in check_jobs(AirspaceIndex([zone]), [job])]
[27.54]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analysis.activation import split_by_activation
from ..analysis.check import MAX_SEGMENT_M, PreparedAirspace, make_incursion
from ..analysis.lateral import union_intervals
from ..analysis.vertical_many import vertical_pieces_many
from ..geometry.boundary import PolygonEdges
from ..geometry.circle_pairs import circle_candidates, ring_angles
from ..geometry.crossing import (
    box_bounds,
    crossing_pairs,
    edge_bounds,
    edge_boxes,
    edge_tree,
    is_inside_many,
    near_pairs,
    near_pairs_xy,
    segment_pad,
)
from ..geometry.extremum import deepest_in_circles, distance_extrema
from ..geometry.frame import local_xy, plane_error
from ..geometry.geodesic import inverse
from ..geometry.path import PathSet, TrackPath
from ..geometry.vertical import Availability, VerticalProfile, availability, fill_altitude
from .index import AirspaceIndex, haversine
from .pool import Job, check_piece, row_of

__all__ = ["check_jobs"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Rows = list[dict[str, Any]]


@dataclass
class _Paths:
    """Every plain job's fixes end to end: job ``j`` holds fixes ``off[j]:off[j + 1]``;
    ``has_next``: whether a fix starts a segment of its job (all but each job's last)."""

    jobs: list[int]
    off: I64
    time: F64
    lon: F64
    lat: F64
    has_next: NDArray[np.bool_]
    paths: list[TrackPath]

    def point_at(self, jj: I64, t: F64) -> tuple[F64, F64]:
        """Positions at times ``t`` of jobs ``jj`` (positions in ``self.jobs``): each path
        laid out over its own time only, so only the segments asked are computed."""
        return PathSet([self.paths[j] for j in jj.tolist()], windows=(t, t)).points_at(
            np.arange(jj.size), t
        )


_SPHERE_SLACK = 1.01
"""The mean sphere's distances are within 0.6 % of the ellipsoid's: a segment that short
there, with this factor to spare, is surely within the densification step."""


def _plain_paths(jobs: Sequence[Job]) -> tuple[_Paths, list[bool]]:
    """The jobs whose segments are all within the check's densification step (their path is
    their fixes), end to end, and which jobs those are. Segments are measured on the sphere
    and only those near the step on the ellipsoid; the paths' own geodesics are computed
    later, for the segments used."""
    n = np.array([len(j.time) for j in jobs], np.int64)
    off = np.r_[0, np.cumsum(n)]
    lon = np.concatenate([j.lon for j in jobs]) if jobs else np.empty(0)
    lat = np.concatenate([j.lat for j in jobs]) if jobs else np.empty(0)
    last = np.zeros(lon.size, bool)
    last[off[1:] - 1] = True
    long = np.zeros(lon.size, bool)
    if lon.size > 1:
        h = haversine(lon[:-1], lat[:-1], lon[1:], lat[1:])
        maybe = np.flatnonzero(~(h * _SPHERE_SLACK <= MAX_SEGMENT_M) & ~last[:-1])
        if maybe.size:
            _, _, d = inverse(lon[maybe], lat[maybe], lon[maybe + 1], lat[maybe + 1])
            long[maybe] = d > MAX_SEGMENT_M
    bad = np.add.reduceat(long.astype(np.int64), off[:-1]) > 0 if jobs else np.empty(0, bool)
    plain = [bool(not b and k >= 2) for b, k in zip(bad, n, strict=True)]
    keep = [i for i, p in enumerate(plain) if p]
    sel = (
        np.concatenate([np.arange(off[i], off[i + 1]) for i in keep])
        if keep
        else np.empty(0, np.int64)
    )
    k_n = n[keep]
    paths = []
    for i in keep:
        job = jobs[i]
        ab, _ = fill_altitude(job.time, job.baro)
        ag, _ = fill_altitude(job.time, job.geo)
        paths.append(TrackPath(job.time, job.lon, job.lat, ab, ag, np.ones(len(job.time), bool)))
    return (
        _Paths(
            keep,
            np.r_[0, np.cumsum(k_n)].astype(np.int64),
            np.concatenate([jobs[i].time for i in keep]) if keep else np.empty(0),
            lon[sel],
            lat[sel],
            ~last[sel],
            paths,
        ),
        plain,
    )


def _crossings(
    P: _Paths, pairs: list[tuple[int, int]], preps: dict[int, PreparedAirspace]
) -> tuple[I64, I64, F64]:
    """Every crossing of the pairs' segments with their polygon's edges: (pair, global
    segment, fraction), sorted by pair, then along the track."""
    pj = np.array([p[0] for p in pairs], np.int64)
    pk = np.array([p[1] for p in pairs], np.int64)
    # pairs grouped by airspace (in order of first appearance), then every fix of each
    uk, first_at, rank = np.unique(pk, return_index=True, return_inverse=True)
    order = np.argsort(first_at[rank], kind="stable")
    lens = (P.off[pj + 1] - P.off[pj])[order]
    cum = np.cumsum(lens)
    fx = np.repeat(P.off[pj[order]] - (cum - lens), lens) + np.arange(int(cum[-1]))
    owner = np.repeat(order, lens)
    kf = rank[owner]  # the airspace of each fix, as its position in uk
    pes = [preps[int(k)].polygons[0] for k in uk]
    k_lon, k_lat, k_r = (
        np.array([getattr(pe, a) for pe in pes]) for a in ("center_lon", "center_lat", "radius_m")
    )
    x, y = local_xy(P.lon[fx], P.lat[fx], k_lon, k_lat, kf)
    s = np.flatnonzero(P.has_next[fx])  # every fix but each job's last
    x1, y1, x2, y2 = x[s], y[s], x[s + 1], y[s + 1]
    # only segments that come within the polygon's reach of its centre can meet an edge
    dx, dy = x2 - x1, y2 - y1
    u = np.clip(-(x1 * dx + y1 * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    r = k_r[kf[s]]
    s = s[np.hypot(x1 + u * dx, y1 + u * dy) <= r * (1.0 + 3.0 * plane_error(r)) + 1_000.0]
    n_edges = np.array([len(pe) for pe in pes], np.int64)
    few = n_edges[kf[s]] <= _FEW_EDGES
    sf, s = s[few], s[~few]
    tp, tg, tl1, ta1, tl2, ta2, taz = [], [], [], [], [], [], []
    rings = [ring_angles(pe) if len(pe) > _FEW_EDGES else None for pe in pes]
    circ = np.array([r is not None for r in rings], bool)[kf[s]]
    sc, s = s[circ], s[~circ]
    if sc.size:
        # circles: all their segments at once, each against the chords its angles reach
        uc, slot = np.unique(kf[sc], return_inverse=True)
        cpes = [pes[int(k)] for k in uc]
        si, ej = circle_candidates(
            x[sc],
            y[sc],
            x[sc + 1],
            y[sc + 1],
            slot,
            [rings[int(k)] for k in uc],  # type: ignore[misc]
        )
        ej = ej + (np.cumsum(n_edges[uc]) - n_edges[uc])[slot[si]]  # numbered across cpes
        g = sc[si]
        planes = [pe.plane() for pe in cpes]
        ex1, ey1, ex2, ey2 = (np.concatenate([pl[c] for pl in planes])[ej] for c in range(4))
        keep = near_pairs_xy(x[g], y[g], x[g + 1], y[g + 1], ex1, ey1, ex2, ey2)
        g, ej = g[keep], ej[keep]
        tp.append(owner[g])
        tg.append(fx[g])
        for out, attr in ((tl1, "lon1"), (ta1, "lat1"), (tl2, "lon2"), (ta2, "lat2")):
            out.append(np.concatenate([getattr(pe, attr) for pe in cpes])[ej])
        taz.append(np.concatenate([pe.geodesics()[0] for pe in cpes])[ej])
    group = np.flatnonzero(np.r_[True, kf[s][1:] != kf[s][:-1], True]) if s.size else []
    for a, b in itertools.pairwise(group):
        sk = s[a:b]
        pe = pes[int(kf[sk[0]])]
        x1, y1, x2, y2 = x[sk], y[sk], x[sk + 1], y[sk + 1]
        pad = segment_pad(x1, y1, x2, y2)
        si, ej = edge_tree(pe).query(edge_boxes(x1, y1, x2, y2, pad), predicate="intersects")
        keep = near_pairs(x1[si], y1[si], x2[si], y2[si], ej, pe)
        si, ej = si[keep], ej[keep]
        if si.size == 0:
            continue
        tp.append(owner[sk[si]])
        tg.append(fx[sk[si]])
        tl1.append(pe.lon1[ej])
        ta1.append(pe.lat1[ej])
        tl2.append(pe.lon2[ej])
        ta2.append(pe.lat2[ej])
        taz.append(pe.geodesics()[0][ej])
    if sf.size:
        si, ej = _few_edge_pairs(x, y, sf, kf[sf], pes, n_edges)
        e_lon1, e_lat1, e_lon2, e_lat2 = (
            np.concatenate([getattr(pe, a) for pe in pes]) for a in ("lon1", "lat1", "lon2", "lat2")
        )
        tp.append(owner[si])
        tg.append(fx[si])
        tl1.append(e_lon1[ej])
        ta1.append(e_lat1[ej])
        tl2.append(e_lon2[ej])
        ta2.append(e_lat2[ej])
        taz.append(np.concatenate([pe.geodesics()[0] for pe in pes])[ej])
    if not tp:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    pair, g = np.concatenate(tp), np.concatenate(tg)
    plon, plat, qlon, qlat, az = (np.concatenate(v) for v in (tl1, ta1, tl2, ta2, taz))
    k, t = crossing_pairs(
        P.lon[g], P.lat[g], P.lon[g + 1], P.lat[g + 1], plon, plat, qlon, qlat, az
    )
    pair, g = pair[k], g[k]
    order = np.lexsort((t, g, pair))
    return pair[order], g[order], t[order]


_FEW_EDGES = 64
"""Polygons with at most this many edges meet each segment's box against all their edges
(no edge tree); in chunks of ``_PAIRS`` (segment, edge) pairs."""
_PAIRS = 500_000


def _few_edge_pairs(
    x: F64, y: F64, seg: I64, poly: I64, pes: Sequence[PolygonEdges], n_edges: I64
) -> tuple[I64, I64]:
    """(segment, edge) pairs of segments ``seg`` (fix ``seg`` to ``seg + 1`` in the plane
    ``x``, ``y`` of polygon ``pes[poly]``) whose padded boxes overlap and that pass
    :func:`~overflight.geometry.crossing.near_pairs`: what the edge tree's query and
    ``near_pairs`` give. Runs of up to :data:`_RUN` consecutive segments of one polygon
    first keep the edges whose boxes meet the run's box (every box of the run lies in it),
    then each segment's box meets those. Edges are numbered across ``pes`` end to end."""
    planes = [pe.plane() for pe in pes]
    ex1, ey1, ex2, ey2 = (np.concatenate([pl[k] for pl in planes]) for k in range(4))
    eb = [np.concatenate([edge_bounds(pe)[k] for pe in pes]) for k in range(4)]
    first = np.cumsum(n_edges) - n_edges
    sx1, sy1, sx2, sy2 = x[seg], y[seg], x[seg + 1], y[seg + 1]
    sb = box_bounds(sx1, sy1, sx2, sy2, segment_pad(sx1, sy1, sx2, sy2))
    # runs of consecutive segments of one polygon, and the edges meeting each run's box
    n = seg.size
    new_poly = np.r_[True, poly[1:] != poly[:-1]]
    pos = np.arange(n) - np.flatnonzero(new_poly)[np.cumsum(new_poly) - 1]
    new_run = new_poly | (pos % _RUN == 0)
    heads = np.flatnonzero(new_run)
    run = np.cumsum(new_run) - 1
    rb = (
        np.minimum.reduceat(sb[0], heads),
        np.minimum.reduceat(sb[1], heads),
        np.maximum.reduceat(sb[2], heads),
        np.maximum.reduceat(sb[3], heads),
    )
    per_r = n_edges[poly[heads]]
    ri = np.repeat(np.arange(heads.size), per_r)
    rj = np.repeat(first[poly[heads]] - (np.cumsum(per_r) - per_r), per_r) + np.arange(
        int(per_r.sum())
    )
    meet = (rb[0][ri] <= eb[2][rj]) & (eb[0][rj] <= rb[2][ri])
    meet &= (rb[1][ri] <= eb[3][rj]) & (eb[1][rj] <= rb[3][ri])
    ri, rj = ri[meet], rj[meet]
    cnt = np.bincount(ri, minlength=heads.size)
    r_first = np.cumsum(cnt) - cnt
    per = cnt[run]
    out_s, out_e = [], []
    cut = np.searchsorted(np.cumsum(per), np.arange(1, 1 + per.sum() // _PAIRS) * _PAIRS)
    for part in np.split(np.arange(n), np.unique(cut)):
        if part.size == 0:
            continue
        pp = per[part]
        pi = np.repeat(part, pp)
        ej = rj[np.repeat(r_first[run[part]] - (np.cumsum(pp) - pp), pp) + np.arange(pp.sum())]
        hit = sb[0][pi] <= eb[2][ej]
        hit &= eb[0][ej] <= sb[2][pi]
        hit &= sb[1][pi] <= eb[3][ej]
        hit &= eb[1][ej] <= sb[3][pi]
        pi, ej = pi[hit], ej[hit]
        g = seg[pi]
        keep = near_pairs_xy(x[g], y[g], x[g + 1], y[g + 1], ex1[ej], ey1[ej], ex2[ej], ey2[ej])
        out_s.append(seg[pi[keep]])
        out_e.append(ej[keep])
    if not out_s:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_s), np.concatenate(out_e)


_RUN = 16
"""Consecutive segments of one polygon whose edges are first matched as one box."""


def _starts_inside(
    P: _Paths, pairs: list[tuple[int, int]], preps: dict[int, PreparedAirspace], index: Any
) -> NDArray[np.bool_]:
    """Whether each pair's piece starts inside: outside the airspace's cap for sure (almost
    always: pieces start out of reach), else :func:`~overflight.geometry.crossing.is_inside`."""
    j = np.array([p[0] for p in pairs], np.int64)
    k = np.array([p[1] for p in pairs], np.int64)
    first = P.off[j]
    d = haversine(P.lon[first], P.lat[first], index.cap_lon[k], index.cap_lat[k])
    out = np.zeros(len(pairs), bool)
    near = np.flatnonzero(d <= index.cap_r[k] * 1.01 + 1_000.0)
    if near.size:
        used, slot = np.unique(k[near], return_inverse=True)
        pes = [preps[int(kk)].polygons[0] for kk in used]
        out[near] = is_inside_many(P.lon[first[near]], P.lat[first[near]], slot, pes)
    return out


@dataclass
class _Stub:
    """One incursion found, before its depth and end points are computed."""

    pair: int
    t0: float
    t1: float
    status: str
    via0: str
    via1: str
    activation: str


def _stubs(
    P: _Paths,
    pairs: list[tuple[int, int]],
    preps: dict[int, PreparedAirspace],
    index: Any,
) -> tuple[list[_Stub], dict[int, VerticalProfile]]:
    """Every incursion of the pairs (before depth and end points), and the vertical profile
    of each pair that has a lateral interval (built only for those)."""
    cpair, cseg, cfrac = _crossings(P, pairs, preps)
    inside0 = _starts_inside(P, pairs, preps, index)
    ctime = P.time[cseg] + cfrac * (P.time[cseg + 1] - P.time[cseg]) if cseg.size else cfrac
    bounds = np.searchsorted(cpair, np.arange(len(pairs) + 1))
    iv_pair: list[int] = []
    iv_a: list[float] = []
    iv_b: list[float] = []
    for p, (j, _) in enumerate(pairs):
        times = ctime[bounds[p] : bounds[p + 1]].tolist()
        inside = bool(inside0[p])
        if not times and not inside:
            continue
        t_first, t_last = float(P.time[P.off[j]]), float(P.time[P.off[j + 1] - 1])
        lateral: list[tuple[float, float]] = []
        start = t_first if inside else None
        for tc in times:
            if inside:
                lateral.append((start, tc))  # type: ignore[arg-type]
            start = None if inside else tc
            inside = not inside
        if inside:
            lateral.append((start, t_last))  # type: ignore[arg-type]
        for ta, tb in union_intervals(lateral):
            iv_pair.append(p)
            iv_a.append(ta)
            iv_b.append(tb)
    profiles: dict[int, VerticalProfile] = {}
    known: dict[int, Availability] = {}  # per job
    for p in dict.fromkeys(iv_pair):
        j, k = pairs[p]
        path = P.paths[j]
        kn = known.get(j)
        if kn is None:
            kn = known[j] = availability(path.alt_baro, path.alt_geo)
        profiles[p] = VerticalProfile.build(
            preps[k].airspace.floor, preps[k].airspace.ceiling, path.alt_baro, path.alt_geo, kn
        )
    if not iv_pair:
        return [], profiles
    used = list(profiles)
    slot = {p: s for s, p in enumerate(used)}
    jobs_of = np.array([pairs[p][0] for p in iv_pair], np.int64)
    split = vertical_pieces_many(
        [P.paths[pairs[p][0]] for p in used],
        [profiles[p] for p in used],
        np.array([slot[p] for p in iv_pair], np.int64),
        np.array(iv_a),
        np.array(iv_b),
        P.time[P.off[jobs_of]],
        P.time[P.off[jobs_of + 1] - 1],
    )
    out: list[_Stub] = []
    for p, pieces in zip(iv_pair, split, strict=True):
        windows = preps[pairs[p][1]].windows
        for p0, p1, status, v0, v1 in pieces:
            if status not in ("inside", "unknown"):
                continue
            for a0, a1, act in split_by_activation(p0, p1, windows):
                out.append(
                    _Stub(
                        p,
                        a0,
                        a1,
                        status,
                        v0 if a0 == p0 else "activation",
                        v1 if a1 == p1 else "activation",
                        act,
                    )
                )
    return out, profiles


def check_jobs(index: AirspaceIndex, jobs: Sequence[Job]) -> Rows:
    """Incursion rows of every job: those of :func:`check_piece` on each, computed together."""
    if not jobs:
        return []
    P, plain = _plain_paths(jobs)
    pos = {j: i for i, j in enumerate(P.jobs)}
    rows: Rows = []
    pairs: list[tuple[int, int]] = []
    preps: dict[int, PreparedAirspace] = {}
    for ji, job in enumerate(jobs):
        slow: list[int] = []
        for k in job.near:
            prep = index.prepared(k)
            if prep is None:
                continue
            if plain[ji] and len(prep.polygons) == 1:
                preps[k] = prep
                pairs.append((pos[ji], k))
            else:
                slow.append(k)
        if slow:
            rows += check_piece(index, replace(job, near=slow))
    if not pairs:
        return rows
    stubs, profiles = _stubs(P, pairs, preps, index)
    if not stubs:
        return rows
    jobs_of = np.array([pairs[s.pair][0] for s in stubs], np.int64)
    ends_lon, ends_lat = P.point_at(
        np.repeat(jobs_of, 2), np.array([v for s in stubs for v in (s.t0, s.t1)])
    )
    circ = [i for i, s in enumerate(stubs) if preps[pairs[s.pair][1]].outline.circle is not None]
    deep: list[tuple[float, float, float, float] | None] = [None] * len(stubs)
    found = deepest_in_circles(
        [
            (
                P.paths[int(jobs_of[i])],
                preps[pairs[stubs[i].pair][1]].outline.circle,
                stubs[i].t0,
                stubs[i].t1,
            )
            for i in circ
        ]  # type: ignore[misc]
    )
    for i, f in zip(circ, found, strict=True):
        deep[i] = f
    rest = [i for i, d in enumerate(deep) if d is None]
    stretches = []
    for i in rest:
        j, k = pairs[stubs[i].pair]
        stretches.append((P.paths[j], preps[k].outline, stubs[i].t0, stubs[i].t1))
    searched = distance_extrema(stretches, maximize=True)
    for i, f in zip(rest, searched, strict=True):
        deep[i] = f
    for i, s in enumerate(stubs):
        j, k = pairs[s.pair]
        path, prep = P.paths[j], preps[k]
        inc = make_incursion(
            path,
            prep,
            profiles[s.pair],
            s.t0,
            s.t1,
            s.status,
            s.via0,
            s.via1,
            ends=(ends_lon[2 * i : 2 * i + 2], ends_lat[2 * i : 2 * i + 2]),
            deepest=deep[i],
            activation=s.activation,  # type: ignore[arg-type]
        )
        rows.append(row_of(jobs[P.jobs[j]], k, prep, inc))
    return rows
