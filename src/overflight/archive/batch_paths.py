"""A batch's pieces laid end to end for the batched check (:mod:`.batch`).

A piece is plain when every segment is within the core check's densification step: its path
is its fixes; the path of another is the core check's own, with the points it inserts.
Segments are measured on the mean sphere and on the ellipsoid only near the step; each
path's own geodesics are computed later, for the windows used
(:class:`~overflight.geometry.path.PathSet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..analysis.check import MAX_SEGMENT_M
from ..geometry.geodesic import inverse
from ..geometry.path import PathSet, PathStore, TrackPath
from ..geometry.vertical import Availability, fill_altitude
from .pool import Job

__all__ = ["Paths", "plain_paths"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass
class Paths:
    """Every taken job's path end to end: job ``j``'s path points are ``off[j]:off[j + 1]``
    (its fixes, and where a segment is longer than the check's densification step, the
    points the core check inserts on it); ``has_next``: whether a point starts a segment of
    its job (all but each job's last). ``fix_time``, ``fix_off``: the jobs' own fixes' times
    (job ``j``'s are ``fix_off[j]:fix_off[j + 1]``), whose flags an incursion carries."""

    jobs: list[int]
    off: I64
    time: F64
    lon: F64
    lat: F64
    has_next: NDArray[np.bool_]
    paths: list[TrackPath]
    known: list[Availability]
    """Each path's :func:`~overflight.geometry.vertical.availability` (of its filled
    altitudes)."""
    fix_time: F64
    fix_off: I64
    alt_baro: F64
    """The paths' (filled) altitudes end to end, as ``time``."""
    alt_geo: F64

    def point_at(self, jj: I64, t: F64) -> tuple[F64, F64]:
        """Positions at times ``t`` of jobs ``jj`` (positions in ``self.jobs``): each path
        laid out over its own time only, so only the segments asked are computed."""
        return PathSet([self.paths[j] for j in jj.tolist()], windows=(t, t)).points_at(
            np.arange(jj.size), t
        )


_M_PER_DEG = 6_400_000.0 * np.pi / 180.0
"""Metres per degree of latitude or longitude, at most (the ellipsoid's radii of curvature
are at most a / sqrt(1 - e^2) = 6,399,594 m, at the poles)."""


def plain_paths(jobs: Sequence[Job]) -> tuple[Paths, list[bool]]:
    """The jobs of one fix or more, their paths end to end, and which jobs those are.

    A job whose segments are all within the check's densification step is *plain*: its path
    is its fixes (segments measured on the sphere, and only those near the step on the
    ellipsoid; the paths' own geodesics are computed later, for the segments used). The
    others' paths are those the core check builds (:meth:`TrackPath.build`, the same points
    to the bit)."""
    n = np.array([len(j.time) for j in jobs], np.int64)
    off = np.r_[0, np.cumsum(n)]
    time = _cat([j.time for j in jobs])
    lon = _cat([j.lon for j in jobs])
    lat = _cat([j.lat for j in jobs])
    last = np.zeros(lon.size, bool)
    last[off[1:] - 1] = True
    long = np.zeros(lon.size, bool)
    if lon.size > 1:
        # surely short: a geodesic is no longer than the meridian and the parallel between
        # its ends, each at most _RAD_M per radian (the ellipsoid's largest radius of
        # curvature); the others are measured (4 array passes, not a haversine's 15)
        dlon = np.abs(lon[1:] - lon[:-1])
        step = (np.abs(lat[1:] - lat[:-1]) + np.minimum(dlon, 360.0 - dlon)) * _M_PER_DEG
        maybe = np.flatnonzero(~(step <= MAX_SEGMENT_M) & ~last[:-1])
        if maybe.size:
            _, _, d = inverse(lon[maybe], lat[maybe], lon[maybe + 1], lat[maybe + 1])
            long[maybe] = d > MAX_SEGMENT_M
    dense = np.add.reduceat(long.astype(np.int64), off[:-1]) > 0 if jobs else np.empty(0, bool)
    taken = [bool(k >= 1) for k in n]
    keep = [i for i, p in enumerate(taken) if p]
    k_n = n[keep]
    # finite altitudes per job, counted at once: only series with some missing are filled
    # (fill_altitude returns the others as they are), and a filled series is finite
    # everywhere or nowhere, so its availability is known from the counts
    nb = _finite_counts([jobs[i].baro for i in keep], k_n)
    ng = _finite_counts([jobs[i].geo for i in keep], k_n)
    paths = []
    known: list[Availability] = []
    fixes = np.ones(int(k_n.max()) if k_n.size else 0, bool)  # (a plain path's: read only)
    for i, cb, cg, m in zip(keep, nb.tolist(), ng.tolist(), k_n.tolist(), strict=True):
        job = jobs[i]
        ab = job.baro if cb in (0, m) else fill_altitude(job.time, job.baro)[0]
        ag = job.geo if cg in (0, m) else fill_altitude(job.time, job.geo)[0]
        if dense[i]:
            path = TrackPath.build(job.time, job.lon, job.lat, ab, ag, MAX_SEGMENT_M)
        else:
            path = TrackPath(job.time, job.lon, job.lat, ab, ag, fixes[:m])
        paths.append(path)
        known.append((cb > 0, cg > 0, cb > 0, cg > 0))
    p_n = np.array([len(p) for p in paths], np.int64)
    p_off = np.r_[0, np.cumsum(p_n)].astype(np.int64)
    p_last = np.zeros(int(p_off[-1]), bool)
    p_last[p_off[1:] - 1] = True
    plain = len(keep) == len(jobs) and not dense.any()
    fix_time = time if len(keep) == len(jobs) else _cat([jobs[i].time for i in keep])
    if plain:  # every path is its job's fixes: the jobs' columns end to end, as they are
        store = PathStore(time, lon, lat, p_off)
    else:
        store = PathStore(
            _cat([p.time for p in paths]),
            _cat([p.lon for p in paths]),
            _cat([p.lat for p in paths]),
            p_off,
        )
    for i, path in enumerate(paths):  # its points lie in the store as they are
        object.__setattr__(path, "at", (store, i))
    return (
        Paths(
            keep,
            p_off,
            store.time,
            store.lon,
            store.lat,
            ~p_last,
            paths,
            known,
            fix_time,
            np.r_[0, np.cumsum(k_n)].astype(np.int64),
            _cat([p.alt_baro for p in paths]),
            _cat([p.alt_geo for p in paths]),
        ),
        taken,
    )


def _cat(parts: list[F64]) -> F64:
    return np.concatenate(parts) if parts else np.empty(0)


def _finite_counts(series: list[F64], n: I64) -> I64:
    """How many finite values each series (of ``n`` values, each at least one) has."""
    if not series:
        return np.zeros(0, np.int64)
    finite = np.isfinite(np.concatenate(series))
    return np.add.reduceat(finite.astype(np.int64), np.cumsum(n) - n)
